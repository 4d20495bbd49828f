"""Money to one currency at one price year: deflate with the price index of the money's
currency, then convert.

The order, and why, is documented in ``docs/manifest.md`` ("Money: deflate first, then
convert"): a price index measures the change of prices in one currency, so it is applied
in the currency the money is in (the owning party's country's index for the party's own
currency, the currency area's index for any other), and the result is converted at the
exchange rate of the region's price year.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bordercompact.region.problems import ProblemLog

EXCHANGE_RATE_COLUMNS = ("from_currency", "to_currency", "year", "rate", "source")
#: ``country`` holds an ISO 3166-1 alpha-2 country code (``MX``) or, for a currency area,
#: an ISO 4217 currency code (``EUR`` for the euro-area HICP, ``USD``).
PRICE_INDEX_COLUMNS = ("country", "year", "index", "source")
#: How far ``rate(a→b) × rate(b→a)`` may stray from 1 when a table gives both directions
#: (0.1 %, room for rates rounded to four significant digits).
RECIPROCAL_RATE_TOLERANCE = 1e-3


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
    """A price index per economy and year (any base year: only ratios are used).

    An economy is an ISO 3166-1 alpha-2 country code (``MX``) or an ISO 4217 currency code
    standing for the area that uses the currency (``EUR``, ``USD``).
    """

    index: dict[tuple[str, int], float]
    sources: dict[tuple[str, int], str]

    def deflator(self, economy: str, from_year: int, to_year: int) -> tuple[float, str]:
        """Factor taking ``from_year`` prices of ``economy`` to ``to_year`` prices, with source."""
        if from_year == to_year:
            return 1.0, "same price year"
        missing = [y for y in (from_year, to_year) if (economy, y) not in self.index]
        if missing:
            raise MissingPriceIndexError(
                f"no price index for {economy} in {', '.join(map(str, missing))}"
            )
        factor = self.index[(economy, to_year)] / self.index[(economy, from_year)]
        return factor, self.sources[(economy, to_year)]


def price_index_key(currency: str, party_country: str, party_currency: str) -> str:
    """Which row of the price index table deflates money in ``currency`` owned by a party.

    The party's country (ISO 3166-1) when ``currency`` is the party's own currency, else
    ``currency`` itself (ISO 4217): a Mexican party reporting US dollars is deflated with
    the US index, because the dollars' purchasing power changed with US prices.
    """
    return party_country if currency == party_currency else currency


class MissingMoneyDataError(MoneyError):
    """Every row a conversion lacks: the price index and the exchange rate can both be
    missing, and a validation reports both at once."""

    def __init__(self, missing: list[MoneyError]) -> None:
        self.missing = missing
        super().__init__("; ".join(str(m) for m in missing))


def price_level_factor(
    rates: ExchangeRates,
    indices: PriceIndices,
    *,
    currency: str,
    price_year: int,
    index_key: str,
    region_currency: str,
    region_price_year: int,
) -> PriceLevelConversion:
    """How money in ``currency`` at ``price_year`` becomes the region's money.

    ``deflator = I(region_price_year) / I(price_year)`` with the price index row
    ``index_key`` (:func:`price_index_key`: the owning party's ISO 3166-1 country code when
    ``currency`` is the party's own currency, else the ISO 4217 code ``currency`` itself,
    because an index measures the change of prices of one currency and must be applied in
    it), and ``rate`` is the exchange rate ``currency → region_currency`` of
    ``region_price_year``; the value is multiplied by their product.

    Raises :class:`MissingMoneyDataError` listing every missing index and rate.

    References: OECD (2018), *Cost-Benefit Analysis and the Environment*, ch. 16 (benefit
    transfer: adjust for inflation in the source country, then convert at the target year's
    rate).
    """
    missing: list[MoneyError] = []
    try:
        deflator, index_source = indices.deflator(index_key, price_year, region_price_year)
    except MissingPriceIndexError as exc:
        missing.append(exc)
    try:
        rate, rate_source = rates.rate(currency, region_currency, region_price_year)
    except MissingExchangeRateError as exc:
        missing.append(exc)
    if missing:
        raise MissingMoneyDataError(missing)
    return PriceLevelConversion(deflator, rate, index_source, rate_source)


def read_exchange_rates(path: Path, problems: ProblemLog) -> ExchangeRates:
    """The exchange rate table (columns :data:`EXCHANGE_RATE_COLUMNS`) at ``path``.

    Reported to ``problems``: what :func:`_figures` reports, and ``inconsistent-exchange-rate``
    when a year's rate is given in both directions and ``rate(a→b) × rate(b→a)`` differs
    from 1 by more than :data:`RECIPROCAL_RATE_TOLERANCE`.
    """
    figures = _figures(
        path, EXCHANGE_RATE_COLUMNS, ("from_currency", "to_currency"), "bad-exchange-rate", problems
    )
    for (from_currency, to_currency, year), there in figures.items():
        back = figures.get((to_currency, from_currency, year))
        if back is None or back.line <= there.line:  # each pair once, from its first line
            continue
        product = there.value * back.value
        if abs(product - 1) > RECIPROCAL_RATE_TOLERANCE:
            problems.error(
                "inconsistent-exchange-rate",
                str(path),
                f"{from_currency}→{to_currency} {there.value:g} (line {there.line}) and "
                f"{to_currency}→{from_currency} {back.value:g} (line {back.line}) for {year}, "
                f"whose product is {product:.6g}",
                f"reciprocal rates (product 1 ± {RECIPROCAL_RATE_TOLERANCE:g}) "
                "or the rate in one direction only",
                field="rate",
                features=[f"line {there.line}", f"line {back.line}"],
            )
    return ExchangeRates(
        {key: f.value for key, f in figures.items()},
        {key: f.source for key, f in figures.items()},
    )


def read_price_indices(path: Path, problems: ProblemLog) -> PriceIndices:
    """The price index table (columns :data:`PRICE_INDEX_COLUMNS`) at ``path``; problems
    as :func:`_figures` reports them."""
    figures = _figures(path, PRICE_INDEX_COLUMNS, ("country",), "bad-price-index", problems)
    return PriceIndices(
        {key: f.value for key, f in figures.items()},
        {key: f.source for key, f in figures.items()},
    )


@dataclass(frozen=True)
class _Figure:
    """One positive rate or index of a money table, with its source and CSV line."""

    value: float
    source: str
    line: int


def _figures(
    path: Path,
    columns: tuple[str, ...],
    key_columns: tuple[str, ...],
    bad_value_code: str,
    problems: ProblemLog,
) -> dict[tuple[Any, ...], _Figure]:
    """The figures of a money table keyed by ``(*key_columns, year)``; the value is the
    column before ``source``.

    Rows with a bad year or a value that is not a positive number (``bad_value_code``) are
    reported and left out; a second row with the same key is reported as ``duplicate-row``
    and left out, so no figure silently replaces another.
    """
    value_column = columns[-2]
    figures: dict[tuple[Any, ...], _Figure] = {}
    for line, row in _rows(path, columns, problems):
        year = _year(row, path, line, problems)
        value = _number(row, value_column, path, line, problems)
        if year is None or value is None:
            continue
        if not value > 0:
            problems.error(
                bad_value_code,
                str(path),
                f"{value_column} {value}",
                f"a positive {value_column}",
                field=value_column,
                features=[f"line {line}"],
            )
            continue
        key = (*(row[c].strip() for c in key_columns), year)
        earlier = figures.get(key)
        if earlier is not None:
            named = ", ".join(f"{c} {v}" for c, v in zip((*key_columns, "year"), key, strict=True))
            problems.error(
                "duplicate-row",
                str(path),
                f"two rows for {named}",
                f"one row per {', '.join(key_columns)} and year",
                features=[f"line {earlier.line}", f"line {line}"],
            )
            continue
        figures[key] = _Figure(value, row["source"].strip(), line)
    return figures


def _rows(
    path: Path, columns: tuple[str, ...], problems: ProblemLog
) -> list[tuple[int, dict[str, str]]]:
    """The rows of the CSV at ``path`` that name a source, each with its line number.

    The file must be UTF-8 (a byte-order mark, as Excel writes one, is accepted); a file in
    another encoding is reported as ``unreadable-file``.
    """
    if not path.is_file():
        problems.error(
            "missing-file", str(path), "no such file", f"a CSV with columns {', '.join(columns)}"
        )
        return []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            "unreadable-file",
            str(path),
            f"byte 0x{data[exc.start]:02X} on line {line}, which is not UTF-8",
            'UTF-8 text (in Excel: Save As "CSV UTF-8")',
            features=[f"line {line}"],
        )
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
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
    for row in reader:
        if not (row.get("source") or "").strip():
            problems.error(
                "missing-source",
                str(path),
                "an empty source",
                "the publisher of the figure (every rate and index names its source)",
                field="source",
                features=[f"line {reader.line_num}"],
            )
            continue
        rows.append((reader.line_num, row))
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
