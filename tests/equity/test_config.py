"""equity.toml: the index's variables from harmonized census fields, facilities to reach;
every mistake reported with the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.equity.config import load_equity_config, read_equity_config
from bordercompact.region.load import load_region
from bordercompact.region.problems import InvalidRegionError, ProblemLog

VALID = """\
[svi]
[svi.variables]
elderly = { field = "age_65_plus", per = "population" }
income = { field = "median_income", invert = true }

[[svi.themes]]
name = "household"
variables = ["elderly"]

[[svi.themes]]
name = "economy"
variables = ["income"]

[access]
[[access.facilities]]
id = "pumps"
categories = ["pumping_station"]
"""


def problems_of(root: Path, text: str) -> list:
    (root / "equity.toml").write_text(text, encoding="utf-8")
    problems = ProblemLog()
    assert read_equity_config(load_region(root), problems) is None
    return problems.problems


def test_a_valid_equity_config_parses_with_its_defaults(mini_region: Path) -> None:
    (mini_region / "equity.toml").write_text(VALID, encoding="utf-8")
    config = load_equity_config(load_region(mini_region))
    assert config.svi.ranking == "region"
    assert config.svi.variables["income"].invert
    assert config.access is not None
    assert config.access.threshold_minutes == 15.0
    assert not config.access.facilities[0].restricted


def test_a_missing_equity_config_is_reported(mini_region: Path) -> None:
    with pytest.raises(InvalidRegionError, match="no such file"):
        load_equity_config(load_region(mini_region))


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        (
            'variables = ["income"]',
            'variables = ["wealth"]',
            "equity-config-reference",
            "svi.themes[1].variables",
        ),
        (
            'variables = ["income"]',
            'variables = ["elderly"]',
            "equity-config-reference",
            "svi.themes",
        ),
        ("[svi]\n", '[svi]\nranking = "city"\n', "equity-config-schema", "svi.ranking"),
        (
            'categories = ["pumping_station"]',
            'categories = ["pumping_station"]\ncapacity_field = "capacity"',
            "equity-config-schema",
            "access.facilities[0]",
        ),
    ],
)
def test_mistakes_name_the_key(mini_region: Path, old, new, code, field) -> None:
    assert old in VALID
    problems = problems_of(mini_region, VALID.replace(old, new, 1))
    assert [(p.code, p.field) for p in problems] == [(code, field)]
