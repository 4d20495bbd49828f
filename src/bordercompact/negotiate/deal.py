"""The deal: the portfolio every party can accept, what each pays for it under the chosen
rule, whether it holds, its alternatives, and — when there is none — the demands that
block it.

The cost-sharing game is the coalitions' value game v(S) (:mod:`coalitions`), with the
grand coalition worth what the deal's portfolio brings the players (its demands may cost
some of what they could reach together). A rule gives each party a payoff φ_i (its net gain); its
cost share is what makes it so: benefit_i − φ_i (negative: it is paid). Each party then
pays the same part of every measure's costs, and the difference between what it pays and
what it hosts is a transfer between parties.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from bordercompact.negotiate.acceptability import (
    Check,
    core_membership,
    fractions_of_costs,
    individual_rationality,
    robustness,
    rows_met,
)
from bordercompact.negotiate.allocation import Allocation, allocate_all, shapley_sampled
from bordercompact.negotiate.alternatives import Alternative, alternatives
from bordercompact.negotiate.diagnosis import (
    Conflict,
    agreement_zones,
    conflicting_demands,
    demand_prices,
    demand_texts,
    explain,
)
from bordercompact.negotiate.game import Game, GameError
from bordercompact.negotiate.options import OptionTable
from bordercompact.negotiate.portfolio import Portfolio, Program
from bordercompact.negotiate.positions import NegotiationConfig
from bordercompact.risk.pipeline import Progress


@dataclass(frozen=True)
class Sharing:
    """A portfolio's costs shared by a rule."""

    rule: str
    payoff: dict[str, float]  # net gain per party
    cost_share: dict[str, float]  # present value each party pays (negative: is paid)
    allocations: dict[str, Allocation]  # every rule, for comparison
    rule_payoff: dict[str, float]  # the rule's own, before meeting the demands
    pays: list[dict[str, float]]  # per option of the portfolio and party: what it pays
    adjusted: float = 0.0  # Σ |cost share − the rule's|: what meeting the demands moved


@dataclass
class Deal:
    portfolio: Portfolio | None
    game: Game
    sharing: Sharing | None
    checks: list[Check] = field(default_factory=list)
    robustness: dict[str, float] = field(default_factory=dict)  # share of samples it gains
    alternatives: list[tuple[Alternative, Sharing]] = field(default_factory=list)
    conflict: list[Conflict] = field(default_factory=list)  # when there is no deal
    prices: dict[str, float] = field(default_factory=dict)  # of binding demands
    zones: dict[str, tuple[float, float]] = field(default_factory=dict)  # of agreement
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.portfolio is not None

    @property
    def accepted(self) -> bool:
        return self.found and all(c.passed for c in self.checks)


#: Random orders of the players for a sampled Shapley value (beyond EXACT_PARTIES).
SHAPLEY_ORDERS = 500


def sharing(
    portfolio: Portfolio,
    values: Mapping[frozenset[str], float],
    parties: list[str],
    rule: str,
    weights: Mapping[str, float],
    coalition_value: Callable[[frozenset[str]], float] | None = None,
) -> Sharing:
    """The portfolio's costs shared by ``rule`` in the game of ``values`` with the grand
    coalition worth the portfolio's joint net benefit: every rule of
    :mod:`bordercompact.negotiate.allocation` on the value game, the proportional rule in
    proportion to each party's benefits, Nash bargaining by the parties' weights. When
    ``values`` do not hold every coalition (too many parties), the Shapley value is
    estimated from :data:`SHAPLEY_ORDERS` random orders, computing the coalitions they
    need with ``coalition_value`` (its 95 % half-widths are in the allocation's note)."""
    benefits = {p: portfolio.benefit(p) for p in parties}
    game = deal_game(values, parties, players_worth(portfolio, parties))
    # proportional to each party's benefits, Nash bargaining by the bargaining weights
    allocations = allocate_all(game, weights=weights, proportional_to=benefits)
    if allocations["shapley"].shares is None and coalition_value is not None:
        allocations["shapley"] = sampled_shapley(game, coalition_value)
    chosen = allocations[rule]
    if chosen.shares is None:
        why = chosen.note or (
            f"{len(chosen.missing)} coalitions not computed (e.g. "
            + ", ".join(game.key(c) for c in chosen.missing[:3])
            + ")"
        )
        raise GameError(f"the {rule} rule cannot share this deal: {why}; expected another rule")
    payoff = dict(chosen.shares)
    cost_share = {p: benefits[p] - payoff[p] for p in parties}
    fractions = fractions_of_costs(cost_share, portfolio.cost)
    pays = [{p: fractions[p] * o.cost for p in parties} for o in portfolio.options]
    return Sharing(rule, payoff, cost_share, allocations, dict(payoff), pays)


