"""Converting each mapped field by its role: numbers checked, quantities to SI units, money
to the region's currency and price year, labels to shared terms, text tagged with its
language, flags to booleans."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bordercompact.harmonize import currency as money
from bordercompact.harmonize.cells import EXACT_FLOAT_INTEGER, blank_cells, cell_text
from bordercompact.harmonize.context import DatasetPass
from bordercompact.harmonize.units import declared_conversion
from bordercompact.harmonize.vocab import map_labels, read_label_mapping
from bordercompact.region.kinds import DatasetKind, FieldSpec, Role
from bordercompact.region.manifest import PARTY_LANGUAGE, SHARED, Dataset, check_language_tag

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "si", "sí", "oui", "ja", "x"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "non", "nein"})


def parties_present(parties: np.ndarray) -> list[str]:
    return sorted(str(p) for p in pd.unique(parties) if p is not None and not pd.isna(p))


def field_spec(kind: DatasetKind, name: str, dataset: Dataset) -> FieldSpec:
    """The kind's spec of a field; for a field the kind does not know, a quantity if it has
    a unit, a category if it has a vocabulary, text if it has a language, else carried as
    it is."""
    known = kind.field(name)
    if known is not None:
        return known
    if name in dataset.units:
        return FieldSpec(name, Role.QUANTITY, nonnegative=False)
    if name in dataset.vocabulary:
        return FieldSpec(name, Role.CATEGORY, vocabulary=name)
    if name in dataset.languages:
        return FieldSpec(name, Role.TEXT)
    return FieldSpec(name, Role.ATTRIBUTE)


def convert_field(
    spec: FieldSpec, column: str, values: pd.Series, constant: bool, run: DatasetPass
) -> dict[str, Any] | None:
    """The harmonized column(s) of one field (text adds ``<name>_lang``); None when the
    field cannot be converted (the reason is reported)."""
    role = spec.role
    if role in (Role.COUNT, Role.MONEY, Role.QUANTITY, Role.INTEGER):
        numbers = _numbers(spec, column, values, run)
        converted: np.ndarray | None = numbers
        if role is Role.QUANTITY:
            converted = _convert_unit(spec, column, numbers, run)
        elif role is Role.MONEY:
            converted = _convert_money(spec, column, numbers, run)
        elif role is Role.COUNT:
            run.field_meta[spec.name] = {"role": "count"}
        if converted is None:
            return None
        if role is Role.INTEGER:
            return {spec.name: _whole_numbers(spec, column, converted, run)}
        return {spec.name: converted}
    if role is Role.CATEGORY:
        return _convert_category(spec, column, values, constant, run)
    if role is Role.TEXT:
        return _tag_text(spec, values, run)
    if role is Role.FLAG:
        return {spec.name: _flags(column, values, run)}
    if role is Role.REFERENCE or values.dtype == object:  # object columns may mix types
        return {spec.name: cell_text(values)}
    return {spec.name: values}


def _numbers(spec: FieldSpec, column: str, values: pd.Series, run: DatasetPass) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    blank = blank_cells(values)
    text = np.flatnonzero(np.isnan(numbers) & ~blank)
    if len(text):
        found = sorted(set(values.iloc[text].astype(str)))[:5]
        run.error(
            "not-a-number",
            f"non-numeric values {found}",
            f"numbers ({spec.role})",
            rows=text,
            column=column,
        )
    missing = np.flatnonzero(np.isnan(numbers) & blank)
    if len(missing) and spec.required:
        run.error(
            "missing-value",
            "an empty or NaN value",
            f"a value (field {spec.name} is required)",
            rows=missing,
            column=column,
        )
    infinite = np.flatnonzero(np.isinf(numbers))
    if len(infinite):
        run.error(
            "infinite-value", "an infinite value", "a finite number", rows=infinite, column=column
        )
    if spec.nonnegative:
        negative = np.flatnonzero(numbers < 0)
        if len(negative):
            run.error(
                "negative-value",
                f"negative values (e.g. {numbers[negative[0]]:g})",
                f"values >= 0 ({spec.name} cannot be negative)",
                rows=negative,
                column=column,
            )
    return numbers


def _whole_numbers(
    spec: FieldSpec, column: str, numbers: np.ndarray, run: DatasetPass
) -> pd.arrays.IntegerArray:
    """Integers (a year, a number of storeys); fractions and values beyond 2**53 are
    reported, and they, like blanks and infinities, stay missing."""
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.round(numbers))
    fraction = np.flatnonzero(finite & ~whole)
    if len(fraction):
        run.error(
            "not-a-whole-number",
            f"fractional values (e.g. {numbers[fraction[0]]:g})",
            f"whole numbers ({spec.name} counts whole units)",
            rows=fraction,
            column=column,
        )
    huge = np.flatnonzero(whole & (np.abs(numbers) >= EXACT_FLOAT_INTEGER))
    if len(huge):
        run.error(
            "number-out-of-range",
            f"values too large (e.g. {numbers[huge[0]]:g})",
            f"integers below {EXACT_FLOAT_INTEGER:.0f}",
            rows=huge,
            column=column,
        )
    usable = whole & (np.abs(numbers) < EXACT_FLOAT_INTEGER)
    integers = pd.array(np.where(usable, numbers, 0).astype(np.int64), dtype="Int64")
    integers[~usable] = pd.NA
    return integers


def _convert_unit(
    spec: FieldSpec, column: str, numbers: np.ndarray, run: DatasetPass
) -> np.ndarray | None:
    conversion = declared_conversion(
        spec, column, run.dataset, run.context.manifest, run.context.problems, run.entry
    )
    if conversion is None:
        return None
    run.field_meta[spec.name] = {"role": "quantity", "unit": conversion.target}
    return conversion.apply(numbers)


def _convert_money(
    spec: FieldSpec, column: str, numbers: np.ndarray, run: DatasetPass
) -> np.ndarray | None:
    """Each party's rows converted with the price index of its country (see
    :func:`bordercompact.harmonize.currency.price_level_factor`)."""
    dataset, context = run.dataset, run.context
    settings = run.region.settings
    for key, value in (("currency", dataset.currency), ("price_year", dataset.price_year)):
        if value is None:
            run.manifest_error(
                f"money-without-{key.replace('_', '-')}",
                f"money field {spec.name!r} (column {column!r}) with no {key}",
                f"{key} = … in the dataset's entry",
                key,
            )
            return None
    assert dataset.currency is not None and dataset.price_year is not None
    tables = (
        (
            dataset.currency != settings.currency,
            context.rates,
            "exchange_rates",
            f"money in {dataset.currency}",
            "a CSV of rates",
        ),
        (
            dataset.price_year != settings.price_year,
            context.indices,
            "price_indices",
            f"money at {dataset.price_year} prices",
            "a CSV of price indices",
        ),
    )
    for needed, table, key, what, expected in tables:
        if needed and table is None:
            context.problems.error(
                f"missing-{key.replace('_', '-')}",
                context.manifest,
                f"{what} but no {key} table",
                f"region.{key} = {expected}",
                field=f"region.{key}",
            )
            return None
    if dataset.party == SHARED:
        run.manifest_error(
            "money-without-party",
            f"money field {spec.name!r} on shared data",
            "an owning party, whose country's price index deflates the money",
            "party",
        )
        return None
    rates = context.rates or money.ExchangeRates({}, {})
    indices = context.indices or money.PriceIndices({}, {})
    converted = numbers.copy()
    complete = True
    for party_id in parties_present(run.parties):
        party = run.region.party(party_id)
        index_key = money.price_index_key(dataset.currency, party.country, party.currency)
        try:
            conversion = money.price_level_factor(
                rates,
                indices,
                currency=dataset.currency,
                price_year=dataset.price_year,
                index_key=index_key,
                region_currency=settings.currency,
                region_price_year=settings.price_year,
            )
        except money.MissingMoneyDataError as missing:
            for exc in missing.missing:
                is_index = isinstance(exc, money.MissingPriceIndexError)
                table_path = settings.price_indices if is_index else settings.exchange_rates
                row = (
                    f"{index_key} {dataset.price_year} and {settings.price_year}"
                    if is_index
                    else f"{dataset.currency}→{settings.currency} {settings.price_year}"
                )
                context.problems.error(
                    exc.code,
                    str(run.region.path(table_path or "")),
                    str(exc),
                    f"a row {row}, to convert {dataset.id}.{spec.name} "
                    f"(column {column}, party {party_id})",
                    dataset=dataset.id,
                    field=row,
                )
            complete = False
            continue
        rows = run.parties == party_id
        converted[rows] = numbers[rows] * conversion.factor
        run.entry.money.append(
            {
                "field": spec.name,
                "column": column,
                "party": party_id,
                "country": index_key,
                "currency": dataset.currency,
                "price_year": dataset.price_year,
                "to_currency": settings.currency,
                "to_price_year": settings.price_year,
                "deflator": conversion.deflator,
                "rate": conversion.rate,
                "factor": conversion.factor,
                "index_source": conversion.index_source,
                "rate_source": conversion.rate_source,
            }
        )
    run.field_meta[spec.name] = {
        "role": "money",
        "currency": settings.currency,
        "price_year": settings.price_year,
    }
    return converted if complete else None


def _convert_category(
    spec: FieldSpec, column: str, values: pd.Series, constant: bool, run: DatasetPass
) -> dict[str, Any] | None:
    vocabulary_name = spec.vocabulary or spec.name
    vocabulary = run.context.vocabularies.get(vocabulary_name)
    key = f"vocabulary.{spec.name}"
    if vocabulary is None:
        run.manifest_error(
            "unknown-vocabulary",
            f"no shared vocabulary {vocabulary_name!r}",
            f"one of {', '.join(sorted(run.context.vocabularies))}",
            key,
        )
        return None
    declared = run.dataset.vocabulary.get(spec.name)
    if declared is None and constant:  # a constant is written as a shared term
        declared = {term: term for term in vocabulary.terms}
    if declared is None:
        run.manifest_error(
            "missing-vocabulary-mapping",
            f"no mapping of {spec.name!r} labels (column {column!r})",
            f"[datasets.vocabulary.{spec.name}] label = term of '{vocabulary_name}'",
            key,
        )
        return None
    if isinstance(declared, str):
        path = run.region.path(declared)
        try:
            mapping = read_label_mapping(path)
        except (OSError, ValueError) as exc:
            run.context.problems.error(
                "bad-vocabulary-mapping",
                str(path),
                str(exc),
                "a CSV label,term",
                dataset=run.dataset.id,
            )
            return None
    else:
        mapping = declared
    unknown_terms = sorted({t for t in mapping.values() if t not in vocabulary.terms})
    if unknown_terms:
        run.manifest_error(
            "unknown-term",
            f"terms {unknown_terms} not in '{vocabulary_name}'",
            f"terms of {vocabulary_name}: {', '.join(list(vocabulary.terms)[:12])} …",
            key,
        )
    result = map_labels(values, mapping)
    for label, rows in result.unmapped.items():
        run.error(
            "unmapped-category",
            f"label {label!r} ({len(rows)} rows) with no mapping",
            f"a mapping of {label!r} to a term of '{vocabulary_name}'",
            rows=rows,
            column=column,
        )
    missing = np.flatnonzero(blank_cells(values))
    if spec.required and len(missing):
        run.error(
            "missing-value",
            "an empty category",
            f"a {spec.name} on every feature",
            rows=missing,
            column=column,
        )
    run.entry.vocabulary.append(
        {
            "field": spec.name,
            "column": column,
            "vocabulary": vocabulary_name,
            "mapping": result.applied,
        }
    )
    run.field_meta[spec.name] = {"role": "category", "vocabulary": vocabulary_name}
    return {spec.name: result.terms}


def _tag_text(spec: FieldSpec, values: pd.Series, run: DatasetPass) -> dict[str, Any] | None:
    """The text as it is, and ``<name>_lang`` with the language of each row."""
    language = run.dataset.languages.get(spec.name)
    if language is None:
        run.manifest_error(
            "text-without-language",
            f"text field {spec.name!r} with no language",
            f"languages.{spec.name} = a BCP 47 tag or '{PARTY_LANGUAGE}'",
            "languages",
        )
        return None
    tags = _languages(language, run)
    if tags is None:
        return None
    run.entry.languages[spec.name] = (
        language if language != PARTY_LANGUAGE else "main language of each row's party"
    )
    run.field_meta[spec.name] = {"role": "text", "language_column": f"{spec.name}_lang"}
    return {spec.name: values.astype("string"), f"{spec.name}_lang": pd.Categorical(tags)}


def _languages(language: str, run: DatasetPass) -> np.ndarray | None:
    if language == PARTY_LANGUAGE:
        if run.dataset.party == SHARED:
            run.manifest_error(
                "bad-language",
                f"'{PARTY_LANGUAGE}' on shared data",
                "a BCP 47 tag: shared data has no party to take it from",
                "languages",
            )
            return None
        main = {p.id: p.main_language for p in run.region.parties}
        return np.array([main.get(p) for p in run.parties], dtype=object)
    try:
        check_language_tag(language)
    except ValueError as exc:
        run.manifest_error(
            "bad-language",
            str(exc).split("; expected")[0].removeprefix("found "),
            f"a BCP 47 tag or '{PARTY_LANGUAGE}'",
            "languages",
        )
        return None
    owner = run.dataset.party
    if owner in run.context.party_ids:
        party = run.region.party(owner)
        if language.split("-")[0] not in {tag.split("-")[0] for tag in party.languages}:
            run.context.problems.warning(
                "language-not-of-party",
                run.context.manifest,
                f"text in {language!r}",
                f"one of the languages of {party.id}: {', '.join(party.languages)}",
                field=f"datasets.{run.dataset.id}.languages",
                features=[run.dataset.id],
            )
    return np.full(len(run.parties), language, dtype=object)


def _flags(column: str, values: pd.Series, run: DatasetPass) -> pd.arrays.BooleanArray:
    """True/false per feature; empty cells stay missing (unknown), not false."""
    words = cell_text(values).str.lower()
    unknown = np.flatnonzero((words.notna() & ~words.isin(TRUE_WORDS | FALSE_WORDS)).to_numpy())
    if len(unknown):
        run.error(
            "bad-flag",
            f"values {sorted(set(words.iloc[unknown]))[:5]}",
            "true/false (or yes/no, 1/0)",
            rows=unknown,
            column=column,
        )
    flags = pd.array(words.isin(TRUE_WORDS).to_numpy(), dtype="boolean")
    flags[words.isna().to_numpy()] = pd.NA
    return flags


def check_parts_within_wholes(kind: DatasetKind, out: pd.DataFrame, run: DatasetPass) -> None:
    """Warn where a count exceeds the count it is part of (age_65_plus > population)."""
    for spec in kind.fields:
        if spec.at_most and spec.name in out and spec.at_most in out:
            part, whole = out[spec.name].to_numpy(float), out[spec.at_most].to_numpy(float)
            over = np.flatnonzero(part > whole)
            if len(over):
                column = run.dataset.fields.get(spec.name, spec.name)
                total = run.dataset.fields.get(spec.at_most, spec.at_most)
                run.warning(
                    "count-exceeds-total",
                    f"{spec.name} ({column}) greater than {spec.at_most} ({total})",
                    f"{spec.name} <= {spec.at_most}: a part cannot exceed its whole",
                    rows=over,
                    column=column,
                )
