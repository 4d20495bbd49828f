"""The panels' own arithmetic and words: expected loss summed into the zones the assets
stand in, money axes in a readable unit, each allocation rule explained, the
harmonization log nested under the panel's heading, and a one-sentence panel for a stage
the run did not include."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from bordercompact.negotiate.allocation import METHODS
from bordercompact.report.blocks import Panel, Table, Text
from bordercompact.report.i18n import REPORT_LANGUAGES, Messages, ReportFormats
from bordercompact.report.panels import equity, finance, measures, negotiation, records, region
from bordercompact.report.panels.page import Page
from bordercompact.report.results import RunResults

CRS = "EPSG:32614"


def page_of(run_dir: Path, language: str = "en") -> Page:
    return Page(RunResults(run_dir), language, Messages(language), ReportFormats(language), "..")


def test_loss_is_summed_into_the_zone_each_asset_stands_in(tmp_path: Path) -> None:
    (tmp_path / "layers").mkdir()
    zones = gpd.GeoDataFrame(
        {"feature_id": ["z1", "z2"]},
        geometry=[
            box(500_000, 3_040_000, 501_000, 3_041_000),
            box(501_000, 3_040_000, 502_000, 3_041_000),
        ],
        crs=CRS,
    )
    assets = gpd.GeoDataFrame(
        {"feature_id": ["a", "b", "c", "d"], "dataset": "buildings"},
        geometry=[
            Point(500_100, 3_040_100),
            Point(500_900, 3_040_900),
            Point(501_500, 3_040_500),
            Point(510_000, 3_040_500),  # in no zone
        ],
        crs=CRS,
    )
    assets.to_parquet(tmp_path / "layers/assets.parquet")
    eai = pd.DataFrame(
        {"asset_id": ["a", "b", "c", "d"], "dataset": "buildings", "eai": [1.0, 2.0, 4.0, 8.0]}
    )

    in_zones, total = region.loss_per_zone(RunResults(tmp_path), eai, zones)

    np.testing.assert_allclose(in_zones, [3.0, 4.0])
    assert total == 15.0


def test_loss_of_zones_that_are_the_assets_is_their_own(tmp_path: Path) -> None:
    zones = gpd.GeoDataFrame(
        {"feature_id": ["z1", "z2"], "dataset": "census"},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=CRS,
    )
    (tmp_path / "layers").mkdir()
    zones.to_parquet(tmp_path / "layers/population_zones.parquet")
    eai = pd.DataFrame({"asset_id": ["z2", "z1"], "dataset": "census", "eai": [5.0, 7.0]})

    in_zones, _ = region.loss_per_zone(RunResults(tmp_path), eai, zones)

    np.testing.assert_allclose(in_zones, [7.0, 5.0])


@pytest.mark.parametrize(
    ("language", "largest", "label"),
    [
        ("en", 8.4e8, "Loss (million USD)"),
        ("es", 2.3e9, "Loss (miles de millones de USD)"),
        ("de", 45_000, "Loss (Tsd. USD)"),
        ("fr", 300, "Loss (USD)"),
    ],
)
def test_a_money_axis_counts_in_a_readable_unit(
    tmp_path: Path, language: str, largest: float, label: str
) -> None:
    axis = page_of(tmp_path, language).money_axis(
        lambda unit: f"Loss ({unit})", [1.0, largest], "USD"
    )
    assert axis.label == label
    assert largest / axis.scale < 1000


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_every_allocation_rule_is_explained_in_plain_words(tmp_path: Path, language: str) -> None:
    page = page_of(tmp_path, language)
    explanations = [negotiation.rule_in_plain_words(page, rule) for rule in METHODS]
    for name, words in explanations:
        assert name and len(words.split()) > 8
    assert len({words for _, words in explanations}) == len(METHODS)


def test_the_harmonization_log_sits_under_the_panel_heading_and_escapes_html() -> None:
    rendered = records.markdown_html("# Log\n\n## north\n\n<script>x</script>\n", below=3)
    assert "<h4>Log</h4>" in rendered and "<h5>north</h5>" in rendered
    assert "<script>" not in rendered


def test_alternatives_are_told_as_changes_to_the_deal(tmp_path: Path) -> None:
    page = page_of(tmp_path)
    deal = {"levee", "warning"}
    assert negotiation.measures_against_deal(page, {"levee", "basin"}, deal, False) == (
        "+ basin; − warning"
    )
    assert negotiation.measures_against_deal(page, deal, deal, True) == "2 measures"


@pytest.mark.parametrize(
    ("build", "sentence"),
    [
        (region.exceedance, "The risk analysis was not part of this run."),
        (measures.appraisal, "The appraisal of measures was not part of this run."),
        (negotiation.pareto, "The negotiation was not part of this run."),
        (negotiation.deal, "The negotiation was not part of this run."),
        (finance.schedule, "The finance plan was not part of this run."),
        (finance.reserve, "The finance plan was not part of this run."),
        (equity.equity, "The equity analysis was not part of this run."),
        (records.compact, "The compact was not part of this run."),
        (records.opendata, "The open-data export was not part of this run."),
    ],
)
def test_a_stage_missing_from_the_run_is_one_sentence(
    tmp_path: Path, build: Callable[[Page], Panel], sentence: str
) -> None:
    panel = build(page_of(tmp_path))
    assert panel.blocks == [Text(sentence, css="note")]


def test_without_a_deal_the_blocking_demands_are_named_with_who_made_them(
    tmp_path: Path,
) -> None:
    (tmp_path / "negotiation").mkdir()
    (tmp_path / "negotiation/deal.json").write_text(
        json.dumps(
            {
                "found": False,
                "conflict": [
                    {"tag": "gain:south", "party": "south", "text": "south gains at least 5 M"},
                    {"tag": "budget", "party": None, "text": "the total cost stays below 1 M"},
                ],
                "notes": [],
            }
        ),
        encoding="utf-8",
    )
    panel = negotiation.deal(page_of(tmp_path))
    assert panel.blocks[0] == Text("No deal was found: no portfolio meets every demand.")
    table = panel.blocks[1]
    assert isinstance(table, Table)
    assert [list(row) for row in table.rows] == [
        ["south", "south gains at least 5 M"],
        ["all parties", "the total cost stays below 1 M"],
    ]