#: Cost shares (region currency) moved by less than this are the rule's own.
ADJUSTMENT_TOLERANCE = 1.0


def meeting_demands(program: Program, portfolio: Portfolio, shared: Sharing) -> Sharing:
    """The rule's split (each party the same part of every option), or, when it breaks a
    demand, budget or stand-alone floor of the program, the split nearest to it that
    meets them all (least total change of the cost shares; the options' parts may then
    differ, :meth:`Program.nearest_split`); the rule's own payoffs are kept beside it."""
    if not program.rows_broken(program.x_of(portfolio, shared.pays)):
        return shared
    nearest = program.nearest_split(portfolio, shared.cost_share)
    if nearest is None:
        return shared
    cost_share = {p: sum(paid[p] for paid in nearest) for p in shared.cost_share}
    moved = sum(abs(cost_share[p] - shared.cost_share[p]) for p in cost_share)
    payoff = {p: portfolio.benefit(p) - cost_share[p] for p in cost_share}
    return replace(shared, payoff=payoff, cost_share=cost_share, pays=nearest, adjusted=moved)


def sampled_shapley(game: Game, coalition_value: Callable[[frozenset[str]], float]) -> Allocation:
    """The Shapley value of a game too large to list, by permutation sampling (Castro,
    Gómez & Tejada 2009), with the known coalitions taken as given."""

    def worth(coalition: frozenset[str]) -> float:
        known = game.value(coalition)
        return coalition_value(coalition) if known is None else known

    estimate = shapley_sampled(worth, game.players, SHAPLEY_ORDERS, seed=0)
    widest = max(estimate.half_width.values())
    return Allocation(
        "shapley",
        estimate.shares,
        note=f"sampled from {SHAPLEY_ORDERS} orders; 95 % confidence within ±{widest:,.2f}",
    )


def players_worth(portfolio: Portfolio, players: list[str]) -> float:
    """What the portfolio is worth to the players: their benefits less all its costs
    (benefits to parties that are not at the table do not pay for it)."""
    return sum(portfolio.benefit(p) for p in players) - portfolio.cost


def deal_game(values: Mapping[frozenset[str], float], parties: list[str], worth: float) -> Game:
    """The value game of the coalitions, with the grand coalition worth ``worth``."""
    return Game(tuple(parties), "value", {**values, frozenset(parties): worth})


def contributions(portfolio: Portfolio, pays: list[dict[str, float]]) -> pd.DataFrame:
    """Per option of the portfolio (a group's measures built together) and party: its
    cost, what the party pays of it and what it hosts (present values)."""
    return pd.DataFrame(
        [
            {
                "measures": "+".join(sorted(option.measures)),
                "party": party,
                "cost": option.cost,
                "pays": amount,
                "hosts": option.cost_by_host.get(party, 0.0),
            }
            for option, paid in zip(portfolio.options, pays, strict=True)
            for party, amount in paid.items()
        ]
    )


def transfers(portfolio: Portfolio, pays: list[dict[str, float]]) -> dict[str, float]:
    """Per player: what it pays the other players, present value (negative: what they
    pay it) — what it pays of each option less what it bears of it as host, and less its
    part of what hosts that are not players bear (paid to them, not transferred). The
    transfers add up to 0."""
    moved: dict[str, float] = {}
    for option, paid in zip(portfolio.options, pays, strict=True):
        elsewhere = option.cost - sum(option.cost_by_host.get(p, 0.0) for p in paid)
        for party, amount in paid.items():
            part = amount / option.cost if option.cost else 0.0
            hosted = option.cost_by_host.get(party, 0.0)
            moved[party] = moved.get(party, 0.0) + amount - hosted - part * elsewhere
    return moved


