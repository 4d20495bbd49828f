"""Money to the region currency and price year: deflate with the owner's index, then convert."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.harmonize.currency import (
    ExchangeRates,
    MissingExchangeRateError,
    MissingPriceIndexError,
    PriceIndices,
    price_level_factor,
    read_exchange_rates,
    read_price_indices,
)
from bordercompact.region.problems import ProblemLog

RATES = ExchangeRates({("USD", "MXN", 2023): 17.76}, {("USD", "MXN", 2023): "Banxico"})
INDICES = PriceIndices(
    {("US", 2019): 255.657, ("US", 2023): 304.702, ("MX", 2020): 106.4, ("MX", 2023): 128.6},
    {k: "stat office" for k in [("US", 2019), ("US", 2023), ("MX", 2020), ("MX", 2023)]},
)


def test_pesos_of_2020_to_dollars_of_2023() -> None:
    conversion = price_level_factor(
        RATES,
        INDICES,
        currency="MXN",
        price_year=2020,
        country="MX",
        region_currency="USD",
        region_price_year=2023,
    )
    assert conversion.deflator == pytest.approx(128.6 / 106.4)
    assert conversion.rate == pytest.approx(1 / 17.76)
    # MXN 1,000,000 of 2020 = MXN 1,208,647 of 2023 = USD 68,054.43
    assert 1_000_000 * conversion.factor == pytest.approx(68_054.43, abs=0.01)
    assert conversion.rate_source == "Banxico (inverted)"


def test_dollars_of_2019_are_only_deflated() -> None:
    conversion = price_level_factor(
        RATES,
        INDICES,
        currency="USD",
        price_year=2019,
        country="US",
        region_currency="USD",
        region_price_year=2023,
    )
    assert conversion.rate == 1.0
    assert conversion.factor == pytest.approx(304.702 / 255.657)


def test_deflating_uses_the_owners_country_not_the_region_currency() -> None:
    # A Mexican party reporting in dollars: Mexican prices moved, so the MX index applies.
    indices = PriceIndices(
        {("MX", 2020): 100.0, ("MX", 2023): 120.0}, {("MX", 2020): "INEGI", ("MX", 2023): "INEGI"}
    )
    conversion = price_level_factor(
        RATES,
        indices,
        currency="USD",
        price_year=2020,
        country="MX",
        region_currency="USD",
        region_price_year=2023,
    )
    assert conversion.factor == pytest.approx(1.2)


def test_missing_rate_names_both_currencies_and_the_year() -> None:
    with pytest.raises(MissingExchangeRateError, match=r"EUR→USD .* 2023"):
        RATES.rate("EUR", "USD", 2023)


def test_missing_index_names_country_and_year() -> None:
    with pytest.raises(MissingPriceIndexError, match="no price index for MX in 2019"):
        INDICES.deflator("MX", 2019, 2023)


def test_tables_are_read_with_their_sources(tmp_path: Path) -> None:
    rates_csv = tmp_path / "rates.csv"
    rates_csv.write_text("from_currency,to_currency,year,rate,source\nCHF,EUR,2023,1.029,ECB\n")
    index_csv = tmp_path / "index.csv"
    index_csv.write_text("country,year,index,source\nCH,2023,106.2,FSO\nCH,2021,101.5,FSO\n")
    problems = ProblemLog()
    rates = read_exchange_rates(rates_csv, problems)
    indices = read_price_indices(index_csv, problems)
    assert not problems.problems
    assert rates.rate("EUR", "CHF", 2023) == (pytest.approx(1 / 1.029), "ECB (inverted)")
    assert indices.deflator("CH", 2021, 2023)[0] == pytest.approx(106.2 / 101.5)


def test_rows_without_a_source_or_number_are_reported_by_line(tmp_path: Path) -> None:
    rates_csv = tmp_path / "rates.csv"
    rates_csv.write_text(
        "from_currency,to_currency,year,rate,source\nCHF,EUR,2023,1.029,\nCHF,EUR,2022,abc,ECB\n"
    )
    problems = ProblemLog()
    read_exchange_rates(rates_csv, problems)
    codes = {(p.code, p.features) for p in problems.problems}
    assert codes == {("missing-source", ("line 2",)), ("bad-number", ("line 3",))}
