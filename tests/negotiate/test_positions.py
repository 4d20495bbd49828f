"""negotiation.toml: budgets, weights and named demands; every mistake named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.measures.model import MeasuresConfig
from bordercompact.negotiate.positions import (
    NegotiationConfig,
    PartyPosition,
    load_negotiation,
)
from bordercompact.region.load import load_region
from bordercompact.region.problems import InvalidRegionError
from tests.negotiate.tables import measure

MEASURES = MeasuresConfig.model_validate(
    {
        "appraisal": {"first_year": 2026, "last_year": 2030},
        "measures": [measure("levee", "north", kind="levee").model_dump()],
    }
)
VALID = """\
[negotiation]
rule = "nucleolus"

[[parties]]
id = "north"
budget_per_year = { 2026 = 5e6, 2027 = 4e6 }
budget_total = 8e6

[[parties.demands]]
id = "north-no-levee"
type = "no_kind"
kinds = ["levee"]
text = { en = "No levee." }

[[parties]]
id = "south"
weight = 2.0
"""


def test_a_valid_file_parses(mini_region: Path) -> None:
    (mini_region / "negotiation.toml").write_text(VALID, encoding="utf-8")
    config = load_negotiation(load_region(mini_region), MEASURES)
    assert config.players == ["north", "south"]
    assert config.negotiation.rule == "nucleolus"
    north = config.position("north")
    assert north.budget_in(2027) == 4e6 and north.budget_in(2028) is None
    assert config.position("south").weight == 2.0
    assert [(p, d.id) for p, d in config.demands()] == [("north", "north-no-levee")]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('id = "south"', 'id = "west"', "parties[1].id"),
        ('kinds = ["levee"]', 'kinds = ["dam"]', "parties[0].demands[0].kinds"),
        ('kinds = ["levee"]\n', "", "parties[0].demands[0]"),
        ('rule = "nucleolus"', 'rule = "coin-toss"', "negotiation.rule"),
    ],
)
def test_mistakes_name_the_key(mini_region: Path, old: str, new: str, field: str) -> None:
    assert old in VALID
    (mini_region / "negotiation.toml").write_text(VALID.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InvalidRegionError) as raised:
        load_negotiation(load_region(mini_region), MEASURES)
    assert [p.field for p in raised.value.problems.errors] == [field]


def test_one_budget_for_every_year() -> None:
    assert PartyPosition(id="a", budget_per_year=3.0).budget_in(2040) == 3.0
    assert NegotiationConfig(parties=[PartyPosition(id="a")]).position("b").weight == 1.0
