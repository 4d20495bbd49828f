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
        for measure in option.measures:
            works[measure] = work
            moved[measure] = {p: part[p] - work[p] for p in part}
    return Parts(works, moved)


def needs(parts: Parts, measures: Mapping[str, Measure], settings: AppraisalSettings) -> list[Need]:
    """What each player has to fund: its positive part of each measure's costs (present
    value, discounted as the appraisal discounts)."""
    factors = year_rate_factors(yearly_discount_rates(settings))
    found = []
    for measure_id, by_party in parts.works.items():
        measure = measures[measure_id]
        cost = float(
            (yearly_capital(measure, settings) + yearly_operating(measure, settings)) @ factors
        )
        for party, part in by_party.items():
            if part > 0:
                found.append(
                    Need(
                        measure_id,
                        party,
                        measure.kind,
                        part * cost,
                        max(measure.construction_years),
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
        streams: dict[Kind, np.ndarray] = {
            "capital": part * yearly_capital(measure, settings),
            "operating": part * yearly_operating(measure, settings),
        }
        for j, source in enumerate(plan.sources):
            share = plan.amounts[k, j] / need.amount if need.amount else 0.0
            if share <= 1e-12:
                continue
            for kind, stream in streams.items():
                for year, amount in zip(years, stream, strict=True):
                    if amount:
                        found.append(
                            Payment(need.party, source.id, kind, int(year), share * amount)
                        )
            if source.kind == "loan":
                found += _repayments(source, need.party, share * streams["capital"], years)
    for measure_id, by_party in parts.transfers.items():
        measure = measures[measure_id]
        total = yearly_capital(measure, settings) + yearly_operating(measure, settings)
        for party, moved in by_party.items():
            if abs(moved) <= 1e-12:
                continue
            for year, amount in zip(years, moved * total, strict=True):
                if amount:
                    found.append(Payment(party, TRANSFER, "capital", int(year), float(amount)))
    return found


def whole_lives(settings: AppraisalSettings, measures: list[Measure]) -> AppraisalSettings:
    """The appraisal's years extended to the last year any of ``measures`` works."""
    ends = [max(m.construction_years) + m.lifetime_years for m in measures]
    return settings.model_copy(update={"last_year": max([settings.last_year, *ends])})


def _repayments(loan: Source, party: str, drawn: np.ndarray, years: np.ndarray) -> list[Payment]:
    """A loan's repayments: each year's drawdown repaid as an annuity over the tenor,
    from the following year, with its yearly fee (a guarantee's) over the same years (the
    lender's payments are the drawdown itself)."""
    annuity = annuity_per_unit(loan.rate, loan.tenor_years)
    found = []
    for year, amount in zip(years, drawn, strict=True):
        if amount <= 0:
            continue
        for later in range(int(year) + 1, int(year) + loan.tenor_years + 1):
            found.append(Payment(party, f"{loan.id} repayment", "capital", later, annuity * amount))
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


def outlay_table(schedule: pd.DataFrame, sources: list[Source]) -> pd.DataFrame:
    """Per party and fiscal year: what it pays itself (``own``: own budgets, loan
    repayments, transfers) and what others pay for it (``others``: grants, loans'
    drawdowns), in its currency."""
    own = {s.id for s in sources if s.kind == "own_budget"} | {TRANSFER}
    loans = [s for s in with_guarantees(sources) if s.kind == "loan"]
    own |= {f"{s.id} {what}" for s in loans for what in ("repayment", "fee")}
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
