"""Funding sources and the funding plan: who pays each party's cost share of each measure
— its own budget, national appropriations, cross-border development funds, climate
finance, loans — as a linear program (HiGHS, ``scipy.optimize.linprog``).

Variables x_{m,i,s} ≥ 0: the part of party i's cost share of measure m paid by source s
(present value, region currency). Each party's share of each measure is covered in full
(Σ_s x_{m,i,s} = share_{m,i}); a grant pays at most its co-financing rate of what it is
eligible for (x_{m,i,s} ≤ rate_s · share_{m,i}, zero where the measure's kind, the party or
the timing is not eligible); each source pays at most its ceiling, in all and per party.
Minimized: the parties' own outlay — own budget lines count in full, a loan its
repayments' present value per unit borrowed (:func:`loan_outlay_per_unit`), grants
nothing — and among the plans that reach it, the one where the largest share of a
party's needs paid from its own money is smallest; or, with ``preference``, each source's
rank in the party's order of preference (grants first, own budget last, unless said
otherwise). A guarantee backs a loan: the loan on its terms becomes one more source
(:func:`with_guarantees`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.optimize import linprog

SourceKind = Literal[
    "own_budget", "national", "cross_border_fund", "climate_finance", "loan", "guarantee"
]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class FinanceError(ValueError):
    """A funding set-up that cannot be used as given."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """A grant paid only if a measured co-benefit reaches a level (results-based)."""

    indicator: str  # e.g. avoided_flood_loss (region currency a year), transit_reliability
    at_least: float


class Source(_Strict):
    id: str
    kind: SourceKind
    name: dict[str, str] = Field(min_length=1)
    party: str | None = None  # the owner of an own budget line or national appropriation
    co_financing_rate: Share = 1.0  # share of an eligible cost the source may pay
    eligible_kinds: list[str] = []  # measure kinds it funds (none: any)
    eligible_parties: list[str] = []  # parties it funds (none: any; own budgets: the owner)
    ceiling: Money | None = None  # in all, present value
    ceiling_per_party: Money | None = None
    available_until: int | None = None  # last calendar year of construction it funds
    application_deadline: str | None = None  # reported beside the plan
    conditional_on: Condition | None = None
    rate: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0  # a loan's yearly rate
    tenor_years: Annotated[int, Field(ge=1)] = 1  # a loan's repayment years
    fee_rate: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0  # yearly, on the amount
    guarantees: str | None = None  # a guarantee: the loan it backs
    rate_reduction: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0  # a guarantee's
    shares_ceiling_with: str | None = None  # another source whose ceiling it counts against
    preference: int | None = None  # rank in a party's order (1 first); default by kind
    # what it pays for: grants and loans capital only unless said, own money both
    funds: list[Literal["capital", "operating"]] | None = None

    @property
    def pays_for(self) -> list[str]:
        if self.funds is not None:
            return list(self.funds)
        return ["capital", "operating"] if self.kind in ("own_budget", "national") else ["capital"]

    @model_validator(mode="after")
    def _owned(self) -> Source:
        if self.kind == "own_budget" and self.party is None:
            raise ValueError("found an own_budget source without a party; expected its owner")
        if (self.kind == "guarantee") != (self.guarantees is not None):
            raise ValueError(
                "found a guarantee without the loan it backs, or guarantees on another kind; "
                "expected guarantees = <loan id> on a guarantee only"
            )
        return self


@dataclass(frozen=True)
class Need:
    """One party's cost share of one measure, to be funded."""

    measure: str
    party: str
    kind: str | None  # the measure's kind (for eligibility)
    amount: float  # present value, region currency
    last_construction_year: int
    cost: Literal["capital", "operating"] = "capital"  # what it pays for
    last_year: int | None = None  # the last year it is paid (operating: end of life)


#: The default order of preference: grants before loans before own money.
DEFAULT_RANK = {
    "cross_border_fund": 1,
    "climate_finance": 2,
    "national": 3,
    "loan": 4,
    "own_budget": 5,
    "guarantee": 4,  # not drawn on: it backs a loan
}


