"""The portfolio: which options to build and who pays what, as a mixed-integer program
solved with HiGHS (``scipy.optimize.milp``).

Variables: z_o ∈ {0, 1} per option (one subset of a group of interacting measures,
:mod:`bordercompact.negotiate.options`), and f_{o,i}, the part of option o's costs party
i pays (Σ_i f_{o,i} = z_o; negative: i is paid, a side payment, within ±:data:`SIDE`).
Every constraint row carries a tag: the structure (one option per group, prerequisites
and alternatives across groups) has none; budgets, stand-alone floors and each demand
carry their own, so that a diagnosis can drop them.

Maximized: the joint net benefit Σ_o z_o (Σ_i b_{o,i} − C_o), or with ``weighted`` the
parties' net gains weighted by their bargaining weights. Benefits b and costs C are
present values in the region currency; budgets are nominal per year and in total.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from bordercompact.negotiate.options import Option, OptionTable
from bordercompact.negotiate.positions import Demand, NegotiationConfig

#: Solutions are integral to this tolerance; shares below it count as 0.
TOLERANCE = 1e-6
#: A party may pay up to this many times an option's cost, or receive as much: side
#: payments between parties are part of a deal (a negative part is a payment received).
SIDE = 10.0


@dataclass(frozen=True)
class Row:
    """One linear constraint lower ≤ a·x ≤ upper, and where it comes from."""

    coefficients: np.ndarray
    lower: float
    upper: float
    tag: str | None = None  # a demand id, "budget:<party>:<year|total>", "floor:<party>"


@dataclass(frozen=True)
class Portfolio:
    """A solved program: the chosen options and each party's part of their costs."""

    options: list[Option]
    paid: dict[str, float]  # per party: present value of its part of the costs
    objective: float
    solution: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))  # x

    @property
    def measures(self) -> frozenset[str]:
        return frozenset(m for o in self.options for m in o.measures)

    def benefit(self, party: str) -> float:
        return sum(o.benefit.get(party, 0.0) for o in self.options)

    @property
    def cost(self) -> float:
        return sum(o.cost for o in self.options)

    @property
    def net_benefit(self) -> float:
        return sum(o.net_benefit for o in self.options)


