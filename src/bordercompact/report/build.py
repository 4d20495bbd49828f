"""Write the report of a finished run: one self-contained HTML page per language (styles,
script and SVG charts inline, nothing fetched), ``OUT_DIR/report/report.<lang>.html``,
written aside and renamed into place with its provenance."""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath

import jinja2

from bordercompact.region.workspace import atomic_run_dir, provenance, utc_now, write_provenance
from bordercompact.report.i18n import (
    PACKAGE,
    REPORT_LANGUAGES,
    Messages,
    ReportFormats,
    check_language,
    translations,
)
from bordercompact.report.panels import PANELS, Page
from bordercompact.report.results import RunResults

__all__ = ["REPORT_LANGUAGES", "render_report", "write_report"]

REPORT_DIR = "report"
TEMPLATE = "report.html.j2"


def write_report(
    run_dir: Path,
    out_dir: Path,
    languages: Sequence[str] = ("en",),
    *,
    run_place: Path | None = None,
) -> list[Path]:
    """Read the results in run_dir; write out_dir/report/report.<lang>.html for each
    language; return the paths written.

    Only the files of ``run_dir`` are read, so a report can be made again later from
    saved results; stages the run did not include get a panel saying so. The folder
    ``out_dir/report`` is written complete (with a ``provenance.json`` naming every file
    read) or not at all. An unknown language raises ValueError before anything is read.
    ``run_place`` is where its provenance says the run is, when it is written from a
    temporary folder (the job's)."""
    chosen = list(dict.fromkeys(languages))
    for language in chosen:
        check_language(language)
    started = utc_now()
    run = RunResults(Path(run_dir))
    target = Path(out_dir) / REPORT_DIR
    link_base = PurePath(os.path.relpath(run.root.absolute(), target.absolute())).as_posix()
    written = []
    with atomic_run_dir(target, overwrite=True) as staging:
        for language in chosen:
            path = staging / f"report.{language}.html"
            path.write_text(render_report(run, language, chosen, link_base), encoding="utf-8")
            written.append(path)
        record = provenance(
            command="report",
            parameters={
                "run": str(Path(run_place or run.root).absolute()),
                "out": str(Path(run_place or out_dir).absolute()),
                "languages": chosen,
            },
            inputs=sorted(run.read),
            input_root=run.root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return [target / path.name for path in written]


def render_report(
    run: RunResults, language: str, languages: Sequence[str] = (), link_base: str = ".."
) -> str:
    """The report page of ``run`` in ``language``, linking to the pages of the other
    ``languages`` beside it and to the run's files through ``link_base`` (the run dir
    seen from the report's folder)."""
    check_language(language)
    _ = Messages(language)
    formats = ReportFormats(language)
    page = Page(run, language, _, formats, link_base)
    panels = [build(page) for build in PANELS]
    environment = _environment(language)
    return environment.get_template(TEMPLATE).render(
        language=language,
        title=_("Joint climate-resilience report: %(region)s", region=run.region_name),
        panels=panels,
        others=[(code, formats.language_name(code)) for code in languages if code != language],
        version=_version(),
    )


def _environment(language: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(PACKAGE, "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return environment


def _version() -> str:
    try:
        return version("bordercompact")
    except PackageNotFoundError:
        return "?"
