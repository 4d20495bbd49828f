"""Fiscal calendars: each party's fiscal year and budget cycle, and the plan's yearly payments
as a schedule per party, source and fiscal year in the party's own calendar and currency.

Conventions (each function repeats the one it uses):

- A fiscal year is named by the calendar year in which it *ends* (``naming="end"``, the
  default: US federal FY2027 is 1 October 2026 – 30 September 2027, the UK's 2026-27 is
  FY2027) or in which it *starts* (``naming="start"``: Japan's FY2026 is 1 April 2026 –
  31 March 2027). A fiscal year starting 1 January is the calendar year under both.
- The appraisal's money is per calendar year; by default a year's amount is paid evenly
  over its days and goes to the fiscal years holding those days, pro rata by days (leap
  years counted).
- Money is converted from the region currency to the party's at the exchange rate of the
  region's price year and stays at the region's price level: an amount of 2031 is the
  party's money at the prices of the price year, not nominal money of 2031.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple, get_args

import pandas as pd

from bordercompact.harmonize.currency import ExchangeRates, MissingExchangeRateError
from bordercompact.region.manifest import Party

Cycle = Literal["annual", "biennial"]
Naming = Literal["end", "start"]
Parity = Literal["odd", "even"]
Timing = Literal["even", "start", "end"]
#: A payment's budget: capital (construction) or operating (maintenance, over the lifetime).
Kind = Literal["capital", "operating"]
#: What a stated budget covers: one kind, or both together.
BudgetKind = Literal["capital", "operating", "total"]

SCHEDULE_COLUMNS = (
    "party",
    "source",
    "fiscal_year",
    "kind",
    "amount_region",
    "amount_party",
    "currency",
)
OVER_BUDGET_COLUMNS = (
    "party",
    "budget_period",
    "kind",
    "budget",
    "commitments",
    "excess",
    "currency",
)
#: Relative margin by which commitments must exceed a budget to be flagged, so that
#: commitments equal to the budget but for the rounding of the pro-rata split are not.
BUDGET_TOLERANCE = 1e-9


@dataclass(frozen=True)
class FiscalCalendar:
    """When a party's fiscal years start, how they are named and how they form budgets.

    Parameters
    ----------
    start_month, start_day : int
        First day of every fiscal year (1 October: ``10, 1``). Any day of a common year;
        29 February is not one.
    cycle : {"annual", "biennial"}
        A budget per fiscal year, or per budget period of two fiscal years. Default
        ``"annual"``.
    naming : {"end", "start"}
        A fiscal year is named by the calendar year in which it ends (default: US federal
        FY2027 = 1 Oct 2026 – 30 Sep 2027; UK 2026-27 = FY2027) or in which it starts
        (Japan's FY2026 = 1 Apr 2026 – 31 Mar 2027). A year starting 1 January is the
        calendar year under both.
    biennium_first : {"odd", "even"}
        For a biennial cycle, whether the first fiscal year of every budget period has an
        odd name (default: periods 2027–2028, 2029–2030) or an even one (2026–2027, …).
    """

    start_month: int
    start_day: int = 1
    cycle: Cycle = "annual"
    naming: Naming = "end"
    biennium_first: Parity = "odd"

    def __post_init__(self) -> None:
        try:
            date(2001, self.start_month, self.start_day)  # 2001: a common year
        except ValueError:
            raise ValueError(
                f"Fiscal year start month {self.start_month}, day {self.start_day} is not a "
                "day of a common year; expected e.g. month 10, day 1 for 1 October."
            ) from None
        for name, value, allowed in (
            ("cycle", self.cycle, Cycle),
            ("naming", self.naming, Naming),
            ("biennium_first", self.biennium_first, Parity),
        ):
            if value not in get_args(allowed):
                raise ValueError(
                    f"Fiscal calendar {name} {value!r} is not one of {get_args(allowed)}."
                )

    @classmethod
    def of(
        cls,
        party: Party,
        cycle: Cycle = "annual",
        naming: Naming = "end",
        biennium_first: Parity = "odd",
    ) -> FiscalCalendar:
        """The calendar of ``party``, whose fiscal years start on its ``fiscal_year_start``
        (``"MM-DD"``); the cycle and naming are not in the manifest and are given here."""
        month, day = party.fiscal_year_start.split("-")
        return cls(int(month), int(day), cycle, naming, biennium_first)


def fiscal_year_of(day: date, calendar: FiscalCalendar) -> int:
    """The name of the fiscal year of ``calendar`` that holds ``day``.

    Named by the calendar year in which the fiscal year ends (``naming="end"``) or starts
    (``naming="start"``); see :class:`FiscalCalendar`.
    """
    start = date(day.year, calendar.start_month, calendar.start_day)
    start_year = day.year if day >= start else day.year - 1
    return start_year + _naming_offset(calendar)


def fiscal_year_bounds(year: int, calendar: FiscalCalendar) -> tuple[date, date]:
    """The first and the last day (both included) of fiscal year ``year`` of ``calendar``."""
    start_year = year - _naming_offset(calendar)
    first = date(start_year, calendar.start_month, calendar.start_day)
    following = date(start_year + 1, calendar.start_month, calendar.start_day)
    return first, following - timedelta(days=1)


def budget_period_of(fiscal_year: int, calendar: FiscalCalendar) -> int:
    """The first fiscal year of the budget period holding ``fiscal_year``: the year itself
    in an annual cycle, the year of parity ``calendar.biennium_first`` in a biennial one."""
    if calendar.cycle == "annual":
        return fiscal_year
    first_is_odd = calendar.biennium_first == "odd"
    return fiscal_year if (fiscal_year % 2 == 1) == first_is_odd else fiscal_year - 1


def budget_period_label(first_fiscal_year: int, calendar: FiscalCalendar) -> str:
    """``"2027"`` for an annual budget, ``"2027–2028"`` for a biennial one starting in FY2027."""
    if calendar.cycle == "annual":
        return str(first_fiscal_year)
    return f"{first_fiscal_year}–{first_fiscal_year + 1}"


def to_fiscal_years(
    amounts: Mapping[int, float], calendar: FiscalCalendar, *, timing: Timing = "even"
) -> dict[int, float]:
    """Amounts per calendar year as amounts per fiscal year of ``calendar``.

    Parameters
    ----------
    amounts : mapping of int to float
        Calendar year → amount (any unit of money).
    calendar : FiscalCalendar
    timing : {"even", "start", "end"}
        When a calendar year's amount is paid: evenly over its days (default: a year's
        payments are spread over the year), all on 1 January, or all on 31 December.

    Returns
    -------
    dict of int to float
        Fiscal year → amount, in order. With ``timing="even"`` a fiscal year receives
        ``amount × d / D`` of each calendar year, where ``d`` is the number of days the two
        years share and ``D`` the days of the calendar year (365 or 366). The total is
        preserved up to floating-point rounding; with a 1 January start the result equals
        ``amounts``.
    """
    if timing not in get_args(Timing):
        raise ValueError(f"Payment timing {timing!r} is not one of {get_args(Timing)}.")
    fiscal: dict[int, float] = {}
    for year, amount in sorted(amounts.items()):
        parts = _days_per_fiscal_year(year, calendar, timing)
        days_paid = sum(days for _, days in parts)
        assigned = 0.0
        for i, (fiscal_year, days) in enumerate(parts):
            # The last part takes what is left, so a year paid into one fiscal year is
            # carried over unchanged.
            part = amount - assigned if i == len(parts) - 1 else amount * days / days_paid
            assigned += part
            fiscal[fiscal_year] = fiscal.get(fiscal_year, 0.0) + part
    return dict(sorted(fiscal.items()))


def budget_periods(
    fiscal_amounts: Mapping[int, float], calendar: FiscalCalendar
) -> dict[str, float]:
    """Amounts per fiscal year summed per budget period of ``calendar``, keyed by the period's
    label (:func:`budget_period_label`: ``"2027–2028"`` in a biennial cycle, the fiscal year
    itself in an annual one)."""
    return {
        budget_period_label(first, calendar): amount
        for first, amount in _sum_by_budget_period(fiscal_amounts.items(), calendar).items()
    }


def party_rate(rates: ExchangeRates, region_currency: str, party_currency: str, year: int) -> float:
    """Units of ``party_currency`` per unit of ``region_currency`` in ``year`` (the region's
    price year), from the region's exchange-rate table; a rate stated the other way round
    is inverted.

    Raises :class:`~bordercompact.harmonize.currency.MissingExchangeRateError` naming the
    pair and the year when the table has neither direction.
    """
    try:
        rate, _source = rates.rate(region_currency, party_currency, year)
    except MissingExchangeRateError as exc:
        raise MissingExchangeRateError(
            f"Cannot state payments in {party_currency}: the exchange-rate table has no rate "
            f"{region_currency}→{party_currency} (or {party_currency}→{region_currency}) for "
            f"{year}, the region's price year."
        ) from exc
    return rate


def in_party_currency(amount_region: float, rate: float) -> float:
    """``amount_region`` (region currency) in the party's currency: ``amount_region × rate``.

    ``rate`` is in units of the party's currency per unit of the region currency, at the
    region's price year (:func:`party_rate`). The result stays at the region's price level:
    no inflation to the nominal money of the year of payment is added.
    """
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"Exchange rate {rate} is not a positive number.")
    return amount_region * rate


class Payment(NamedTuple):
    """What one source pays for one party in one calendar year (region currency, at the
    region's price level), for the party's capital or its operating budget."""

    party: str
    source: str
    kind: Kind
    calendar_year: int
    amount_region: float


def fiscal_schedule(
    payments: Iterable[Payment | tuple[str, str, str, int, float]],
    calendars: Mapping[str, FiscalCalendar],
    rates: Mapping[str, float],
    currencies: Mapping[str, str],
    *,
    timing: Timing = "even",
) -> pd.DataFrame:
    """The plan's payments per party, source, kind and fiscal year, in the party's money.

    Parameters
    ----------
    payments : iterable of :class:`Payment` or ``(party, source, kind, calendar_year,
        amount_region)``
        Region currency at the region's price level; several payments of one party, source,
        kind and year are added.
    calendars : mapping of party to FiscalCalendar
    rates : mapping of party to float
        Units of the party's currency per unit of the region currency (:func:`party_rate`).
    currencies : mapping of party to str
        The party's ISO 4217 currency code, written beside its amounts.
    timing : {"even", "start", "end"}
        When in a calendar year its amount is paid (:func:`to_fiscal_years`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCHEDULE_COLUMNS`: ``amount_region`` in the region currency,
        ``amount_party`` in ``currency`` (the party's, at the region's price level), one
        row per party, fiscal year, kind and source, in that order.
    """
    yearly: dict[tuple[str, str, str], dict[int, float]] = {}
    for party, source, kind, year, amount in payments:
        if kind not in get_args(Kind):
            raise ValueError(
                f"Payment of {party} from {source} in {year} is of kind {kind!r}; "
                f"expected one of {get_args(Kind)}."
            )
        missing = [
            what
            for what, table in (
                ("fiscal calendar", calendars),
                ("rate", rates),
                ("currency", currencies),
            )
            if party not in table
        ]
        if missing:
            raise ValueError(f"Party {party!r} has a payment but no {', '.join(missing)}.")
        line = yearly.setdefault((party, source, kind), {})
        line[year] = line.get(year, 0.0) + amount
    rows = [
        (
            party,
            source,
            fiscal_year,
            kind,
            amount,
            in_party_currency(amount, rates[party]),
            currencies[party],
        )
        for (party, source, kind), amounts in yearly.items()
        for fiscal_year, amount in to_fiscal_years(amounts, calendars[party], timing=timing).items()
    ]
    schedule = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    return schedule.sort_values(["party", "fiscal_year", "kind", "source"], ignore_index=True)


def over_budget(
    schedule: pd.DataFrame,
    budgets: Mapping[str, Mapping[str, Mapping[int, float]]],
    calendars: Mapping[str, FiscalCalendar],
) -> pd.DataFrame:
    """The budget periods in which a party's commitments exceed its stated budget: the
    rows of :func:`budget_use` whose commitments exceed the budget by more than
    :data:`BUDGET_TOLERANCE` of it."""
    used = budget_use(schedule, budgets, calendars)
    exceeds = used["commitments"] > used["budget"] * (1 + BUDGET_TOLERANCE)
    return used[exceeds].reset_index(drop=True)


def budget_use(
    schedule: pd.DataFrame,
    budgets: Mapping[str, Mapping[str, Mapping[int, float]]],
    calendars: Mapping[str, FiscalCalendar],
) -> pd.DataFrame:
    """Each stated budget beside the commitments that fall in its period.

    Parameters
    ----------
    schedule : pandas.DataFrame
        A :func:`fiscal_schedule`.
    budgets : mapping of party to kind to budget period to float
        The party's budget in its own currency at the region's price level, for
        ``"capital"``, ``"operating"`` or both together (``"total"``), per budget period
        named by its first fiscal year: the fiscal year itself in an annual cycle, FY2027
        for the biennial period 2027–2028.
    calendars : mapping of party to FiscalCalendar
        Which fiscal years form each party's budget periods.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OVER_BUDGET_COLUMNS`, one row per party, budget period (label, as
        :func:`budget_period_label`) and kind with a stated budget, in that order:
        commitments (sum of ``amount_party``) and ``excess = commitments − budget``
        (negative: room left).
    """
    rows = []
    for party, by_kind in sorted(budgets.items()):
        if party not in calendars:
            raise ValueError(f"Party {party!r} has a budget but no fiscal calendar.")
        calendar = calendars[party]
        lines = schedule[schedule["party"] == party]
        for kind, by_period in by_kind.items():
            if kind not in get_args(BudgetKind):
                raise ValueError(
                    f"Budget of {party} is given for {kind!r}; "
                    f"expected one of {get_args(BudgetKind)}."
                )
            chosen = lines if kind == "total" else lines[lines["kind"] == kind]
            committed = _sum_by_budget_period(
                zip(chosen["fiscal_year"], chosen["amount_party"], strict=True), calendar
            )
            for first_year, budget in sorted(by_period.items()):
                _check_budget(party, kind, first_year, budget, calendar)
                commitments = committed.get(first_year, 0.0)
                label = budget_period_label(first_year, calendar)
                currency = lines["currency"].iloc[0] if len(lines) else ""
                rows.append(
                    (party, label, kind, budget, commitments, commitments - budget, currency)
                )
    flagged = pd.DataFrame(rows, columns=list(OVER_BUDGET_COLUMNS))
    return flagged.sort_values(["party", "budget_period", "kind"], ignore_index=True)


def _naming_offset(calendar: FiscalCalendar) -> int:
    """A fiscal year's name minus the calendar year in which it starts."""
    starts_on_new_year = (calendar.start_month, calendar.start_day) == (1, 1)
    return 1 if calendar.naming == "end" and not starts_on_new_year else 0


def _days_per_fiscal_year(
    year: int, calendar: FiscalCalendar, timing: Timing
) -> list[tuple[int, int]]:
    """The fiscal years receiving calendar year ``year``'s amount, each with its weight:
    the days of ``year`` it holds (``timing="even"``), else all of it (weight 1)."""
    new_year, new_years_eve = date(year, 1, 1), date(year, 12, 31)
    if timing == "start":
        return [(fiscal_year_of(new_year, calendar), 1)]
    if timing == "end":
        return [(fiscal_year_of(new_years_eve, calendar), 1)]
    fiscal_start = date(year, calendar.start_month, calendar.start_day)
    days_before = (fiscal_start - new_year).days
    days_from = (new_years_eve - fiscal_start).days + 1
    parts = [(fiscal_year_of(new_year, calendar), days_before)] if days_before else []
    return [*parts, (fiscal_year_of(fiscal_start, calendar), days_from)]


def _sum_by_budget_period(
    fiscal_amounts: Iterable[tuple[int, float]], calendar: FiscalCalendar
) -> dict[int, float]:
    """``(fiscal year, amount)`` pairs summed per budget period, keyed by its first fiscal
    year, in order."""
    periods: dict[int, float] = {}
    for fiscal_year, amount in sorted(fiscal_amounts):
        first = budget_period_of(fiscal_year, calendar)
        periods[first] = periods.get(first, 0.0) + amount
    return periods


def _check_budget(
    party: str, kind: str, first_year: int, budget: float, calendar: FiscalCalendar
) -> None:
    if budget_period_of(first_year, calendar) != first_year:
        first = budget_period_of(first_year, calendar)
        raise ValueError(
            f"Budget of {party} ({kind}) is given for {first_year}, which is not the first "
            f"fiscal year of a budget period; expected {first} for the period "
            f"{budget_period_label(first, calendar)}."
        )
    if not (math.isfinite(budget) and budget >= 0):
        raise ValueError(
            f"Budget of {party} ({kind}) for {budget_period_label(first_year, calendar)} is "
            f"{budget}; expected a non-negative number."
        )
