"""measures.toml: candidate measures with costs, years and effects; every mistake named."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from bordercompact.measures.model import (
    AppraisalSettings,
    ExposureEffect,
    HazardEffect,
    load_measures,
    read_measures,
    yearly_discount_rates,
)
from bordercompact.region.load import load_region
from bordercompact.region.problems import InvalidRegionError, ProblemLog

VALID = """\
[appraisal]
first_year = 2026
last_year = 2075
discount_rate = 0.03
future_scenario = "rcp85-2050"
future_year = 2050

[[measures]]
id = "levee-1m"
name = { en = "Levee, 1 m", es = "Bordo, 1 m" }
proposed_by = "north"
host = "north"
capital_cost = 12e6
annual_cost = 1.5e5
lifetime_years = 50
construction_years = [2027, 2028]
alternatives = "levee"
approvals = ["north", "authority"]
co_benefits = { green_area_ha = 2.0 }

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = { path = "measures/levee.geojson" }
scale = 0.0
up_to_return_period = 100

[[measures]]
id = "levee-2m"
name = { en = "Levee, 2 m" }
proposed_by = "north"
host = "north"
capital_cost = 18e6
lifetime_years = 50
construction_years = [2027]
alternatives = "levee"

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = { path = "measures/levee.geojson" }
scale = 0.0
up_to_return_period = 500

[[measures]]
id = "buy-out"
name = { es = "Reubicación" }
proposed_by = "south"
host = "south"
capital_cost = 3e6
lifetime_years = 100
construction_years = [2030]
requires = ["levee-1m"]

[[measures.effects]]
type = "exposure"
exposure = "buildings"
zone = { features = ["south-buildings:E0001", "south-buildings:E0002"] }
"""


def problems_of(root: Path, text: str) -> list:
    (root / "measures.toml").write_text(text, encoding="utf-8")
    problems = ProblemLog()
    assert read_measures(load_region(root), problems) is None
    return problems.problems


def test_a_valid_measures_file_parses(mini_region: Path) -> None:
    (mini_region / "measures.toml").write_text(VALID, encoding="utf-8")
    config = load_measures(load_region(mini_region))
    levee, _, buy_out = config.measures
    assert isinstance(levee.effects[0], HazardEffect)
    assert levee.effects[0].up_to_return_period == 100
    assert isinstance(buy_out.effects[0], ExposureEffect)
    assert config.appraisal.time_exponent == 1.0


def test_a_missing_measures_file_is_reported(mini_region: Path) -> None:
    with pytest.raises(InvalidRegionError, match="no such file"):
        load_measures(load_region(mini_region))


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        ('host = "south"', 'host = "west"', "measures-config-reference", "measures[2].host"),
        (
            'approvals = ["north", "authority"]',
            'approvals = ["river"]',
            "measures-config-reference",
            "measures[0].approvals",
        ),
        (
            'requires = ["levee-1m"]',
            'requires = ["dam"]',
            "measures-config-reference",
            "measures[2].requires",
        ),
        (
            "construction_years = [2030]",
            "construction_years = [2020]",
            "measures-config-reference",
            "measures[2].construction_years",
        ),
        ('type = "exposure"', 'type = "magic"', "measures-config-schema", "measures[2].effects[0]"),
        (
            'zone = { features = ["south-buildings:E0001", "south-buildings:E0002"] }',
            'zone = { path = "a.geojson", features = ["x"] }',
            "measures-config-schema",
            "measures[2].effects[0].exposure.zone",
        ),
        ("last_year = 2075", "last_year = 2020", "measures-config-schema", "appraisal"),
        ("future_year = 2050\n", "", "measures-config-schema", "appraisal"),
        (
            "future_year = 2050\n",
            "future_year = 2050\nunit_values = { USD = 2.0 }\n",
            "measures-config-reference",
            "appraisal.unit_values",
        ),
        (
            "future_year = 2050\n",
            "future_year = 2050\n[uncertainty]\ndamage_scale = { low = 1.2, high = 0.8 }\n",
            "measures-config-schema",
            "uncertainty.damage_scale",
        ),
    ],
)
def test_mistakes_name_the_key_and_the_measure(mini_region: Path, old, new, code, field) -> None:
    assert old in VALID
    problems = problems_of(mini_region, VALID.replace(old, new, 1))
    assert [(p.code, p.field) for p in problems] == [(code, field)]


def test_requiring_an_alternative_of_ones_own_group_is_refused(mini_region: Path) -> None:
    text = VALID.replace(
        'construction_years = [2027]\nalternatives = "levee"',
        'construction_years = [2027]\nalternatives = "levee"\nrequires = ["levee-1m"]',
    )
    (problem,) = problems_of(mini_region, text)
    assert problem.features == ("levee-2m",)
    assert "an alternative to it" in problem.found


def test_a_declining_schedule_gives_each_year_the_rate_of_its_step() -> None:
    settings = AppraisalSettings(
        first_year=2026,
        last_year=2030,
        discount_schedule=[{"from_year": 0, "rate": 0.035}, {"from_year": 3, "rate": 0.03}],
    )
    np.testing.assert_allclose(yearly_discount_rates(settings), [0.035, 0.035, 0.035, 0.03, 0.03])


def test_without_a_rate_or_schedule_the_rate_is_three_percent() -> None:
    settings = AppraisalSettings(first_year=2026, last_year=2027)
    np.testing.assert_allclose(yearly_discount_rates(settings), [0.03, 0.03])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"discount_rate": 0.02, "discount_schedule": [{"from_year": 0, "rate": 0.03}]},
            "both discount_rate and discount_schedule",
        ),
        ({"discount_schedule": [{"from_year": 1, "rate": 0.03}]}, "from years [1]"),
        (
            {
                "discount_schedule": [
                    {"from_year": 0, "rate": 0.03},
                    {"from_year": 0, "rate": 0.02},
                ]
            },
            "from years [0, 0]",
        ),
    ],
)
def test_a_schedule_must_start_at_year_zero_and_increase(extra, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        AppraisalSettings(first_year=2026, last_year=2030, **extra)
