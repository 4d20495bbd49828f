"""The compact stage's files (``RUN_DIR/compact/``, documented in
``docs/commands/compact.md``): the compact as data, its checks, one document per language
in Markdown, HTML and PDF, every earlier version, and the amendment to the last one."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bordercompact.compact.amend import amendment_markdown, as_amendment, same_terms
from bordercompact.compact.checks import CheckResult, check_compact
from bordercompact.compact.draft import CompactError, draft_compact
from bordercompact.compact.model import Compact
from bordercompact.compact.render import document_html, document_markdown, write_pdf
from bordercompact.region.workspace import atomic_run_dir, provenance, utc_now, write_provenance

COMPACT_DIR = "compact"
COMPACT_FILE = "compact.json"


@dataclass
class CompactRun:
    compact: Compact
    checks: list[CheckResult]
    previous: Compact | None  # the version it amends, if any
    folder: Path

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def load_compact(path: Path) -> Compact:
    """A compact written by :func:`compact_into`: its ``compact.json``, or the folder
    (a compact folder, or a run dir with one) holding it."""
    path = Path(path)
    for candidate in (path, path / COMPACT_FILE, path / COMPACT_DIR / COMPACT_FILE):
        if candidate.is_file():
            try:
                return Compact.model_validate_json(candidate.read_text(encoding="utf-8"))
            except (ValidationError, UnicodeDecodeError) as exc:
                raise CompactError(
                    f"{candidate}: not a compact written by bordercompact ({exc})"
                ) from exc
    raise CompactError(f"{path}: no {COMPACT_FILE}; expected a compact folder or its run dir")


def compact_into(
    run_dir: Path,
    out: Path,
    *,
    amends: Path | None = None,
    region_root: Path | None = None,
    run_place: Path | None = None,
    pdf: bool = True,
) -> CompactRun:
    """Draw the compact from ``run_dir``, check it, and write it into ``out/compact``
    (complete or not at all). The compact already there (or ``amends``) is the version it
    amends when its terms differ; earlier versions are kept in ``versions/``.
    ``run_place`` is where the run will be, when it is drawn from a temporary folder."""
    started = utc_now()
    compact = draft_compact(run_dir, region_root, run_place=run_place)
    target = Path(out) / COMPACT_DIR
    source = amends if amends is not None else target if (target / COMPACT_FILE).is_file() else None
    previous = load_compact(source) if source is not None else None
    if previous is not None:
        if same_terms(previous, compact):
            compact = compact.model_copy(
                update={"version": previous.version, "amends": previous.amends}
            )
            previous = None
        else:
            compact = as_amendment(previous, compact)
    checks = check_compact(compact)
    with atomic_run_dir(target, overwrite=True) as staging:
        written = write_compact(compact, checks, previous, staging, pdf=pdf)
        if source is not None:
            written += _keep_versions(Path(source), staging, compact.version)
        record = provenance(
            command="compact",
            parameters={
                "run": str(Path(run_place or run_dir).absolute()),
                "out": str(Path(run_place or out).absolute()),
                "amends": None if previous is None else previous.version,
                "version": compact.version,
            },
            inputs=[Path(run_dir) / "provenance.json"],
            input_root=Path(run_dir),
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return CompactRun(compact, checks, previous, target.absolute())


def write_compact(
    compact: Compact,
    checks: list[CheckResult],
    previous: Compact | None,
    folder: Path,
    *,
    pdf: bool = True,
) -> list[Path]:
    """``compact.json``, ``checks.json``, ``compact.<lang>.md``/``.html``/``.pdf`` per
    language, ``versions/v<N>.json``, and with ``previous``, ``amendment-v<N>.<lang>.md``
    and ``.html``."""
    written = [folder / COMPACT_FILE, folder / "checks.json"]
    written[0].write_text(compact.model_dump_json(indent=2) + "\n", encoding="utf-8")
    written[1].write_text(
        json.dumps(
            {
                "passed": all(c.passed for c in checks),
                "checks": [
                    {
                        "check": c.check,
                        "article": c.article,
                        "where": c.where,
                        "passed": c.passed,
                        "detail": c.detail,
                    }
                    for c in checks
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    versions = folder / "versions"
    versions.mkdir(exist_ok=True)
    shutil.copyfile(written[0], versions / f"v{compact.version}.json")
    written.append(versions / f"v{compact.version}.json")
    for language in compact.languages:
        locale = compact.locales.get(language, language)
        title = compact.title.get(language) or next(iter(compact.title.values()))
        markdown = document_markdown(compact, language, locale)
        html = document_html(markdown, language, title)
        stem = f"compact.{language}"
        (folder / f"{stem}.md").write_text(markdown, encoding="utf-8")
        (folder / f"{stem}.html").write_text(html, encoding="utf-8")
        written += [folder / f"{stem}.md", folder / f"{stem}.html"]
        if pdf:
            write_pdf(html, folder / f"{stem}.pdf")
            written.append(folder / f"{stem}.pdf")
        if previous is not None:
            change = amendment_markdown(previous, compact, language)
            stem = f"amendment-v{compact.version}.{language}"
            (folder / f"{stem}.md").write_text(change, encoding="utf-8")
            (folder / f"{stem}.html").write_text(
                document_html(change, language, title), encoding="utf-8"
            )
            written += [folder / f"{stem}.md", folder / f"{stem}.html"]
    return written


def _keep_versions(source: Path, staging: Path, current: int) -> list[Path]:
    """The earlier versions' files of the compact being amended, and their amendments."""
    folder = source if source.is_dir() else source.parent
    if (folder / COMPACT_DIR).is_dir():
        folder = folder / COMPACT_DIR
    kept = []
    for old in sorted((folder / "versions").glob("v*.json")):
        if old.name != f"v{current}.json":
            shutil.copyfile(old, staging / "versions" / old.name)
            kept.append(staging / "versions" / old.name)
    for old in sorted(folder.glob("amendment-v*.*")):
        if not (staging / old.name).exists():
            shutil.copyfile(old, staging / old.name)
            kept.append(staging / old.name)
    return kept
