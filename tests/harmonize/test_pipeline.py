"""Validate and harmonize a region end to end: known values in, known values out."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyproj
import pytest
import rasterio

from bordercompact.harmonize.output import harmonize_into
from bordercompact.harmonize.pipeline import harmonize_region
from tests.mini_region import US_CRS, edit_manifest

US_DEFLATOR = 304.702 / 255.657  # CPI-U 2023 / 2019
MX_FACTOR = 128.6 / 106.4 / 17.76  # INPC 2023 / 2020, then MXN→USD at the 2023 rate


def test_mini_region_is_valid(mini_region: Path) -> None:
    result = harmonize_region(mini_region)
    assert result.ok, [p.message for p in result.problems.problems]
    assert result.problems.problems == []


def test_building_in_us_feet_lands_where_pyproj_puts_it(mini_region: Path) -> None:
    source = pd.read_csv(mini_region / "north/buildings.csv").iloc[0]
    expected = pyproj.Transformer.from_crs(US_CRS, "EPSG:32614", always_xy=True).transform(
        source.X_FT, source.Y_FT
    )
    assets = harmonize_region(mini_region).layers["assets"]
    point = assets.set_index("feature_id").geometry[f"north-buildings:{source.BLDG_ID}"]
    assert (point.x, point.y) == pytest.approx(expected, abs=1e-6)


def test_money_units_and_vocabulary_are_harmonized(mini_region: Path) -> None:
    buildings = pd.read_csv(mini_region / "north/buildings.csv").set_index("BLDG_ID")
    south = gpd.read_file(mini_region / "south/edificios.gpkg").set_index("CLAVE")
    assets = harmonize_region(mini_region).layers["assets"].set_index("source_id")
    north_row = assets.loc["B0000"]
    assert north_row.value == pytest.approx(buildings.loc["B0000", "REPL_COST"] * US_DEFLATOR)
    assert north_row.floor_area == pytest.approx(buildings.loc["B0000", "SQFT"] * 0.09290304)
    assert north_row.first_floor_height == pytest.approx(buildings.loc["B0000", "FFH_FT"] * 0.3048)
    assert north_row.occupancy == "COM1"  # "Retail"
    south_row = assets.loc["E0001"]
    assert south_row.value == pytest.approx(south.loc["E0001", "VALOR"] * MX_FACTOR)
    assert south_row.occupancy == "RES1"  # "Casa"
    assert set(assets.party) == {"north", "south"}


def test_zone_fields_in_si_units_and_text_tagged_with_language(mini_region: Path) -> None:
    zones = harmonize_region(mini_region).layers["population_zones"].set_index("source_id")
    old_town = zones.loc["480010001"]
    assert old_town.surface_temperature == pytest.approx(37.78, abs=0.005)  # 100 °F
    assert old_town.land_area == pytest.approx(1111.97 * 0.40468726, rel=1e-6)  # acres → ha
    assert old_town.median_income == pytest.approx(38_000 * US_DEFLATOR)
    assert (old_town["name"], old_town.name_lang) == ("Old Town", "en")


def test_network_speeds_and_flags(mini_region: Path) -> None:
    roads = harmonize_region(mini_region).layers["network"].set_index("source_id")
    assert roads.loc["1"].speed_limit == pytest.approx(45 * 0.44704)
    assert list(roads.bridge) == [True, False, False]
    assert list(roads.category.astype(str)) == ["primary", "residential", "residential"]


def test_run_dir_holds_geoparquet_rasters_logs_and_provenance(
    mini_region: Path, tmp_path: Path
) -> None:
    _, run_dir = harmonize_into(mini_region, tmp_path / "run")
    names = {p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*") if p.is_file()}
    assert {
        "layers/assets.parquet",
        "layers/boundary.parquet",
        "layers/population_zones.parquet",
        "layers/facilities.parquet",
        "layers/network.parquet",
        "rasters/authority-dem.tif",
        "harmonization_log.json",
        "harmonization_log.md",
        "validation.json",
        "provenance.json",
    } <= names

    assets = gpd.read_parquet(run_dir / "layers/assets.parquet")
    assert assets.crs == pyproj.CRS("EPSG:32614")
    assert len(assets) == 80
    metadata = json.loads(
        pq.read_schema(run_dir / "layers/assets.parquet").metadata[b"bordercompact"]
    )
    assert metadata["fields"]["value"] == {"role": "money", "currency": "USD", "price_year": 2023}
    assert metadata["fields"]["floor_area"] == {"role": "quantity", "unit": "m**2"}
    assert metadata["fields"]["occupancy"] == {"role": "category", "vocabulary": "occupancy"}

    with rasterio.open(run_dir / "rasters/authority-dem.tif") as dem:
        assert dem.crs.to_epsg() == 32614
        assert dem.tags(1)["unit"] == "m"
        values = dem.read(1, masked=True)
        assert values.min() >= 100
        assert values.max() <= 140

    provenance = json.loads((run_dir / "provenance.json").read_text())
    hashed = {entry["path"] for entry in provenance["inputs"]}
    assert {
        "region.toml",
        "north/buildings.csv",
        "south/edificios.gpkg",
        "money/exchange_rates.csv",
    } <= hashed
    assert all(len(entry["sha256"]) == 64 for entry in provenance["inputs"])
    assert provenance["packages"]["pyproj"] == pyproj.__version__
    assert provenance["geodesy"]["proj"] == pyproj.proj_version_str
    assert provenance["started"] <= provenance["finished"]
    assert {entry["path"] for entry in provenance["outputs"]} >= {"layers/assets.parquet"}

    log = (run_dir / "harmonization_log.md").read_text()
    assert "north-buildings" in log and "ft**2 → m**2: × 0.09290304" in log
    assert "MXN 2020 (MX) → USD 2023" in log
    assert "'Casa' → RES1" in log


def test_harmonized_values_survive_the_round_trip_through_geoparquet(
    mini_region: Path, tmp_path: Path
) -> None:
    result, run_dir = harmonize_into(mini_region, tmp_path / "run")
    written = gpd.read_parquet(run_dir / "layers/assets.parquet")
    memory = result.layers["assets"]
    np.testing.assert_allclose(written.value, memory.value)
    assert list(written.feature_id) == list(memory.feature_id)


def test_a_field_typed_differently_by_two_parties_is_kept_as_text(
    mini_region: Path, tmp_path: Path
) -> None:
    edit_manifest(mini_region, 'floor_area = "SQFT"', 'floor_area = "SQFT"\nnote = "SQFT"')
    edit_manifest(mini_region, 'value = "VALOR"', 'value = "VALOR"\nnote = "USO"')
    result, run_dir = harmonize_into(mini_region, tmp_path / "run")
    (warning,) = result.problems.warnings
    assert warning.code == "mixed-field-types"
    assert (
        "numbers in north-buildings" in warning.found and "text in south-buildings" in warning.found
    )
    notes = gpd.read_parquet(run_dir / "layers/assets.parquet").set_index("source_id").note
    assert notes["E0001"] == "Casa"
    assert notes["B0000"] == str(int(pd.read_csv(mini_region / "north/buildings.csv").SQFT[0]))


def test_geojson_in_projected_coordinates_takes_the_manifest_crs(mini_region: Path) -> None:
    # RFC 7946 GeoJSON has no crs member; a party exporting UTM metres must be able to say so.
    limits = gpd.read_file(mini_region / "south/limite.geojson").to_crs("EPSG:32614")
    text = limits.to_json()  # no "crs" member
    (mini_region / "south/limite.geojson").write_text(text)
    edit_manifest(
        mini_region,
        'path = "south/limite.geojson"',
        'path = "south/limite.geojson"\ncrs = "EPSG:32614"',
    )
    result = harmonize_region(mini_region)
    assert result.ok, [p.message for p in result.problems.errors]
    boundary = result.layers["boundary"].set_index("source_id")
    assert boundary.geometry["S1"].area == pytest.approx(3000 * 6000)


def test_an_analysis_crs_that_distorts_areas_is_reported(mini_region: Path) -> None:
    edit_manifest(mini_region, 'crs = "EPSG:32614"', 'crs = "EPSG:3857"')
    result = harmonize_region(mini_region)
    (warning,) = [p for p in result.problems.warnings if p.code == "analysis-crs-distortion"]
    # Web Mercator at 27.5°N: areas are 1/cos²(27.5°) = 1.27 times too large
    assert "1.27" in warning.found and warning.field == "region.crs"