@dataclass
class Program:
    """The rows and objective of one portfolio program over an option table."""

    table: OptionTable
    parties: list[str]  # those whose shares are variables (all, or a coalition's)
    rows: list[Row] = field(default_factory=list)
    objective: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_options(self) -> int:
        return len(self.table.options)

    @property
    def size(self) -> int:
        return self.n_options * (1 + len(self.parties))

    def z(self) -> np.ndarray:
        """A zero row, to fill with option coefficients (the first n_options columns)."""
        return np.zeros(self.size)

    def share_column(self, option: int, party: str) -> int:
        return self.n_options + option * len(self.parties) + self.parties.index(party)

    def add(self, coefficients: np.ndarray, lower: float, upper: float, tag: str | None) -> None:
        self.rows.append(Row(coefficients, lower, upper, tag))

    def touching(self, measures: Collection[str]) -> np.ndarray:
        """A row with 1 for each option holding one of ``measures``."""
        chosen = frozenset(measures)
        row = self.z()
        for k, option in enumerate(self.table.options):
            row[k] = 1.0 if option.measures & chosen else 0.0
        return row

    def net_gain_row(self, party: str) -> np.ndarray:
        """Σ_o z_o b_{o,i} − Σ_o f_{o,i} C_o for one party."""
        row = self.z()
        for k, option in enumerate(self.table.options):
            row[k] = option.benefit.get(party, 0.0)
            row[self.share_column(k, party)] = -option.cost
        return row

    def paid_row(self, party: str, amounts: np.ndarray) -> np.ndarray:
        """Σ_o f_{o,i} · amount_o: the party's part of one amount per option."""
        row = self.z()
        for k, amount in enumerate(amounts):
            row[self.share_column(k, party)] = amount
        return row

    def solve(self, without: Collection[str] = ()) -> Portfolio | None:
        """The best portfolio with every row but those tagged in ``without``; None when no
        portfolio meets them."""
        kept = [r for r in self.rows if r.tag is None or r.tag not in without]
        integrality = np.concatenate(
            [np.ones(self.n_options), np.zeros(self.size - self.n_options)]
        )
        constraints = (
            [
                LinearConstraint(
                    np.array([r.coefficients for r in kept]),
                    np.array([r.lower for r in kept]),
                    np.array([r.upper for r in kept]),
                )
            ]
            if kept
            else []
        )
        lower = np.concatenate(
            [np.zeros(self.n_options), np.full(self.size - self.n_options, -SIDE)]
        )
        upper = np.concatenate([np.ones(self.n_options), np.full(self.size - self.n_options, SIDE)])
        result = milp(
            -self.objective,
            integrality=integrality,
            bounds=Bounds(lower, upper),
            constraints=constraints,
        )
        if result.status != 0 or result.x is None:
            return None
        return self._portfolio(result.x, -float(result.fun))

    def _portfolio(self, x: np.ndarray, objective: float) -> Portfolio:
        chosen = [k for k in range(self.n_options) if x[k] > 0.5]
        costs = np.array([o.cost for o in self.table.options])
        paid = {p: float(self.paid_row(p, costs) @ x) for p in self.parties}
        return Portfolio([self.table.options[k] for k in chosen], paid, objective, x)

    def x_of(self, portfolio: Portfolio, pays: list[dict[str, float]]) -> np.ndarray:
        """The program's variables for a portfolio whose options' costs are paid as
        ``pays`` (per option of the portfolio, per party: present value)."""
        x = self.z()
        position = {id(o): k for k, o in enumerate(self.table.options)}
        for option, paid in zip(portfolio.options, pays, strict=True):
            k = position[id(option)]
            x[k] = 1.0
            for party in self.parties:
                x[self.share_column(k, party)] = (
                    paid.get(party, 0.0) / option.cost if option.cost else 0.0
                )
        return x

    def rows_broken(self, x: np.ndarray) -> list[Row]:
        """The tagged rows that ``x`` does not meet."""
        broken = []
        for row in self.rows:
            if row.tag is None:
                continue
            found = float(row.coefficients @ x)
            bounds = [abs(b) for b in (row.lower, row.upper) if np.isfinite(b)]
            slack = TOLERANCE * max([1.0, *bounds])
            if not row.lower - slack <= found <= row.upper + slack:
                broken.append(row)
        return broken

    def nearest_split(
        self, portfolio: Portfolio, target: dict[str, float]
    ) -> list[dict[str, float]] | None:
        """How the portfolio's options are paid (per option, per party) in the split
        closest to ``target`` (each party's cost share, present value) that meets every
        row: the least Σ_i |paid_i − target_i| (a linear program with the portfolio fixed;
        the options' parts may differ, to meet yearly budgets). None when no split
        meets them."""
        built = {id(o) for o in portfolio.options}
        n, parties = self.size, self.parties
        costs = np.array([o.cost for o in self.table.options])
        lower = np.concatenate([np.zeros(self.n_options), np.full(n - self.n_options, -SIDE)])
        upper = np.concatenate([np.ones(self.n_options), np.full(n - self.n_options, SIDE)])
        for k, option in enumerate(self.table.options):
            lower[k] = upper[k] = 1.0 if id(option) in built else 0.0
        width = n + len(parties)  # the deviations d_i after the program's variables
        rows = [np.concatenate([r.coefficients, np.zeros(len(parties))]) for r in self.rows]
        low = [r.lower for r in self.rows]
        high = [r.upper for r in self.rows]
        for i, party in enumerate(parties):
            paid = np.concatenate([self.paid_row(party, costs), np.zeros(len(parties))])
            deviation = np.zeros(width)
            deviation[n + i] = 1.0
            rows += [paid - deviation, -paid - deviation]
            low += [-np.inf, -np.inf]
            high += [target[party], -target[party]]
        result = milp(
            np.concatenate([np.zeros(n), np.ones(len(parties))]),
            integrality=np.zeros(width),
            bounds=Bounds(
                np.concatenate([lower, np.zeros(len(parties))]),
                np.concatenate([upper, np.full(len(parties), np.inf)]),
            ),
            constraints=[LinearConstraint(np.array(rows), np.array(low), np.array(high))],
        )
        if result.status != 0 or result.x is None:
            return None
        x = result.x[:n]
        position = {id(o): k for k, o in enumerate(self.table.options)}
        return [
            {p: float(x[self.share_column(position[id(o)], p)]) * o.cost for p in parties}
            for o in portfolio.options
        ]


