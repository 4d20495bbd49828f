"""The panels of the record: the compact's documents and checks, the harmonization
log and the provenance, and the open-data files."""

from __future__ import annotations

import datetime as dt
import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from bordercompact.report.blocks import Cell, Details, Facts, Links, Markdown, Panel, Table, Text
from bordercompact.report.i18n import REPORT_LANGUAGES
from bordercompact.report.panels.page import Page, checks_table

#: The compact's documents, in the order they are offered.
COMPACT_FORMATS = (("html", "HTML"), ("pdf", "PDF"), ("md", "Markdown"))
#: A compact document of the run: its language and format.
COMPACT_DOCUMENT = re.compile(r"compact/compact\.([\w-]+)\.(html|pdf|md)")


def compact(page: Page) -> Panel:
    """Links to the compact's documents in each language (compact/compact.<lang>.*) and
    its consistency checks (compact/checks.json)."""
    _, run = page._, page.run
    panel = Panel("compact", _("The compact"))
    named = (COMPACT_DOCUMENT.fullmatch(f) for f in run.files("compact"))
    documents = {(found[1], found[2]) for found in named if found}
    if not run.has_stage("compact") and not documents:
        panel.blocks.extend(page.missing(_("The compact was not part of this run.")))
        return panel
    languages = sorted(
        {code for code, _suffix in documents},
        key=lambda code: (REPORT_LANGUAGES.index(code) if code in REPORT_LANGUAGES else 99, code),
    )
    links = [
        (
            f"{page.fmt.language_name(code)} — {label}",
            page.href(f"compact/compact.{code}.{suffix}"),
            "",
        )
        for code in languages
        for suffix, label in COMPACT_FORMATS
        if (code, suffix) in documents
    ]
    if links:
        panel.blocks.append(Links(links))
    checks = (run.json("compact/checks.json") or {}).get("checks") or []
    if checks:
        passed = sum(bool(c["passed"]) for c in checks)
        table = checks_table(
            page,
            [
                (
                    c["check"],
                    c.get("where") or c.get("article", ""),
                    bool(c["passed"]),
                    c.get("detail", ""),
                )
                for c in checks
            ],
            _("Article"),
        )
        panel.blocks.append(
            Details(
                _(
                    "Consistency checks of the compact: %(passed)s of %(total)s pass",
                    passed=passed,
                    total=len(checks),
                ),
                [table],
                open=True,
            )
        )
    return panel


def provenance(page: Page) -> Panel:
    """The harmonization log (harmonization_log.md) and the run's provenance: when, with
    which software, from which input files (provenance.json)."""
    _, run = page._, page.run
    panel = Panel("provenance", _("Harmonization log and provenance"))
    log = run.text("harmonization_log.md")
    if log is None:
        panel.blocks.append(Text(_("This run has no harmonization log."), css="note"))
    else:
        html = markdown_html(log, below=3)
        panel.blocks.append(
            Details(
                _("Harmonization log: how each party's data was brought into the region's frame"),
                [Markdown(Markup(html))],
            )
        )
    record = run.json("provenance.json")
    if record is None:
        panel.blocks.extend(page.missing(_("This run has no provenance record.")))
        return panel
    facts = [(_("Last command"), str(record.get("command", "—")))]
    for key, label in (("started", _("Started")), ("finished", _("Finished"))):
        if record.get(key):
            facts.append((label, page.fmt.moment(dt.datetime.fromisoformat(record[key]))))
    facts += [
        ("Python", str(record.get("python", "—"))),
        (_("Platform"), str(record.get("platform", "—"))),
    ]
    panel.blocks.append(Facts(facts))
    versions = {**(record.get("packages") or {}), **(record.get("geodesy") or {})}
    panel.blocks.append(
        Table([_("Software"), _("Version")], [[str(k), str(v)] for k, v in versions.items()])
    )
    inputs = record.get("inputs") or []
    panel.blocks.append(
        Details(
            _("Input files (%(count)s) with their SHA-256", count=len(inputs)),
            [
                Table(
                    [_("Input file"), _("Size (bytes)"), "SHA-256"],
                    [
                        [
                            str(i["path"]),
                            page.fmt.number(int(i["bytes"])),
                            Cell(str(i["sha256"]), "hash"),
                        ]
                        for i in inputs
                    ],
                    numeric=frozenset({1}),
                )
            ],
        )
    )
    return panel


def markdown_html(text: str, below: int) -> str:
    """Markdown as HTML (raw HTML in it escaped, tables rendered), its headings pushed
    ``below`` levels down so that they sit under the panel's own."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + below, 6)}"
    return str(parser.renderer.render(tokens, parser.options, {}))


def opendata(page: Page) -> Panel:
    """Links to the open-data files of the run (opendata/)."""
    _, run = page._, page.run
    panel = Panel("opendata", _("Open data"))
    files = run.files("opendata")
    if not files:
        panel.blocks.extend(page.missing(_("The open-data export was not part of this run.")))
        return panel
    if "opendata/dictionary.csv" in files:
        panel.blocks.append(
            Text(
                _("The data dictionary (dictionary.csv) says what each column of each file holds.")
            )
        )
    panel.blocks.append(
        Links(
            [
                (
                    path.removeprefix("opendata/"),
                    page.href(path),
                    _(
                        "%(size)s MB",
                        size=page.fmt.decimal((run.root / path).stat().st_size / 1e6, 2),
                    ),
                )
                for path in files
            ]
        )
    )
    return panel
