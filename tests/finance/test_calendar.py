"""Fiscal calendars: fiscal years starting in January, April, July and October, budget
periods, and the plan's payments per party and fiscal year in the party's money."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from bordercompact.finance.calendar import (
    OVER_BUDGET_COLUMNS,
    SCHEDULE_COLUMNS,
    FiscalCalendar,
    Naming,
    Payment,
    Timing,
    budget_periods,
    fiscal_schedule,
    fiscal_year_bounds,
    fiscal_year_of,
    in_party_currency,
    over_budget,
    party_rate,
    to_fiscal_years,
)
from bordercompact.harmonize.currency import ExchangeRates, MissingExchangeRateError
from bordercompact.region.manifest import Party

JANUARY, APRIL, JULY, OCTOBER = (FiscalCalendar(month) for month in (1, 4, 7, 10))
#: One unit of money per day: 2028 is a leap year.
ONE_A_DAY = {2027: 365.0, 2028: 366.0, 2029: 365.0}
RATES = ExchangeRates({("USD", "MXN", 2023): 17.76}, {("USD", "MXN", 2023): "Banxico"})


@pytest.mark.parametrize(
    ("calendar", "day", "fiscal_year"),
    [
        (JANUARY, date(2027, 1, 1), 2027),
        (JANUARY, date(2027, 12, 31), 2027),
        (APRIL, date(2027, 3, 31), 2027),
        (APRIL, date(2027, 4, 1), 2028),
        (JULY, date(2027, 6, 30), 2027),
        (JULY, date(2027, 7, 1), 2028),
        (OCTOBER, date(2026, 10, 1), 2027),
        (OCTOBER, date(2027, 9, 30), 2027),
        (OCTOBER, date(2027, 10, 1), 2028),
    ],
)
def test_fiscal_year_is_named_by_the_year_it_ends_in(
    calendar: FiscalCalendar, day: date, fiscal_year: int
) -> None:
    assert fiscal_year_of(day, calendar) == fiscal_year


@pytest.mark.parametrize(
    ("calendar", "first", "last"),
    [
        (JANUARY, date(2027, 1, 1), date(2027, 12, 31)),
        (APRIL, date(2026, 4, 1), date(2027, 3, 31)),
        (JULY, date(2026, 7, 1), date(2027, 6, 30)),
        (OCTOBER, date(2026, 10, 1), date(2027, 9, 30)),
    ],
)
def test_bounds_of_fiscal_year_2027(calendar: FiscalCalendar, first: date, last: date) -> None:
    assert fiscal_year_bounds(2027, calendar) == (first, last)


@pytest.mark.parametrize(("month", "day"), [(1, 1), (4, 1), (7, 1), (10, 1), (10, 15)])
@pytest.mark.parametrize("naming", ["end", "start"])
def test_fiscal_years_cover_every_day_once(month: int, day: int, naming: Naming) -> None:
    calendar = FiscalCalendar(month, day, naming=naming)
    for year in range(2026, 2031):
        first, last = fiscal_year_bounds(year, calendar)
        assert fiscal_year_of(first, calendar) == fiscal_year_of(last, calendar) == year
        assert fiscal_year_of(first - timedelta(days=1), calendar) == year - 1
        assert fiscal_year_bounds(year + 1, calendar)[0] == last + timedelta(days=1)


def test_naming_by_start_year() -> None:
    japan = FiscalCalendar(4, naming="start")
    assert fiscal_year_bounds(2026, japan) == (date(2026, 4, 1), date(2027, 3, 31))
    assert fiscal_year_of(date(2027, 3, 31), japan) == 2026
    assert fiscal_year_of(date(2027, 4, 1), japan) == 2027


def test_a_january_year_is_the_calendar_year_under_either_naming() -> None:
    for naming in ("end", "start"):
        calendar = FiscalCalendar(1, naming=naming)
        assert fiscal_year_bounds(2028, calendar) == (date(2028, 1, 1), date(2028, 12, 31))


def test_calendar_of_a_party_starts_on_its_fiscal_year_start() -> None:
    federal = Party(
        id="us-ibwc",
        name={"en": "IBWC United States Section"},
        country="US",
        currency="USD",
        fiscal_year_start="10-01",
        languages=["en"],
    )
    default = federal.model_copy(update={"fiscal_year_start": "01-01"})
    assert FiscalCalendar.of(federal) == OCTOBER
    assert FiscalCalendar.of(default, cycle="biennial") == FiscalCalendar(1, cycle="biennial")


@pytest.mark.parametrize(("month", "day"), [(2, 29), (13, 1), (4, 31)])
def test_start_that_is_no_day_of_a_common_year_is_refused(month: int, day: int) -> None:
    with pytest.raises(ValueError, match=f"month {month}, day {day}"):
        FiscalCalendar(month, day)


@pytest.mark.parametrize(
    ("calendar", "fiscal"),
    [
        (JANUARY, ONE_A_DAY),
        (APRIL, {2027: 90.0, 2028: 366.0, 2029: 365.0, 2030: 275.0}),
        (JULY, {2027: 181.0, 2028: 366.0, 2029: 365.0, 2030: 184.0}),
        (OCTOBER, {2027: 273.0, 2028: 366.0, 2029: 365.0, 2030: 92.0}),
    ],
)
def test_one_a_day_gives_the_days_of_each_fiscal_year(
    calendar: FiscalCalendar, fiscal: dict[int, float]
) -> None:
    assert to_fiscal_years(ONE_A_DAY, calendar) == fiscal


@pytest.mark.parametrize(
    ("calendar", "shares"),
    [
        (JANUARY, {2027: 1.0}),
        (APRIL, {2027: 90 / 365, 2028: 275 / 365}),
        (JULY, {2027: 181 / 365, 2028: 184 / 365}),
        (OCTOBER, {2027: 273 / 365, 2028: 92 / 365}),
    ],
)
def test_amount_of_2027_is_shared_by_days(
    calendar: FiscalCalendar, shares: dict[int, float]
) -> None:
    fiscal = to_fiscal_years({2027: 1000.0}, calendar)
    assert fiscal == pytest.approx({year: 1000.0 * share for year, share in shares.items()})


def test_leap_year_amount_is_shared_over_366_days() -> None:
    assert to_fiscal_years({2028: 1000.0}, JULY) == pytest.approx(
        {2028: 1000.0 * 182 / 366, 2029: 1000.0 * 184 / 366}
    )


def test_january_start_returns_the_amounts_unchanged() -> None:
    amounts = {2030: 0.1, 2027: 1 / 3, 2028: 2e9 / 7}
    assert to_fiscal_years(amounts, JANUARY) == amounts


@pytest.mark.parametrize("calendar", [JANUARY, APRIL, JULY, OCTOBER, FiscalCalendar(10, 15)])
@pytest.mark.parametrize("timing", ["even", "start", "end"])
def test_total_is_preserved(calendar: FiscalCalendar, timing: Timing) -> None:
    amounts = {year: 1e6 / (year - 2020) ** 1.5 for year in range(2025, 2076)}
    fiscal = to_fiscal_years(amounts, calendar, timing=timing)
    assert sum(fiscal.values()) == pytest.approx(sum(amounts.values()), rel=1e-12)


def test_paid_on_new_year_or_new_years_eve() -> None:
    amounts = {2027: 100.0, 2028: 50.0}
    assert to_fiscal_years(amounts, OCTOBER, timing="start") == {2027: 100.0, 2028: 50.0}
    assert to_fiscal_years(amounts, OCTOBER, timing="end") == {2028: 100.0, 2029: 50.0}
    by_start = FiscalCalendar(10, naming="start")
    assert to_fiscal_years(amounts, by_start, timing="start") == {2026: 100.0, 2027: 50.0}


def test_unknown_timing_is_refused() -> None:
    with pytest.raises(ValueError, match="'middle'"):
        to_fiscal_years({2027: 1.0}, JULY, timing="middle")  # type: ignore[arg-type]


def test_biennial_periods_start_in_odd_or_even_years() -> None:
    fiscal = {2027: 1.0, 2028: 2.0, 2029: 4.0, 2030: 8.0}
    odd = FiscalCalendar(10, cycle="biennial")
    even = FiscalCalendar(9, cycle="biennial", biennium_first="even")
    assert budget_periods(fiscal, odd) == {"2027–2028": 3.0, "2029–2030": 12.0}
    assert budget_periods(fiscal, even) == {"2026–2027": 1.0, "2028–2029": 6.0, "2030–2031": 8.0}
    assert budget_periods(fiscal, OCTOBER) == {"2027": 1.0, "2028": 2.0, "2029": 4.0, "2030": 8.0}


def test_rate_is_party_currency_per_region_currency() -> None:
    assert party_rate(RATES, "USD", "MXN", 2023) == 17.76
    assert party_rate(RATES, "MXN", "USD", 2023) == pytest.approx(1 / 17.76)
    assert party_rate(RATES, "USD", "USD", 2023) == 1.0
    assert in_party_currency(100.0, 17.76) == pytest.approx(1776.0)


def test_missing_rate_names_the_pair_and_the_year() -> None:
    with pytest.raises(MissingExchangeRateError, match=r"USD→CAD.* for 2024"):
        party_rate(RATES, "USD", "CAD", 2024)


def test_rate_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ValueError, match=r"-17\.76"):
        in_party_currency(100.0, -17.76)


def _two_party_schedule() -> tuple[pd.DataFrame, dict[str, FiscalCalendar]]:
    """A Mexican state (January start, pesos) and a US federal agency (October start,
    dollars) in a region that counts in dollars of 2023."""
    calendars = {"mx-chh": JANUARY, "us-ibwc": OCTOBER}
    currencies = {"mx-chh": "MXN", "us-ibwc": "USD"}
    rates = {
        party: party_rate(RATES, "USD", currency, 2023) for party, currency in currencies.items()
    }
    payments = [
        Payment("us-ibwc", "federal", "capital", 2027, 365.0),
        Payment("us-ibwc", "federal", "operating", 2028, 366.0),
        Payment("us-ibwc", "federal", "operating", 2029, 365.0),
        Payment("mx-chh", "own-budget", "capital", 2027, 365.0),
        ("mx-chh", "nadb-loan", "operating", 2028, 100.0),
        ("mx-chh", "nadb-loan", "operating", 2028, 100.0),
    ]
    return fiscal_schedule(payments, calendars, rates, currencies), calendars


def test_schedule_per_party_source_and_fiscal_year_in_party_money() -> None:
    schedule, _ = _two_party_schedule()
    expected = pd.DataFrame(
        [
            ("mx-chh", "own-budget", 2027, "capital", 365.0, 365.0 * 17.76, "MXN"),
            ("mx-chh", "nadb-loan", 2028, "operating", 200.0, 200.0 * 17.76, "MXN"),
            ("us-ibwc", "federal", 2027, "capital", 273.0, 273.0, "USD"),
            ("us-ibwc", "federal", 2028, "capital", 92.0, 92.0, "USD"),
            ("us-ibwc", "federal", 2028, "operating", 274.0, 274.0, "USD"),
            ("us-ibwc", "federal", 2029, "operating", 365.0, 365.0, "USD"),
            ("us-ibwc", "federal", 2030, "operating", 92.0, 92.0, "USD"),
        ],
        columns=list(SCHEDULE_COLUMNS),
    )
    pd.testing.assert_frame_equal(schedule, expected)


def test_payment_of_unknown_kind_or_party_is_refused() -> None:
    calendars, rates, currencies = {"mx-chh": JANUARY}, {"mx-chh": 17.76}, {"mx-chh": "MXN"}
    with pytest.raises(ValueError, match="'maintenance'"):
        fiscal_schedule([("mx-chh", "own", "maintenance", 2027, 1.0)], calendars, rates, currencies)
    with pytest.raises(ValueError, match="'us-ibwc' has a payment but no fiscal calendar, rate"):
        fiscal_schedule([("us-ibwc", "federal", "capital", 2027, 1.0)], calendars, {}, currencies)


def test_over_budget_flags_the_periods_with_their_excess() -> None:
    schedule, calendars = _two_party_schedule()
    budgets = {
        "us-ibwc": {
            "capital": {2027: 300.0, 2028: 50.0},  # 273 fits; 92 exceeds by 42
            "operating": {2029: 365.0},  # exactly the commitments: not over
            "total": {2028: 400.0, 2030: 90.0},  # 92 + 274 fits; 92 exceeds by 2
        },
        "mx-chh": {"total": {2027: 6000.0}},  # 365 dollars are 6482.4 pesos
    }
    flagged = over_budget(schedule, budgets, calendars)
    expected = pd.DataFrame(
        [
            ("mx-chh", "2027", "total", 6000.0, 365.0 * 17.76, 365.0 * 17.76 - 6000.0, "MXN"),
            ("us-ibwc", "2028", "capital", 50.0, 92.0, 42.0, "USD"),
            ("us-ibwc", "2030", "total", 90.0, 92.0, 2.0, "USD"),
        ],
        columns=list(OVER_BUDGET_COLUMNS),
    )
    pd.testing.assert_frame_equal(flagged, expected)


def test_biennial_budget_covers_two_fiscal_years() -> None:
    texas = FiscalCalendar(9, cycle="biennial", biennium_first="even")
    # 365 in 2027: January–August (243 days) in FY2027, September–December (122) in FY2028
    schedule = fiscal_schedule(
        [("us-tx", "state", "capital", 2027, 365.0)],
        {"us-tx": texas},
        {"us-tx": 1.0},
        {"us-tx": "USD"},
    )
    flagged = over_budget(
        schedule, {"us-tx": {"capital": {2026: 200.0, 2028: 200.0}}}, {"us-tx": texas}
    )
    assert flagged[["budget_period", "commitments", "excess"]].to_dict("records") == [
        {"budget_period": "2026–2027", "commitments": 243.0, "excess": 43.0}
    ]


def test_budget_not_at_the_start_of_a_period_names_the_period() -> None:
    texas = FiscalCalendar(9, cycle="biennial", biennium_first="even")
    schedule = fiscal_schedule([], {}, {}, {})
    with pytest.raises(ValueError, match=r"2027.*expected 2026 for the period 2026–2027"):
        over_budget(schedule, {"us-tx": {"capital": {2027: 1.0}}}, {"us-tx": texas})
