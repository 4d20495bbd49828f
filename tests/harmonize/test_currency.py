"""Money to the region currency and price year: deflate with the index of the money's
currency, then convert."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bordercompact.harmonize.currency import (
    ExchangeRates,
    MissingExchangeRateError,
    MissingMoneyDataError,
    MissingPriceIndexError,
    PriceIndices,
    price_index_key,
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
        index_key="MX",
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
        index_key="US",
        region_currency="USD",
        region_price_year=2023,
    )
    assert conversion.rate == 1.0
    assert conversion.factor == pytest.approx(304.702 / 255.657)


def test_money_in_the_partys_own_currency_is_deflated_with_its_countrys_index() -> None:
    assert price_index_key("MXN", party_country="MX", party_currency="MXN") == "MX"


def test_money_in_a_foreign_currency_is_deflated_with_that_currencys_index() -> None:
    # A Mexican party reporting US dollars: the dollars' purchasing power followed US prices.
    key = price_index_key("USD", party_country="MX", party_currency="MXN")
    assert key == "USD"
    indices = PriceIndices(
        {("MX", 2020): 100.0, ("MX", 2023): 120.0, ("USD", 2020): 258.811, ("USD", 2023): 304.702},
        {("MX", 2023): "INEGI", ("USD", 2023): "BLS CPI-U"},
    )
    conversion = price_level_factor(
        RATES,
        indices,
        currency="USD",
        price_year=2020,
        index_key=key,
        region_currency="USD",
        region_price_year=2023,
    )
    assert conversion.factor == pytest.approx(304.702 / 258.811)
    assert conversion.index_source == "BLS CPI-U"


def test_price_index_table_accepts_currency_area_codes(tmp_path: Path) -> None:
    index_csv = tmp_path / "index.csv"
    index_csv.write_text(
        "country,year,index,source\n"
        "EUR,2020,105.8,Eurostat HICP\n"
        "EUR,2023,127.4,Eurostat HICP\n"
        "DE,2020,105.8,Destatis\n"
    )
    problems = ProblemLog()
    indices = read_price_indices(index_csv, problems)
    assert not problems.problems
    assert indices.deflator("EUR", 2020, 2023) == (pytest.approx(127.4 / 105.8), "Eurostat HICP")


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


#: What Excel saves from a sheet of Banxico's rates; "CSV UTF-8" adds a byte-order mark,
#: plain "CSV" on a Western-European Windows writes cp1252.
BANXICO_RATES = "from_currency,to_currency,year,rate,source\nUSD,MXN,2023,17.76,Banco de México\n"


def test_an_excel_export_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    rates_csv = tmp_path / "rates.csv"
    rates_csv.write_text(BANXICO_RATES, encoding="utf-8-sig")
    problems = ProblemLog()
    rates = read_exchange_rates(rates_csv, problems)
    assert not problems.problems
    assert rates.rate("USD", "MXN", 2023) == (17.76, "Banco de México")


def test_a_table_that_is_not_utf8_is_reported_as_unreadable(tmp_path: Path) -> None:
    rates_csv = tmp_path / "rates.csv"
    rates_csv.write_text(BANXICO_RATES, encoding="cp1252")
    problems = ProblemLog()
    rates = read_exchange_rates(rates_csv, problems)
    assert rates.rates == {}
    [problem] = problems.errors
    assert (problem.code, problem.file, problem.features) == (
        "unreadable-file",
        str(rates_csv),
        ("line 2",),
    )
    assert "byte 0xE9" in problem.found
    assert problem.expected.startswith("UTF-8 text")


@pytest.mark.parametrize(
    ("read", "table", "key"),
    [
        (
            read_exchange_rates,
            "from_currency,to_currency,year,rate,source\n"
            "USD,MXN,2022,20.12,Banxico\n"
            "USD,MXN,2023,17.76,Banxico\n"
            "CAD,USD,2023,0.741,Bank of Canada\n"
            "USD,MXN,2023,17.50,Banxico\n",
            "from_currency USD, to_currency MXN, year 2023",
        ),
        (
            read_price_indices,
            "country,year,index,source\n"
            "MX,2022,126.5,INEGI\n"
            "MX,2023,128.6,INEGI\n"
            "US,2023,304.702,BLS\n"
            "MX,2023,129.0,INEGI\n",
            "country MX, year 2023",
        ),
    ],
    ids=["exchange rates", "price indices"],
)
def test_a_duplicate_row_is_reported_with_both_lines_and_the_key(
    tmp_path: Path, read: Callable[[Path, ProblemLog], object], table: str, key: str
) -> None:
    path = tmp_path / "table.csv"
    path.write_text(table)
    problems = ProblemLog()
    read(path, problems)
    [problem] = problems.errors
    assert (problem.code, problem.features) == ("duplicate-row", ("line 3", "line 5"))
    assert key in problem.found


def test_rates_in_both_directions_must_be_reciprocal(tmp_path: Path) -> None:
    rates_csv = tmp_path / "rates.csv"
    rates_csv.write_text(
        "from_currency,to_currency,year,rate,source\n"
        "USD,MXN,2023,17.76,Banxico\n"
        "MXN,USD,2023,0.0563,Banxico\n"  # 17.76 × 0.0563 = 0.99989: agrees within 0.1 %
        "USD,MXN,2022,20.12,Banxico\n"
        "MXN,USD,2022,0.0500,Fed H.10\n"  # 20.12 × 0.0500 = 1.006: 0.6 % apart
    )
    problems = ProblemLog()
    read_exchange_rates(rates_csv, problems)
    [problem] = problems.errors
    assert (problem.code, problem.features) == ("inconsistent-exchange-rate", ("line 4", "line 5"))
    assert "1.006" in problem.found


def test_a_conversion_lacking_both_index_and_rate_names_both() -> None:
    with pytest.raises(MissingMoneyDataError) as raised:
        price_level_factor(
            RATES,
            INDICES,
            currency="CHF",
            price_year=2019,
            index_key="CH",
            region_currency="USD",
            region_price_year=2023,
        )
    assert [type(m) for m in raised.value.missing] == [
        MissingPriceIndexError,
        MissingExchangeRateError,
    ]
