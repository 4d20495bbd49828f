"""The report of a finished run: one self-contained page per language with every panel,
every chart titled, labelled with units and explained, the map's layers addressable, and
a plain sentence for each stage the run did not include."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from bordercompact.report.build import write_report
from bordercompact.report.i18n import Messages, ReportFormats

pytestmark = pytest.mark.slow

PANEL_IDS = [
    "overview",
    "map",
    "exceedance",
    "appraisal",
    "pareto",
    "deal",
    "schedule",
    "reserve",
    "equity",
    "compact",
    "provenance",
    "opendata",
]
CHART_IDS = (
    "chart-exceedance",
    "chart-benefits",
    "chart-pareto",
    "chart-schedule",
    "chart-reserve",
    "chart-access",
    "chart-quintiles",
)
FIGURE = re.compile(r'<figure class="(chart|map)" id="([^"]+)">(.*?)</figure>', re.DOTALL)
SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")


def figures(page: str) -> dict[str, tuple[str, str]]:
    """Each figure of the page by id: its class and its inner HTML."""
    return {found[1]: (found[0], found[2]) for found in FIGURE.findall(page)}


def texts_of(svg: str) -> list[str]:
    return [html.unescape(t).strip() for t in SVG_TEXT.findall(svg)]


def test_every_panel_is_there_in_order(report_pages: dict[str, str]) -> None:
    for page in report_pages.values():
        found = re.findall(r'<section class="panel" id="([^"]+)">', page)
        assert found == PANEL_IDS


def test_every_chart_has_a_title_axis_labels_with_units_and_a_reading_aid(
    report_pages: dict[str, str],
) -> None:
    charts = {k: v for k, v in figures(report_pages["en"]).items() if v[0] == "chart"}
    assert set(CHART_IDS) <= set(charts)
    for name, (_, inner) in charts.items():
        title = re.search(r'<h3 class="chart-title">([^<]+)</h3>', inner)
        assert title and title[1].strip(), name
        aid = re.search(
            r'<p class="reading-aid"><strong>How to read it:</strong>([^<]+)</p>', inner
        )
        assert aid and len(aid[1].strip()) > 20, name
        with_unit = [t for t in texts_of(inner) if re.search(r"\(.+\)$", t)]
        assert with_unit, f"{name} has no axis label with its unit"


def test_money_axes_name_their_currency_and_scale(report_pages: dict[str, str]) -> None:
    found = figures(report_pages["en"])
    assert "Loss (million USD)" in texts_of(found["chart-exceedance"][1])
    assert "Return period (years)" in texts_of(found["chart-exceedance"][1])
    # each party's payments in its own currency
    schedule = texts_of(found["chart-schedule"][1])
    assert {"north", "south"} <= set(schedule)
    assert any(re.fullmatch(r"Payments \(.*MXN\)", t) for t in schedule)
    assert any(re.fullmatch(r"Payments \(.*USD\)", t) for t in schedule)


def test_the_maps_have_their_layers_as_addressable_groups(report_pages: dict[str, str]) -> None:
    found = figures(report_pages["en"])
    assert {"map-region", "map-eal", "map-svi"} <= set(found)
    region = found["map-region"][1]
    for layer in ("parties", "border", "facilities"):
        assert f'<g id="map-layer-{layer}">' in region
        assert f'data-layer="map-layer-{layer}"' in region  # its checkbox
    assert '<g id="map-layer-eal">' in found["map-eal"][1]
    assert '<g id="map-layer-svi">' in found["map-svi"][1]


def test_ids_are_unique_in_each_page(report_pages: dict[str, str]) -> None:
    for page in report_pages.values():
        ids = re.findall(r'\sid="([^"]+)"', page)
        repeated = {i for i in ids if ids.count(i) > 1}
        assert not repeated


def test_the_page_fetches_nothing(report_pages: dict[str, str]) -> None:
    for page in report_pages.values():
        links = re.findall(r"<link\b[^>]*>", page)
        assert links == ['<link rel="icon" href="data:,">']  # no favicon to fetch
        assert not re.search(r"<script\b[^>]*\bsrc=", page)
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)


def test_each_language_has_its_own_headings(report_pages: dict[str, str]) -> None:
    english = re.findall(r"<h2>([^<]+)</h2>", report_pages["en"])
    for language in ("es", "fr", "de"):
        headings = re.findall(r"<h2>([^<]+)</h2>", report_pages[language])
        _ = Messages(language)
        assert headings[1] == f"2. {html.escape(_('Region map'), quote=False)}"
        assert all(a != b for a, b in zip(english, headings, strict=True))
        assert f'<html lang="{language}">' in report_pages[language]


def test_money_is_written_the_locale_way(reported_run: Path, report_pages: dict[str, str]) -> None:
    deal = json.loads((reported_run / "negotiation/deal.json").read_text(encoding="utf-8"))
    for language, page in report_pages.items():
        cost = ReportFormats(language).money_short(deal["cost"], "USD")
        assert f"<dd>{html.escape(cost)}</dd>" in page, language


def test_compact_documents_are_linked_where_they_are(
    reported_run: Path, report_pages: dict[str, str]
) -> None:
    links = re.findall(r'href="(\.\./compact/[^"]+)"', report_pages["en"])
    assert links, "no link to the compact"
    assert "../compact/compact.en.html" in links
    assert "../compact/compact.es.md" in links
    assert not any(link.endswith(".pdf") for link in links)  # built without PDF
    for link in links:
        assert (reported_run / "report" / link).resolve().is_file()


def test_the_report_folder_records_what_it_read(reported_run: Path) -> None:
    record = json.loads((reported_run / "report/provenance.json").read_text(encoding="utf-8"))
    assert record["command"] == "report"
    read = {i["path"] for i in record["inputs"]}
    assert {"negotiation/deal.json", "finance/schedule.csv", "layers/boundary.parquet"} <= read
    assert {o["path"] for o in record["outputs"]} == {
        f"report.{language}.html" for language in ("en", "es", "fr", "de")
    }


def test_a_run_that_stopped_at_the_risk_says_so_in_each_later_panel(
    mini_run: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(mini_run, run)
    for stage in ("equity", "appraisal", "negotiation", "finance", "compact"):
        shutil.rmtree(run / stage)

    [path] = write_report(run, run, ["en"])

    page = path.read_text(encoding="utf-8")
    assert re.findall(r'<section class="panel" id="([^"]+)">', page) == PANEL_IDS
    for sentence in (
        "The appraisal of measures was not part of this run.",
        "The negotiation was not part of this run.",
        "The finance plan was not part of this run.",
        "The equity analysis was not part of this run.",
        "The compact was not part of this run.",
        "The open-data export was not part of this run.",
    ):
        assert f'<p class="note">{sentence}</p>' in page
    assert 'id="chart-exceedance"' in page  # the risk is still there
    assert 'id="map-eal"' in page


def test_a_run_of_the_harmonization_alone_still_has_its_map(mini_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(mini_run, run, ignore=shutil.ignore_patterns("risk", "equity", "appraisal"))
    for stage in ("negotiation", "finance", "compact"):
        shutil.rmtree(run / stage)

    [path] = write_report(run, tmp_path / "elsewhere", ["de"])

    page = path.read_text(encoding="utf-8")
    assert 'id="map-region"' in page and 'id="map-eal"' not in page
    assert "Die Risikoanalyse gehörte nicht zu dieser Berechnung." in page


def test_open_data_files_are_listed_with_relative_links(mini_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(mini_run, run)
    (run / "opendata/csv").mkdir(parents=True)
    (run / "opendata/bordercompact.gpkg").write_bytes(b"\0" * 2048)
    (run / "opendata/csv/deal_parties.csv").write_text("party\nnorth\n", encoding="utf-8")
    (run / "opendata/dictionary.csv").write_text("file,column\n", encoding="utf-8")

    [path] = write_report(run, run, ["en"])

    page = path.read_text(encoding="utf-8")
    for name in ("bordercompact.gpkg", "csv/deal_parties.csv", "dictionary.csv"):
        assert f'href="../opendata/{name}"' in page
    assert "The data dictionary (dictionary.csv)" in page


def test_an_unknown_language_is_refused_before_anything_is_written(
    mini_run: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"'pt'.*en, es, fr, de"):
        write_report(mini_run, tmp_path, ["en", "pt"])
    assert not (tmp_path / "report").exists()