def negotiate(
    program: Program,
    table: OptionTable,
    config: NegotiationConfig,
    values: Mapping[frozenset[str], float],
    *,
    rule: str | None = None,
    samples: Any = None,
    language: str = "en",
    coalition_value: Callable[[frozenset[str]], float] | None = None,
    progress: Progress | None = None,
) -> Deal:
    """The deal of ``program`` (the grand coalition's, :func:`portfolio.deal_program`) in
    the game of the coalitions' ``values``: the portfolio, its sharing by ``rule`` (the
    configured one by default), every check, robustness over ``samples`` (a callable
    giving a portfolio's benefits and costs per sample and party, or None), alternatives with
    their sharing, the prices of binding demands and the zones of agreement; without a
    portfolio, the conflicting demands. ``progress`` follows its steps."""

    def step(done: int, label: str) -> None:
        if progress:
            progress(done, 5, label)

    step(0, "choosing the portfolio")
    parties = config.players
    rule = rule or config.negotiation.rule
    weights = {p: config.position(p).weight for p in parties}
    portfolio = program.solve()
    if portfolio is None:
        conflict = conflicting_demands(program) or []
        return Deal(
            None,
            deal_game(values, parties, values.get(frozenset(parties), 0.0)),
            None,
            conflict=explain(conflict, config, language),
        )
    step(1, "sharing its costs")
    shared = meeting_demands(
        program, portfolio, sharing(portfolio, values, parties, rule, weights, coalition_value)
    )
    game = deal_game(values, parties, players_worth(portfolio, parties))
    texts = demand_texts(config, language)
    fractions = fractions_of_costs(shared.cost_share, portfolio.cost)
    checks = [
        *individual_rationality(game, shared.payoff),
        core_membership(game, shared.payoff),
        *(
            _in_words(c, portfolio, config, parties)
            for c in rows_met(program, portfolio, shared.pays, texts)
        ),
    ]
    deal = Deal(portfolio, game, shared, checks)
    if shared.adjusted > ADJUSTMENT_TOLERANCE:
        deal.notes.append(
            f"the {rule} split moved by {shared.adjusted:,.0f} in all to meet every demand "
            "and budget (the nearest split that does)"
        )
    deal.notes += [f"{method}: {a.note}" for method, a in shared.allocations.items() if a.note]
    step(2, "its robustness over the samples")
    if samples is not None:
        deal.robustness = robustness(samples(portfolio), fractions)
    step(3, "the price of each binding demand")
    deal.prices = demand_prices(program, portfolio)
    floors = {p: max(values.get(frozenset([p]), 0.0), _least_gain(config, p)) for p in parties}
    ceilings = {p: _most_paid(config, p) for p in parties}
    deal.zones = agreement_zones(
        {p: portfolio.benefit(p) for p in parties}, floors, ceilings, portfolio.cost
    )
    step(4, "the alternatives")
    for alternative in alternatives(program, portfolio):
        deal.alternatives.append(
            (
                alternative,
                sharing(alternative.portfolio, values, parties, rule, weights, coalition_value),
            )
        )
    step(5, "done")
    return deal


def _in_words(
    check: Check, portfolio: Portfolio, config: NegotiationConfig, players: list[str]
) -> Check:
    """A share demand's check with the share found, not the constraint's margin."""
    demand = next((d for _, d in config.demands() if d.id == check.tag), None)
    if demand is None or demand.share is None or check.party is None:
        return check
    if demand.type == "min_vulnerable_share":
        avoided = sum(o.avoided_now.get(check.party, 0.0) for o in portfolio.options)
        part = sum(o.avoided_vulnerable.get(check.party, 0.0) for o in portfolio.options)
    else:  # min_benefit_share
        avoided = sum(portfolio.benefit(p) for p in players)
        part = portfolio.benefit(check.party)
    found = part / avoided if avoided > 0 else 0.0
    text = check.detail.rsplit(":", 1)[0]
    return replace(
        check,
        detail=f"{text}: {found:.1%} against {demand.share:.0%}",
        numbers={**check.numbers, "share": found},
    )


def _least_gain(config: NegotiationConfig, party: str) -> float:
    amounts = [
        float(d.amount or 0.0) for d in config.position(party).demands if d.type == "min_net_gain"
    ]
    return max(amounts, default=float("-inf"))


def _most_paid(config: NegotiationConfig, party: str) -> float | None:
    amounts = [
        float(d.amount or 0.0)
        for d in config.position(party).demands
        if d.type == "max_contribution"
    ]
    return min(amounts) if amounts else None
