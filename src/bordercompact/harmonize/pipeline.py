"""Validate and harmonize a whole region in one pass.

Validation and harmonization are the same work: every dataset is read, checked and
converted in memory while every problem is collected. ``bordercompact validate`` reports
the problems; ``bordercompact harmonize`` also writes the layers when there is no error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj
import shapely

from bordercompact.harmonize import currency as money
from bordercompact.harmonize.crs import (
    analysis_crs_problem,
    describe_reprojection,
    outside_area_of_use,
)
from bordercompact.harmonize.geometry import anchor_points, check_geometries
from bordercompact.harmonize.log import DatasetLog
from bordercompact.harmonize.raster import RasterLayer, harmonize_raster
from bordercompact.harmonize.readers import read_vector
from bordercompact.harmonize.territory import (
    BorderDiscrepancy,
    border_discrepancies,
    outside_territory,
    party_by_location,
)
from bordercompact.harmonize.units import declared_conversion
from bordercompact.harmonize.vocab import (
    Vocabulary,
    map_labels,
    read_label_mapping,
    read_vocabulary,
    shipped_vocabularies,
)
from bordercompact.region.kinds import KINDS, DatasetKind, FieldSpec, Role
from bordercompact.region.load import Region, read_region
from bordercompact.region.manifest import (
    BY_LOCATION,
    PARTY_LANGUAGE,
    SHARED,
    Dataset,
    check_language_tag,
)
from bordercompact.region.problems import ProblemLog

#: Columns every harmonized vector layer starts with.
KEY_COLUMNS = ("feature_id", "dataset", "party", "source_id")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "si", "sí", "oui", "ja", "x"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "non", "nein", ""})

#: Called before each dataset with (datasets done, datasets in all, what comes next).
Progress = Callable[[int, int, str], None]


@dataclass
class Harmonization:
    """Everything a validate/harmonize pass produced."""

    region: Region | None
    problems: ProblemLog
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)  # kind -> features
    rasters: dict[str, RasterLayer] = field(default_factory=dict)  # dataset id -> raster
    log: list[DatasetLog] = field(default_factory=list)
    border: list[BorderDiscrepancy] = field(default_factory=list)
    field_metadata: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.region is not None and not self.problems.has_errors


@dataclass
class _Context:
    region: Region
    crs: pyproj.CRS
    problems: ProblemLog
    vocabularies: dict[str, Vocabulary]
    rates: money.ExchangeRates | None
    indices: money.PriceIndices | None
    territories: dict[str, shapely.Geometry] = field(default_factory=dict)


def harmonize_region(root: Path | str, progress: Progress | None = None) -> Harmonization:
    """Read, check and convert every dataset of the region at ``root``."""
    problems = ProblemLog()
    region = read_region(Path(root), problems)
    result = Harmonization(region, problems)
    if region is None:
        return result
    step = progress or (lambda done, total, label: None)
    context = _context(region, problems)
    if context is None:
        return result
    frames: dict[str, list[gpd.GeoDataFrame]] = {}
    # Boundaries first: the border check, party assignment by location and the
    # inside-checks of the other datasets need the parties' territories.
    boundaries = region.datasets_of_kind("boundary")
    others = [d for d in region.datasets if d.kind != "boundary"]
    total = len(region.datasets)
    for done, dataset in enumerate(boundaries):
        step(done, total, f"{dataset.id} ({dataset.kind})")
        _harmonize_dataset(dataset, context, result, frames)
    result.border = _check_border(context, frames.get("boundary", []))
    for done, dataset in enumerate(others, start=len(boundaries)):
        step(done, total, f"{dataset.id} ({dataset.kind})")
        _harmonize_dataset(dataset, context, result, frames)
    for kind_name, parts in frames.items():
        result.layers[kind_name] = _concat(parts, context.crs)
    return result


def _harmonize_dataset(
    dataset: Dataset,
    context: _Context,
    result: Harmonization,
    frames: dict[str, list[gpd.GeoDataFrame]],
) -> None:
    kind = KINDS[dataset.kind]
    party_label = dataset.party or f"by {dataset.party_field}"
    entry = DatasetLog(dataset.id, dataset.kind, dataset.path, dataset.layer, party_label)
    if kind.is_raster:
        raster = harmonize_raster(dataset, context.region, context.crs, context.problems, entry)
        if raster is not None:
            result.rasters[dataset.id] = raster
    else:
        frame = _harmonize_vector(dataset, kind, context, entry, result.field_metadata)
        if frame is not None:
            frames.setdefault(dataset.kind, []).append(frame)
            if dataset.kind == "boundary":
                _add_territories(frame, context)
    result.log.append(entry)


def _context(region: Region, problems: ProblemLog) -> _Context | None:
    settings = region.settings
    where = str(region.manifest_path)
    crs = pyproj.CRS.from_user_input(settings.crs)
    reason = analysis_crs_problem(crs)
    if reason:
        problems.error(
            "analysis-crs", where, reason, "a projected CRS in metres", field="region.crs"
        )
        return None
    vocabularies = shipped_vocabularies()
    for name, relative in settings.vocabularies.items():
        path = region.path(relative)
        try:
            vocabularies[name] = read_vocabulary(path)
        except (OSError, ValueError) as exc:
            problems.error(
                "bad-vocabulary",
                str(path),
                str(exc),
                "a vocabulary TOML with name, source and terms",
                field=f"region.vocabularies.{name}",
            )
    rates = (
        money.read_exchange_rates(region.path(settings.exchange_rates), problems)
        if settings.exchange_rates
        else None
    )
    indices = (
        money.read_price_indices(region.path(settings.price_indices), problems)
        if settings.price_indices
        else None
    )
    return _Context(region, crs, problems, vocabularies, rates, indices)


def _harmonize_vector(
    dataset: Dataset,
    kind: DatasetKind,
    context: _Context,
    entry: DatasetLog,
    metadata: dict[str, dict[str, dict[str, Any]]],
) -> gpd.GeoDataFrame | None:
    problems = context.problems
    path = context.region.path(dataset.path)
    read = read_vector(dataset, path, problems)
    if read is None:
        return None
    source, source_crs = read
    entry.rows_in = len(source)
    where: dict[str, Any] = {"layer": dataset.layer, "dataset": dataset.id}
    file = str(path)

    columns_ok = _check_columns(dataset, source, file, where, problems)
    ids = _feature_ids(dataset, source, file, where, problems)

    geometry, anchors = _checked_geometry(
        source, ids, kind, source_crs, file, where, problems, entry
    )
    geometry = geometry.to_crs(context.crs)
    if len(anchors):
        middle = len(anchors) // 2
        sample = (float(shapely.get_x(anchors[middle])), float(shapely.get_y(anchors[middle])))
        entry.reprojection = describe_reprojection(source_crs, context.crs, sample).to_dict()

    out = pd.DataFrame(index=source.index)
    parties, lost = _parties(dataset, source, geometry, ids, context, file, where, entry)
    field_meta: dict[str, dict[str, Any]] = {}
    inputs = [
        (name, column, source[column], False)
        for name, column in dataset.fields.items()
        if columns_ok.get(column, False)
    ] + [
        (name, f"constant {value!r}", pd.Series([value] * len(source), index=source.index), True)
        for name, value in dataset.constants.items()
    ]
    for name, column, values, constant in inputs:
        spec = kind.field(name) or _extra_field_spec(name, dataset)
        converted = _convert_field(
            spec,
            column,
            values,
            constant,
            dataset,
            parties,
            ids,
            context,
            file,
            where,
            entry,
            field_meta,
        )
        if converted is not None:
            for out_name, out_values in converted.items():
                out[out_name] = out_values
    for name in dataset.units:
        if name not in dataset.fields and name not in dataset.constants:
            problems.error(
                "unit-for-unmapped-field",
                str(context.region.manifest_path),
                f"a unit for {name!r}, which is not among the dataset's fields",
                "units only for fields mapped in [datasets.fields]",
                field=f"units.{name}",
                features=[dataset.id],
            )
    _check_at_most(kind, dataset, out, ids, file, where, problems)

    # Features placed by location are inside by construction.
    if kind.inside_party and context.territories and dataset.party != BY_LOCATION:
        _check_inside(parties, geometry.values, ids, context, file, where)

    keys = pd.DataFrame(
        {
            "feature_id": pd.array(
                pc.binary_join_element_wise(f"{dataset.id}:", pa.array(ids, pa.string()), ""),
                dtype="string",
            ),
            "dataset": pd.Categorical([dataset.id] * len(source)),
            "party": pd.Categorical(parties),
            "source_id": pd.array(ids, dtype="string"),
        },
        index=source.index,
    )
    frame = gpd.GeoDataFrame(
        pd.concat([keys, out], axis=1), geometry=geometry.values, crs=context.crs
    )
    if lost.any():
        frame = frame[~lost]
    entry.rows_out = len(frame)
    entry.parties = {
        str(p): int(n) for p, n in frame["party"].value_counts(sort=False).items() if n
    }
    metadata.setdefault(kind.name, {}).update(field_meta)
    return frame.reset_index(drop=True)


def _checked_geometry(
    source: gpd.GeoDataFrame,
    ids: np.ndarray,
    kind: DatasetKind,
    source_crs: pyproj.CRS,
    file: str,
    where: dict[str, Any],
    problems: ProblemLog,
    entry: DatasetLog,
) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Report missing, empty, wrongly typed and misplaced geometries, repair invalid ones;
    return the repaired geometries and a point inside each usable one."""
    check = check_geometries(source.geometry, ids, kind.geometries)
    for positions, code, found in (
        (check.missing, "missing-geometry", "no geometry"),
        (check.empty, "empty-geometry", "an empty geometry"),
    ):
        if len(positions):
            problems.error(
                code,
                file,
                found,
                f"a {'/'.join(sorted(kind.geometries))} geometry",
                features=ids[positions],
                **where,
            )
    for geom_type, positions in check.wrong_type.items():
        problems.error(
            "wrong-geometry-type",
            file,
            f"{geom_type} geometry",
            f"{' or '.join(sorted(kind.geometries))} for kind {kind.name}",
            features=ids[positions],
            **where,
        )
    if check.repairs:
        problems.warning(
            "repaired-geometry",
            file,
            f"invalid geometry ({check.repairs[0].reason}"
            + (", …" if len(check.repairs) > 1 else "")
            + ")",
            "valid geometry; repaired with make_valid (see the harmonization log)",
            features=[r.feature for r in check.repairs],
            **where,
        )
        entry.repairs = [{"feature": r.feature, "reason": r.reason} for r in check.repairs]
    geometry = check.geometry

    all_anchors = anchor_points(geometry.values)
    usable = all_anchors != None  # noqa: E711 (element-wise on an object array)
    anchors = all_anchors[usable]
    astray = outside_area_of_use(source_crs, shapely.get_x(anchors), shapely.get_y(anchors))
    if astray.any():
        problems.error(
            "outside-crs-area",
            file,
            f"coordinates outside the area of use of {source_crs.to_string()}",
            "coordinates in the declared CRS (is the CRS right, or are x and y swapped?)",
            features=ids[np.flatnonzero(usable)[astray]],
            **where,
        )

    return geometry, anchors


