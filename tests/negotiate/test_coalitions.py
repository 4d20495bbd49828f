"""Coalition values: what each group of parties can build and gain on its own."""

from __future__ import annotations

import pytest

from bordercompact.negotiate.coalitions import coalition_values
from tests.negotiate.tables import positions, two_cities


def test_each_coalition_builds_only_what_it_hosts_and_can_approve() -> None:
    values = coalition_values(two_cities(), positions(a={}, b={}), workers=1)
    # A alone: its levee (40 − 15); the basin costs A 30 for 10 of its own benefit.
    # B alone: nothing — it hosts the floodproofing but needs A's permit for it.
    assert values == {
        frozenset({"a"}): pytest.approx(25.0),
        frozenset({"b"}): pytest.approx(0.0),
        frozenset({"a", "b"}): pytest.approx(58.0),
    }


def test_a_coalition_pools_its_members_budgets() -> None:
    tight = positions(a={"budget_per_year": 20.0}, b={"budget_per_year": 20.0})
    values = coalition_values(two_cities(), tight, workers=1)
    # together 40 a year: basin and floodproofing (34), not the two flood works (45)
    assert values[frozenset({"a", "b"})] == pytest.approx(38.0)
    assert values[frozenset({"a"})] == pytest.approx(25.0)  # the levee fits A's 20


def test_coalitions_in_processes_equal_those_in_one() -> None:
    config = positions(a={}, b={})
    assert coalition_values(two_cities(), config, workers=2) == coalition_values(
        two_cities(), config, workers=1
    )


def test_a_party_that_is_not_at_the_table_approves_and_hosts_for_anyone() -> None:
    table = two_cities()
    values = coalition_values(table, positions(b={}), workers=1)
    # with A not negotiating, B can build everything and counts only its own benefits:
    # the basin (50 − 30) and the floodproofing (12 − 4); the levee is worth nothing to B
    assert values == {frozenset({"b"}): pytest.approx(28.0)}
