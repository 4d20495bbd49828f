"""Options: the subsets of a group of interacting measures that can be built together."""

from __future__ import annotations

from bordercompact.negotiate.options import group_subsets
from tests.negotiate.tables import measure

MEASURES = {
    m.id: m
    for m in [
        measure("levee-1m", "a", alternatives="levee"),
        measure("levee-2m", "a", alternatives="levee"),
        measure("warning", "a"),
        measure("centres", "a", requires=["warning"]),
    ]
}


def test_subsets_hold_one_alternative_and_every_prerequisite_in_the_group() -> None:
    found = group_subsets(list(MEASURES), MEASURES, limit=100)
    assert frozenset({"levee-1m", "levee-2m"}) not in found
    assert frozenset({"centres"}) not in found  # without the warning it needs
    assert frozenset({"centres", "warning", "levee-2m"}) in found
    # 3 choices of levee (none, 1 m, 2 m) × 3 of warning (none, alone, with centres) − empty
    assert len(found) == 8


def test_at_most_the_limit_smallest_first() -> None:
    found = group_subsets(list(MEASURES), MEASURES, limit=3)
    assert len(found) == 3 and all(len(s) == 1 for s in found)