def structure(program: Program, buildable: Callable[[str], bool]) -> None:
    """The rows every portfolio obeys: at most one option per group; each option's shares
    add up to it, and an option not built has none; prerequisites and alternatives
    across groups; options with a measure that cannot be built (``buildable``) left out."""
    table = program.table
    for members in table.groups:
        program.add(program.touching(members), 0.0, 1.0, None)
    for k in range(program.n_options):
        row = program.z()
        row[k] = -1.0
        for party in program.parties:
            row[program.share_column(k, party)] = 1.0
        program.add(row, 0.0, 0.0, None)
        for party in program.parties:  # no payment for an option not built: |f| ≤ SIDE·z
            row = program.z()
            row[program.share_column(k, party)] = 1.0
            row[k] = -SIDE
            program.add(row, -np.inf, 0.0, None)
            row = row.copy()
            row[k] = SIDE
            program.add(row, 0.0, np.inf, None)
    group_of = {m: g for g, members in enumerate(table.groups) for m in members}
    for measure in table.measures.values():
        for needed in measure.requires:
            if group_of.get(needed) != group_of.get(measure.id):
                row = program.touching([measure.id]) - program.touching([needed])
                program.add(row, -np.inf, 0.0, None)
    alternatives: dict[str, list[str]] = {}
    for measure in table.measures.values():
        if measure.alternatives:
            alternatives.setdefault(measure.alternatives, []).append(measure.id)
    for members in alternatives.values():
        if len({group_of.get(m) for m in members}) > 1:
            program.add(program.touching(members), -np.inf, 1.0, None)
    unbuildable = [m for m in table.measures if not buildable(m)]
    if unbuildable:
        program.add(program.touching(unbuildable), 0.0, 0.0, None)


def budgets(program: Program, config: NegotiationConfig, pooled: bool = False) -> None:
    """Each party's budget rows, nominal: per year, Σ_o f_{o,i} c_{o,t} ≤ B_{i,t}, and in
    total. With ``pooled`` (a coalition sharing its costs freely) one row per year for the
    parties together, when every one of them states a budget for it."""
    years = program.table.years
    yearly = np.array([o.cost_per_year for o in program.table.options]).reshape(-1, len(years))
    groups = [program.parties] if pooled else [[p] for p in program.parties]
    for members in groups:
        name = "+".join(members)
        positions = [config.position(p) for p in members]
        for t, year in enumerate(years):
            limits = [p.budget_in(int(year)) for p in positions]
            if any(limit is None for limit in limits):
                continue
            row = sum((program.paid_row(p, yearly[:, t]) for p in members), program.z())
            limit = sum(x for x in limits if x is not None)
            program.add(row, -np.inf, limit, f"budget:{name}:{year}")
        totals = [p.budget_total for p in positions]
        if all(total is not None for total in totals):
            row = sum((program.paid_row(p, yearly.sum(axis=1)) for p in members), program.z())
            total = sum(x for x in totals if x is not None)
            program.add(row, -np.inf, total, f"budget:{name}:total")


