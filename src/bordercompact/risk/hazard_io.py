"""Reading and writing hazard event sets (:class:`~bordercompact.risk.hazard.Hazard`): plain
tables (CSV, Parquet, NPZ), our Parquet directory, CLIMADA's HDF5 file and GeoTIFF rasters.

Every reader validates what it reads and raises :class:`HazardError` naming the file, the
place in it (line, row, entry, cell or event), the column, what was found and what was
expected. The formats are described in ``docs/risk-formats.md``.
"""

from __future__ import annotations

import ast
import csv
import io
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import rasterio
import scipy.sparse as sp
from affine import Affine
from pyproj import CRS

from bordercompact.risk.hazard import (
    WGS84,
    Centroids,
    Hazard,
    HazardError,
    RasterGrid,
    cell_centres,
    to_lon_lat,
)

__all__ = [
    "frequencies_from_return_periods",
    "hazard_from_event_rasters",
    "hazard_from_return_period_maps",
    "read_climada_hdf5",
    "read_hazard_parquet",
    "read_hazard_tables",
    "write_climada_hdf5",
    "write_hazard_parquet",
]

PathLike = str | Path

#: Rows handled at once when streaming the intensity table (and per Parquet row group written).
BATCH_ROWS = 1 << 20

#: File names inside a directory written by :func:`write_hazard_parquet`.
PARQUET_FILES = ("centroids", "events", "intensity")

#: Parquet schema metadata keys holding the hazard's scalar attributes.
PARQUET_METADATA_KEYS = ("haz_type", "units", "scenario")

#: CLIMADA's names for "per year" (``climada/util/dates_times.py``, line 133, CLIMADA 6.1.0).
ANNUAL_FREQUENCY_UNITS = ("1/year", "annual", "1/y", "1/a")


# --------------------------------------------------------------------------------------------
# Validation shared by all readers


@dataclass(frozen=True)
class _Range:
    """An admissible interval for one quantity, and how to say it in an error message."""

    low: float
    high: float
    high_open: bool
    expected: str

    def first_outside(self, values: np.ndarray) -> int | None:
        """Position of the first value that is not finite or lies outside the interval."""
        inside = np.isfinite(values) & (values >= self.low)
        inside &= (values < self.high) if self.high_open else (values <= self.high)
        outside = np.flatnonzero(~inside)
        return int(outside[0]) if outside.size else None


LATITUDE = _Range(-90.0, 90.0, False, "degrees north in [-90, 90]")
LONGITUDE = _Range(-180.0, 360.0, True, "degrees east in [-180, 360)")
FREQUENCY = _Range(0.0, np.inf, True, "a finite number of events per year >= 0")
INTENSITY = _Range(0.0, np.inf, True, "a finite intensity >= 0")
FRACTION = _Range(0.0, 1.0, False, "a finite fraction of the centroid in [0, 1]")


