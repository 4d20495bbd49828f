"""Reading a party's file as it was sent: any OGR vector format, GeoParquet, CSV points."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio
import pyproj
from pyarrow import csv as arrow_csv

from bordercompact.harmonize.crs import dataset_crs
from bordercompact.region.manifest import Dataset
from bordercompact.region.problems import ProblemLog


def read_vector(
    dataset: Dataset, path: Path, problems: ProblemLog
) -> tuple[gpd.GeoDataFrame, pyproj.CRS] | None:
    """The dataset's features with the party's own columns, and the CRS they are in.

    The CRS is the file's own; ``crs`` in the manifest fills in where the file has none
    and must agree with it where it has one. Returns None (with problems added) when the
    file cannot be read or its CRS cannot be known.
    """
    where = {"layer": dataset.layer, "dataset": dataset.id}
    if dataset.resolved_format == "csv" and not (dataset.x_field and dataset.y_field):
        return None  # reported with the manifest: a CSV needs its coordinate columns
    if not path.exists():
        problems.error(
            "missing-file",
            str(path),
            "no such file",
            f"the {dataset.kind} data of {dataset.id}",
            **where,
        )
        return None
    try:
        frame = _read(dataset, path)
    except _LayerMissingError as exc:
        problems.error(
            "missing-layer",
            str(path),
            f"no layer {dataset.layer!r} (layers: {exc.args[0]})",
            "the layer named in the manifest",
            **where,
        )
        return None
    except _ColumnMissingError as exc:
        problems.error(
            "missing-column",
            str(path),
            f"no column {exc.args[0]!r}",
            "the coordinate columns named by x_field/y_field",
            **where,
        )
        return None
    except Exception as exc:  # any reader failure is reported, naming the file
        problems.error(
            "unreadable-file",
            str(path),
            f"a file that cannot be read ({type(exc).__name__}: {exc})",
            f"a readable {dataset.resolved_format} file",
            **where,
        )
        return None
    own = frame.crs
    if own is not None and dataset.crs and _geojson_without_crs_member(path):
        own = None  # GDAL says EPSG:4326 by RFC 7946; the manifest may know better
    crs = dataset_crs(own, dataset, str(path), problems)
    if crs is None:
        return None
    return frame.set_crs(crs, allow_override=True), crs


def _geojson_without_crs_member(path: Path) -> bool:
    """A GeoJSON file with no (pre-RFC 7946) ``crs`` member: its CRS is only presumed."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return False
    with path.open("rb") as handle:
        head = handle.read(1 << 16)  # writers put "crs" before the features
    return b'"crs"' not in head


class _LayerMissingError(LookupError):
    pass


class _ColumnMissingError(LookupError):
    pass


def _read(dataset: Dataset, path: Path) -> gpd.GeoDataFrame:
    fmt = dataset.resolved_format
    if fmt == "geoparquet":
        return gpd.read_parquet(path)
    if fmt == "csv":
        return _read_csv_points(dataset, path)
    if dataset.layer is not None:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if dataset.layer not in layers:
            raise _LayerMissingError(", ".join(layers))
    return gpd.read_file(path, layer=dataset.layer, engine="pyogrio", use_arrow=True)


def _read_csv_points(dataset: Dataset, path: Path) -> gpd.GeoDataFrame:
    # Ids are read as text so that leading zeros survive; other columns are typed by
    # pyarrow and checked later against the role of their field.
    text_columns = {dataset.id_field: pa.string()} if dataset.id_field else {}
    table = arrow_csv.read_csv(
        path, convert_options=arrow_csv.ConvertOptions(column_types=text_columns)
    )
    frame = table.to_pandas()
    for column in (dataset.x_field, dataset.y_field):
        if column not in frame.columns:
            raise _ColumnMissingError(column)
    x = pd.to_numeric(frame[dataset.x_field], errors="coerce")
    y = pd.to_numeric(frame[dataset.y_field], errors="coerce")
    geometry = gpd.points_from_xy(x, y)
    geometry[(x.isna() | y.isna()).to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=None)