def demand_rows(
    program: Program,
    party: str,
    demand: Demand,
    in_zone: Callable[[Demand], set[str]],
) -> None:
    """The rows of one party's demand, tagged with its id."""
    table, tag = program.table, demand.id
    measures = table.measures
    forbidden: set[str] = set()
    if demand.type == "no_kind":
        forbidden = {m.id for m in measures.values() if m.kind in demand.kinds}
    elif demand.type == "no_measure_in_zone":
        forbidden = in_zone(demand)
    elif demand.type == "no_structure_without_approval":
        forbidden = {
            m.id
            for m in measures.values()
            if m.host == party and m.kind in demand.kinds and party not in m.approvals
        }
    if demand.type in ("no_kind", "no_measure_in_zone", "no_structure_without_approval"):
        program.add(program.touching(forbidden), 0.0, 0.0, tag)
        return
    amount = float(demand.amount or 0.0)
    share = float(demand.share or 0.0)
    if demand.type == "max_households_displaced":
        row = program.z()
        for k, option in enumerate(table.options):
            row[k] = option.households.get(party, 0.0)
        program.add(row, -np.inf, amount, tag)
    elif demand.type == "min_net_gain":
        program.add(program.net_gain_row(party), amount, np.inf, tag)
    elif demand.type == "max_contribution":
        costs = np.array([o.cost for o in table.options])
        program.add(program.paid_row(party, costs), -np.inf, amount, tag)
    elif demand.type == "min_benefit_share":
        row = program.z()
        for k, option in enumerate(table.options):
            players = sum(option.benefit.get(p, 0.0) for p in program.parties)
            row[k] = option.benefit.get(party, 0.0) - share * players
        program.add(row, 0.0, np.inf, tag)
    elif demand.type == "min_vulnerable_share":
        program.add(vulnerable_share_row(program, [party], share), 0.0, np.inf, tag)


def vulnerable_share_row(program: Program, parties: list[str], share: float) -> np.ndarray:
    """Σ_o z_o (q_o − share · a_o) ≥ 0 over ``parties``: at least ``share`` of their
    avoided losses (present, money a year, a_o) in their most vulnerable fifth of census
    zones (q_o)."""
    row = program.z()
    for k, option in enumerate(program.table.options):
        row[k] = sum(
            option.avoided_vulnerable.get(p, 0.0) - share * option.avoided_now.get(p, 0.0)
            for p in parties
        )
    return row


def deal_program(
    table: OptionTable,
    config: NegotiationConfig,
    floors: dict[str, float],
    in_zone: Callable[[Demand], set[str]],
) -> Program:
    """The grand coalition's program: every player's shares (the parties of
    negotiation.toml pay the costs), budgets, stand-alone floors (``floors``: each
    player's net gain at least its stand-alone value) and demands."""
    program = Program(table, config.players)
    structure(program, lambda _: True)
    budgets(program, config)
    if config.negotiation.individually_rational:
        for party, floor in floors.items():
            program.add(program.net_gain_row(party), floor, np.inf, f"floor:{party}")
    for party, demand in config.demands():
        demand_rows(program, party, demand, in_zone)
    program.objective = objective(program, config)
    return program


def objective(program: Program, config: NegotiationConfig) -> np.ndarray:
    """The players' joint net benefit Σ_o z_o (Σ_i b_{o,i} − C_o), or with ``weighted``
    their benefits weighted by their weights, Σ_o z_o (Σ_i w_i b_{o,i} − C_o) (a
    distributionally weighted cost–benefit analysis). Benefits to parties that are not
    at the table do not count: the deal is the players'."""
    weighted = config.negotiation.objective == "weighted"
    row = program.z()
    for k, option in enumerate(program.table.options):
        row[k] = (
            sum(
                (config.position(p).weight if weighted else 1.0) * option.benefit.get(p, 0.0)
                for p in program.parties
            )
            - option.cost
        )
    return row