def loan_outlay_per_unit(
    rate: float, tenor_years: int, discount_rate: float, fee_rate: float = 0.0
) -> float:
    """The present value of repaying 1 borrowed as an annuity over ``tenor_years`` at
    ``rate`` a year, with a yearly fee of ``fee_rate`` on the amount over the tenor (a
    guarantee's), discounted at ``discount_rate`` (first payment a year after the
    drawdown): (A + fee) · Σ_{t=1..n} (1 + d)^−t with A = r / (1 − (1 + r)^−n) (A = 1/n for
    r = 0). Below 1 when the loan is cheaper than the borrower's discount rate.

    Reference: Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2
    (annuities)."""
    years = np.arange(1, tenor_years + 1)
    return float(
        (annuity_per_unit(rate, tenor_years) + fee_rate)
        * np.sum((1.0 + discount_rate) ** -years.astype(float))
    )


def annuity_per_unit(rate: float, tenor_years: int) -> float:
    """The yearly repayment of 1 borrowed at ``rate`` over ``tenor_years``:
    r / (1 − (1 + r)^−n), or 1/n without interest."""
    return 1.0 / tenor_years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -tenor_years)


def with_guarantees(sources: Sequence[Source]) -> list[Source]:
    """The sources a plan draws on: every source but the guarantees, and for each
    guarantee the loan it backs on its terms — the loan's rate less the guarantee's
    ``rate_reduction``, plus its yearly ``fee_rate`` — up to the guarantee's ceiling and
    within the loan's own (``shares_ceiling_with``), for the parties and kinds both accept
    (a credit enhancement as development banks offer them)."""
    by_id = {s.id: s for s in sources}
    found = [s for s in sources if s.kind != "guarantee"]
    for guarantee in sources:
        if guarantee.kind != "guarantee":
            continue
        loan = by_id.get(guarantee.guarantees or "")
        if loan is None or loan.kind != "loan":
            raise FinanceError(
                f"source {guarantee.id!r} guarantees {guarantee.guarantees!r}; expected the "
                "id of a loan among the sources"
            )
        found.append(
            loan.model_copy(
                update={
                    "id": f"{loan.id}+{guarantee.id}",
                    "name": {k: f"{v} (guaranteed)" for k, v in loan.name.items()},
                    "rate": max(loan.rate - guarantee.rate_reduction, 0.0),
                    "fee_rate": loan.fee_rate + guarantee.fee_rate,
                    "ceiling": guarantee.ceiling,
                    "ceiling_per_party": guarantee.ceiling_per_party,
                    "eligible_parties": _both(loan.eligible_parties, guarantee.eligible_parties),
                    "eligible_kinds": _both(loan.eligible_kinds, guarantee.eligible_kinds),
                    "shares_ceiling_with": loan.id,
                }
            )
        )
    return found


def _both(first: list[str], second: list[str]) -> list[str]:
    """What two eligibility lists both accept (an empty list accepts anything)."""
    if not first:
        return list(second)
    if not second:
        return list(first)
    return [x for x in first if x in second]


def eligible(source: Source, need: Need) -> bool:
    """Whether the source may fund the need: kind, party, ownership and timing."""
    if source.kind == "own_budget" and source.party != need.party:
        return False
    if source.kind == "national" and source.party not in (None, need.party):
        return False
    if source.eligible_kinds and need.kind not in source.eligible_kinds:
        return False
    if source.eligible_parties and need.party not in source.eligible_parties:
        return False
    if need.cost not in source.pays_for:
        return False
    last = need.last_construction_year if need.cost == "capital" else need.last_year
    return source.available_until is None or (last or 0) <= source.available_until


@dataclass(frozen=True)
class FundingPlan:
    """Per need and source: the amount (present value, region currency)."""

    needs: list[Need]
    sources: list[Source]
    amounts: np.ndarray  # needs × sources
    own_outlay: dict[str, float]  # per party: own budgets and loans' repayments (PV)

    def by_source(self) -> dict[str, float]:
        return {s.id: float(self.amounts[:, j].sum()) for j, s in enumerate(self.sources)}

    def conditional(self) -> dict[str, float]:
        """Per party: what conditional grants pay it (at risk if the indicator fails)."""
        found: dict[str, float] = {}
        for j, source in enumerate(self.sources):
            if source.conditional_on is None:
                continue
            for k, need in enumerate(self.needs):
                if self.amounts[k, j] > 0:
                    found[need.party] = found.get(need.party, 0.0) + float(self.amounts[k, j])
        return found


