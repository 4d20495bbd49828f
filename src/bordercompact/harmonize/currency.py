"""Money to one currency at one price year: deflate with the owner's price index, then convert.

The order, and why, is documented in ``docs/manifest.md`` ("Money: deflate first, then
convert"): the index of the party's country measures the change of prices of the
party's currency, so it is applied in that currency, and the result is converted at the
exchange rate of the region's price year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from bordercompact.region.problems import ProblemLog

EXCHANGE_RATE_COLUMNS = ("from_currency", "to_currency", "year", "rate", "source")
PRICE_INDEX_COLUMNS = ("country", "year", "index", "source")


class MoneyError(LookupError):
    """A rate or index the conversion needs is not in the region's tables."""

    code = "missing-money-table-row"


class MissingExchangeRateError(MoneyError):
    code = "missing-exchange-rate"


class MissingPriceIndexError(MoneyError):
    code = "missing-price-index"


@dataclass(frozen=True)
class PriceLevelConversion:
    """``factor = deflator × rate``, with where the index and the rate come from."""

    deflator: float
    rate: float
    index_source: str
    rate_source: str

    @property
    def factor(self) -> float:
        return self.deflator * self.rate


@dataclass(frozen=True)
class ExchangeRates:
    """Annual average rates: ``rates[(a, b, year)]`` units of ``b`` for one unit of ``a``."""

    rates: dict[tuple[str, str, int], float]
    sources: dict[tuple[str, str, int], str]

    def rate(self, from_currency: str, to_currency: str, year: int) -> tuple[float, str]:
        """Units of ``to_currency`` per unit of ``from_currency`` in ``year``, with its source.

        A rate stated the other way round is inverted.
        """
        if from_currency == to_currency:
            return 1.0, "same currency"
        key = (from_currency, to_currency, year)
        if key in self.rates:
            return self.rates[key], self.sources[key]
        inverse = (to_currency, from_currency, year)
        if inverse in self.rates:
            return 1.0 / self.rates[inverse], self.sources[inverse] + " (inverted)"
        raise MissingExchangeRateError(
            f"no exchange rate {from_currency}→{to_currency} (or {to_currency}→{from_currency}) "
            f"for {year}"
        )


@dataclass(frozen=True)
class PriceIndices:
    """A price index per country and year (any base year: only ratios are used)."""

    index: dict[tuple[str, int], float]
    sources: dict[tuple[str, int], str]

    def deflator(self, country: str, from_year: int, to_year: int) -> tuple[float, str]:
        """Factor taking ``from_year`` prices of ``country`` to ``to_year`` prices, with source."""
        if from_year == to_year:
            return 1.0, "same price year"
        missing = [y for y in (from_year, to_year) if (country, y) not in self.index]
        if missing:
            raise MissingPriceIndexError(
                f"no price index for {country} in {', '.join(map(str, missing))}"
            )
        factor = self.index[(country, to_year)] / self.index[(country, from_year)]
        return factor, self.sources[(country, to_year)]


def price_level_factor(
    rates: ExchangeRates,
    indices: PriceIndices,
    *,
    currency: str,
    price_year: int,
    country: str,
    region_currency: str,
    region_price_year: int,
) -> PriceLevelConversion:
    """How money in ``currency`` at ``price_year`` becomes the region's money.

    ``deflator = I_country(region_price_year) / I_country(price_year)`` (the price index of
    the owner's country, applied in the owner's currency) and ``rate`` is the exchange
    rate ``currency → region_currency`` of ``region_price_year``; the value is multiplied
    by their product.

    References: OECD (2018), *Cost-Benefit Analysis and the Environment*, ch. 16 (benefit
    transfer: adjust for inflation in the source country, then convert at the target year's
    rate).
    """
    deflator, index_source = indices.deflator(country, price_year, region_price_year)
    rate, rate_source = rates.rate(currency, region_currency, region_price_year)
    return PriceLevelConversion(deflator, rate, index_source, rate_source)


def read_exchange_rates(path: Path, problems: ProblemLog) -> ExchangeRates:
    rates: dict[tuple[str, str, int], float] = {}
    sources: dict[tuple[str, str, int], str] = {}
    for line, row in _rows(path, EXCHANGE_RATE_COLUMNS, problems):
        year = _year(row, path, line, problems)
        rate = _number(row, "rate", path, line, problems)
        if year is None or rate is None:
            continue
        if not rate > 0:
            problems.error(
                "bad-exchange-rate",
                str(path),
                f"rate {rate}",
                "a positive rate",
                field="rate",
                features=[f"line {line}"],
            )
            continue
        key = (row["from_currency"].strip(), row["to_currency"].strip(), year)
        rates[key] = rate
        sources[key] = row["source"].strip()
    return ExchangeRates(rates, sources)


def read_price_indices(path: Path, problems: ProblemLog) -> PriceIndices:
    index: dict[tuple[str, int], float] = {}
    sources: dict[tuple[str, int], str] = {}
    for line, row in _rows(path, PRICE_INDEX_COLUMNS, problems):
        year = _year(row, path, line, problems)
        value = _number(row, "index", path, line, problems)
        if year is None or value is None:
            continue
        if not value > 0:
            problems.error(
                "bad-price-index",
                str(path),
                f"index {value}",
                "a positive index",
                field="index",
                features=[f"line {line}"],
            )
            continue
        key = (row["country"].strip(), year)
        index[key] = value
        sources[key] = row["source"].strip()
    return PriceIndices(index, sources)


def _rows(
    path: Path, columns: tuple[str, ...], problems: ProblemLog
) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        problems.error(
            "missing-file", str(path), "no such file", f"a CSV with columns {', '.join(columns)}"
        )
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        absent = [c for c in columns if c not in (reader.fieldnames or [])]
        if absent:
            problems.error(
                "missing-column",
                str(path),
                f"columns {reader.fieldnames}",
                f"also {', '.join(absent)}",
                field=", ".join(absent),
            )
            return []
        rows = []
        for line, row in enumerate(reader, start=2):
            if not (row.get("source") or "").strip():
                problems.error(
                    "missing-source",
                    str(path),
                    "an empty source",
                    "the publisher of the figure (every rate and index names its source)",
                    field="source",
                    features=[f"line {line}"],
                )
                continue
            rows.append((line, row))
        return rows


def _number(
    row: dict[str, str], column: str, path: Path, line: int, problems: ProblemLog
) -> float | None:
    text = (row.get(column) or "").strip()
    try:
        return float(text)
    except ValueError:
        problems.error(
            "bad-number", str(path), repr(text), "a number", field=column, features=[f"line {line}"]
        )
        return None


def _year(row: dict[str, str], path: Path, line: int, problems: ProblemLog) -> int | None:
    value = _number(row, "year", path, line, problems)
    if value is None:
        return None
    if not value.is_integer():
        problems.error(
            "bad-number",
            str(path),
            repr(row["year"]),
            "a whole year",
            field="year",
            features=[f"line {line}"],
        )
        return None
    return int(value)
