"""The region's risk (risk/pipeline.py and risk/outputs.py) on the mini region: a river
along the border flooded by the HAND model, heat from a station series, one scenario and
one party's own curves."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rasterio.transform import from_origin

from bordercompact.harmonize.pipeline import harmonize_region
from bordercompact.region.problems import InvalidRegionError
from bordercompact.risk.config import HazardSpec, load_risk_config
from bordercompact.risk.flood import gumbel_discharge, rating_stage
from bordercompact.risk.functions import shipped_impact_functions
from bordercompact.risk.hazard import HazardError
from bordercompact.risk.hazard_io import frequencies_from_return_periods
from bordercompact.risk.outputs import (
    methodology_table,
    metrics_tree,
    risk_into,
    summary_table,
)
from bordercompact.risk.pipeline import (
    HARMONIZED,
    RiskInputError,
    asset_layer,
    function_ids,
    listed_rasters,
    run_risk,
)
from tests.mini_region import BORDER_X, Y1
from tests.rasters import write_geotiff

PERIODS = [2, 10, 50, 100, 500]

RISK_TOML = """\
[settings]
return_periods = [10, 100]
max_distance_km = 2.0

[[hazards]]
id = "river-flood"
haz_type = "FL"
unit = "m"
[hazards.hand_flood]
hand = "authority/hand.tif"
return_periods = [2, 10, 50, 100, 500]
gumbel_location_m3s = 500.0
gumbel_scale_m3s = 200.0
rating_coefficient = 0.1
rating_exponent = 0.6
reference_discharge_m3s = 100.0

[[hazards]]
id = "heat"
haz_type = "HW"
unit = "degC"
[hazards.daily_series]
path = "authority/station.csv"
date_column = "date"
value_column = "tmax"
threshold = 29.4
terrain = "authority/dem.tif"
block = 10

[[exposures]]
id = "buildings"
kind = "assets"
value = "value"
unit = "USD"
[[exposures.impacts]]
hazard = "river-flood"
by_field = "occupancy"
impact_functions = { RES1 = 102, COM1 = 202 }

[[exposures]]
id = "residents"
kind = "population_zones"
value = "population"
unit = "people"
[[exposures.impacts]]
hazard = "heat"
impact_function = 1
result = "affected"

[[methodologies]]
party = "south"
functions = "south/curvas.csv"
[[methodologies.impacts]]
exposure = "buildings"
hazard = "river-flood"
impact_function = 7