def _show(value: Any) -> str:
    """A value as it should appear after "found" in an error message."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


@dataclass(frozen=True)
class _Source:
    """A file being read, able to say where in it something is wrong.

    Positions are 0-based over the data rows (header excluded). A CSV row is named by its
    line number, the header being line 1 (one record per line is assumed); a Parquet row is
    counted from 1; an NPZ entry is its 0-based index in the arrays.
    """

    path: Path

    @property
    def kind(self) -> str:
        return self.path.suffix.lower().lstrip(".")

    def place(self, position: int) -> str:
        if self.kind == "csv":
            return f"line {position + 2}"
        if self.kind == "parquet":
            return f"row {position + 1}"
        return f"entry {position}"

    def error(self, position: int, column: str, found: str, expected: str) -> HazardError:
        noun = "array" if self.kind == "npz" else "column"
        return HazardError(
            f"{self.path}: {self.place(position)}, {noun} '{column}': found {found}; "
            f"expected {expected}"
        )

    def check_range(self, values: np.ndarray, column: str, rule: _Range, offset: int = 0) -> None:
        bad = rule.first_outside(values)
        if bad is not None:
            raise self.error(offset + bad, column, _show(values[bad]), rule.expected)

    def check_unique(self, values: np.ndarray, column: str) -> None:
        repeated = pd.Index(values).duplicated(keep="first")
        if repeated.any():
            second = int(np.argmax(repeated))
            first = int(np.flatnonzero(values == values[second])[0])
            raise self.error(
                second,
                column,
                f"{_show(values[second])} again (first at {self.place(first)})",
                "each id once",
            )


# --------------------------------------------------------------------------------------------
# Building the sparse matrices


def _assemble(
    entries: dict[str, np.ndarray],
    shape: tuple[int, int],
    duplicate: Callable[[int, int, int, int], HazardError],
) -> dict[str, sp.csr_matrix]:
    """CSR matrices from long-form entries, without summing anything.

    ``entries["key"]`` holds ``event_index * n_centroids + centroid_index`` per entry, the
    other arrays of ``entries`` one matrix each, aligned with the keys. ``entries`` is
    emptied, so that each array is freed once used. The entries are put in row-major order
    (a stable sort, skipped when they already are), a repeated key raises
    ``duplicate(first_position, second_position, event_index, centroid_index)``, and zeros
    are then dropped: they are not stored.
    """
    n_events, n_centroids = shape
    key = entries.pop("key")
    if key.size > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        key = key[order]
        repeated = np.flatnonzero(key[1:] == key[:-1])
        if repeated.size:
            k = int(repeated[0])
            event, centroid = divmod(int(key[k]), n_centroids)
            raise duplicate(int(order[k]), int(order[k + 1]), event, centroid)
        for name in entries:
            entries[name] = entries[name][order]
        del order
    indptr = np.searchsorted(key, np.arange(n_events + 1, dtype=np.int64) * n_centroids)
    if n_centroids:
        np.remainder(key, n_centroids, out=key)
    index_type = np.int32 if max(n_centroids, key.size) < 2**31 else np.int64
    indices = key.astype(index_type, copy=False)
    del key
    indptr = indptr.astype(index_type)
    matrices = {}
    for position, name in enumerate(list(entries)):
        # eliminate_zeros rewrites the index arrays in place: all matrices but the first
        # get their own copies
        own = (indices, indptr) if position == 0 else (indices.copy(), indptr.copy())
        matrices[name] = sp.csr_matrix((entries.pop(name), *own), shape=shape)
    for matrix in matrices.values():
        matrix.eliminate_zeros()
    return matrices


def _check_positions(n_events: int, n_centroids: int, where: str) -> None:
    if n_events * n_centroids >= 2**63:
        raise HazardError(
            f"{where}: {n_events} events × {n_centroids} centroids; expected fewer than 2**63 "
            "(event, centroid) positions"
        )


# --------------------------------------------------------------------------------------------
# Plain tables: centroids, events and long-form intensity (CSV or Parquet), or NPZ


#: What a column must hold. "id" is an integer or a text id, whichever the file has.
_ARROW_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "text": pa.string(),
}
_KIND_WORDS = {"integer": "an integer", "number": "a number", "text": "text"}


def _column_names(source: _Source) -> list[str]:
    if source.kind == "parquet":
        return list(pq.read_schema(source.path).names)
    if source.kind == "csv":
        with source.path.open(newline="", encoding="utf-8-sig") as file:
            return next(csv.reader(file), [])
    raise HazardError(f"{source.path}: found a '.{source.kind}' file; expected .csv or .parquet")


def _require_columns(
    source: _Source, required: dict[str, str], optional: dict[str, str]
) -> dict[str, str]:
    """The columns to read, with their kinds; raises if a required one is missing."""
    names = _column_names(source)
    missing = [name for name in required if name not in names]
    if missing:
        wanted = ", ".join(required) + "".join(f", [{name}]" for name in optional)
        raise HazardError(
            f"{source.path}: missing column(s) {', '.join(missing)}; found columns "
            f"{', '.join(names) or '(none)'}; expected {wanted}"
        )
    return {**required, **{name: kind for name, kind in optional.items() if name in names}}


def _read_csv(source: _Source, columns: dict[str, str]) -> pa.Table:
    types = {name: _ARROW_TYPES[kind] for name, kind in columns.items() if kind != "id"}
    convert = pacsv.ConvertOptions(include_columns=list(columns), column_types=types)
    try:
        table = pacsv.read_csv(source.path, convert_options=convert)
    except pa.ArrowInvalid as err:
        raise _unparseable(source, columns, types, err) from err
    for name, kind in columns.items():
        if kind == "id" and not pa.types.is_integer(table.schema.field(name).type):
            # not all integers: ids are text, taken exactly as written
            types[name] = pa.string()
            convert = pacsv.ConvertOptions(include_columns=list(columns), column_types=types)
            table = pacsv.read_csv(source.path, convert_options=convert)
    return table


def _unparseable(
    source: _Source, columns: dict[str, str], types: dict[str, pa.DataType], err: Exception
) -> HazardError:
    """The error for a CSV that Arrow could not read, naming line and column of the value.

    The typed columns are read again as text, and the first bad value of each is found by
    bisection with Arrow's own casts, so the search stays vectorized. A CSV that cannot
    even be split into fields gets Arrow's message.
    """
    typed = [name for name, target in types.items() if not pa.types.is_string(target)]
    try:
        text = pacsv.read_csv(
            source.path,
            convert_options=pacsv.ConvertOptions(
                include_columns=typed, column_types=dict.fromkeys(typed, pa.string())
            ),
        )
    except pa.ArrowInvalid:
        return HazardError(f"{source.path}: {err}")
    null_words = pa.array(pacsv.ConvertOptions().null_values, pa.string())
    for name in typed:
        values = text.column(name).combine_chunks()
        values = pc.if_else(pc.is_in(values, value_set=null_words), None, values)
        bad = _first_unconvertible(values, types[name])
        if bad is not None:
            return source.error(bad, name, _show(values[bad].as_py()), _KIND_WORDS[columns[name]])
    return HazardError(f"{source.path}: {err}")


def _first_unconvertible(values: pa.Array, target: pa.DataType) -> int | None:
    def converts(part: pa.Array) -> bool:
        try:
            pc.cast(part, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False
        return True

    if converts(values):
        return None
    low, high = 0, len(values)  # values[low:high] holds a bad value
    while high - low > 1:
        middle = (low + high) // 2
        if converts(values[low:middle]):
            low = middle
        else:
            high = middle
    return low


def _cast_parquet(source: _Source, table: pa.Table, columns: dict[str, str]) -> pa.Table:
    """Parquet columns are typed: check each type and widen it to int64, float64 or text."""
    arrays = []
    for name, kind in columns.items():
        column = table.column(name)
        if pa.types.is_dictionary(column.type):  # e.g. pandas categoricals
            column = column.cast(column.type.value_type)
        found = column.type
        is_int = pa.types.is_integer(found)
        is_text = pa.types.is_string(found) or pa.types.is_large_string(found)
        if kind == "number" and (is_int or pa.types.is_floating(found)):
            arrays.append(column.cast(pa.float64()))
        elif kind in ("integer", "id") and is_int:
            arrays.append(column.cast(pa.int64()))
        elif kind in ("text", "id") and is_text:
            arrays.append(column.cast(pa.string()))
        else:
            expected = {"id": "integers or text", "integer": "integers", "number": "numbers"}
            raise HazardError(
                f"{source.path}: column '{name}': found type {found}; "
                f"expected {expected.get(kind, 'text')}"
            )
    return pa.table(arrays, names=list(columns))


def _read_table(source: _Source, required: dict[str, str], optional: dict[str, str]) -> pa.Table:
    """A whole (small) table: the centroids or the events."""
    columns = _require_columns(source, required, optional)
    if source.kind == "csv":
        return _read_csv(source, columns)
    return _cast_parquet(source, pq.read_table(source.path, columns=list(columns)), columns)


def _batches(source: _Source, columns: dict[str, str]) -> tuple[int, Iterator[pa.Table]]:
    """The number of rows and the rows in batches: the intensity table, read column-wise."""
    if source.kind == "csv":
        table = _read_csv(source, columns)
        return table.num_rows, (
            pa.Table.from_batches([batch]) for batch in table.to_batches(BATCH_ROWS)
        )
    file = pq.ParquetFile(source.path)
    return file.metadata.num_rows, (
        _cast_parquet(source, pa.Table.from_batches([batch]), columns)
        for batch in file.iter_batches(batch_size=BATCH_ROWS, columns=list(columns))
    )


def _ids(source: _Source, table: pa.Table, name: str, offset: int = 0) -> np.ndarray:
    """An id column as int64 or as an object array of str; empty values raise."""
    column = table.column(name)
    if column.null_count:
        bad = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
        raise source.error(offset + bad, name, "an empty value", "an id")
    if pa.types.is_integer(column.type):
        return column.to_numpy().astype(np.int64, copy=False)
    ids = column.to_numpy(zero_copy_only=False).astype(object)
    empty = np.flatnonzero(ids == "")
    if empty.size:
        raise source.error(offset + int(empty[0]), name, "an empty value", "an id")
    return ids


def _numbers(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as float64; empty values become NaN (and then fail the range)."""
    column = table.column(name)
    return column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)


