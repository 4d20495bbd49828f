"""The real Basel tri-national bundle (CH/DE/FR), read in place from ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest

from bordercompact.harmonize.output import harmonize_into
from bordercompact.harmonize.pipeline import harmonize_region
from tests.conftest import BASEL_DATA, NEEDS_BASEL

BASEL_REGION = Path(__file__).resolve().parents[2] / "examples" / "basel"

pytestmark = NEEDS_BASEL


@pytest.fixture(scope="module")
def basel_summary() -> dict[str, object]:
    return json.loads((BASEL_DATA / "summary.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def harmonized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, run_dir = harmonize_into(BASEL_REGION, tmp_path_factory.mktemp("basel") / "run")
    return run_dir


def test_basel_validates_with_border_findings_as_warnings() -> None:
    result = harmonize_region(BASEL_REGION)
    assert result.ok, [p.message for p in result.problems.errors]
    findings = {(b.kind, b.parties) for b in result.border}
    warned = [p for p in result.problems.warnings if p.code.startswith("border-")]
    assert len(warned) == len(result.border)
    # The generalised German lines neither meet the Swiss nor the French ones exactly.
    assert ("overlap", ("ch", "de")) in findings
    assert ("gap", ("ch", "de")) in findings
    assert {b.parties for b in result.border} == {("ch", "de"), ("ch", "fr"), ("de", "fr")}
    for discrepancy in result.border:
        assert 1e4 < discrepancy.area_m2 < 1e7  # between 1 ha and 1,000 ha along ~60 km


def test_border_warning_names_the_municipalities_involved() -> None:
    result = harmonize_region(BASEL_REGION)
    overlap = next(p for p in result.problems.warnings if p.code == "border-overlap")
    assert "basel_trinational.gpkg" in overlap.file
    assert overlap.layer == "municipalities"
    assert "municipalities:2701" in overlap.features  # Basel


def test_every_municipality_and_resident_is_kept(
    harmonized: Path, basel_summary: dict[str, dict[str, int]]
) -> None:
    boundary = gpd.read_parquet(harmonized / "layers/boundary.parquet")
    assert boundary.party.value_counts().to_dict() == {
        k.lower(): v for k, v in basel_summary["municipalities"].items()
    }
    zones = gpd.read_parquet(harmonized / "layers/population_zones.parquet")
    assert len(zones) == basel_summary["grid_cells"]
    assert zones.population.sum() == basel_summary["population_T"]
    assert set(zones.party) == {"ch", "de", "fr"}
    hospitals = gpd.read_parquet(harmonized / "layers/facilities.parquet")
    assert hospitals.party.value_counts().to_dict() == {
        k.lower(): v for k, v in basel_summary["hospitals"].items()
    }
    assert set(hospitals.category) == {"hospital"}
    assert set(hospitals.name_lang) == {"de", "fr"}


def test_layers_are_in_the_analysis_crs_with_areas_in_hectares(harmonized: Path) -> None:
    zones = gpd.read_parquet(harmonized / "layers/population_zones.parquet")
    assert zones.crs.to_epsg() == 3035
    assert zones.land_area.max() == pytest.approx(100.0, abs=0.01)  # 1 km² cells
    assert zones.geometry.area.median() == pytest.approx(1e6, rel=1e-6)


def test_basel_city_lies_in_the_swiss_party(harmonized: Path) -> None:
    boundary = gpd.read_parquet(harmonized / "layers/boundary.parquet").set_index("source_id")
    assert boundary.loc["2701", "party"] == "ch"
    assert boundary.loc["2701", "name"] == "Basel"