def funding_plan(
    needs: Sequence[Need],
    sources: Sequence[Source],
    *,
    objective: Literal["own_outlay", "preference"] = "own_outlay",
    discount_rate: float = 0.03,
    without: Sequence[str] = (),
) -> FundingPlan:
    """The funding plan of the module docstring: every need covered by eligible sources
    within their co-financing rates and ceilings, minimizing the own outlay (or following
    the order of preference). ``without``: sources left out (e.g. conditional grants, to
    see who pays if their indicators fail). Raises :class:`FinanceError` naming the needs
    no combination of sources can cover."""
    used = [s for s in with_guarantees(sources) if s.id not in set(without)]
    n, m = len(needs), len(used)
    if n == 0:
        return FundingPlan([], used, np.zeros((0, m)), {})
    cost = np.array([_unit_cost(s, objective, discount_rate) for s in used])
    c = np.tile(cost, n)
    upper = np.zeros(n * m)
    for k, need in enumerate(needs):
        for j, source in enumerate(used):
            if eligible(source, need):
                upper[k * m + j] = source.co_financing_rate * need.amount
    equal = np.zeros((n, n * m))
    for k in range(n):
        equal[k, k * m : (k + 1) * m] = 1.0
    rows, limits = [], []
    for j, source in enumerate(used):
        if source.ceiling is not None:
            row = np.zeros(n * m)
            for i, other in enumerate(used):  # itself, and those counting against it
                if i == j or other.shares_ceiling_with == source.id:
                    row[i::m] = 1.0
            rows.append(row)
            limits.append(source.ceiling)
        if source.ceiling_per_party is not None:
            for party in sorted({need.party for need in needs}):
                row = np.zeros(n * m)
                for k, need in enumerate(needs):
                    if need.party == party:
                        row[k * m + j] = 1.0
                rows.append(row)
                limits.append(source.ceiling_per_party)
    short = [
        need
        for k, need in enumerate(needs)
        if upper[k * m : (k + 1) * m].sum() < need.amount - 1e-6
    ]
    if short:
        raise FinanceError(
            "no eligible sources cover "
            + "; ".join(f"{s.party}'s share of {s.measure} ({s.amount:,.0f})" for s in short)
            + "; expected an own budget line or other eligible sources for them"
        )
    result = linprog(
        c,
        A_ub=np.array(rows) if rows else None,
        b_ub=np.array(limits) if rows else None,
        A_eq=equal,
        b_eq=np.array([need.amount for need in needs]),
        bounds=list(zip(np.zeros(n * m), upper, strict=True)),
        method="highs",
    )
    if result.status != 0:
        raise FinanceError(
            "the sources' ceilings cannot cover every party's share together; expected "
            "larger ceilings or own budget lines"
        )
    x = result.x
    if objective == "own_outlay":
        evenly = _evenly(c, needs, m, result.fun, rows, limits, equal, upper)
        if evenly.size:  # else the first plan
            least_share = float(evenly[-1])
            x = _settled(c, needs, used, rows, limits, equal, upper, result.fun, least_share)
            x = x if x.size else evenly[:-1]
    amounts = _without_residues(x.reshape(n, m), needs, used)
    outlay: dict[str, float] = {}
    for k, need in enumerate(needs):
        for j, source in enumerate(used):
            if source.kind in ("own_budget", "loan"):
                factor = (
                    1.0
                    if source.kind == "own_budget"
                    else loan_outlay_per_unit(
                        source.rate, source.tenor_years, discount_rate, source.fee_rate
                    )
                )
                outlay[need.party] = outlay.get(need.party, 0.0) + factor * amounts[k, j]
    return FundingPlan(list(needs), used, amounts, outlay)