def _check_columns(
    dataset: Dataset, source: pd.DataFrame, file: str, where: dict[str, Any], problems: ProblemLog
) -> dict[str, bool]:
    present = {}
    named = [(f"fields.{name}", column) for name, column in dataset.fields.items()]
    if dataset.id_field:
        named.append(("id_field", dataset.id_field))
    if dataset.party_field:
        named.append(("party_field", dataset.party_field))
    for key, column in named:
        present[column] = column in source.columns
        if not present[column]:
            problems.error(
                "missing-column",
                file,
                f"no column {column!r} (named by {key})",
                f"one of the file's columns: {', '.join(map(str, source.columns[:30]))}",
                field=column,
                **where,
            )
    return present


def _feature_ids(
    dataset: Dataset, source: pd.DataFrame, file: str, where: dict[str, Any], problems: ProblemLog
) -> np.ndarray:
    if not dataset.id_field or dataset.id_field not in source.columns:
        if not dataset.id_field:
            problems.warning(
                "no-id-field",
                file,
                "no id_field",
                "an id column, so that every "
                "party can name its features; row numbers are used instead",
                **where,
            )
        return np.array([f"row{i + 1}" for i in range(len(source))], dtype=object)
    raw = source[dataset.id_field]
    missing = _blank(raw)
    ids = _as_text(raw).to_numpy(dtype=object)
    if missing.any():
        problems.error(
            "missing-id",
            file,
            "an empty id",
            "an id on every feature",
            field=dataset.id_field,
            features=[f"row {i + 1}" for i in np.flatnonzero(missing)],
            **where,
        )
        ids[missing] = [f"row{i + 1}" for i in np.flatnonzero(missing)]
    duplicated = pd.Series(ids).duplicated(keep=False).to_numpy() & ~missing
    if duplicated.any():
        problems.error(
            "duplicate-id",
            file,
            "the same id on several features",
            "a unique id per feature",
            field=dataset.id_field,
            features=sorted(set(ids[duplicated])),
            **where,
        )
    return ids


