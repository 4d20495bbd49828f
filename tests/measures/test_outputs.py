"""The appraisal stage on the mini region: a levee along the border river, valued per
party from the region's own risk lines, written with the run."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from bordercompact.measures.outputs import appraise_into
from bordercompact.region.problems import InvalidRegionError
from tests.equity.test_config import VALID as EQUITY
from tests.mini_region import ANALYSIS_CRS, BORDER_X, Y0, Y1
from tests.risk.test_pipeline import write_risk_inputs

MEASURES = """\
[appraisal]
first_year = 2026
last_year = 2040
discount_rate = 0.03
future_scenario = "future"
future_year = 2035

[[measures]]
id = "levee"
name = { en = "Levee", es = "Bordo" }
proposed_by = "authority"
host = "north"
capital_cost = 5e5
annual_cost = 1e4
lifetime_years = 50
construction_years = [2026]
approvals = ["north", "south"]

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = { path = "measures/levee.geojson" }
scale = 0.0
up_to_return_period = 50

[[measures]]
id = "insurance"
name = { en = "Flood insurance pool" }
proposed_by = "authority"
host = "authority"
capital_cost = 0
lifetime_years = 50
construction_years = [2026]

[[measures.effects]]
type = "risk_transfer"
hazard = "river-flood"
exposure = "buildings"
attachment = 1e5
cover = 1e6
cost_factor = 1.3

[[measures]]
id = "relocation"
name = { en = "Relocation of the riverside quarter" }
proposed_by = "north"
host = "north"
capital_cost = 2e6
lifetime_years = 50
construction_years = [2027]

[[measures.effects]]
type = "exposure"
exposure = "residents"
zone = { path = "measures/quarter.geojson" }
households_field = "households"

[[measures]]
id = "warning"
name = { en = "Heat warning" }
proposed_by = "north"
host = "north"
capital_cost = 1e4
lifetime_years = 10
construction_years = [2026]

[[measures.effects]]
type = "people"
hazard = "heat"
exposure = "residents"
reduction = 0.5
"""


def write_measures(mini_region: Path) -> None:
    """The mini region's risk set-up and the four measures above, with their zones."""
    write_risk_inputs(mini_region, "river-flood,2,,0.3,\n", "")
    (mini_region / "measures").mkdir()
    strip = box(BORDER_X - 800, Y0, BORDER_X + 800, Y1)  # the river's floodplain, both banks
    gpd.GeoDataFrame(geometry=[strip], crs=ANALYSIS_CRS).to_file(
        mini_region / "measures/levee.geojson"
    )
    quarter = box(BORDER_X + 100, Y0 + 100, BORDER_X + 1400, Y0 + 2900)  # one census zone
    gpd.GeoDataFrame(geometry=[quarter], crs=ANALYSIS_CRS).to_file(
        mini_region / "measures/quarter.geojson"
    )
    (mini_region / "measures.toml").write_text(MEASURES, encoding="utf-8")


@pytest.fixture
def appraised(mini_region: Path, tmp_path: Path):
    write_measures(mini_region)
    return appraise_into(mini_region, tmp_path / "run")


def test_the_levee_avoids_flood_losses_on_both_banks_now_and_more_later(appraised) -> None:
    run, _ = appraised
    levee = [o for o in run.outcomes if o.measure == "levee"]
    assert {(o.scenario, o.exposure) for o in levee} == {
        ("present", "buildings"),
        ("future", "buildings"),
    }
    now = next(o for o in levee if o.scenario == "present").avoided_by_party
    assert now["north"] > 0 and now["south"] > 0


def test_the_table_has_every_party_and_the_host_pays(appraised) -> None:
    run, _ = appraised
    table = run.table[run.table.measure == "levee"].set_index("party")
    assert set(table.index) == {"total", "north", "south", "authority"}
    assert table.loc["south", "cost"] == 0 and table.loc["north", "cost"] > 0
    assert table.loc["total", "benefit"] == pytest.approx(
        table.loc[["north", "south", "authority"], "benefit"].sum()
    )
    # the warning avoids no money: people are in the outcomes, not the benefit
    warning = run.table[run.table.measure == "warning"].set_index("party")
    assert warning.loc["total", "benefit"] == 0
    people = [o for o in run.outcomes if o.measure == "warning"]
    assert people and all(o.unit == "people" for o in people)


