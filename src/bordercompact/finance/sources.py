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
nothing — or, with ``preference``, each source's rank in the party's order of preference
(grants first, own budget last, unless said otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.optimize import linprog

SourceKind = Literal["own_budget", "national", "cross_border_fund", "climate_finance", "loan"]
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
    preference: int | None = None  # rank in a party's order (1 first); default by kind

    @model_validator(mode="after")
    def _owned(self) -> Source:
        if self.kind == "own_budget" and self.party is None:
            raise ValueError("found an own_budget source without a party; expected its owner")
        return self


@dataclass(frozen=True)
class Need:
    """One party's cost share of one measure, to be funded."""

    measure: str
    party: str
    kind: str | None  # the measure's kind (for eligibility)
    amount: float  # present value, region currency
    last_construction_year: int


#: The default order of preference: grants before loans before own money.
DEFAULT_RANK = {
    "cross_border_fund": 1,
    "climate_finance": 2,
    "national": 3,
    "loan": 4,
    "own_budget": 5,
}


def loan_outlay_per_unit(rate: float, tenor_years: int, discount_rate: float) -> float:
    """The present value of repaying 1 borrowed as an annuity over ``tenor_years`` at
    ``rate`` a year, discounted at ``discount_rate`` (first repayment a year after the
    drawdown): A · Σ_{t=1..n} (1 + d)^−t with A = r / (1 − (1 + r)^−n) (A = 1/n for r = 0).
    Below 1 when the loan is cheaper than the borrower's discount rate.

    Reference: Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2
    (annuities)."""
    annuity = 1.0 / tenor_years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -tenor_years)
    years = np.arange(1, tenor_years + 1)
    return float(annuity * np.sum((1.0 + discount_rate) ** -years.astype(float)))


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
    return source.available_until is None or need.last_construction_year <= source.available_until


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
    used = [s for s in sources if s.id not in set(without)]
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
            row[j::m] = 1.0
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
    amounts = result.x.reshape(n, m)
    outlay: dict[str, float] = {}
    for k, need in enumerate(needs):
        for j, source in enumerate(used):
            if source.kind in ("own_budget", "loan"):
                factor = (
                    1.0
                    if source.kind == "own_budget"
                    else loan_outlay_per_unit(source.rate, source.tenor_years, discount_rate)
                )
                outlay[need.party] = outlay.get(need.party, 0.0) + factor * amounts[k, j]
    return FundingPlan(list(needs), used, amounts, outlay)


def _unit_cost(source: Source, objective: str, discount_rate: float) -> float:
    """What one unit from the source costs the objective: the party's own outlay, or
    its rank in the order of preference."""
    if objective == "preference":
        return float(source.preference or DEFAULT_RANK[source.kind])
    if source.kind == "own_budget":
        return 1.0
    if source.kind == "loan":
        return loan_outlay_per_unit(source.rate, source.tenor_years, discount_rate)
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
