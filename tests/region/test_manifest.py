"""The region manifest: every problem of region.toml reported at once, each naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.region.load import load_region, read_region
from bordercompact.region.problems import InvalidRegionError, ProblemLog
from tests.mini_region import edit_manifest


def test_valid_manifest_loads_into_a_region(mini_region: Path) -> None:
    region = load_region(mini_region)
    assert [p.id for p in region.parties] == ["north", "south", "authority"]
    assert region.party("south").display_name("en") == "South City"
    assert region.territorial_parties == {"north", "south"}
    assert region.manifest_path in list(region.input_files())


def test_every_schema_error_is_reported_in_one_pass(mini_region: Path) -> None:
    edit_manifest(mini_region, 'country = "MX"', 'country = "MEX"')
    edit_manifest(mini_region, 'currency = "MXN"', 'currency = "PESO"')
    edit_manifest(mini_region, 'fiscal_year_start = "01-01"', 'fiscal_year_start = "13-01"')
    problems = ProblemLog()
    assert read_region(mini_region, problems) is None
    by_field = {p.field: p for p in problems.problems}
    assert set(by_field) == {
        "parties[1].country",
        "parties[1].currency",
        "parties[1].fiscal_year_start",
    }
    country = by_field["parties[1].country"]
    assert country.features == ("south",)
    assert "'MEX'" in country.found and "ISO 3166-1" in country.expected


def test_load_region_raises_with_all_problems(mini_region: Path) -> None:
    edit_manifest(
        mini_region, 'party = "north"\nkind = "assets"', 'party = "nowhere"\nkind = "assets"'
    )
    with pytest.raises(InvalidRegionError) as raised:
        load_region(mini_region)
    (problem,) = raised.value.problems.errors
    assert problem.code == "unknown-party"
    assert "nowhere" in problem.message and "north-buildings" in problem.message
