"""The finance stage on the mini region: the deal of its two banks funded by their
budgets and a border grant, scheduled in each party's fiscal years and currency, and a
flood reserve pooled against each party's own."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bordercompact.finance.outputs import finance_into
from bordercompact.region.problems import InvalidRegionError
from tests.measures.test_outputs import write_measures

NEGOTIATION = """\
[[parties]]
id = "north"

[[parties]]
id = "south"
"""

FINANCE = """\
[[parties]]
id = "north"
capital_budget = 1.0          # USD a fiscal year: exceeded in the building years

[[sources]]
id = "north-budget"
kind = "own_budget"
party = "north"
name = { en = "North budget" }

[[sources]]
id = "south-budget"
kind = "own_budget"
party = "south"
name = { en = "South budget" }

[[sources]]
id = "border-grant"
kind = "cross_border_fund"
name = { en = "Border grant" }
co_financing_rate = 0.5
ceiling = 1e5

[reserve]
hazard = "river-flood"
exposure = "buildings"
years = 20000
seed = 1
return_period = 50
cover = 0.5
"""


@pytest.fixture
def financed(mini_region: Path, tmp_path: Path):
    write_measures(mini_region)
    (mini_region / "negotiation.toml").write_text(NEGOTIATION, encoding="utf-8")
    (mini_region / "finance.toml").write_text(FINANCE, encoding="utf-8")
    return finance_into(mini_region, tmp_path / "run", workers=1)


def test_the_plan_covers_every_share_and_the_grant_pays_up_to_its_ceiling(financed) -> None:
    run, negotiation, run_dir = financed
    assert negotiation.deal.found and run.plan is not None
    np.testing.assert_allclose(
        run.plan.amounts.sum(axis=1), [need.amount for need in run.plan.needs]
    )
    assert run.plan.by_source()["border-grant"] <= 1e5 + 1e-6
    schedule = pd.read_csv(run_dir / "finance/schedule.csv")
    assert set(schedule["currency"]) <= {"USD", "MXN"}
    south = schedule[schedule["party"] == "south"]
    assert (south["currency"] == "MXN").all()
    # north's fiscal years start in October: its 2026 payments fall in FY2026 and FY2027
    assert set(schedule.loc[schedule["party"] == "north", "fiscal_year"]) >= {2026, 2027}
    over = pd.read_csv(run_dir / "finance/over_budget.csv")
    assert set(over["party"]) == {"north"} and (over["excess"] > 0).all()
    # the budget is measured against north's own money only (its budget and the
    # transfers it pays): the grant's part is not north's commitment
    own = (
        schedule[
            (schedule["party"] == "north")
            & (schedule["kind"] == "capital")
            & schedule["source"].isin(["north-budget", "transfer"])
        ]
        .groupby("fiscal_year")["amount_party"]
        .sum()
    )
    capital = over[over["kind"] == "capital"]
    for _, row in capital.iterrows():
        year = int(str(row["budget_period"])[-4:])
        assert row["excess"] == pytest.approx(own[year] - 1.0)


def test_the_reserve_compares_own_reserves_with_a_pooled_one(financed) -> None:
    run, _, run_dir = financed
    reserve = run.reserve
    assert reserve is not None
    assert reserve.reserve.pooled <= reserve.reserve.stand_alone_total + 1e-6
    assert sum(reserve.contributions["euler"].values()) == pytest.approx(reserve.reserve.pooled)
    document = json.loads((run_dir / "finance/finance.json").read_text(encoding="utf-8"))
    assert {"plan", "reserve"} <= set(document)
    assert 0.0 <= document["reserve"]["depletion_probability"] <= 1.0
    assert set(document["reserve"]["rules"]) >= {"shapley", "nucleolus"}


def test_a_finance_toml_naming_an_unknown_party_is_refused(
    mini_region: Path, tmp_path: Path
) -> None:
    write_measures(mini_region)
    (mini_region / "negotiation.toml").write_text(NEGOTIATION, encoding="utf-8")
    (mini_region / "finance.toml").write_text(
        FINANCE.replace('party = "south"', 'party = "west"'), encoding="utf-8"
    )
    with pytest.raises(InvalidRegionError) as raised:
        finance_into(mini_region, tmp_path / "run", workers=1)
    assert [p.field for p in raised.value.problems.errors] == ["sources[1].party"]
    assert not (tmp_path / "run").exists()
