"""The bundled demo region: what later issues rely on, and that the generator reproduces it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.features import rasterize

from bordercompact.harmonize.pipeline import Harmonization, harmonize_region
from bordercompact.harmonize.vocab import shipped_vocabularies
from bordercompact.measures.model import (
    ExposureEffect,
    HazardEffect,
    MeasuresConfig,
    PeopleEffect,
    VulnerabilityEffect,
    load_measures,
)
from bordercompact.region.load import load_region
from bordercompact.risk.functions import shipped_impact_functions
from bordercompact.risk.vulnerability import read_impact_functions_csv

TWIN_RIVERS = Path(__file__).resolve().parents[2] / "examples" / "twin-rivers"
RISK_FILES = [
    "risk.toml",
    "commission/hand.tif",
    "commission/weather_station.csv",
    "commission/heat_mortality.csv",
    "ribera/curvas_danos.csv",
    "scenarios/rcp85_2050_hazard.csv",
    "scenarios/rcp85_2050_exposure.csv",
]
MEASURE_ZONES = [
    "riverton_levee",
    "ribera_floodwall",
    "retention_basin_site",
    "downstream_floodplain",
    "urban_reach_floodplain",
    "ribera_buyout",
    "riverton_floodplain_100yr",
    "ribera_floodplain_100yr",
    "riverton_old_town",
    "ribera_old_town",
]
NEW_COOLING_CENTRES = "measures/ribera_new_cooling_centres.geojson"
MEASURE_FILES = [
    "measures.toml",
    *(f"measures/{zone}.geojson" for zone in MEASURE_ZONES),
    NEW_COOLING_CENTRES,
]


@pytest.fixture(scope="module")
def risk_config() -> dict[str, Any]:
    with (TWIN_RIVERS / "risk.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def harmonized() -> Harmonization:
    result = harmonize_region(TWIN_RIVERS)
    assert result.ok, [p.message for p in result.problems.errors]
    return result


def test_demo_region_is_clean_and_small() -> None:
    result = harmonize_region(TWIN_RIVERS)
    assert result.problems.problems == []
    size = sum(p.stat().st_size for p in TWIN_RIVERS.rglob("*") if p.is_file())
    assert size < 10 * 2**20


def test_three_parties_in_two_countries_each_in_its_own_conventions(
    harmonized: Harmonization,
) -> None:
    region = harmonized.region
    assert region is not None
    assert {p.country for p in region.parties} == {"US", "MX"}
    assert len(region.parties) == 3
    crss = {d.crs or "" for d in region.datasets} | {
        str(gpd.read_file(region.path(d.path), layer=d.layer, rows=1).crs)
        for d in region.datasets
        if d.resolved_format == "vector"
    }
    assert {"EPSG:2279", "EPSG:6372", "EPSG:4326"} <= crss
    units = {u["from"] for entry in harmonized.log for u in entry.units}
    assert {"degF", "mph", "acre", "ft**2", "km/h"} <= units
    currencies = {(m["currency"], m["price_year"]) for e in harmonized.log for m in e.money}
    assert {("USD", 2019), ("MXN", 2020)} <= currencies


def test_layers_later_issues_need(harmonized: Harmonization) -> None:
    layers = harmonized.layers
    assets = layers["assets"]
    assert 45_000 <= len(assets) <= 55_000
    assert assets.value.gt(0).all() and assets.occupancy.notna().all()
    zones = layers["population_zones"]
    assert len(zones) >= 300
    svi_fields = {
        "population",
        "age_65_plus",
        "age_under_5",
        "poverty",
        "disability",
        "limited_language",
        "no_vehicle",
        "renter_households",
        "minority",
        "median_income",
        "households",
    }
    assert svi_fields <= set(zones.columns)
    assert set(zones.party) == {"riverton", "ribera"}
    categories = set(layers["facilities"].category.astype(str))
    assert {
        "hospital",
        "school",
        "shelter",
        "cooling_centre",
        "power_substation",
        "water_treatment",
        "pumping_station",
    } <= categories
    assert "commission-dem" in harmonized.rasters


def test_bridges_cross_the_border(harmonized: Harmonization) -> None:
    network = harmonized.layers["network"]
    bridges = network[network.bridge.fillna(False).astype(bool)]
    assert len(bridges) >= 2
    boundary = harmonized.layers["boundary"].dissolve("party")
    for line in bridges.geometry:
        assert line.intersects(boundary.geometry["riverton"])
        assert line.intersects(boundary.geometry["ribera"])
    # every bridge end meets a city street
    city_roads = shapely.union_all(network[~network.bridge.fillna(False).astype(bool)].geometry)
    for line in bridges.geometry:
        for end in line.boundary.geoms:
            assert end.distance(city_roads) < 1.0


@pytest.mark.slow
def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(TWIN_RIVERS / "generate.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert {Path(f) for f in RISK_FILES + MEASURE_FILES} <= set(generated)
    for relative in generated:
        committed = TWIN_RIVERS / relative
        assert committed.is_file(), relative
        if relative.suffix in {".csv", ".geojson", ".tif", ".toml"}:
            digest = [
                hashlib.sha256(p.read_bytes()).hexdigest() for p in (committed, tmp_path / relative)
            ]
            assert digest[0] == digest[1], relative
        elif relative.suffix in {".gpkg", ".shp"}:
            for layer in gpd.list_layers(committed).name:
                expected = gpd.read_file(committed, layer=layer)
                got = gpd.read_file(tmp_path / relative, layer=layer)
                assert expected.equals(got), (relative, layer)


# --------------------------------------------------------------------------------------
# The risk set-up: risk.toml and the files it names (format: docs/risk-config.md)
# --------------------------------------------------------------------------------------


def flood_stage(hand_flood: dict[str, Any], return_period: float) -> float:
    """Stage h_T of docs/risk-config.md: Gumbel discharge through the rating curve."""
    q = hand_flood["gumbel_location_m3s"] - hand_flood["gumbel_scale_m3s"] * np.log(
        -np.log(1 - 1 / return_period)
    )
    q_ref = hand_flood.get("reference_discharge_m3s", 0.0)
    b = hand_flood["rating_exponent"]
    return float(hand_flood["rating_coefficient"] * (q**b - q_ref**b))


def test_hand_is_height_above_the_river_on_the_dem_grid() -> None:
    with rasterio.open(TWIN_RIVERS / "commission/dem.tif") as dem_file:
        dem, grid = dem_file.read(1), dem_file.profile
    with rasterio.open(TWIN_RIVERS / "commission/hand.tif") as hand_file:
        hand = hand_file.read(1)
        assert (hand_file.crs, hand_file.transform) == (grid["crs"], grid["transform"])
    assert hand.shape == dem.shape
    assert hand.min() == 0.0
    assert (hand <= dem - dem.min() + 1e-3).all()  # never above the terrain's relief
    river = gpd.read_file(TWIN_RIVERS / "commission/river.geojson").to_crs(grid["crs"])
    channel = river.loc[river.feature == "channel", "geometry"]
    in_channel = rasterize(channel, out_shape=dem.shape, transform=grid["transform"]) == 1
    assert in_channel.sum() > 500
    assert (hand[in_channel] == 0).all()
    assert np.median(hand[~in_channel]) > 10  # the upland stands well above the river


def test_weather_series_is_forty_hot_semi_arid_years_with_a_few_gaps() -> None:
    series = pd.read_csv(TWIN_RIVERS / "commission/weather_station.csv", parse_dates=["date"])
    assert list(series.columns) == ["date", "tmax_c"]
    assert (series.date.dt.year.min(), series.date.dt.year.max()) == (1985, 2024)
    assert series.date.is_unique and series.date.diff().dropna().dt.days.eq(1).all()
    assert 1 <= series.tmax_c.isna().sum() <= 30
    tmax = series.set_index("date").tmax_c
    assert tmax.dropna().between(-5, 48).all()
    summer = tmax[tmax.index.month.isin([6, 7, 8])]
    assert 36 < summer.mean() < 40
    hot_days = tmax.gt(42).sum()
    assert 0 < hot_days < 4 * 40  # a few a year at most
    assert 80 < tmax.gt(35).sum() / 40 < 180  # days above the heat threshold per year


def test_risk_toml_names_files_that_exist(risk_config: dict[str, Any]) -> None:
    hazards = {h["id"]: h for h in risk_config["hazards"]}
    assert set(hazards) == {"river-flood", "heat"}
    named = [
        hazards["river-flood"]["hand_flood"]["hand"],
        hazards["heat"]["daily_series"]["path"],
        hazards["heat"]["daily_series"]["terrain"],
        *(m["functions"] for m in risk_config["methodologies"]),
        *(s["hazard_changes"] for s in risk_config["scenarios"]),
        *(s["exposure_growth"] for s in risk_config["scenarios"]),
    ]
    for relative in named:
        assert (TWIN_RIVERS / relative).is_file(), relative
    with (TWIN_RIVERS / "region.toml").open("rb") as handle:
        region = tomllib.load(handle)
    money = [e for e in risk_config["exposures"] if e["kind"] == "assets"]
    assert {e["unit"] for e in money} == {region["region"]["currency"]}


def test_every_occupancy_term_has_a_flood_function(risk_config: dict[str, Any]) -> None:
    terms = set(shipped_vocabularies()["occupancy"].terms)
    shipped = shipped_impact_functions()
    (buildings,) = [e for e in risk_config["exposures"] if e["id"] == "buildings"]
    (flood,) = buildings["impacts"]
    assert set(flood["impact_functions"]) == terms
    assert set(flood["impact_functions"].values()) == {102, 202, 302}
    for impf_id in {*flood["impact_functions"].values(), flood["default_function"]}:
        shipped.get("FL", impf_id)
    (ribera,) = risk_config["methodologies"]
    own = read_impact_functions_csv(TWIN_RIVERS / ribera["functions"])
    (impacts,) = ribera["impacts"]
    assert set(impacts["impact_functions"]) == terms
    for impf_id in {*impacts["impact_functions"].values(), impacts["default_function"]}:
        own.get("FL", impf_id)


def test_ribera_curves_are_steeper_than_jrc_at_shallow_depth() -> None:
    own = read_impact_functions_csv(TWIN_RIVERS / "ribera/curvas_danos.csv")
    shipped = shipped_impact_functions()
    shallow = np.array([0.25, 0.5, 1.0])
    for own_id, jrc_id in ((1, 102), (2, 202), (3, 302)):
        curve = own.get("FL", own_id)
        assert curve.mdr(np.array([0.0]))[0] == 0.0
        assert "icticia" in curve.source
        assert (curve.mdr(shallow) > shipped.get("FL", jrc_id).mdr(shallow)).all()


def test_heat_deaths_use_each_partys_daily_death_rate(risk_config: dict[str, Any]) -> None:
    exposures = {e["id"]: e for e in risk_config["exposures"]}
    rates = exposures["heat-deaths"]["value_factor_by_party"]
    per_thousand_a_year = {party: rate * 365.25 * 1000 for party, rate in rates.items()}
    assert per_thousand_a_year["riverton"] == pytest.approx(8.7, abs=0.05)
    assert per_thousand_a_year["ribera"] == pytest.approx(5.9, abs=0.05)
    assert exposures["residents"]["impacts"][0]["result"] == "affected"


def test_scenario_files_have_the_columns_of_the_spec(risk_config: dict[str, Any]) -> None:
    (scenario,) = risk_config["scenarios"]
    changes = pd.read_csv(TWIN_RIVERS / scenario["hazard_changes"])
    assert list(changes.columns) == [
        "hazard",
        "return_period",
        "intensity_scale",
        "intensity_shift",
        "frequency_scale",
    ]
    assert set(changes.hazard) == {h["id"] for h in risk_config["hazards"]}
    growth = pd.read_csv(TWIN_RIVERS / scenario["exposure_growth"])
    assert list(growth.columns) == ["party", "exposure", "value_factor"]
    assert set(growth.exposure) <= {e["id"] for e in risk_config["exposures"]}
    assert set(growth.party) == {"riverton", "ribera"}
    assert growth.value_factor.between(1.0, 1.5).all()


def test_flood_stage_increase_is_a_15_to_20_percent_discharge_increase(
    risk_config: dict[str, Any],
) -> None:
    hand_flood = risk_config["hazards"][0]["hand_flood"]
    changes = pd.read_csv(TWIN_RIVERS / risk_config["scenarios"][0]["hazard_changes"])
    flood = changes[changes.hazard == "river-flood"]
    assert list(flood.return_period) == hand_flood["return_periods"]
    assert flood.intensity_shift.is_monotonic_increasing
    for period, shift in zip(flood.return_period, flood.intensity_shift, strict=True):
        stage = flood_stage(hand_flood, period)
        discharge_ratio = ((stage + shift) / stage) ** (1 / hand_flood["rating_exponent"])
        assert 1.145 < discharge_ratio < 1.205, period


def test_flood_reaches_a_few_percent_of_buildings_on_each_bank(
    harmonized: Harmonization, risk_config: dict[str, Any]
) -> None:
    hand_flood = risk_config["hazards"][0]["hand_flood"]
    assets = harmonized.layers["assets"]
    with rasterio.open(TWIN_RIVERS / hand_flood["hand"]) as hand_file:
        at = assets.geometry.to_crs(hand_file.crs)
        hand = np.array([v[0] for v in hand_file.sample(zip(at.x, at.y, strict=True))])
    assert (hand >= 0).all()

    def flooded_share(party: str, period: float) -> float:
        on_side = (assets.party == party).to_numpy()
        return float((flood_stage(hand_flood, period) > hand[on_side]).mean())

    for party in ("riverton", "ribera"):
        assert flooded_share(party, 2) < 0.005  # the 2-year flood stays in its channel
        assert 0.03 <= flooded_share(party, 100) <= 0.15
        assert flooded_share(party, 500) > flooded_share(party, 100)


# --------------------------------------------------------------------------------------
# The candidate measures: measures.toml and its zones (format: docs/measures-config.md)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def measures() -> MeasuresConfig:
    return load_measures(load_region(TWIN_RIVERS))


def test_measures_cover_every_kind_the_negotiation_needs(measures: MeasuresConfig) -> None:
    by_id = {m.id: m for m in measures.measures}
    assert len(by_id) >= 12
    assert {m.host for m in measures.measures} == {"riverton", "ribera", "commission"}
    assert (measures.appraisal.first_year, measures.appraisal.last_year) == (2026, 2075)
    assert measures.appraisal.future_scenario == "rcp85-2050"
    levees = [m for m in measures.measures if m.alternatives == "riverton-levee"]
    assert len(levees) == 2
    assert len({e.up_to_return_period for m in levees for e in m.effects}) == 2
    assert len({m.capital_cost for m in levees}) == 2
    basin = by_id["upstream-retention-basin"]
    assert basin.proposed_by != basin.host  # built upstream for the city downstream
    (effect,) = basin.effects
    assert isinstance(effect, HazardEffect) and 0 < effect.scale < 1
    assert any(m.requires for m in measures.measures)
    assert any(
        m.host == "commission" and {"riverton", "ribera"} <= set(m.approvals)
        for m in measures.measures
    )
    effects = [e for m in measures.measures for e in m.effects]
    assert any(isinstance(e, ExposureEffect) for e in effects)
    assert any(
        isinstance(e, VulnerabilityEffect) and e.classes == ["RES1", "RES2", "RES3"]
        for e in effects
    )
    people = [e for e in effects if isinstance(e, PeopleEffect)]
    assert any(e.zone is None and e.within_minutes_of is None for e in people)  # a warning
    assert any(e.within_minutes_of == "cooling" and e.new_facilities is None for e in people)
    assert any(e.new_facilities == NEW_COOLING_CENTRES for e in people)
    assert all(e.exposure == "heat-deaths" for e in people)
    assert all(set(m.name) == {"en", "es"} for m in measures.measures)


def test_every_measure_zone_is_one_valid_polygon_file(measures: MeasuresConfig) -> None:
    named = {
        e.zone.path
        for m in measures.measures
        for e in m.effects
        if getattr(e, "zone", None) is not None
    }
    assert named <= set(MEASURE_FILES)
    for relative in MEASURE_FILES[1:-1]:
        zones = gpd.read_file(TWIN_RIVERS / relative)
        assert str(zones.crs) == "EPSG:4326", relative
        assert len(zones) == 1, relative
        (polygon,) = zones.geometry
        assert polygon.geom_type in {"Polygon", "MultiPolygon"}, relative
        assert polygon.is_valid and not polygon.is_empty, relative


def test_new_cooling_centres_stand_in_ribera_beyond_a_walk_of_its_existing_ones(
    harmonized: Harmonization,
) -> None:
    new = gpd.read_file(TWIN_RIVERS / NEW_COOLING_CENTRES).to_crs(harmonized.region.settings.crs)
    zones = harmonized.layers["population_zones"]
    assert len(new) == 3 and set(new.geom_type) == {"Point"}
    standing_in = gpd.sjoin(new, zones[["party", "geometry"]], predicate="within")
    assert set(standing_in["party"].astype(str)) == {"ribera"}
    facilities = harmonized.layers["facilities"]
    existing = facilities[
        (facilities["category"].astype(str) == "cooling_centre")
        & (facilities["party"].astype(str) == "ribera")
    ]
    assert new.geometry.apply(lambda p: existing.distance(p).min()).min() > 1000.0


def test_flood_zones_lie_on_the_bank_of_the_party_that_builds_there(
    harmonized: Harmonization, measures: MeasuresConfig
) -> None:
    assets = harmonized.layers["assets"].to_crs("EPSG:4326")

    def parties_inside(zone: str) -> dict[str, int]:
        polygon = gpd.read_file(TWIN_RIVERS / f"measures/{zone}.geojson").geometry.iloc[0]
        inside = shapely.intersects_xy(polygon, assets.geometry.x, assets.geometry.y)
        counts = assets[inside].party.astype(str).value_counts()
        return counts[counts > 0].to_dict()

    assert set(parties_inside("riverton_levee")) == {"riverton"}
    assert set(parties_inside("ribera_floodwall")) == {"ribera"}
    assert set(parties_inside("downstream_floodplain")) == {"riverton", "ribera"}
    bought = parties_inside("ribera_buyout")
    assert set(bought) == {"ribera"} and 20 <= bought["ribera"] <= 500