[[scenarios]]
id = "future"
hazard_changes = "scenarios/hazard.csv"
exposure_growth = "scenarios/exposure.csv"
"""

#: Ribera-like own curve: twice the JRC North American residential damage at every depth
#: would be hard to write down; a plain linear curve 0 → 1 over 0 → 4 m is.
OWN_CURVE = "impf_id,haz_type,intensity,mdd,paa\n7,FL,0,0,1\n7,FL,4,1,1\n"


def hand_at(x: np.ndarray) -> np.ndarray:
    """HAND of the test raster: 1 m per 250 m away from the river on the border."""
    return np.abs(x - BORDER_X) / 250.0


def write_risk_inputs(root: Path, hazard_rows: str, growth_rows: str) -> None:
    (root / "risk.toml").write_text(RISK_TOML, encoding="utf-8")
    width, height, cell = 120, 120, 50.0
    west = BORDER_X - 3000
    x = west + (np.arange(width) + 0.5) * cell
    hand = np.tile(hand_at(x), (height, 1)).astype("float32")
    write_geotiff(root / "authority/hand.tif", hand, from_origin(west, Y1, cell, cell))
    days = pd.date_range("2001-01-01", "2010-12-31")
    tmax = 25 + 8 * np.sin((days.day_of_year.to_numpy() - 110) / 365.25 * 2 * np.pi)
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "tmax": tmax.round(2)}).to_csv(
        root / "authority/station.csv", index=False
    )
    (root / "south/curvas.csv").write_text(OWN_CURVE, encoding="utf-8")
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "scenarios/hazard.csv").write_text(
        "hazard,return_period,intensity_scale,intensity_shift,frequency_scale\n" + hazard_rows,
        encoding="utf-8",
    )
    (root / "scenarios/exposure.csv").write_text(
        "party,exposure,value_factor\n" + growth_rows, encoding="utf-8"
    )


@pytest.fixture
def risk_region(mini_region: Path) -> Path:
    write_risk_inputs(mini_region, "", "north,buildings,2.0\n")
    return mini_region


def compute(root: Path, **options):
    harmonization = harmonize_region(root)
    assert harmonization.ok, harmonization.problems.report()
    region = harmonization.region
    return run_risk(region, harmonization.layers, load_risk_config(region), **options)


def line(run, scenario: str, exposure: str, methodology: str = HARMONIZED):
    return next(
        x
        for x in run.lines
        if (x.scenario, x.exposure, x.methodology) == (scenario, exposure, methodology)
    )


def test_flood_aai_of_each_building_is_the_hand_model_by_hand(risk_region: Path) -> None:
    run = compute(risk_region)
    flood = line(run, "present", "buildings")
    harmonization = harmonize_region(risk_region)
    assets = harmonization.layers["assets"]
    points = assets.geometry.representative_point()
    # the cell each building stands in: HAND of its cell centre (cells are 50 m wide)
    column = np.floor((points.x.to_numpy() - (BORDER_X - 3000)) / 50.0)
    hand = hand_at(BORDER_X - 3000 + (column + 0.5) * 50.0).astype(np.float32)  # as stored
    stage = rating_stage(gumbel_discharge(np.array(PERIODS), 500.0, 200.0), 0.1, 0.6, 100.0)
    depth = np.maximum(stage[np.newaxis, :] - hand[:, np.newaxis], 0.0)  # assets × periods
    functions = shipped_impact_functions()
    impf = np.where(assets["occupancy"].astype(str) == "COM1", 202, 102)
    ratio = np.vstack(
        [functions.get("FL", int(f)).mdr(d) for f, d in zip(impf, depth, strict=True)]
    )
    expected = assets["value"].to_numpy() * (ratio @ frequencies_from_return_periods(PERIODS))
    order = pd.Index(flood.assets.feature_id).get_indexer(assets["feature_id"].astype(str))
    np.testing.assert_allclose(flood.impact.eai_exp[order], expected, rtol=1e-12)
    assert flood.impact.aai_agg > 0
    assert flood.assets_beyond == 0


def test_every_party_sees_its_aai_and_they_add_up_to_the_total(risk_region: Path) -> None:
    run = compute(risk_region)
    table = summary_table(run)
    flood = table[(table.scenario == "present") & (table.exposure == "buildings")]
    assert set(flood.party) == {"total", "north", "south", "authority"}
    by_party = flood.set_index("party")["aai"]
    assert by_party["authority"] == 0.0  # the river authority owns no building
    assert by_party["north"] + by_party["south"] == pytest.approx(by_party["total"], rel=1e-12)
    eai = line(run, "present", "buildings")
    for party in ("north", "south"):
        mine = eai.assets.party == party
        assert eai.impact.eai_exp[mine].sum() == pytest.approx(by_party[party], rel=1e-12)


def test_exposure_growth_scales_only_that_partys_impacts(risk_region: Path) -> None:
    run = compute(risk_region)
    now = line(run, "present", "buildings").impact.aai_by_party()
    future = line(run, "future", "buildings").impact.aai_by_party()
    assert future["north"] == pytest.approx(2 * now["north"], rel=1e-12)
    assert future["south"] == pytest.approx(now["south"], rel=1e-12)


def test_a_higher_stage_floods_more(mini_region: Path) -> None:
    write_risk_inputs(mini_region, "river-flood,2,,0.5,\nheat,2,,2.0,\n", "")
    run = compute(mini_region)
    for exposure in ("buildings", "residents"):
        now, future = (line(run, s, exposure).impact.aai_agg for s in ("present", "future"))
        assert future > now
    present = run.hazards[("present", "river-flood")]
    future = run.hazards[("future", "river-flood")]
    assert future.intensity.nnz > present.intensity.nnz  # the footprint grows too
    np.testing.assert_allclose(future.frequency, present.frequency)


def test_a_frequency_scale_scales_the_aai_of_a_linear_line(mini_region: Path) -> None:
    write_risk_inputs(mini_region, "river-flood,2,,,3.0\n", "")
    run = compute(mini_region)
    now, future = (line(run, s, "buildings").impact.aai_agg for s in ("present", "future"))
    assert future == pytest.approx(3 * now, rel=1e-12)


def test_affected_people_count_everyone_on_every_hot_day(risk_region: Path) -> None:
    run = compute(risk_region)
    heat = line(run, "present", "residents")
    hazard = run.hazards[("present", "heat")]
    population = 1200 + 800 + 1500 + 950  # the four zones of the north
    # no lapse rate: every centroid has the station's value, above the curve's threshold
    np.testing.assert_allclose(heat.impact.at_event, population)
    assert heat.impact.aai_agg == pytest.approx(population * hazard.frequency.sum(), rel=1e-12)
    assert hazard.frequency.sum() == pytest.approx(hazard.size / (3652 / 365.25))


def test_a_partys_own_curves_are_computed_for_every_side(risk_region: Path) -> None:
    run = compute(risk_region)
    table = methodology_table(run)
    present = table[table.scenario == "present"].set_index("party")
    assert set(present.methodology) == {"south"}
    harmonized = line(run, "present", "buildings").impact.aai_by_party()
    own = line(run, "present", "buildings", "south").impact.aai_by_party()
    for party in ("north", "south"):
        assert present.loc[party, "aai_harmonized"] == pytest.approx(harmonized[party])
        assert present.loc[party, "aai_own"] == pytest.approx(own[party])
        assert present.loc[party, "difference"] == pytest.approx(own[party] - harmonized[party])
    assert present.loc["north", "aai_own"] != pytest.approx(present.loc["north", "aai_harmonized"])
    assert np.isnan(present.loc["authority", "ratio"])  # nothing to compare


def test_only_the_chosen_scenarios_are_computed(risk_region: Path) -> None:
    assert compute(risk_region, scenarios=[]).scenarios == ["present"]
    with pytest.raises(RiskInputError, match=r"'later'.*expected one of risk.toml's scenarios"):
        compute(risk_region, scenarios=["later"])


def test_a_term_without_impact_function_is_named(risk_region: Path) -> None:
    toml = (risk_region / "risk.toml").read_text(encoding="utf-8")
    (risk_region / "risk.toml").write_text(
        toml.replace(
            "impact_functions = { RES1 = 102, COM1 = 202 }", "impact_functions = { RES1 = 102 }"
        ),
        encoding="utf-8",
    )
    with pytest.raises(RiskInputError, match="term 'COM1' has no impact function"):
        compute(risk_region)


def test_the_run_dir_holds_the_harmonization_and_the_risk(
    risk_region: Path, tmp_path: Path
) -> None:
    run, run_dir = risk_into(risk_region, tmp_path / "run")
    for name in (
        "layers/assets.parquet",
        "harmonization_log.md",
        "provenance.json",
        "risk/summary.csv",
        "risk/methodology.csv",
        "risk/metrics.json",
        "risk/impact_by_event/present/river-flood__buildings.parquet",
        "risk/eai_by_asset/future/heat__residents__affected.parquet",
        "risk/hazards/future/river-flood/events.parquet",
    ):
        assert (run_dir / name).is_file(), name
    metrics = json.loads((run_dir / "risk/metrics.json").read_text(encoding="utf-8"))
    assert metrics == json.loads(json.dumps(metrics_tree(run)))
    flood = metrics["scenarios"]["present"]["river-flood__buildings"]
    assert set(flood["rp_losses"]) == {"total", "north", "south", "authority"}
    assert list(flood["rp_losses"]["total"]) == ["10", "100"]
    events = pd.read_parquet(
        run_dir / "risk/impact_by_event/present/river-flood__buildings.parquet"
    )
    assert list(events.event_name) == [f"RP{t}" for t in PERIODS]
    assert (events["total"] * events["frequency"]).sum() == pytest.approx(flood["aai_agg"])
    provenance = json.loads((run_dir / "provenance.json").read_text(encoding="utf-8"))
    assert any(i["path"].endswith("hand.tif") for i in provenance["inputs"])


def test_a_broken_risk_toml_writes_nothing(risk_region: Path, tmp_path: Path) -> None:
    (risk_region / "risk.toml").write_text("[[hazards]]\nid = 3\n", encoding="utf-8")
    with pytest.raises(InvalidRegionError):
        risk_into(risk_region, tmp_path / "run")
    assert not (tmp_path / "run").exists()


def insure(root: Path, terms: str) -> None:
    toml = (root / "risk.toml").read_text(encoding="utf-8")
    (root / "risk.toml").write_text(
        toml.replace(
            'value = "value"\nunit = "USD"\n', f'value = "value"\nunit = "USD"\n{terms}\n'
        ),
        encoding="utf-8",
    )


def test_full_cover_without_deductible_insures_the_whole_impact(risk_region: Path) -> None:
    insure(risk_region, "deductible_share = 0.0\ncover_share = 1.0")
    run = compute(risk_region, scenarios=[])
    figures = summary_table(run).query("exposure == 'buildings'").set_index("party")
    np.testing.assert_allclose(figures["aai_insured"], figures["aai"], rtol=1e-12)


def test_a_deductible_of_the_whole_value_leaves_nothing_insured(risk_region: Path) -> None:
    # insured = min(max(impact - D * PAA, 0), C) with PAA = 1 and impact <= value = D
    insure(risk_region, "deductible_share = 1.0")
    run = compute(risk_region, scenarios=[])
    flood = summary_table(run).query("exposure == 'buildings'").set_index("party")
    assert (flood["aai_insured"] == 0).all()
    assert flood.loc["total", "aai"] > 0
    metrics = metrics_tree(run)["scenarios"]["present"]["river-flood__buildings"]
    assert metrics["aai_insured_agg"] == 0
    assert set(metrics["aai_insured_by_party"]) == {"north", "south", "authority"}


def test_a_partial_cover_insures_part_of_each_party_s_impact(risk_region: Path) -> None:
    insure(risk_region, "deductible_share = 0.01\ncover_share = 0.05")
    run = compute(risk_region, scenarios=[])
    flood = summary_table(run).query("exposure == 'buildings'").set_index("party")
    for party in ("north", "south"):
        assert 0 < flood.loc[party, "aai_insured"] < flood.loc[party, "aai"]
    assert flood.loc["total", "aai_insured"] == pytest.approx(
        flood.loc[["north", "south", "authority"], "aai_insured"].sum(), rel=1e-12
    )


def edit_risk(root: Path, old: str, new: str) -> None:
    text = (root / "risk.toml").read_text(encoding="utf-8")
    assert old in text
    (root / "risk.toml").write_text(text.replace(old, new), encoding="utf-8")


def test_a_hazard_without_any_event_gives_zero_impacts(risk_region: Path) -> None:
    edit_risk(risk_region, "threshold = 29.4", "threshold = 60.0")
    run = compute(risk_region, scenarios=[])
    heat = summary_table(run).query("hazard == 'heat'")
    assert (heat[["aai", "rp_10", "rp_100"]] == 0).all().all()
    assert "present: hazard 'heat' has no event" in run.notes


def test_a_datasets_filter_that_keeps_nothing_is_named(risk_region: Path) -> None:
    # a dataset of the right kind whose features were all dropped by the harmonization
    harmonization = harmonize_region(risk_region)
    config = load_risk_config(harmonization.region)
    spec = config.exposure("residents").model_copy(update={"datasets": ["south-zones"]})
    with pytest.raises(RiskInputError, match=r"'residents'.*no feature .* south-zones"):
        asset_layer(spec, harmonization.layers, harmonization.region)


def test_a_hazard_in_another_unit_than_declared_is_refused(risk_region: Path) -> None:
    from bordercompact.risk.pipeline import _with_haz_type

    config = load_risk_config(harmonize_region(risk_region).region)
    present = compute(risk_region, scenarios=[]).hazards[("present", "river-flood")]
    with pytest.raises(HazardError, match="holds unit 'cm'; expected 'm'"):
        _with_haz_type(replace(present, units="cm"), config.hazard("river-flood"))


def test_hazards_read_for_a_future_carry_its_label(risk_region: Path) -> None:
    run = compute(risk_region)
    for (scenario, _), hazard in run.hazards.items():
        assert hazard.scenario == scenario
    assert line(run, "future", "buildings").impact.scenario == "future"


def test_an_occupancy_left_empty_takes_the_default_function(risk_region: Path) -> None:
    harmonization = harmonize_region(risk_region)
    config = load_risk_config(harmonization.region)
    layer = asset_layer(config.exposure("buildings"), harmonization.layers, harmonization.region)
    layer.frame.loc[layer.frame.index[0], "occupancy"] = None
    choice = config.exposure("buildings").impacts[0].model_copy(update={"default_function": 101})
    ids = function_ids(choice, layer, "here")
    assert ids[0] == 101
    assert set(ids[1:]) == {102, 202}
    without_default = choice.model_copy(update={"default_function": None})
    with pytest.raises(RiskInputError, match=rf"feature {layer.feature_id[0]}.*no term"):
        function_ids(without_default, layer, "here")


MAPS = "return_period,path\n10,maps/rp10.tif\n{second}\n"


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("100,maps/rp100.tif", None),
        ("10,maps/rp100.tif", r"maps.csv: line 3, column 'return_period': 10 again"),
        ("often,maps/rp100.tif", r"maps.csv: line 3, column 'return_period': found 'often'"),
    ],
)
def test_return_period_maps_are_listed_with_their_lines(
    risk_region: Path, second: str, message: str | None
) -> None:
    (risk_region / "maps.csv").write_text(MAPS.format(second=second), encoding="utf-8")
    spec = HazardSpec.model_validate(
        {"id": "f", "haz_type": "FL", "unit": "m", "return_period_maps": {"maps": "maps.csv"}}
    )
    region = harmonize_region(risk_region).region
    if message is None:
        listed = listed_rasters(region, spec)
        assert list(listed["return_period"]) == [10.0, 100.0]
        assert listed["raster"].iloc[1] == region.path("maps/rp100.tif")
        return
    with pytest.raises(HazardError, match=message):
        listed_rasters(region, spec)