def _blank(values: pd.Series) -> np.ndarray:
    """Mask of missing cells: null, NaN, or text that is empty or only white space."""
    blank = values.isna().to_numpy(dtype=bool, copy=True)
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        blank = blank | values.astype("string").str.strip().fillna("").eq("").to_numpy(bool)
    return blank


def _as_text(values: pd.Series) -> pd.Series:
    """Ids and labels as text; whole floats (``12.0`` from a shapefile) lose the ``.0``."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == values.round())
        if whole.all():
            return values.astype("Int64").astype("string")
    return values.astype("string")


def _parties(
    dataset: Dataset,
    source: pd.DataFrame,
    geometry: gpd.GeoSeries,
    ids: np.ndarray,
    context: _Context,
    file: str,
    where: dict[str, Any],
    entry: DatasetLog,
) -> tuple[np.ndarray, np.ndarray]:
    """The party of each feature (None for shared data), and which features are lost
    because they lie in no party's territory."""
    problems = context.problems
    nobody = np.full(len(source), None, dtype=object)
    none_lost = np.zeros(len(source), dtype=bool)
    known = {p.id for p in context.region.parties}
    if dataset.party == SHARED or (
        dataset.party not in (None, BY_LOCATION) and dataset.party not in known
    ):
        return nobody, none_lost  # an unknown party is reported with the manifest
    if dataset.party == BY_LOCATION:
        if not context.territories:
            problems.error(
                "no-territories",
                file,
                "party = '@location' but no boundary was read",
                "boundary datasets to locate the features in",
                **where,
            )
            return nobody, none_lost
        parties = party_by_location(geometry.values, context.territories)
        lost_mask = pd.isna(parties)
        lost = np.flatnonzero(lost_mask)
        if len(lost):
            problems.warning(
                "outside-all-parties",
                file,
                "features in no party's territory",
                "features inside the region; these are left out",
                features=ids[lost],
                **where,
            )
            entry.dropped.append({"rows": len(lost), "reason": "in no party's territory"})
        return parties, lost_mask
    if dataset.party is not None:
        return np.full(len(source), dataset.party, dtype=object), none_lost
    assert dataset.party_field is not None
    if dataset.party_field not in source.columns:
        return nobody, none_lost
    values = _as_text(source[dataset.party_field]).str.strip()
    known_values = {v: p for v, p in dataset.party_values.items() if p in known}
    parties = values.map(known_values).to_numpy(dtype=object)
    unknown = np.flatnonzero(~values.isin(list(dataset.party_values)).to_numpy(bool))
    if len(unknown):
        found = sorted(set(values.iloc[unknown].fillna("<empty>")))
        problems.error(
            "unknown-party-value",
            file,
            f"values {', '.join(map(repr, found[:10]))}",
            f"one of {', '.join(map(repr, dataset.party_values))} (party_values)",
            field=dataset.party_field,
            features=ids[unknown],
            **where,
        )
    return parties, none_lost