def _read_centroids(source: _Source) -> Centroids:
    table = _read_table(source, {"centroid_id": "id", "lat": "number", "lon": "number"}, {})
    centroid_id = _ids(source, table, "centroid_id")
    source.check_unique(centroid_id, "centroid_id")
    lat, lon = _numbers(table, "lat"), _numbers(table, "lon")
    source.check_range(lat, "lat", LATITUDE)
    source.check_range(lon, "lon", LONGITUDE)
    return Centroids(centroid_id=centroid_id, lat=lat, lon=lon)


@dataclass(frozen=True)
class _Events:
    event_id: np.ndarray
    frequency: np.ndarray
    event_name: np.ndarray


def _read_events(source: _Source) -> _Events:
    table = _read_table(
        source, {"event_id": "integer", "frequency": "number"}, {"event_name": "text"}
    )
    event_id = _ids(source, table, "event_id")
    source.check_unique(event_id, "event_id")
    frequency = _numbers(table, "frequency")
    source.check_range(frequency, "frequency", FREQUENCY)
    if "event_name" in table.column_names:
        names = table.column("event_name").fill_null("")
        event_name = names.to_numpy(zero_copy_only=False).astype(object)
    else:
        event_name = np.empty(0, dtype=object)
    return _Events(event_id, frequency, event_name)


def _duplicate_error(
    source: _Source, event_id: np.ndarray, centroid_id: np.ndarray
) -> Callable[[int, int, int, int], HazardError]:
    def error(first: int, second: int, event: int, centroid: int) -> HazardError:
        return HazardError(
            f"{source.path}: {source.place(first)} and {source.place(second)} both give "
            f"event {_show(event_id[event])} at centroid {_show(centroid_id[centroid])}; "
            "expected one value per (event, centroid) pair"
        )

    return error


def _read_intensity_table(
    source: _Source, events: _Events, centroids: Centroids, names: tuple[str, str]
) -> dict[str, sp.csr_matrix]:
    """The long-form intensity table, streamed in batches into preallocated arrays."""
    id_kind = "integer" if centroids.centroid_id.dtype.kind in "iu" else "text"
    columns = _require_columns(
        source,
        {"event_id": "integer", "centroid_id": id_kind, "intensity": "number"},
        {"fraction": "number"},
    )
    rules = {"intensity": INTENSITY, "fraction": FRACTION}
    value_columns = [name for name in rules if name in columns]
    n_rows, batches = _batches(source, columns)
    shape = (len(events.event_id), centroids.size)
    _check_positions(*shape, str(source.path))
    lookups = {
        "event_id": (pd.Index(events.event_id), f"an event_id listed in {names[0]}"),
        "centroid_id": (pd.Index(centroids.centroid_id), f"a centroid_id listed in {names[1]}"),
    }
    entries = {"key": np.empty(n_rows, dtype=np.int64)}
    entries.update({name: np.empty(n_rows, dtype=np.float64) for name in value_columns})
    start = 0
    for batch in batches:
        stop = start + batch.num_rows
        positions = {}
        for name, (index, expected) in lookups.items():
            ids = _ids(source, batch, name, offset=start)
            positions[name] = index.get_indexer(ids)
            unknown = np.flatnonzero(positions[name] < 0)
            if unknown.size:
                bad = int(unknown[0])
                raise source.error(start + bad, name, _show(ids[bad]), expected)
        np.multiply(positions["event_id"], shape[1], out=entries["key"][start:stop])
        entries["key"][start:stop] += positions["centroid_id"]
        for name in value_columns:
            column = _numbers(batch, name)
            source.check_range(column, name, rules[name], offset=start)
            entries[name][start:stop] = column
        start = stop
    return _assemble(
        entries, shape, _duplicate_error(source, events.event_id, centroids.centroid_id)
    )


def _read_intensity_npz(
    source: _Source, events: _Events, centroids: Centroids, names: tuple[str, str]
) -> dict[str, sp.csr_matrix]:
    """COO arrays ``row`` (event index), ``col`` (centroid index), ``data``, ``shape`` and
    optionally ``fraction`` (aligned with ``data``)."""
    with np.load(source.path, allow_pickle=False) as npz:
        found = list(npz.files)
        missing = [name for name in ("row", "col", "data", "shape") if name not in found]
        if missing:
            raise HazardError(
                f"{source.path}: missing array(s) {', '.join(missing)}; found arrays "
                f"{', '.join(found) or '(none)'}; expected row, col, data, shape, [fraction]"
            )
        arrays = {
            name: npz[name] for name in ("row", "col", "data", "shape", "fraction") if name in found
        }
    shape = (len(events.event_id), centroids.size)
    given = np.atleast_1d(arrays.pop("shape"))
    if given.shape != (2,) or tuple(int(n) for n in given) != shape:
        raise HazardError(
            f"{source.path}: array 'shape': found {tuple(given.tolist())}; expected {shape}, "
            f"the {shape[0]} events of {names[0]} × the {shape[1]} centroids of {names[1]}"
        )
    _check_positions(*shape, str(source.path))
    n_entries = arrays["data"].size
    for name, array in arrays.items():
        if array.ndim != 1 or array.size != n_entries:
            raise HazardError(
                f"{source.path}: array '{name}': found shape {array.shape}; expected "
                f"({n_entries},), one value per entry of 'data'"
            )
    for name, size, what in (
        ("row", shape[0], "an event index"),
        ("col", shape[1], "a centroid index"),
    ):
        index = arrays[name]
        if index.dtype.kind not in "iu":
            raise HazardError(
                f"{source.path}: array '{name}': found dtype {index.dtype}; expected integers"
            )
        source.check_range(index, name, _Range(0, size, True, f"{what} in [0, {size})"))
    entries = {"key": arrays["row"].astype(np.int64) * shape[1] + arrays["col"].astype(np.int64)}
    for name, rule in (("data", INTENSITY), ("fraction", FRACTION)):
        if name in arrays:
            if arrays[name].dtype.kind not in "iuf":
                raise HazardError(
                    f"{source.path}: array '{name}': found dtype {arrays[name].dtype}; "
                    "expected numbers"
                )
            column = arrays[name].astype(np.float64)
            source.check_range(column, name, rule)
            entries["intensity" if name == "data" else name] = column
    return _assemble(
        entries, shape, _duplicate_error(source, events.event_id, centroids.centroid_id)
    )


