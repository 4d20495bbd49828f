"""Whether every party can accept a deal: individual rationality, the core, every demand
and budget under the chosen cost shares, and how the deal holds across climate scenarios
and uncertainty samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bordercompact.negotiate.allocation import largest_excess
from bordercompact.negotiate.game import Game, coalition_key
from bordercompact.negotiate.portfolio import TOLERANCE, Portfolio, Program

#: Money below this (region currency) counts as 0 in the checks.
MONEY_TOLERANCE = 1.0


@dataclass(frozen=True)
class Check:
    """One acceptability check, its result and what it found, in plain words."""

    name: str  # individual_rationality, core, demand, budget
    passed: bool
    detail: str
    party: str | None = None
    tag: str | None = None  # the demand id or budget tag
    numbers: dict[str, float] = field(default_factory=dict)


def individual_rationality(game: Game, payoff: Mapping[str, float]) -> list[Check]:
    """Each party gets at least what it could get on its own, v({i})."""
    checks = []
    for party in game.players:
        alone = game.value([party]) or 0.0
        gets = payoff[party]
        checks.append(
            Check(
                "individual_rationality",
                gets >= alone - MONEY_TOLERANCE,
                f"{party} gains {gets:,.0f} in the deal, {alone:,.0f} on its own",
                party=party,
                numbers={"payoff": gets, "stand_alone": alone},
            )
        )
    return checks


def core_membership(game: Game, payoff: Mapping[str, float]) -> Check:
    """The deal is in the core when no coalition could do better on its own: the largest
    excess v(S) − x(S) over the coalitions is at most 0 (Gillies, D. B. (1959), Solutions
    to general non-zero-sum games, Contributions to the Theory of Games IV, 47–85)."""
    coalition, excess = largest_excess(game, dict(payoff))
    names = coalition_key(coalition, game.players)
    return Check(
        "core",
        excess <= MONEY_TOLERANCE,
        (
            f"no coalition does better on its own (largest excess {excess:,.0f}, {names})"
            if excess <= MONEY_TOLERANCE
            else f"{names} would get {excess:,.0f} more on its own: the deal is not in the core"
        ),
        numbers={"largest_excess": excess},
        tag=names,
    )


def fractions_of_costs(cost_share: Mapping[str, float], total_cost: float) -> dict[str, float]:
    """Each party's share of the deal's costs, cost share / total (negative: it receives)."""
    if total_cost <= 0:
        return dict.fromkeys(cost_share, 0.0)
    return {party: amount / total_cost for party, amount in cost_share.items()}


def rows_met(
    program: Program,
    portfolio: Portfolio,
    pays: list[dict[str, float]],
    texts: Mapping[str, tuple[str, str]],
) -> list[Check]:
    """Every tagged row of the deal's program (demands and budgets; the stand-alone
    floors are :func:`individual_rationality`) with the options paid as ``pays`` (per
    option of the portfolio and party): met or not, with the amount found and the bound.
    ``texts`` maps a demand id to its party and sentence."""
    x = program.x_of(portfolio, pays)
    checks = []
    for row in program.rows:
        if row.tag is None or row.tag.startswith("floor:"):  # individual_rationality
            continue
        found = float(row.coefficients @ x)
        scale = max(
            1.0,
            abs(row.lower) if np.isfinite(row.lower) else 0.0,
            abs(row.upper) if np.isfinite(row.upper) else 0.0,
        )
        passed = row.lower - TOLERANCE * scale <= found <= row.upper + TOLERANCE * scale
        who, text = texts.get(row.tag, ("", row.tag))
        owner = who or _party_of(row.tag)
        kind = (
            "budget"
            if row.tag.startswith("budget:")
            else ("individual_rationality" if row.tag.startswith("floor:") else "demand")
        )
        bound = row.lower if np.isfinite(row.lower) else row.upper
        checks.append(
            Check(
                kind,
                passed,
                f"{text}: {found:,.2f} against {bound:,.2f}",
                party=owner,
                tag=row.tag,
                numbers={"found": found, "lower": row.lower, "upper": row.upper},
            )
        )
    return checks


def _party_of(tag: str) -> str | None:
    parts = tag.split(":")
    return parts[1] if len(parts) > 1 else None


def robustness(samples: pd.DataFrame, fractions: Mapping[str, float]) -> dict[str, float]:
    """Per party, the share of samples in which it still gains: its benefit less its part
    of the costs (``fractions`` of each sample's total cost) at least 0. ``samples``: per
    sample and party (and ``total``), ``benefit`` and ``cost``."""
    total = samples[samples["party"] == "total"].set_index("sample")["cost"]
    shares = {}
    for party, fraction in fractions.items():
        mine = samples[samples["party"] == party].set_index("sample")
        payoff = mine["benefit"] - fraction * total.reindex(mine.index)
        shares[party] = float((payoff >= -MONEY_TOLERANCE).mean())
    return shares


def minimax_regret(net_benefit: Mapping[str, Mapping[str, float]]) -> str:
    """The candidate whose largest regret over the scenarios is smallest (Savage 1951):
    regret = the best candidate's net benefit in a scenario − this one's (Savage, L. J.
    (1951), The theory of statistical decision, J. Am. Stat. Assoc. 46, 55–67).
    ``net_benefit``: candidate → scenario → net benefit."""
    scenarios = sorted({s for values in net_benefit.values() for s in values})
    best = {s: max(values[s] for values in net_benefit.values()) for s in scenarios}
    regret = {
        name: max(best[s] - values[s] for s in scenarios) for name, values in net_benefit.items()
    }
    return min(regret, key=lambda name: (regret[name], name))


def satisficing(payoffs: Mapping[str, Mapping[str, Mapping[str, float]]]) -> list[str]:
    """The candidates in which every party gains in every scenario: good enough for all,
    everywhere (Simon, H. A. (1955), A behavioral model of rational choice, Q. J. Econ.
    69(1), 99–118). ``payoffs``: candidate → scenario → party → net gain."""
    return [
        name
        for name, by_scenario in payoffs.items()
        if all(g >= -MONEY_TOLERANCE for gains in by_scenario.values() for g in gains.values())
    ]