def _parties_present(parties: np.ndarray) -> list[str]:
    return sorted(str(p) for p in pd.unique(parties) if p is not None and not pd.isna(p))


def _extra_field_spec(name: str, dataset: Dataset) -> FieldSpec:
    """A field the kind does not know: a quantity if it has a unit, else carried as it is."""
    if name in dataset.units:
        return FieldSpec(name, Role.QUANTITY, nonnegative=False)
    if name in dataset.vocabulary:
        return FieldSpec(name, Role.CATEGORY, vocabulary=name)
    if name in dataset.languages:
        return FieldSpec(name, Role.TEXT)
    return FieldSpec(name, Role.ATTRIBUTE)


def _convert_field(
    spec: FieldSpec,
    column: str,
    values: pd.Series,
    constant: bool,
    dataset: Dataset,
    parties: np.ndarray,
    ids: np.ndarray,
    context: _Context,
    file: str,
    where: dict[str, Any],
    entry: DatasetLog,
    field_meta: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    problems = context.problems
    here = {**where, "field": column}
    role = spec.role
    if role in (Role.COUNT, Role.MONEY, Role.QUANTITY, Role.INTEGER):
        numbers = _numbers(spec, values, ids, file, here, problems)
        converted: np.ndarray | None = numbers
        if role is Role.QUANTITY:
            converted = _convert_unit(spec, column, numbers, dataset, context, entry, field_meta)
        elif role is Role.MONEY:
            converted = _convert_money(
                spec, column, numbers, dataset, parties, context, entry, field_meta
            )
        elif role is Role.COUNT:
            field_meta[spec.name] = {"role": "count"}
        if converted is None:
            return None
        if role is Role.INTEGER:
            return {spec.name: pd.array(np.round(converted), dtype="Int64")}
        return {spec.name: converted}
    if role is Role.CATEGORY:
        return _convert_category(
            spec, column, values, constant, dataset, ids, context, file, here, entry, field_meta
        )
    if role is Role.TEXT:
        language = dataset.languages.get(spec.name)
        if language is None:
            problems.error(
                "text-without-language",
                str(context.region.manifest_path),
                f"text field {spec.name!r} with no language",
                f"languages.{spec.name} = a BCP 47 tag or '{PARTY_LANGUAGE}'",
                field=f"datasets.{dataset.id}.languages",
                features=[dataset.id],
            )
            return None
        tags = _languages(language, parties, dataset, context)
        if tags is None:
            return None
        entry.languages[spec.name] = (
            language if language != PARTY_LANGUAGE else "main language of each row's party"
        )
        field_meta[spec.name] = {"role": "text", "language_column": f"{spec.name}_lang"}
        return {spec.name: values.astype("string"), f"{spec.name}_lang": pd.Categorical(tags)}
    if role is Role.FLAG:
        words = values.astype("string").str.strip().str.lower().fillna("")
        unknown = np.flatnonzero(~words.isin(TRUE_WORDS | FALSE_WORDS).to_numpy())
        if len(unknown):
            problems.error(
                "bad-flag",
                file,
                f"values {sorted(set(words.iloc[unknown]))[:5]}",
                "true/false (or yes/no, 1/0)",
                features=ids[unknown],
                **here,
            )
        return {spec.name: words.isin(TRUE_WORDS).to_numpy()}
    if role is Role.REFERENCE:
        return {spec.name: _as_text(values)}
    return {spec.name: values}


def _numbers(
    spec: FieldSpec,
    values: pd.Series,
    ids: np.ndarray,
    file: str,
    here: dict[str, Any],
    problems: ProblemLog,
) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    blank = _blank(values)
    text = np.flatnonzero(np.isnan(numbers) & ~blank)
    if len(text):
        found = sorted(set(values.iloc[text].astype(str)))[:5]
        problems.error(
            "not-a-number",
            file,
            f"non-numeric values {found}",
            f"numbers ({spec.role})",
            features=ids[text],
            **here,
        )
    nan = np.flatnonzero(np.isnan(numbers) & blank)
    if len(nan) and spec.required:
        problems.error(
            "missing-value",
            file,
            "an empty or NaN value",
            f"a value (field {spec.name} is required)",
            features=ids[nan],
            **here,
        )
    infinite = np.flatnonzero(np.isinf(numbers))
    if len(infinite):
        problems.error(
            "infinite-value",
            file,
            "an infinite value",
            "a finite number",
            features=ids[infinite],
            **here,
        )
    if spec.nonnegative:
        negative = np.flatnonzero(numbers < 0)
        if len(negative):
            problems.error(
                "negative-value",
                file,
                f"negative values (e.g. {numbers[negative[0]]:g})",
                f"values >= 0 ({spec.name} cannot be negative)",
                features=ids[negative],
                **here,
            )
    return numbers


def _convert_unit(
    spec: FieldSpec,
    column: str,
    numbers: np.ndarray,
    dataset: Dataset,
    context: _Context,
    entry: DatasetLog,
    field_meta: dict[str, dict[str, Any]],
) -> np.ndarray | None:
    manifest = str(context.region.manifest_path)
    conversion = declared_conversion(spec, column, dataset, manifest, context.problems, entry)
    if conversion is None:
        return None
    field_meta[spec.name] = {"role": "quantity", "unit": conversion.target}
    return conversion.apply(numbers)


def _convert_money(
    spec: FieldSpec,
    column: str,
    numbers: np.ndarray,
    dataset: Dataset,
    parties: np.ndarray,
    context: _Context,
    entry: DatasetLog,
    field_meta: dict[str, dict[str, Any]],
) -> np.ndarray | None:
    problems = context.problems
    manifest = str(context.region.manifest_path)
    settings = context.region.settings
    at = {"field": f"datasets.{dataset.id}", "features": [dataset.id]}
    if dataset.currency is None or dataset.price_year is None:
        missing = "currency" if dataset.currency is None else "price_year"
        problems.error(
            f"money-without-{missing.replace('_', '-')}",
            manifest,
            f"money field {spec.name!r} (column {column!r}) with no {missing}",
            f"{missing} = … in the dataset's entry",
            **at,
        )
        return None
    if dataset.currency != settings.currency and context.rates is None:
        problems.error(
            "missing-exchange-rates",
            manifest,
            f"money in {dataset.currency} but no exchange_rates table",
            "region.exchange_rates = a CSV of rates",
            field="region.exchange_rates",
        )
        return None
    if dataset.price_year != settings.price_year and context.indices is None:
        problems.error(
            "missing-price-indices",
            manifest,
            f"money at {dataset.price_year} prices but no price_indices table",
            "region.price_indices = a CSV of price indices",
            field="region.price_indices",
        )
        return None
    rates = context.rates or money.ExchangeRates({}, {})
    indices = context.indices or money.PriceIndices({}, {})
    converted = numbers.copy()
    ok = True
    for party_id in _parties_present(parties):
        country = context.region.party(party_id).country
        try:
            factor, deflator, rate = money.price_level_factor(
                rates,
                indices,
                currency=dataset.currency,
                price_year=dataset.price_year,
                country=country,
                region_currency=settings.currency,
                region_price_year=settings.price_year,
            )
        except money.MoneyError as exc:
            table = settings.price_indices if "price index" in str(exc) else settings.exchange_rates
            problems.error(
                "missing-price-index" if "price index" in str(exc) else "missing-exchange-rate",
                str(context.region.path(table or "")),
                str(exc),
                f"a row for it, to convert {dataset.id}.{spec.name}",
                dataset=dataset.id,
                field=column,
            )
            ok = False
            continue
        rows = parties == party_id
        converted[rows] = numbers[rows] * factor
        entry.money.append(
            {
                "field": spec.name,
                "column": column,
                "party": party_id,
                "country": country,
                "currency": dataset.currency,
                "price_year": dataset.price_year,
                "to_currency": settings.currency,
                "to_price_year": settings.price_year,
                "deflator": deflator,
                "rate": rate,
                "factor": factor,
                "index_source": indices.deflator(country, dataset.price_year, settings.price_year)[
                    1
                ],
                "rate_source": rates.rate(dataset.currency, settings.currency, settings.price_year)[
                    1
                ],
            }
        )
    field_meta[spec.name] = {
        "role": "money",
        "currency": settings.currency,
        "price_year": settings.price_year,
    }
    return converted if ok else None


def _convert_category(
    spec: FieldSpec,
    column: str,
    values: pd.Series,
    constant: bool,
    dataset: Dataset,
    ids: np.ndarray,
    context: _Context,
    file: str,
    here: dict[str, Any],
    entry: DatasetLog,
    field_meta: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    problems = context.problems
    manifest = str(context.region.manifest_path)
    vocabulary_name = spec.vocabulary or spec.name
    vocabulary = context.vocabularies.get(vocabulary_name)
    mapping_spec = dataset.vocabulary.get(spec.name)
    at = {"field": f"datasets.{dataset.id}.vocabulary.{spec.name}", "features": [dataset.id]}
    if vocabulary is None:
        problems.error(
            "unknown-vocabulary",
            manifest,
            f"no shared vocabulary {vocabulary_name!r}",
            f"one of {', '.join(sorted(context.vocabularies))}",
            **at,
        )
        return None
    if mapping_spec is None and constant:  # a constant is written as a shared term
        mapping_spec = {term: term for term in vocabulary.terms}
    if mapping_spec is None:
        problems.error(
            "missing-vocabulary-mapping",
            manifest,
            f"no mapping of {spec.name!r} labels (column {column!r})",
            f"[datasets.vocabulary.{spec.name}] label = term of '{vocabulary_name}'",
            **at,
        )
        return None
    if isinstance(mapping_spec, str):
        path = context.region.path(mapping_spec)
        try:
            mapping = read_label_mapping(path)
        except (OSError, ValueError) as exc:
            problems.error(
                "bad-vocabulary-mapping",
                str(path),
                str(exc),
                "a CSV label,term",
                dataset=dataset.id,
            )
            return None
    else:
        mapping = mapping_spec
    unknown_terms = sorted({t for t in mapping.values() if t not in vocabulary.terms})
    if unknown_terms:
        problems.error(
            "unknown-term",
            manifest,
            f"terms {unknown_terms} not in '{vocabulary_name}'",
            f"terms of {vocabulary_name}: {', '.join(list(vocabulary.terms)[:12])} …",
            **at,
        )
    result = map_labels(values, mapping)
    for label, rows in result.unmapped.items():
        problems.error(
            "unmapped-category",
            file,
            f"label {label!r} ({len(rows)} rows) with no mapping",
            f"a mapping of {label!r} to a term of '{vocabulary_name}'",
            features=ids[rows],
            **here,
        )
    missing = np.flatnonzero(values.isna().to_numpy())
    if spec.required and len(missing):
        problems.error(
            "missing-value",
            file,
            "an empty category",
            f"a {spec.name} on every feature",
            features=ids[missing],
            **here,
        )
    entry.vocabulary.append(
        {
            "field": spec.name,
            "column": column,
            "vocabulary": vocabulary_name,
            "mapping": result.applied,
        }
    )
    field_meta[spec.name] = {"role": "category", "vocabulary": vocabulary_name}
    return {spec.name: result.terms}


def _languages(
    language: str, parties: np.ndarray, dataset: Dataset, context: _Context
) -> np.ndarray | None:
    if language == PARTY_LANGUAGE:
        main = {p.id: p.main_language for p in context.region.parties}
        return np.array([main.get(p) if p is not None else None for p in parties], dtype=object)
    try:
        check_language_tag(language)
    except ValueError as exc:
        context.problems.error(
            "bad-language",
            str(context.region.manifest_path),
            str(exc).split("; expected")[0].removeprefix("found "),
            f"a BCP 47 tag or '{PARTY_LANGUAGE}'",
            field=f"datasets.{dataset.id}.languages",
            features=[dataset.id],
        )
        return None
    if dataset.party in {p.id for p in context.region.parties}:
        party = context.region.party(dataset.party)
        if language.split("-")[0] not in {tag.split("-")[0] for tag in party.languages}:
            context.problems.warning(
                "language-not-of-party",
                str(context.region.manifest_path),
                f"text in {language!r}",
                f"one of the languages of {party.id}: {', '.join(party.languages)}",
                field=f"datasets.{dataset.id}.languages",
                features=[dataset.id],
            )
    return np.full(len(parties), language, dtype=object)


def _check_at_most(
    kind: DatasetKind,
    dataset: Dataset,
    out: pd.DataFrame,
    ids: np.ndarray,
    file: str,
    where: dict[str, Any],
    problems: ProblemLog,
) -> None:
    for spec in kind.fields:
        if spec.at_most and spec.name in out and spec.at_most in out:
            part, whole = out[spec.name].to_numpy(float), out[spec.at_most].to_numpy(float)
            over = np.flatnonzero(part > whole)
            if len(over):
                column = dataset.fields.get(spec.name, spec.name)
                total = dataset.fields.get(spec.at_most, spec.at_most)
                problems.warning(
                    "count-exceeds-total",
                    file,
                    f"{spec.name} ({column}) greater than {spec.at_most} ({total})",
                    f"{spec.name} <= {spec.at_most}: a part cannot exceed its whole",
                    field=column,
                    features=ids[over],
                    **where,
                )


def _check_inside(
    parties: np.ndarray,
    geometries: np.ndarray,
    ids: np.ndarray,
    context: _Context,
    file: str,
    where: dict[str, Any],
) -> None:
    tolerance = context.region.settings.border_tolerance_m
    region_territory = shapely.union_all(list(context.territories.values()))
    for party_id in _parties_present(parties):
        rows = np.flatnonzero(parties == party_id)
        territory = context.territories.get(party_id)
        expected = f"inside the boundary of {party_id}"
        if territory is None:  # non-territorial party: anywhere in the region
            territory, expected = (
                region_territory,
                f"inside the region ({party_id} has no boundary)",
            )
        outside = outside_territory(geometries[rows], territory, tolerance)
        if outside.any():
            context.problems.error(
                "outside-party-boundary",
                file,
                f"features of {party_id} more than {tolerance:g} m outside it",
                expected,
                features=ids[rows[outside]],
                **where,
            )


def _add_territories(frame: gpd.GeoDataFrame, context: _Context) -> None:
    for party_id, part in frame.groupby("party", observed=True):
        polygons = [g for g in part.geometry.values if g is not None and not g.is_empty]
        if party_id in context.territories:
            polygons.append(context.territories[party_id])
        context.territories[str(party_id)] = shapely.union_all(polygons)


def _check_border(context: _Context, boundaries: list[gpd.GeoDataFrame]) -> list[BorderDiscrepancy]:
    """Report each overlap or gap with the boundary features (municipalities …) it touches."""
    if len(context.territories) < 2:
        return []
    tolerance = context.region.settings.border_tolerance_m
    found = border_discrepancies(context.territories, tolerance)
    features = pd.concat(boundaries, ignore_index=True)
    tree = shapely.STRtree(features.geometry.values)
    files = {d.id: str(context.region.path(d.path)) for d in context.region.datasets}
    for item in found:
        near = tree.query(item.geometry, predicate="dwithin", distance=max(tolerance, 1e-6))
        touching = features.iloc[np.sort(near)]
        touching = touching[touching.party.isin(item.parties)]
        a, b = item.parties
        context.problems.warning(
            f"border-{item.kind}",
            ", ".join(sorted({files[d] for d in touching.dataset.astype(str)})),
            f"{'an overlap' if item.kind == 'overlap' else 'a gap'} "
            f"of {item.area_m2 / 1e4:,.2f} ha ({item.area_m2:,.0f} m²) "
            f"between the boundaries of {a} and {b}",
            "boundaries that meet along the border without overlap or gap "
            "(see layers/border_discrepancies.parquet)",
            layer=", ".join(
                sorted({d.layer for d in context.region.datasets_of_kind("boundary") if d.layer})
            )
            or None,
            features=list(touching.feature_id),
        )
    return found


def _concat(parts: list[gpd.GeoDataFrame], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    if len(parts) == 1:
        return parts[0]
    categorical = {
        c for p in parts for c in p.columns if isinstance(p[c].dtype, pd.CategoricalDtype)
    }
    frame = pd.concat(parts, ignore_index=True)
    for column in categorical:
        frame[column] = frame[column].astype("category")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)