def read_hazard_tables(
    centroids: PathLike,
    events: PathLike,
    intensity: PathLike,
    *,
    haz_type: str,
    units: str,
    scenario: str = "present",
) -> Hazard:
    """Read a hazard from plain tables.

    Parameters
    ----------
    centroids : path
        CSV or Parquet with columns ``centroid_id`` (integer or text, unique), ``lat``
        (degrees north, [-90, 90]) and ``lon`` (degrees east, [-180, 360)), EPSG:4326.
    events : path
        CSV or Parquet with ``event_id`` (integer, unique), ``frequency`` (events per year,
        finite, >= 0) and optionally ``event_name``.
    intensity : path
        The intensity in long form, CSV or Parquet with ``event_id``, ``centroid_id``,
        ``intensity`` (in ``units``, finite, >= 0) and optionally ``fraction`` ([0, 1]), one
        row per (event, centroid) pair; or an ``.npz`` with integer arrays ``row`` (index of
        the event in ``events``) and ``col`` (index of the centroid in ``centroids``), the
        float array ``data``, ``shape`` = (number of events, number of centroids) and
        optionally ``fraction`` aligned with ``data``. Pairs not listed have intensity 0;
        zeros are not stored.
    haz_type : str
        CLIMADA's hazard type code ("FL", "TC", ...).
    units : str
        Unit of the intensity.
    scenario : str, default "present"
        The climate scenario the event set represents.

    Returns
    -------
    Hazard

    Raises
    ------
    HazardError
        Naming the file, the line (CSV; the header is line 1), row (Parquet, from 1) or
        entry (NPZ, from 0), the column, the value found and what was expected: missing
        columns, empty or unparseable values, duplicate ids, unknown event or centroid ids,
        duplicate (event, centroid) pairs, negative or non-finite intensities and
        frequencies, fractions outside [0, 1], coordinates out of range, an NPZ shape that
        disagrees with the tables.

    Notes
    -----
    The intensity table is read column by column (only the needed columns) in batches of
    :data:`BATCH_ROWS` rows into int64/float64 arrays; the CSR matrices are built from them
    directly, sorting only when the rows are not already in (event, centroid) order.
    """
    centroid_source, event_source = _Source(Path(centroids)), _Source(Path(events))
    intensity_source = _Source(Path(intensity))
    points = _read_centroids(centroid_source)
    event_set = _read_events(event_source)
    names = (event_source.path.name, centroid_source.path.name)
    if intensity_source.kind == "npz":
        matrices = _read_intensity_npz(intensity_source, event_set, points, names)
    else:
        matrices = _read_intensity_table(intensity_source, event_set, points, names)
    return Hazard(
        haz_type=haz_type,
        units=units,
        centroids=points,
        event_id=event_set.event_id,
        frequency=event_set.frequency,
        intensity=matrices["intensity"],
        fraction=matrices.get("fraction"),
        event_name=event_set.event_name,
        scenario=scenario,
    )


# --------------------------------------------------------------------------------------------
# Our Parquet directory


