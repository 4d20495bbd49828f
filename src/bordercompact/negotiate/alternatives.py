"""Pareto-efficient alternatives to the deal: portfolios that trade joint net benefit for
equity (the share of the avoided losses going to the most vulnerable census zones) or for
one party's benefit, by the epsilon-constraint method (Haimes, Lasdon & Wismer 1971):
maximize the joint net benefit with the other aim held at least at ε, for a grid of ε.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from bordercompact.negotiate.portfolio import Portfolio, Program, Row

#: Steps of ε between the deal's level and the highest reachable one.
STEPS = 8


@dataclass(frozen=True)
class Alternative:
    name: str
    aim: str  # "joint" (the deal), "equity", or "benefit:<party>"
    portfolio: Portfolio
    equity: float  # share of the avoided losses (present, money) in the most vulnerable zones

    @property
    def net_benefit(self) -> float:
        return self.portfolio.net_benefit


def equity_share(portfolio: Portfolio) -> float:
    """Σ avoided in the most vulnerable quintile / Σ avoided, present money a year, all
    parties (NaN for a portfolio that avoids nothing)."""
    avoided = sum(sum(o.avoided_now.values()) for o in portfolio.options)
    vulnerable = sum(sum(o.avoided_vulnerable.values()) for o in portfolio.options)
    return vulnerable / avoided if avoided > 0 else float("nan")


def _equity_row(program: Program, level: float) -> np.ndarray:
    """Σ_o z_o (q_o − level · a_o) ≥ 0: the vulnerable share at least ``level``."""
    row = program.z()
    for k, option in enumerate(program.table.options):
        row[k] = sum(option.avoided_vulnerable.values()) - level * sum(option.avoided_now.values())
    return row


def _benefit_row(program: Program, party: str) -> np.ndarray:
    row = program.z()
    for k, option in enumerate(program.table.options):
        row[k] = option.benefit.get(party, 0.0)
    return row


def _with(program: Program, row: np.ndarray, lower: float) -> Program:
    return replace(program, rows=[*program.rows, Row(row, lower, np.inf, None)])


def alternatives(program: Program, deal: Portfolio) -> list[Alternative]:
    """The deal and the Pareto-efficient portfolios found by raising, step by step, the
    share of benefits to the most vulnerable and each party's benefit above the deal's,
    each under every constraint of the deal's program. Distinct portfolios only; those
    another one beats on net benefit and on its aim are left out."""
    found = [Alternative("deal", "joint", deal, equity_share(deal))]
    start = equity_share(deal)
    if np.isfinite(start):
        top = _highest(lambda level: _with(program, _equity_row(program, level), 0.0), start, 1.0)
        for level in np.linspace(start, top, STEPS + 1)[1:]:
            solved = _with(program, _equity_row(program, level), 0.0).solve()
            if solved is not None:
                name = f"equity ≥ {level:.1%}"
                found.append(Alternative(name, "equity", solved, equity_share(solved)))
    for party in program.parties:
        row = _benefit_row(program, party)
        reach = replace(program, objective=row).solve()
        if reach is None:
            continue
        for level in np.linspace(deal.benefit(party), reach.objective, STEPS + 1)[1:]:
            solved = _with(program, row, level).solve()
            if solved is not None:
                name = f"{party} benefit ≥ {level / 1e6:,.1f} M"
                found.append(Alternative(name, f"benefit:{party}", solved, equity_share(solved)))
    return _efficient(found)


def _highest(constrained: Callable[[float], Program], low: float, high: float) -> float:
    """The highest level in [low, high] at which the program ``constrained(level)`` still
    has a solution (bisection to 1/1000 of the range; ``low`` is known to have one)."""
    if constrained(high).solve() is not None:
        return high
    while high - low > 1e-3 * max(abs(high), 1e-9):
        middle = (low + high) / 2
        if constrained(middle).solve() is None:
            high = middle
        else:
            low = middle
    return low


def _efficient(found: list[Alternative]) -> list[Alternative]:
    """Each portfolio once (its first name), without those another beats on net benefit
    and on its aim's measure."""
    distinct: dict[frozenset[str], Alternative] = {}
    for alternative in found:
        distinct.setdefault(alternative.portfolio.measures, alternative)
    kept = list(distinct.values())

    def aim(a: Alternative, of: Alternative) -> float:
        if of.aim.startswith("benefit:"):
            return a.portfolio.benefit(of.aim.split(":", 1)[1])
        return a.equity if np.isfinite(a.equity) else 0.0

    return [
        a
        for a in kept
        if a.aim == "joint"
        or not any(
            b is not a
            and b.net_benefit >= a.net_benefit
            and aim(b, a) >= aim(a, a)
            and (b.net_benefit > a.net_benefit or aim(b, a) > aim(a, a))
            for b in kept
        )
    ]
