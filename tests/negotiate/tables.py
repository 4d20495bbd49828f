"""Small option tables built by hand, for the portfolio, coalition and diagnosis tests."""

from __future__ import annotations

import numpy as np

from bordercompact.measures.model import Measure
from bordercompact.negotiate.options import Option, OptionTable
from bordercompact.negotiate.positions import NegotiationConfig

YEARS = np.arange(2026, 2029)  # three years


def measure(
    id: str,
    host: str,
    *,
    kind: str | None = None,
    approvals: list[str] | None = None,
    alternatives: str | None = None,
    requires: list[str] | None = None,
) -> Measure:
    return Measure.model_validate(
        {
            "id": id,
            "name": {"en": id},
            "kind": kind,
            "proposed_by": host,
            "host": host,
            "capital_cost": 1.0,
            "lifetime_years": 10,
            "construction_years": [2026],
            "approvals": approvals or [],
            "alternatives": alternatives,
            "requires": requires or [],
            "effects": [{"type": "people", "hazard": "h", "exposure": "e", "reduction": 0.1}],
        }
    )


def option(
    group: int,
    members: set[str],
    benefit: dict[str, float],
    cost: float,
    host: str,
    *,
    first_year: float | None = None,
    households: dict[str, float] | None = None,
    vulnerable: dict[str, float] | None = None,
) -> Option:
    """An option whose cost is paid in the first year (``first_year``) and the rest evenly
    over the other two."""
    paid_first = cost if first_year is None else first_year
    rest = (cost - paid_first) / 2
    return Option(
        group=group,
        measures=frozenset(members),
        benefit=benefit,
        cost=cost,
        cost_by_host={host: cost},
        cost_per_year=np.array([paid_first, rest, rest]),
        households=households or {},
        avoided_now=dict(benefit),
        avoided_vulnerable=vulnerable or {},
    )


def two_cities() -> OptionTable:
    """Upstream (A) and downstream (B), and what each can build:

    - group 0: a basin hosted by A that mostly protects B (b: A 10, B 50; cost 30), A's
      levee (A 40; cost 15), or both (A 45, B 50; cost 45: the basin lowers what the levee
      is worth);
    - group 1: B's floodproofing (B 12; cost 4), needing A's approval (a permit upstream).
    """
    measures = {
        m.id: m
        for m in [
            measure("basin", "a", kind="retention"),
            measure("levee", "a", kind="levee"),
            measure("proofing", "b", kind="floodproofing", approvals=["a"]),
        ]
    }
    options = [
        option(0, {"basin"}, {"a": 10.0, "b": 50.0}, 30.0, "a"),
        option(0, {"levee"}, {"a": 40.0, "b": 0.0}, 15.0, "a"),
        option(0, {"basin", "levee"}, {"a": 45.0, "b": 50.0}, 45.0, "a"),
        option(1, {"proofing"}, {"a": 0.0, "b": 12.0}, 4.0, "b"),
    ]
    return OptionTable(["a", "b"], YEARS, [["basin", "levee"], ["proofing"]], options, measures)


def positions(**parties: dict) -> NegotiationConfig:
    return NegotiationConfig.model_validate(
        {"parties": [{"id": party, **position} for party, position in parties.items()]}
    )