def test_the_run_dir_holds_the_appraisal(appraised) -> None:
    _, run_dir = appraised
    table = pd.read_csv(run_dir / "appraisal/appraisal.csv")
    assert {"measure", "party", "benefit", "cost", "npv", "bcr"} <= set(table.columns)
    metrics = json.loads((run_dir / "appraisal/metrics.json").read_text(encoding="utf-8"))
    assert [m["id"] for m in metrics["measures"]] == [
        "levee",
        "insurance",
        "relocation",
        "warning",
    ]
    provenance = json.loads((run_dir / "provenance.json").read_text(encoding="utf-8"))
    assert any(i["path"].endswith("levee.geojson") for i in provenance["inputs"])


def test_an_insurance_layer_pays_the_expected_layer_and_costs_its_premium(appraised) -> None:
    from bordercompact.measures.effects import transferred_layer

    run, _ = appraised
    line = next(
        x
        for x in run.risk.lines
        if (x.scenario, x.exposure, x.methodology) == ("present", "buildings", "harmonized")
    )
    layer = transferred_layer(line.impact.at_event_by_party, 1e5, 1e6)
    expected = line.impact.frequency @ layer
    insurance = next(o for o in run.outcomes if (o.measure, o.scenario) == ("insurance", "present"))
    for party, amount in zip(line.impact.parties, expected, strict=True):
        assert insurance.avoided_by_party[party] == pytest.approx(amount)
        # each party pays the premium of the cover it receives
        assert insurance.premiums[("insurance", party)] == pytest.approx(1.3 * amount)
    assert insurance.premium == pytest.approx(1.3 * expected.sum())
    table = run.table[run.table.measure == "insurance"].set_index("party")
    assert table.loc["total", "bcr"] == pytest.approx(1 / 1.3, rel=0.05)  # pays 1.3 per 1
    for party in ("north", "south"):  # so each party's ratio is the pool's
        assert table.loc[party, "bcr"] == pytest.approx(1 / 1.3, rel=0.05)


def test_a_relocation_counts_the_households_it_displaces(appraised) -> None:
    run, _ = appraised
    moved = next(o for o in run.outcomes if (o.measure, o.scenario) == ("relocation", "present"))
    assert moved.touched_assets == 1  # the census zone whose point lies in the quarter
    assert moved.households_displaced == 450  # HH of zone 480010001 (tests/mini_region.py)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            'hazard = "river-flood"\nzone',
            'hazard = "river-flod"\nzone',
            "measures[0].effects[0].hazard",
        ),
        (
            'exposure = "residents"\nzone',
            'exposure = "resident"\nzone',
            "measures[2].effects[0].exposure",
        ),
        ('future_scenario = "future"', 'future_scenario = "futur"', "appraisal.future_scenario"),
    ],
)
def test_names_risk_toml_does_not_know_are_refused_before_the_long_part(
    mini_region: Path, tmp_path: Path, old: str, new: str, field: str
) -> None:
    write_measures(mini_region)
    path = mini_region / "measures.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InvalidRegionError) as raised:
        appraise_into(mini_region, tmp_path / "run")
    assert [p.field for p in raised.value.problems.errors] == [field]
    assert not (tmp_path / "run").exists()


def test_who_gains_and_who_moves_by_social_vulnerability(mini_region: Path, tmp_path: Path) -> None:
    write_measures(mini_region)
    svi_only = EQUITY.split("[access]")[0]
    (mini_region / "equity.toml").write_text(svi_only, encoding="utf-8")
    _, run_dir = appraise_into(mini_region, tmp_path / "run")
    table = pd.read_csv(run_dir / "appraisal/who_gains_by_quintile.csv")
    moved = table[(table.measure == "relocation") & (table.what == "households displaced")]
    total = moved[moved.party == "total"]
    assert total["quantity"].sum() == pytest.approx(450)  # all in zone 480010001
    assert total["share"].sum() == pytest.approx(1.0)
    levee = table[(table.measure == "levee") & (table.what == "avoided")]
    assert "total" in set(levee.party)
    assert set(levee.quintile) >= {1, 2, 3, 4, 5}
    assert levee[levee.party == "total"]["share"].sum() == pytest.approx(1.0)