def _canonical(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The matrix with sorted, unrepeated entries (a copy only when needed); in a CSR matrix
    held in memory, entries repeated at one position add up (scipy's meaning)."""
    if matrix.has_canonical_format:
        return matrix
    canonical = matrix.copy()
    canonical.sum_duplicates()
    return canonical


def _id_array(ids: np.ndarray) -> pa.Array:
    if ids.dtype.kind in "iu":
        return pa.array(ids, pa.int64())
    return pa.array(np.asarray(ids).astype(str), pa.string())


def _long_form(hazard: Hazard) -> Iterator[dict[str, np.ndarray]]:
    """The intensity (and fraction) in long form, in chunks of about BATCH_ROWS entries.

    With a fraction, the entries are the union of both matrices' stored positions.
    """
    n_centroids = hazard.centroids.size
    centroid_id = hazard.centroids.centroid_id
    if centroid_id.dtype.kind not in "iu":
        centroid_id = np.asarray(centroid_id).astype(str)
    matrices = {"intensity": _canonical(hazard.intensity)}
    if hazard.fraction is not None:
        matrices["fraction"] = _canonical(hazard.fraction)
    per_event = sum(np.diff(matrix.indptr) for matrix in matrices.values())
    entries_before = np.concatenate([[0], np.cumsum(per_event)])
    start = 0
    while start < hazard.size:
        stop = int(np.searchsorted(entries_before, entries_before[start] + BATCH_ROWS, "right"))
        stop = min(max(stop - 1, start + 1), hazard.size)
        keyed = {}
        for name, matrix in matrices.items():
            part = matrix[start:stop].tocoo()
            keyed[name] = (part.row.astype(np.int64) * n_centroids + part.col, part.data)
        key = keyed["intensity"][0]
        if "fraction" in keyed:
            key = np.union1d(key, keyed["fraction"][0])
        event, centroid = np.divmod(key, max(n_centroids, 1))
        chunk = {
            "event_id": hazard.event_id[start + event],
            "centroid_id": centroid_id[centroid],
        }
        for name, (positions, data) in keyed.items():
            column = np.zeros(key.size, dtype=np.float64)
            column[np.searchsorted(key, positions)] = data
            chunk[name] = column
        yield chunk
        start = stop


def write_hazard_parquet(hazard: Hazard, directory: PathLike) -> None:
    """Write ``centroids.parquet``, ``events.parquet`` and ``intensity.parquet`` into
    ``directory`` (created if needed), readable by :func:`read_hazard_parquet`.

    The tables are those of :func:`read_hazard_tables`; the intensity is in long form, one
    row per stored (event, centroid) value, with a ``fraction`` column when the hazard has
    one. ``haz_type``, ``units`` and ``scenario`` go into every file's schema metadata.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    metadata = {key: str(getattr(hazard, key)) for key in PARQUET_METADATA_KEYS}
    centroids = pa.table(
        {
            "centroid_id": _id_array(hazard.centroids.centroid_id),
            "lat": pa.array(hazard.centroids.lat, pa.float64()),
            "lon": pa.array(hazard.centroids.lon, pa.float64()),
        }
    )
    pq.write_table(centroids.replace_schema_metadata(metadata), directory / "centroids.parquet")
    events = {
        "event_id": pa.array(hazard.event_id, pa.int64()),
        "frequency": pa.array(hazard.frequency, pa.float64()),
    }
    if len(hazard.event_name):
        events["event_name"] = pa.array(np.asarray(hazard.event_name).astype(str), pa.string())
    pq.write_table(pa.table(events).replace_schema_metadata(metadata), directory / "events.parquet")
    fields = [
        pa.field("event_id", pa.int64()),
        pa.field("centroid_id", centroids.schema.field("centroid_id").type),
        pa.field("intensity", pa.float64()),
    ]
    if hazard.fraction is not None:
        fields.append(pa.field("fraction", pa.float64()))
    schema = pa.schema(fields, metadata=metadata)
    with pq.ParquetWriter(directory / "intensity.parquet", schema) as writer:
        for chunk in _long_form(hazard):
            writer.write_table(pa.table(chunk, schema=schema))


def read_hazard_parquet(directory: PathLike) -> Hazard:
    """Read a hazard written by :func:`write_hazard_parquet`: the three tables of
    :func:`read_hazard_tables`, with ``haz_type``, ``units`` and ``scenario`` taken from
    the schema metadata (which must agree across the files)."""
    directory = Path(directory)
    paths = {name: directory / f"{name}.parquet" for name in PARQUET_FILES}
    missing = [path.name for path in paths.values() if not path.is_file()]
    if missing:
        raise HazardError(
            f"{directory}: missing {', '.join(missing)}; expected "
            f"{', '.join(f'{name}.parquet' for name in PARQUET_FILES)}"
        )
    attributes: dict[str, tuple[str, Path]] = {}
    for path in paths.values():
        metadata = pq.read_schema(path).metadata or {}
        for key in PARQUET_METADATA_KEYS:
            if key.encode() not in metadata:
                raise HazardError(
                    f"{path}: schema metadata has no '{key}'; expected haz_type, units and "
                    "scenario as written by write_hazard_parquet"
                )
            value = metadata[key.encode()].decode("utf-8")
            first = attributes.setdefault(key, (value, path))
            if first[0] != value:
                raise HazardError(
                    f"{path}: schema metadata '{key}': found {value!r}; expected {first[0]!r} "
                    f"as in {first[1]}"
                )
    return read_hazard_tables(
        paths["centroids"],
        paths["events"],
        paths["intensity"],
        haz_type=attributes["haz_type"][0],
        units=attributes["units"][0],
        scenario=attributes["scenario"][0],
    )


# --------------------------------------------------------------------------------------------
# CLIMADA's HDF5 file


def _text(value: Any) -> str:
    """An HDF5 string (bytes from h5py, or str) as str."""
    if isinstance(value, np.ndarray):
        value = value.item()
    if isinstance(value, bytes | np.bytes_):
        return bytes(value).decode("utf-8")
    return str(value)


def _h5_text(file: h5py.File, path: Path, name: str, default: str | None) -> str:
    """A scalar string written by CLIMADA as a one-element dataset."""
    if name not in file:
        if default is None:
            raise HazardError(f"{path}: no dataset '{name}'; expected CLIMADA's Hazard layout")
        return default
    dataset = file[name]
    if not isinstance(dataset, h5py.Dataset) or dataset.size != 1:
        raise HazardError(f"{path}: dataset '{name}': found {dataset}; expected one string")
    return _text(np.asarray(dataset[()]).reshape(-1)[0])


def _h5_values(dataset: h5py.Dataset) -> np.ndarray:
    """A dataset's values; strings (stored as bytes) decoded to str."""
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return np.asarray(dataset.asstr()[()], dtype=object)
    return np.asarray(dataset[()])


def _h5_vector(file: h5py.File, path: Path, name: str, kinds: str, expected: str) -> np.ndarray:
    dataset = file.get(name)
    if not isinstance(dataset, h5py.Dataset) or dataset.ndim != 1:
        found = "nothing" if dataset is None else str(dataset)
        raise HazardError(
            f"{path}: '{name}': found {found}; expected a one-dimensional dataset of {expected}"
        )
    values = np.asarray(dataset[()])
    if values.dtype.kind not in kinds:
        raise HazardError(
            f"{path}: dataset '{name}': found dtype {values.dtype}; expected {expected}"
        )
    return values


class _PlainDataUnpickler(pickle.Unpickler):
    """Unpickles plain data only (dicts, lists, strings, numbers): PyTables stores the
    metadata of CLIMADA's centroids as a protocol-0 pickle, and a file must not run code."""

    def find_class(self, module: str, name: str, /) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")


def _frame_columns(group: h5py.Group, path: Path) -> dict[str, np.ndarray]:
    """The numeric columns of a pandas "fixed" DataFrame as PyTables stores it (blocks of
    columns; values transposed). Object columns are pickled by pandas and are skipped."""
    if "nblocks" not in group.attrs:
        raise HazardError(f"{path}: centroids frame has no 'nblocks'; expected pandas' layout")
    columns = {}
    for block in range(int(group.attrs["nblocks"])):
        items = [_text(item) for item in group[f"block{block}_items"][()]]
        values = group[f"block{block}_values"]
        if not isinstance(values, h5py.Dataset) or values.dtype.kind not in "biuf":
            continue
        array = values[()]
        if not bool(values.attrs.get("transposed", False)):
            array = array.T
        for position, item in enumerate(items):
            columns[item] = array[:, position]
    return columns


def _crs(text: str, path: Path) -> CRS:
    """A CRS as CLIMADA stores it: WKT, "EPSG:4326", or a dict literal (``{'init': ...}``)."""
    try:
        user_input: Any = ast.literal_eval(text) if text.startswith("{") else text
        if isinstance(user_input, dict) and "init" in user_input:
            user_input = user_input["init"]
        return CRS.from_user_input(user_input)
    except Exception as err:
        raise HazardError(f"{path}: centroids CRS {text!r} is not understood: {err}") from err


def _check_coordinates(lat: np.ndarray, lon: np.ndarray, place: Callable[[int], str]) -> None:
    for name, values, rule in (("latitude", lat, LATITUDE), ("longitude", lon, LONGITUDE)):
        bad = rule.first_outside(values)
        if bad is not None:
            raise HazardError(
                f"{place(bad)}: {name} found {_show(values[bad])}; expected {rule.expected}"
            )


def _read_climada_centroids(file: h5py.File, path: Path) -> Centroids:
    """The ``centroids`` group in any layout CLIMADA 6 reads.

    See ``Centroids.from_hdf5`` and ``Centroids._gdf_from_legacy_hdf5`` in
    ``climada/hazard/centroids/centr.py`` (lines 948–996 and 1018–1050, CLIMADA 6.1.0).
    """
    group = file.get("centroids")
    if not isinstance(group, h5py.Group):
        raise HazardError(f"{path}: no group 'centroids'; expected CLIMADA's Hazard layout")
    columns: dict[str, np.ndarray]
    if _text(group.attrs.get("pandas_type", b"")) == "frame":
        # CLIMADA >= 6: a pandas DataFrame with point coordinates "geometry.x"/"geometry.y"
        # and the CRS in a pickled "metadata" attribute
        metadata: Any = {}
        if "metadata" in group.attrs:
            raw = bytes(group.attrs["metadata"])
            try:
                metadata = _PlainDataUnpickler(io.BytesIO(raw)).load()
            except Exception as err:
                raise HazardError(f"{path}: centroids metadata is not plain data: {err}") from err
        if not isinstance(metadata, dict):
            raise HazardError(
                f"{path}: centroids metadata: found {type(metadata).__name__}; expected a dict"
            )
        columns = _frame_columns(group, path)
        if "geometry.x" not in columns or "geometry.y" not in columns:
            raise HazardError(
                f"{path}: centroids frame has columns {', '.join(columns) or '(none)'}; "
                "expected point coordinates 'geometry.x' and 'geometry.y' as CLIMADA >= 6 "
                "writes them (older files pickle the geometries)"
            )
        crs = _crs(str(metadata.get("crs", "EPSG:4326")), path)
        x, y = columns["geometry.x"], columns["geometry.y"]
    else:
        # CLIMADA <= 4 and our writer: datasets lat/lon (or latitude/longitude, or a raster
        # "meta") and crs
        columns = {
            name: _h5_values(group[name])
            for name in ("crs", "lat", "lon", "latitude", "longitude", "centroid_id")
            if isinstance(group.get(name), h5py.Dataset)
        }
        crs = _crs(_text(columns["crs"].reshape(-1)[0]), path) if "crs" in columns else WGS84
        for lat_name, lon_name in (("lat", "lon"), ("latitude", "longitude")):
            if columns.get(lat_name, np.empty(0)).size and lon_name in columns:
                x, y = columns[lon_name], columns[lat_name]
                break
        else:
            meta = group.get("meta")
            if not isinstance(meta, h5py.Group):
                raise HazardError(
                    f"{path}: group 'centroids' has no lat/lon, latitude/longitude or meta; "
                    "expected one of them"
                )
            x, y = cell_centres(
                Affine(*meta["transform"][()][:6]),
                int(meta["width"][()].reshape(-1)[0]),
                int(meta["height"][()].reshape(-1)[0]),
            )
    if len(x) != len(y):
        raise HazardError(f"{path}: centroids have {len(x)} x but {len(y)} y coordinates")
    lon, lat = to_lon_lat(x, y, crs)
    _check_coordinates(lat, lon, lambda i: f"{path}: centroid {i}")
    centroid_id = np.arange(len(lat), dtype=np.int64)
    if "centroid_id" in columns and len(columns["centroid_id"]) == len(lat):
        given = columns["centroid_id"]
        centroid_id = given.astype(np.int64) if given.dtype.kind in "iu" else given.astype(object)
    return Centroids(centroid_id=centroid_id, lat=lat, lon=lon)


def _read_csr(
    file: h5py.File, path: Path, name: str, shape: tuple[int, int], rule: _Range
) -> sp.csr_matrix:
    """A matrix stored as CLIMADA does: a group with ``data``, ``indices``, ``indptr`` and the
    shape as attribute (or as a dataset), or a dense dataset (``write_hdf5(todense=True)``)."""
    item = file.get(name)
    if isinstance(item, h5py.Dataset):
        matrix = sp.csr_matrix(np.asarray(item[()], dtype=np.float64))
    elif isinstance(item, h5py.Group):
        missing = [part for part in ("data", "indices", "indptr") if part not in item]
        if missing:
            raise HazardError(
                f"{path}: group '{name}' has no {', '.join(missing)}; expected data, indices, "
                "indptr and a shape (a CSR matrix)"
            )
        stored_shape = item.attrs["shape"] if "shape" in item.attrs else item.get("shape")
        if stored_shape is None:
            raise HazardError(f"{path}: group '{name}' has no shape; expected a shape attribute")
        found = tuple(int(n) for n in np.asarray(stored_shape[()]).reshape(-1))
        if found != shape:
            raise HazardError(
                f"{path}: group '{name}': found shape {found}; expected {shape}, events × centroids"
            )
        try:
            matrix = sp.csr_matrix(
                (
                    np.asarray(item["data"][()], dtype=np.float64),
                    item["indices"][()],
                    item["indptr"][()],
                ),
                shape=shape,
            )
            matrix.check_format(full_check=True)
        except ValueError as err:
            raise HazardError(f"{path}: group '{name}' is not a valid CSR matrix: {err}") from err
    else:
        raise HazardError(f"{path}: no '{name}'; expected a CSR group or a dataset")
    if matrix.shape != shape:
        raise HazardError(
            f"{path}: dataset '{name}': found shape {matrix.shape}; expected {shape}, events × "
            "centroids"
        )
    matrix.sort_indices()
    row = np.repeat(np.arange(shape[0]), np.diff(matrix.indptr))
    repeated = np.flatnonzero((matrix.indices[1:] == matrix.indices[:-1]) & (row[1:] == row[:-1]))
    if repeated.size:
        k = int(repeated[0])
        raise HazardError(
            f"{path}: '{name}' stores event index {row[k]}, centroid index {matrix.indices[k]} "
            "twice; expected one value per (event, centroid) pair"
        )
    bad = rule.first_outside(matrix.data)
    if bad is not None:
        raise HazardError(
            f"{path}: '{name}' at event index {row[bad]}, centroid index "
            f"{matrix.indices[bad]}: found {_show(matrix.data[bad])}; expected {rule.expected}"
        )
    matrix.eliminate_zeros()
    return matrix


def read_climada_hdf5(path: PathLike) -> Hazard:
    """Read a hazard from the HDF5 file of CLIMADA's ``Hazard.write_hdf5``.

    The layout is the one of CLIMADA 6.x, ``HazardIO.write_hdf5`` and ``HazardIO.from_hdf5``
    in ``climada/hazard/io.py`` (lines 898–955 and 964–1019, CLIMADA 6.1.0): one-element
    string datasets ``haz_type``, ``units`` and ``frequency_unit``; vectors ``event_id``,
    ``frequency``, ``event_name``, ``date`` and ``orig``; ``intensity`` and ``fraction`` as
    CSR groups (``data``, ``indices``, ``indptr``, attribute ``shape``) or dense datasets;
    and the group ``centroids`` written by ``Centroids.write_hdf5``
    (``climada/hazard/centroids/centr.py``, lines 904–946), or by CLIMADA <= 4 and
    :func:`write_climada_hdf5` (``lat``/``lon`` or ``latitude``/``longitude`` or ``meta``,
    and ``crs``).

    Centroids in another CRS are converted to EPSG:4326. CLIMADA's centroids have no ids:
    they are numbered 0, 1, ... unless the group has a ``centroid_id`` column (written by
    :func:`write_climada_hdf5`; kept by CLIMADA when numeric). An empty ``fraction``
    (nothing stored) means "ignore the fraction" in CLIMADA (``Hazard._get_fraction``,
    ``climada/hazard/base.py`` lines 1270–1292) and becomes ``None``. ``date`` and ``orig``
    are not kept. The scenario is the file's ``scenario`` attribute, else "present".

    Raises
    ------
    HazardError
        Naming the file, the dataset and the event/centroid where the content is wrong:
        missing datasets, frequencies not per year, non-unique event ids, matrices of the
        wrong shape or not valid CSR, repeated entries, negative or non-finite intensities
        or frequencies, fractions outside [0, 1], coordinates out of range.
    """
    path = Path(path)
    with h5py.File(path, "r") as file:
        haz_type = _h5_text(file, path, "haz_type", default=None)
        units = _h5_text(file, path, "units", default="")
        frequency_unit = _h5_text(file, path, "frequency_unit", default="1/year")
        if frequency_unit not in ANNUAL_FREQUENCY_UNITS:
            raise HazardError(
                f"{path}: dataset 'frequency_unit': found {frequency_unit!r}; expected "
                f"frequencies per year ({', '.join(ANNUAL_FREQUENCY_UNITS)})"
            )
        event_id = _h5_vector(file, path, "event_id", "iu", "integers").astype(np.int64)
        frequency = _h5_vector(file, path, "frequency", "iuf", "numbers").astype(np.float64)
        if len(frequency) != len(event_id):
            raise HazardError(
                f"{path}: dataset 'frequency': found {len(frequency)} values; expected "
                f"{len(event_id)}, one per event_id"
            )
        repeated = pd.Index(event_id).duplicated()
        if repeated.any():
            raise HazardError(
                f"{path}: dataset 'event_id': found {event_id[np.argmax(repeated)]} more than "
                "once; expected each id once"
            )
        bad = FREQUENCY.first_outside(frequency)
        if bad is not None:
            raise HazardError(
                f"{path}: dataset 'frequency', event {event_id[bad]}: found "
                f"{_show(frequency[bad])}; expected {FREQUENCY.expected}"
            )
        event_name = np.empty(0, dtype=object)
        if "event_name" in file:
            names = _h5_values(file["event_name"])
            if names.size not in (0, len(event_id)):
                raise HazardError(
                    f"{path}: dataset 'event_name': found {names.size} names; expected "
                    f"{len(event_id)}, one per event_id"
                )
            event_name = names.astype(str).astype(object)
        centroids = _read_climada_centroids(file, path)
        shape = (len(event_id), centroids.size)
        intensity = _read_csr(file, path, "intensity", shape, INTENSITY)
        fraction = None
        if "fraction" in file:
            fraction = _read_csr(file, path, "fraction", shape, FRACTION)
            fraction = fraction if fraction.nnz else None
        scenario = _text(file.attrs.get("scenario", "present"))
    return Hazard(
        haz_type=haz_type,
        units=units,
        centroids=centroids,
        event_id=event_id,
        frequency=frequency,
        intensity=intensity,
        fraction=fraction,
        event_name=event_name,
        scenario=scenario,
    )


def _h5_strings(values: np.ndarray) -> np.ndarray:
    """Values as an object array of str, which h5py stores as variable-length UTF-8."""
    return np.asarray(np.asarray(values).astype(str), dtype=object)


def _write_csr(file: h5py.File, name: str, matrix: sp.csr_matrix) -> None:
    group = file.create_group(name)
    group.create_dataset("data", data=matrix.data)
    group.create_dataset("indices", data=matrix.indices)
    group.create_dataset("indptr", data=matrix.indptr)
    group.attrs["shape"] = matrix.shape


def write_climada_hdf5(hazard: Hazard, path: PathLike) -> None:
    """Write a hazard as an HDF5 file that CLIMADA 6.x reads with ``Hazard.from_hdf5``.

    The hazard datasets are those of ``HazardIO.write_hdf5`` (``climada/hazard/io.py``,
    lines 898–955, CLIMADA 6.1.0): ``haz_type``, ``units``, ``frequency_unit`` ("1/year"),
    ``event_id``, ``frequency``, ``event_name`` (the event ids as text when the hazard has
    no names), ``date`` (ones) and ``orig`` (False), CLIMADA's defaults in
    ``Hazard._check_events`` (``climada/hazard/base.py``, lines 926–934), and ``intensity``
    and ``fraction`` as CSR groups; without a fraction, an empty one of the same shape,
    which CLIMADA ignores.

    The centroids are written as datasets ``lat``, ``lon`` and ``crs`` ("EPSG:4326") in the
    group ``centroids``, the layout CLIMADA 6 still reads (``Centroids._gdf_from_legacy_hdf5``,
    ``climada/hazard/centroids/centr.py``, lines 1018–1050): CLIMADA's own writer needs
    PyTables and pickles part of its metadata. ``centroid_id`` is stored alongside, which
    CLIMADA keeps as an extra column. The scenario is stored as the file attribute
    ``scenario``, which CLIMADA ignores.

    CLIMADA's ``Hazard.check`` wants (date, event_name) pairs to be unique, so events with
    the same name fail it.
    """
    text = h5py.string_dtype()
    n_events = hazard.size
    names = hazard.event_name if len(hazard.event_name) else hazard.event_id
    with h5py.File(Path(path), "w") as file:
        for name, value in (
            ("haz_type", hazard.haz_type),
            ("units", hazard.units),
            ("frequency_unit", "1/year"),
        ):
            file.create_dataset(name, data=[value], dtype=text)
        file.create_dataset("event_id", data=np.asarray(hazard.event_id, dtype=np.int64))
        file.create_dataset("frequency", data=np.asarray(hazard.frequency, dtype=np.float64))
        file.create_dataset("event_name", data=_h5_strings(names), dtype=text)
        file.create_dataset("date", data=np.ones(n_events, dtype=np.int64))
        file.create_dataset("orig", data=np.zeros(n_events, dtype=bool))
        _write_csr(file, "intensity", _canonical(hazard.intensity))
        fraction = (
            hazard.fraction
            if hazard.fraction is not None
            else sp.csr_matrix(hazard.intensity.shape, dtype=np.float64)
        )
        _write_csr(file, "fraction", _canonical(fraction))
        centroids = file.create_group("centroids")
        centroids.create_dataset("lat", data=np.asarray(hazard.centroids.lat, dtype=np.float64))
        centroids.create_dataset("lon", data=np.asarray(hazard.centroids.lon, dtype=np.float64))
        centroids.create_dataset("crs", data=["EPSG:4326"], dtype=text)
        ids = hazard.centroids.centroid_id
        if ids.dtype.kind in "iu":
            centroids.create_dataset("centroid_id", data=ids.astype(np.int64))
        else:
            centroids.create_dataset("centroid_id", data=_h5_strings(ids), dtype=text)
        file.attrs["scenario"] = hazard.scenario


# --------------------------------------------------------------------------------------------
# Rasters


def hazard_from_event_rasters(
    paths: Sequence[PathLike],
    event_ids: Sequence[int] | np.ndarray,
    frequencies: Sequence[float] | np.ndarray,
    *,
    haz_type: str,
    units: str,
    band: int = 1,
    event_names: Sequence[str] | None = None,
    scenario: str = "present",
) -> Hazard:
    """A hazard from one raster (GeoTIFF) per event, all on the same grid.

    Parameters
    ----------
    paths : sequence of paths
        One raster per event, in the order of ``event_ids``.
    event_ids : sequence of int
        The event of each raster (unique).
    frequencies : sequence of float
        Events per year of each event (finite, >= 0).
    haz_type, units : str
        CLIMADA's hazard type code and the unit of the raster values.
    band : int, default 1
        The band to read from every raster (from 1).
    event_names : sequence of str, optional
    scenario : str, default "present"

    Returns
    -------
    Hazard
        Every cell is a centroid, as in CLIMADA's ``Hazard.from_raster``: the cell centres,
        row by row from the first row of the raster, ``centroid_id`` = row × width +
        column, converted from the raster's CRS to longitude/latitude (EPSG:4326). Zeros,
        nodata and NaN cells are not stored.

    Raises
    ------
    HazardError
        A raster without CRS, on another grid than the first one, without the band, with a
        negative or infinite value (naming file, band, row and column of the cell), or
        counts of paths, ids and frequencies that differ.
    """
    rasters = [Path(path) for path in paths]
    event_id = np.asarray(event_ids)
    frequency = np.asarray(frequencies, dtype=np.float64)
    if not rasters or len(event_id) != len(rasters) or len(frequency) != len(rasters):
        raise HazardError(
            f"{len(rasters)} rasters, {len(event_id)} event ids and {len(frequency)} "
            "frequencies; expected at least one raster and one id and frequency per raster"
        )
    if event_id.dtype.kind not in "iu":
        raise HazardError(f"event ids: found dtype {event_id.dtype}; expected integers")
    with rasterio.open(rasters[0]) as raster:
        grid = RasterGrid.of(raster, rasters[0])
    lon, lat = to_lon_lat(*cell_centres(grid.transform, grid.width, grid.height), grid.crs)

    def cell(position: int) -> str:
        row, col = divmod(position, grid.width)
        return f"{rasters[0]}: cell (row {row}, col {col})"

    _check_coordinates(lat, lon, cell)
    indices, data, indptr = [], [], [0]
    for path in rasters:
        with rasterio.open(path) as raster:
            found = RasterGrid.of(raster, path)
            if not found.same_as(grid):
                raise HazardError(
                    f"{path}: grid of {found.describe()}; expected the grid of {rasters[0]}: "
                    f"{grid.describe()}"
                )
            if not 1 <= band <= raster.count:
                raise HazardError(f"{path}: band {band}; expected a band in 1..{raster.count}")
            cells = raster.read(band, masked=True)
        values = np.ma.filled(cells.astype(np.float64), 0.0).ravel()
        values[np.isnan(values)] = 0.0  # NaN without a nodata tag is missing data too
        bad = INTENSITY.first_outside(values)
        if bad is not None:
            row, col = divmod(bad, grid.width)
            raise HazardError(
                f"{path}: band {band}, cell (row {row}, col {col}): found {_show(values[bad])}; "
                f"expected {INTENSITY.expected} or nodata"
            )
        stored = np.flatnonzero(values)
        indices.append(stored)
        data.append(values[stored])
        indptr.append(indptr[-1] + stored.size)
    centroids = Centroids(centroid_id=np.arange(lat.size, dtype=np.int64), lat=lat, lon=lon)
    intensity = sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr, dtype=np.int64)),
        shape=(len(rasters), centroids.size),
    )
    return Hazard(
        haz_type=haz_type,
        units=units,
        centroids=centroids,
        event_id=event_id.astype(np.int64),
        frequency=frequency,
        intensity=intensity,
        event_name=np.asarray(event_names if event_names is not None else [], dtype=object),
        scenario=scenario,
        grid=grid,
    )


