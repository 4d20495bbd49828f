"""From the deal to each treasury's schedule: every player's cost share of each measure
funded by the sources (:func:`bordercompact.finance.sources.funding_plan`), then paid
year by year — capital in the construction years, operation and maintenance over the
whole working life, a loan's drawdown repaid as an annuity — and spread over each party's
fiscal years in its own currency (:func:`bordercompact.finance.calendar.fiscal_schedule`).

A player's part of each measure is its part of the option (the measures of a group built
together) the deal has it pay; a negative part is money it receives from the others: it
appears in its schedule as a ``transfer``, and the others' parts add up to more than the
works' costs by as much (their ``transfer`` rows)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bordercompact.finance.calendar import Kind, Payment
from bordercompact.finance.sources import (
    FundingPlan,
    Need,
    Source,
    annuity_per_unit,
    funding_plan,
    with_guarantees,
)
from bordercompact.measures.appraisal import yearly_capital, yearly_operating
from bordercompact.measures.model import AppraisalSettings, Measure, yearly_discount_rates
from bordercompact.measures.value import year_rate_factors
from bordercompact.negotiate.portfolio import Portfolio

#: The source of the money a player pays the others, or receives from them.
TRANSFER = "transfer"


@dataclass(frozen=True)
class Parts:
    """Per measure and player: its part of the works' costs (≥ 0, adding up to 1), and of
    the transfers that come with them (positive: it pays the others; adding up to 0)."""

    works: dict[str, dict[str, float]]
    transfers: dict[str, dict[str, float]]


def measure_parts(portfolio: Portfolio, pays: list[dict[str, float]]) -> Parts:
    """Each player's parts of each measure, from its part of the option the measure is in
    (what it pays of the option / the option's cost): the works are paid by those with a
    positive part, in proportion; what they pay beyond, or a player receives, is a
    transfer."""
    works: dict[str, dict[str, float]] = {}
    moved: dict[str, dict[str, float]] = {}
    for option, paid in zip(portfolio.options, pays, strict=True):
        part = {p: amount / option.cost if option.cost else 0.0 for p, amount in paid.items()}
        positive = sum(max(x, 0.0) for x in part.values())
        work = {p: max(x, 0.0) / positive if positive else 0.0 for p, x in part.items()}
        for measure in sorted(option.measures):  # one order in every run (sets are not)
            works[measure] = work
            moved[measure] = {p: part[p] - work[p] for p in part}
    return Parts(works, moved)


def parts_table(parts: Parts | None) -> pd.DataFrame:
    """Per measure and player: its part of the works and of the transfers (fractions of
    the measure's costs)."""
    rows = (
        []
        if parts is None
        else [
            (measure, party, part, parts.transfers[measure].get(party, 0.0))
            for measure, by_party in parts.works.items()
            for party, part in by_party.items()
        ]
    )
    return pd.DataFrame(rows, columns=["measure", "party", "works", "transfer"])


def needs(parts: Parts, measures: Mapping[str, Measure], settings: AppraisalSettings) -> list[Need]:
    """What each player has to fund: its positive part of each measure's capital and, apart,
    of its operation and maintenance over the whole working life (present values,
    discounted as the appraisal discounts, past its last year at that year's rate)."""
    lives = whole_lives(settings, [measures[m] for m in parts.works])
    rates = yearly_discount_rates(lives)
    factors = year_rate_factors(rates)
    found = []
    for measure_id, by_party in sorted(parts.works.items()):
        measure = measures[measure_id]
        costs = {
            "capital": float(yearly_capital(measure, lives) @ factors),
            "operating": float(yearly_operating(measure, lives) @ factors),
        }
        end = max(measure.construction_years) + measure.lifetime_years
        for party, part in by_party.items():
            for cost, amount in costs.items():
                if part > 0 and amount > 0:
                    found.append(
                        Need(
                            measure_id,
                            party,
                            measure.kind,
                            part * amount,
                            max(measure.construction_years),
                            cost,  # type: ignore[arg-type]
                            end,
                        )
                    )
    return found


def payments(
    plan: FundingPlan,
    parts: Parts,
    measures: Mapping[str, Measure],
    settings: AppraisalSettings,
) -> list[Payment]:
    """The plan's payments per party, source, kind and calendar year (region currency):
    each need's nominal capital and operating costs in the years they fall, shared among
    its sources as the plan shares its amount; a loan's part paid by the lender and repaid
    by the party as an annuity over the loan's tenor from the year after; and the players'
    transfers (their parts beyond 100 %, or below 0). Operation and maintenance run over
    each measure's whole working life, past the appraisal's last year if it lasts longer
    (the appraisal counts only its own years; the treasuries pay to the end)."""
    settings = whole_lives(settings, [measures[m] for m in parts.works])
    years = np.arange(settings.first_year, settings.last_year + 1)
    found: list[Payment] = []
    for k, need in enumerate(plan.needs):
        measure = measures[need.measure]
        part = parts.works[need.measure][need.party]
        stream = part * (
            yearly_capital(measure, settings)
            if need.cost == "capital"
            else yearly_operating(measure, settings)
        )
        for j, source in enumerate(plan.sources):
            share = plan.amounts[k, j] / need.amount if need.amount else 0.0
            if share <= 1e-12:
                continue
            for year, amount in zip(years, stream, strict=True):
                if amount:
                    paid = Payment(need.party, source.id, need.cost, int(year), share * amount)
                    found.append(paid)
            if source.kind == "loan":
                found += _repayments(source, need.party, share * stream, years, need.cost)
    for measure_id, by_party in parts.transfers.items():
        measure = measures[measure_id]
        streams: dict[Kind, np.ndarray] = {
            "capital": yearly_capital(measure, settings),
            "operating": yearly_operating(measure, settings),
        }
        for party, moved in by_party.items():
            if abs(moved) <= 1e-12:
                continue
            for kind, stream in streams.items():
                for year, amount in zip(years, moved * stream, strict=True):
                    if amount:
                        found.append(Payment(party, TRANSFER, kind, int(year), float(amount)))
    return found


def whole_lives(settings: AppraisalSettings, measures: list[Measure]) -> AppraisalSettings:
    """The appraisal's years extended to the last year any of ``measures`` works."""
    ends = [max(m.construction_years) + m.lifetime_years for m in measures]
    return settings.model_copy(update={"last_year": max([settings.last_year, *ends])})


def _repayments(
    loan: Source, party: str, drawn: np.ndarray, years: np.ndarray, kind: Kind
) -> list[Payment]:
    """A loan's repayments: each year's drawdown repaid as an annuity over the tenor,
    from the following year, with its yearly fee (a guarantee's) over the same years (the
    lender's payments are the drawdown itself); repayments count in the budget (``kind``)
    the loan paid for."""
    annuity = annuity_per_unit(loan.rate, loan.tenor_years)
    found = []
    for year, amount in zip(years, drawn, strict=True):
        if amount <= 0:
            continue
        for later in range(int(year) + 1, int(year) + loan.tenor_years + 1):
            found.append(Payment(party, f"{loan.id} repayment", kind, later, annuity * amount))
            if loan.fee_rate:
                fee = loan.fee_rate * amount
                found.append(Payment(party, f"{loan.id} fee", "operating", later, fee))
    return found


def funding(
    portfolio: Portfolio,
    pays: list[dict[str, float]],
    measures: Mapping[str, Measure],
    settings: AppraisalSettings,
    sources: list[Source],
    **options: object,
) -> tuple[Parts, FundingPlan, list[Payment]]:
    """The deal's parts, funding plan and payments (``options`` go to
    :func:`funding_plan`)."""
    parts = measure_parts(portfolio, pays)
    plan = funding_plan(needs(parts, measures, settings), sources, **options)  # type: ignore[arg-type]
    return parts, plan, payments(plan, parts, measures, settings)


def own_sources(sources: list[Source]) -> set[str]:
    """The schedule's sources that are the party's own money: its budgets, its loans'
    repayments and fees, and transfers."""
    loans = [s for s in with_guarantees(sources) if s.kind == "loan"]
    own = {s.id for s in sources if s.kind == "own_budget"} | {TRANSFER}
    return own | {f"{s.id} {what}" for s in loans for what in ("repayment", "fee")}


def outlay_table(schedule: pd.DataFrame, sources: list[Source]) -> pd.DataFrame:
    """Per party and fiscal year: what it pays itself (``own``: own budgets, loan
    repayments, transfers) and what others pay for it (``others``: grants, loans'
    drawdowns), in its currency."""
    own = own_sources(sources)
    frame = schedule.assign(paid_by=np.where(schedule["source"].isin(own), "own", "others"))
    return (
        frame.pivot_table(
            index=["party", "fiscal_year", "currency"],
            columns="paid_by",
            values="amount_party",
            aggfunc="sum",
            fill_value=0.0,
        )
        .reset_index()
        .rename_axis(columns=None)
    )
