"""The bundled demo region: what later issues rely on, and that the generator reproduces it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from bordercompact.harmonize.pipeline import Harmonization, harmonize_region

TWIN_RIVERS = Path(__file__).resolve().parents[2] / "examples" / "twin-rivers"


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
    assert generated
    for relative in generated:
        committed = TWIN_RIVERS / relative
        assert committed.is_file(), relative
        if relative.suffix in {".csv", ".geojson", ".tif"}:
            digest = [
                hashlib.sha256(p.read_bytes()).hexdigest() for p in (committed, tmp_path / relative)
            ]
            assert digest[0] == digest[1], relative
        elif relative.suffix in {".gpkg", ".shp"}:
            for layer in gpd.list_layers(committed).name:
                expected = gpd.read_file(committed, layer=layer)
                got = gpd.read_file(tmp_path / relative, layer=layer)
                assert expected.equals(got), (relative, layer)