def _evenly(
    c: np.ndarray,
    needs: Sequence[Need],
    m: int,
    least: float,
    rows: list[np.ndarray],
    limits: list[float],
    equal: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Among the plans with the least total own outlay, the one whose largest share of a
    party's needs paid from its own money is smallest (the grants shared out evenly rather
    than as the solver happens to): minimize t with own_i ≤ t · need_i, Σ own ≤ least.
    The plan, with t last; empty if the program fails."""
    n = len(needs)
    parties = sorted({need.party for need in needs})
    width = n * m + 1
    cover = [np.append(row, 0.0) for row in rows]
    bounds_up = list(limits)
    total = np.append(c, 0.0)
    cover.append(total)
    bounds_up.append(least + 1e-9 * max(abs(least), 1.0))
    for party in parties:
        row = np.zeros(width)
        need = 0.0
        for k, item in enumerate(needs):
            if item.party == party:
                row[k * m : (k + 1) * m] = c[:m]
                need += item.amount
        row[-1] = -need
        cover.append(row)
        bounds_up.append(0.0)
    objective = np.zeros(width)
    objective[-1] = 1.0
    result = linprog(
        objective,
        A_ub=np.array(cover),
        b_ub=np.array(bounds_up),
        A_eq=np.hstack([equal, np.zeros((n, 1))]),
        b_eq=np.array([need.amount for need in needs]),
        bounds=[*zip(np.zeros(n * m), upper, strict=True), (0.0, None)],
        method="highs",
    )
    return result.x if result.status == 0 else np.zeros(0)


#: Below this share of a need (0.01 %), what a source pays of it is a solver's leftover,
#: not a funding line (HiGHS leaves a few currency units on otherwise unused sources).
RESIDUE = 1e-4


def _without_residues(
    amounts: np.ndarray, needs: Sequence[Need], used: Sequence[Source]
) -> np.ndarray:
    """The plan without the solver's crumbs (a few currency units from a source that
    otherwise pays nothing of a need): each goes to the party's own budget, when it has
    one, so that every need stays covered in full."""
    cleaned = amounts.copy()
    for k, need in enumerate(needs):
        own = [j for j, s in enumerate(used) if s.kind == "own_budget" and s.party == need.party]
        if not own:
            continue
        crumbs = (cleaned[k] > 0) & (cleaned[k] < RESIDUE * need.amount)
        crumbs[own[0]] = False
        cleaned[k, own[0]] += cleaned[k, crumbs].sum()
        cleaned[k, crumbs] = 0.0
    return cleaned


#: How much worse than its optimum a later stage of the plan may make an earlier stage's
#: objective (relative): room for rounding, not for a different plan.
STAGE_SLACK = 1e-9


def _settled(
    c: np.ndarray,
    needs: Sequence[Need],
    used: Sequence[Source],
    rows: list[np.ndarray],
    limits: list[float],
    equal: np.ndarray,
    upper: np.ndarray,
    least: float,
    least_share: float,
) -> np.ndarray:
    """One plan among the equally good: the least own outlay in all (``least``), no
    party paying a larger share of its needs from its own money than ``least_share``, then
    the sources in the order of preference, ties broken by the order of the needs and
    sources. The earlier stages leave many plans equally good, and a solver may return any
    of them, or another after a change in the last digits of an input; bound only by
    those stages' optimal values (unique), this stage makes the plan unique, so that a
    re-run gives the same payments. Empty if the program fails."""
    n, m = len(needs), len(used)
    cover, bounds_up = list(rows), list(limits)
    cover.append(c)
    bounds_up.append(least + STAGE_SLACK * max(abs(least), 1.0))
    for party in sorted({need.party for need in needs}):
        row = np.zeros(n * m)
        need_total = 0.0
        for k, need in enumerate(needs):
            if need.party == party:
                row[k * m : (k + 1) * m] = c[k * m : (k + 1) * m]
                need_total += need.amount
        cover.append(row)
        bounds_up.append(least_share * need_total * (1 + STAGE_SLACK) + STAGE_SLACK)
    rank = np.array([float(s.preference or DEFAULT_RANK[s.kind]) for s in used])
    # distinct weights: rank first, then need, then source (each step far smaller)
    weights = np.tile(rank, n) + 1e-3 * np.arange(n * m, dtype=float) / (n * m + 1)
    result = linprog(
        weights,
        A_ub=np.array(cover),
        b_ub=np.array(bounds_up),
        A_eq=equal,
        b_eq=np.array([need.amount for need in needs]),
        bounds=list(zip(np.zeros(n * m), upper, strict=True)),
        method="highs",
    )
    return result.x if result.status == 0 else np.zeros(0)


def _unit_cost(source: Source, objective: str, discount_rate: float) -> float:
    """What one unit from the source costs the objective: the party's own outlay, or
    its rank in the order of preference."""
    if objective == "preference":
        return float(source.preference or DEFAULT_RANK[source.kind])
    if source.kind == "own_budget":
        return 1.0
    if source.kind == "loan":
        return loan_outlay_per_unit(source.rate, source.tenor_years, discount_rate, source.fee_rate)
    return 0.0


def needs_of(
    pays: Mapping[str, Mapping[str, float]],
    kinds: Mapping[str, str | None],
    last_years: Mapping[str, int],
) -> list[Need]:
    """The needs of a deal: per measure and party, its cost share (positive ones; a
    negative share is a payment received, not a need)."""
    return [
        Need(measure, party, kinds.get(measure), amount, last_years[measure])
        for measure, by_party in pays.items()
        for party, amount in by_party.items()
        if amount > 1e-6
    ]