def frequencies_from_return_periods(return_periods: Sequence[float] | np.ndarray) -> np.ndarray:
    """Event frequencies (per year) for maps of increasing return periods T_1 < ... < T_n
    (years), each map standing for the band of exceedance frequencies down to the next map.

    Notes
    -----
    f_k = 1/T_k − 1/T_(k+1) for k < n, and f_n = 1/T_n. Map k stands for all events whose
    exceedance frequency lies between 1/T_(k+1) and 1/T_k; the last map for every event
    rarer than T_n. The frequencies add up to 1/T_1, and the exceedance frequency of map k
    (the sum of f_j for j >= k) is 1/T_k, so the event set reproduces the maps' return
    periods in an exceedance curve (CLIMADA's ``Impact.calc_freq_curve``). As every band is
    represented by its most frequent (mildest) map, the expected annual impact is the lower
    rectangle sum of the impact–exceedance-probability curve between 0 and 1/T_1; events
    more frequent than T_1 contribute nothing.

    References
    ----------
    Ward, P. J., de Moel, H., and Aerts, J. C. J. H. (2011). How are flood risk estimates
    affected by the choice of return-periods? Natural Hazards and Earth System Sciences 11,
    3181–3195. https://doi.org/10.5194/nhess-11-3181-2011
    """
    periods = np.asarray(return_periods, dtype=np.float64)
    if periods.ndim != 1 or periods.size == 0:
        raise HazardError(f"return periods: found shape {periods.shape}; expected a list of years")
    admissible = np.isfinite(periods) & (periods > 0)
    if not admissible.all():
        bad = periods[np.argmin(admissible)]
        raise HazardError(f"return periods: found {_show(bad)}; expected finite years > 0")
    if np.any(np.diff(periods) <= 0):
        raise HazardError(
            f"return periods: found {periods.tolist()}; expected strictly increasing years"
        )
    exceedance = 1.0 / periods
    return exceedance - np.append(exceedance[1:], 0.0)


def hazard_from_return_period_maps(
    paths_by_return_period: Mapping[float, PathLike],
    *,
    haz_type: str,
    units: str,
    band: int = 1,
    scenario: str = "present",
) -> Hazard:
    """A hazard from return-period maps (e.g. flood depth for T = 10, 50, 100 years).

    Each map becomes one event, in increasing return period, with ``event_id`` 1, 2, ...,
    ``event_name`` "RP<T>" and the frequency of :func:`frequencies_from_return_periods`
    (T = 10, 50, 100 → 0.08, 0.01, 0.01 per year). The maps are read by
    :func:`hazard_from_event_rasters` and must share one grid. The conversion assumes that
    at every cell the intensity does not decrease with the return period.
    """
    periods = sorted(paths_by_return_period)
    frequency = frequencies_from_return_periods(periods)
    return hazard_from_event_rasters(
        [paths_by_return_period[period] for period in periods],
        np.arange(1, len(periods) + 1, dtype=np.int64),
        frequency,
        haz_type=haz_type,
        units=units,
        band=band,
        event_names=[f"RP{period:g}" for period in periods],
        scenario=scenario,
    )
