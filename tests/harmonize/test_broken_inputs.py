"""The corpus of broken inputs: one fault at a time, each reported naming its culprit.

Every case starts from the valid mini region (``tests/mini_region.py``), breaks exactly one
thing — a manifest key, a file, a layer, a feature's geometry, a cell — and runs the whole
validation (:func:`harmonize_region`). The case then says which problem must be reported
(its ``code`` and severity) and what its message must name: the file, the layer, the
feature id(s), the field or column, and the found/expected text, so that the party that
sent the file can find and fix the fault without reading code.

An error must also stop the harmonization: :func:`harmonize_into` raises
:class:`InvalidRegionError` and leaves neither the run directory nor a staging directory
behind, and nothing valid is reported as broken (only the case's code, or the few codes
listed as direct consequences of the same fault, appear among the errors). A warning must
not stop it: the run directory is written.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from bordercompact.harmonize.output import harmonize_into
from bordercompact.harmonize.pipeline import harmonize_region
from bordercompact.region.problems import InvalidRegionError, Problem, Severity
from tests.mini_region import ANALYSIS_CRS, BORDER_X, Y0, Y1, edit_manifest

ERROR, WARNING = Severity.ERROR, Severity.WARNING

Breaker = Callable[[Path], None]


@dataclass(frozen=True)
class Fault:
    """One broken input and how it must be reported.

    ``mentions`` are fragments the problem's message must contain (``{root}`` stands for
    the region directory); ``also`` are other error codes the same fault may legitimately
    cause (a rate row dropped for a bad number then lacks for a conversion).
    """

    id: str
    breaks: Breaker
    code: str
    severity: Severity
    mentions: tuple[str, ...]
    also: frozenset[str] = frozenset()


# --- ways to break the mini region ----------------------------------------------------


def manifest(old: str, new: str) -> Breaker:
    """Replace text in ``region.toml``."""
    return lambda root: edit_manifest(root, old, new)


def delete(relative: str) -> Breaker:
    def breaker(root: Path) -> None:
        target = root / relative
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()

    return breaker


def overwrite(relative: str, content: bytes) -> Breaker:
    return lambda root: (root / relative).write_bytes(content)


def truncate(relative: str, keep: float = 0.5) -> Breaker:
    """Cut a file short, like an interrupted download."""

    def breaker(root: Path) -> None:
        data = (root / relative).read_bytes()
        (root / relative).write_bytes(data[: int(len(data) * keep)])

    return breaker


def append_text(relative: str, text: str) -> Breaker:
    def breaker(root: Path) -> None:
        with (root / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return breaker


def replace_text(relative: str, old: str, new: str) -> Breaker:
    def breaker(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return breaker


def both(*breakers: Breaker) -> Breaker:
    """Several edits that together make one fault (e.g. a column and the key naming it)."""

    def breaker(root: Path) -> None:
        for each in breakers:
            each(root)

    return breaker


def _rows(frame: pd.DataFrame, id_field: str, feature: str) -> np.ndarray:
    rows = frame[id_field].astype(str).eq(feature).to_numpy()
    assert rows.any(), f"no feature {feature!r} in column {id_field}"
    return rows


def edit_csv(relative: str, change: Callable[[pd.DataFrame], None]) -> Breaker:
    """Rewrite a CSV through ``change``, every cell kept as the text it was."""

    def breaker(root: Path) -> None:
        path = root / relative
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        change(frame)
        frame.to_csv(path, index=False)

    return breaker


def csv_cell(relative: str, id_field: str, feature: str, column: str, text: str) -> Breaker:
    def change(frame: pd.DataFrame) -> None:
        frame.loc[_rows(frame, id_field, feature), column] = text

    return edit_csv(relative, change)


def edit_layer(
    relative: str, layer: str | None, change: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]
) -> Breaker:
    """Rewrite a vector file (one layer) through ``change``, in the file's own CRS."""

    def breaker(root: Path) -> None:
        path = root / relative
        frame = change(gpd.read_file(path, layer=layer))
        path.unlink()
        frame.to_file(path, layer=layer)

    return breaker


def layer_cell(
    relative: str, layer: str | None, id_field: str, feature: str, column: str, value: object
) -> Breaker:
    def change(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        cell = value
        if value is None and pd.api.types.is_numeric_dtype(frame[column]):
            frame[column], cell = frame[column].astype(float), np.nan
        elif value is None or isinstance(value, str):
            frame[column] = frame[column].astype(object)
        frame.loc[_rows(frame, id_field, feature), column] = cell
        return frame

    return edit_layer(relative, layer, change)


def layer_geometry(
    relative: str, layer: str | None, id_field: str, feature: str, geometry: object
) -> Breaker:
    """Give one feature another geometry, written in analysis-CRS metres."""

    def change(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        replacement = gpd.GeoSeries([geometry], crs=ANALYSIS_CRS).to_crs(frame.crs).iloc[0]
        geometries = list(frame.geometry)
        for i in np.flatnonzero(_rows(frame, id_field, feature)):
            geometries[i] = replacement
        frame["geometry"] = gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs)
        return frame

    return edit_layer(relative, layer, change)


def flatten_zone(feature: str) -> Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]:
    """A zone whose vertices lie on one line in the file's own coordinates: no area."""

    def change(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        x, y = frame.geometry.iloc[0].exterior.coords[0]
        flat = Polygon([(x, y), (x + 100, y + 100), (x + 200, y + 200)])
        geometries = list(frame.geometry)
        for i in np.flatnonzero(_rows(frame, "GEOID", feature)):
            geometries[i] = flat
        frame["geometry"] = gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs)
        return frame

    return change


def swap_csv_coordinates(*features: str) -> Breaker:
    def change(frame: pd.DataFrame) -> None:
        for feature in features:
            rows = _rows(frame, "BLDG_ID", feature)
            frame.loc[rows, ["X_FT", "Y_FT"]] = frame.loc[rows, ["Y_FT", "X_FT"]].to_numpy()

    return edit_csv("north/buildings.csv", change)


def south_buildings_as_shapefile_without_prj(root: Path) -> None:
    frame = gpd.read_file(root / "south/edificios.gpkg", layer="edificios")
    frame.to_file(root / "south/edificios.shp")
    (root / "south/edificios.prj").unlink()
    edit_manifest(
        root,
        'path = "south/edificios.gpkg"\nlayer = "edificios"\n',
        'path = "south/edificios.shp"\n',
    )


def south_boundary_ending_at(x_east: float) -> Breaker:
    """Move the east edge of the south city's boundary (the border is at ``BORDER_X``)."""
    land = Polygon([(BORDER_X - 3000, Y0), (x_east, Y0), (x_east, Y1), (BORDER_X - 3000, Y1)])
    return layer_geometry(SOUTH_BOUNDARY, None, "CVE", "S1", land)


NORTH_BUILDINGS = "north/buildings.csv"
SOUTH_BUILDINGS = "south/edificios.gpkg"
ZONES = "north/zones.gpkg"
ROADS = "north/roads.gpkg"
FACILITIES = "authority/facilities.geojson"
SOUTH_BOUNDARY = "south/limite.geojson"
RATES = "money/exchange_rates.csv"
DEM_PATH = 'path = "authority/dem.tif"\n'
INDICES = "money/price_indices.csv"

SECOND_NORTH_PARTY = """\
[[parties]]
id = "north"
name = { en = "North County" }
country = "US"
currency = "USD"
languages = ["en"]

[[datasets]]
id = "north-boundary"
"""

# --- the corpus -------------------------------------------------------------------------

FAULTS: list[Fault] = [
    # The region directory and its manifest.
    Fault(
        "region-dir-missing",
        delete("."),
        "missing-region-dir",
        ERROR,
        ("{root}", "no such directory"),
    ),
    Fault(
        "manifest-missing",
        delete("region.toml"),
        "missing-manifest",
        ERROR,
        ("region.toml", "no such file"),
    ),
    Fault(
        "manifest-toml-syntax-error",
        manifest('name = "Mini"', 'name = "Mini'),
        "manifest-syntax",
        ERROR,
        ("region.toml", "invalid TOML", "line 2"),
    ),
    Fault(
        "region-crs-missing",
        manifest('crs = "EPSG:32614"\n', ""),
        "manifest-schema",
        ERROR,
        ("region.toml", "field region.crs", "found nothing", "required"),
    ),
    Fault(
        "dataset-key-misspelt",
        manifest('id_field = "BLDG_ID"', 'id_feild = "BLDG_ID"'),
        "manifest-schema",
        ERROR,
        ("region.toml", "feature north-buildings", "datasets[2].id_feild", "unknown key"),
    ),
    Fault(
        "region-crs-unknown",
        manifest('crs = "EPSG:32614"', 'crs = "EPSG:326140"'),
        "manifest-schema",
        ERROR,
        ("region.toml", "field region.crs", "'EPSG:326140'", "a CRS pyproj knows"),
    ),
    Fault(
        "region-crs-geographic",
        manifest('crs = "EPSG:32614"', 'crs = "EPSG:4326"'),
        "analysis-crs",
        ERROR,
        ("region.toml", "field region.crs", "WGS 84 is not projected", "in metres"),
    ),
    Fault(
        "region-crs-in-feet",
        manifest('crs = "EPSG:32614"', 'crs = "EPSG:2279"'),
        "analysis-crs",
        ERROR,
        ("region.toml", "field region.crs", "Texas South", "foot", "in metres"),
    ),
    Fault(
        "party-id-duplicated",
        manifest('[[datasets]]\nid = "north-boundary"\n', SECOND_NORTH_PARTY),
        "duplicate-party",
        ERROR,
        ("region.toml", "field parties.id", "'north' 2 times", "unique party ids"),
    ),
    Fault(
        "dataset-party-unknown",
        manifest('party = "south"\nkind = "assets"', 'party = "sotuh"\nkind = "assets"'),
        "unknown-party",
        ERROR,
        ("region.toml", "feature south-buildings", "'sotuh'", "north, south, authority"),
    ),
    Fault(
        "party-country-not-iso-3166",
        manifest('country = "MX"', 'country = "MEX"'),
        "manifest-schema",
        ERROR,
        ("feature south", "field parties[1].country", "'MEX'", "ISO 3166-1 alpha-2"),
    ),
    Fault(
        "party-currency-not-iso-4217",
        manifest('currency = "MXN"\nfiscal', 'currency = "MNX"\nfiscal'),
        "manifest-schema",
        ERROR,
        ("feature south", "field parties[1].currency", "'MNX'", "ISO 4217"),
    ),
    Fault(
        "party-fiscal-year-start-day-first",
        manifest('fiscal_year_start = "01-01"', 'fiscal_year_start = "31-12"'),
        "manifest-schema",
        ERROR,
        ("feature south", "field parties[1].fiscal_year_start", "'31-12'", "MM-DD"),
    ),
    Fault(
        "party-language-not-bcp-47",
        manifest('languages = ["es"]', 'languages = ["spanish"]'),
        "manifest-schema",
        ERROR,
        ("feature south", "field parties[1].languages[0]", "'spanish'", "BCP 47"),
    ),
    Fault(
        "dataset-kind-unknown",
        manifest('kind = "assets"\npath = "north/', 'kind = "buildings"\npath = "north/'),
        "manifest-schema",
        ERROR,
        ("feature north-buildings", "field datasets[2].kind", "'buildings'", "assets"),
    ),
    Fault(
        "dataset-id-duplicated",
        manifest('id = "south-buildings"', 'id = "north-buildings"'),
        "duplicate-dataset",
        ERROR,
        ("region.toml", "field datasets.id", "'north-buildings' 2 times", "unique"),
    ),
    Fault(
        "required-field-not-mapped",
        manifest('occupancy = "USO"\n', ""),
        "missing-required-field",
        ERROR,
        ("region.toml", "feature south-buildings", "'occupancy'", "fields.occupancy"),
        also=frozenset({"vocabulary-for-unmapped-field"}),  # its label mapping is now orphaned
    ),
    Fault(
        "csv-without-coordinate-fields",
        manifest('x_field = "X_FT"\ny_field = "Y_FT"\n', ""),
        "csv-without-coordinates",
        ERROR,
        ("region.toml", "feature north-buildings", "x_field and y_field"),
    ),
    # Files and layers.
    Fault(
        "data-file-missing",
        delete(ROADS),
        "missing-file",
        ERROR,
        ("roads.gpkg", "layer roads", "no such file"),
    ),
    Fault(
        "geopackage-layer-missing",
        manifest('layer = "roads"', 'layer = "streets"'),
        "missing-layer",
        ERROR,
        ("roads.gpkg", "layer streets", "no layer 'streets'", "layers: roads"),
    ),
    Fault(
        "geopackage-corrupt",
        overwrite(SOUTH_BUILDINGS, b"this is not a GeoPackage\n" * 40),
        "unreadable-file",
        ERROR,
        ("edificios.gpkg", "layer edificios", "cannot be read"),
    ),
    Fault(
        "csv-row-with-missing-cells",
        append_text(NORTH_BUILDINGS, "B9999,1,2\n"),
        "unreadable-file",
        ERROR,
        ("buildings.csv", "cannot be read", "columns"),
    ),
    Fault(
        "raster-truncated",
        truncate("authority/dem.tif"),
        "unreadable-file",
        ERROR,
        ("dem.tif", "cannot be read"),
    ),
    Fault(
        "csv-x-field-names-missing-column",
        manifest('x_field = "X_FT"', 'x_field = "EASTING"'),
        "missing-column",
        ERROR,
        ("buildings.csv", "no column 'EASTING'", "x_field"),
    ),
    Fault(
        "csv-crs-missing",
        manifest('crs = "EPSG:2279"\n', ""),
        "missing-crs",
        ERROR,
        ("buildings.csv", "no CRS in the file and none in the manifest", "crs = "),
    ),
    Fault(
        "shapefile-without-prj",
        south_buildings_as_shapefile_without_prj,
        "missing-crs",
        ERROR,
        ("edificios.shp", "no CRS in the file and none in the manifest"),
    ),
    Fault(
        "declared-crs-disagrees-with-file",
        manifest('layer = "edificios"\n', 'layer = "edificios"\ncrs = "EPSG:32613"\n'),
        "crs-mismatch",
        ERROR,
        ("edificios.gpkg", "layer edificios", "EPSG:32614", "EPSG:32613"),
    ),
    Fault(
        "declared-crs-disagrees-with-raster",
        manifest(DEM_PATH, DEM_PATH + 'crs = "EPSG:32613"\n'),
        "crs-mismatch",
        ERROR,
        ("dem.tif", "EPSG:32614", "EPSG:32613"),
    ),
    Fault(
        "csv-x-and-y-swapped",
        swap_csv_coordinates("B0003", "B0007"),
        "outside-crs-area",
        ERROR,
        ("buildings.csv", "feature B0003, B0007", "EPSG:2279", "x and y swapped"),
        also=frozenset({"outside-party-boundary"}),
    ),
    Fault(
        "mapped-column-missing",
        manifest('floor_area = "SQFT"', 'floor_area = "SQ_FT"'),
        "missing-column",
        ERROR,
        ("buildings.csv", "field SQ_FT", "no column 'SQ_FT'", "fields.floor_area", "SQFT"),
    ),
    Fault(
        "id-field-names-missing-column",
        manifest('id_field = "CLAVE"', 'id_field = "CVE_EDIF"'),
        "missing-column",
        ERROR,
        ("edificios.gpkg", "layer edificios", "no column 'CVE_EDIF'", "id_field", "CLAVE"),
    ),
    # Geometries.
    Fault(
        "polygon-self-intersecting",
        layer_geometry(
            ZONES,
            "zones",
            "GEOID",
            "480010002",
            Polygon(
                [
                    (BORDER_X, Y0 + 3000),
                    (BORDER_X + 1500, Y0 + 6000),
                    (BORDER_X + 1500, Y0 + 3000),
                    (BORDER_X, Y0 + 6000),
                ]
            ),
        ),
        "repaired-geometry",
        WARNING,
        ("zones.gpkg", "layer zones", "feature 480010002", "Self-intersection", "make_valid"),
    ),
    Fault(
        "polygon-empty",
        layer_geometry(ZONES, "zones", "GEOID", "480010004", Polygon()),
        "empty-geometry",
        ERROR,
        ("zones.gpkg", "layer zones", "feature 480010004", "an empty geometry", "Polygon"),
    ),
    Fault(
        "point-null",
        layer_geometry(SOUTH_BUILDINGS, "edificios", "CLAVE", "E0005", None),
        "missing-geometry",
        ERROR,
        ("edificios.gpkg", "layer edificios", "feature E0005", "no geometry"),
    ),
    Fault(
        "csv-row-without-coordinates",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0009", "X_FT", ""),
        "missing-geometry",
        ERROR,
        ("buildings.csv", "feature B0009", "no geometry"),
    ),
    Fault(
        "line-in-assets-layer",
        layer_geometry(
            SOUTH_BUILDINGS,
            "edificios",
            "CLAVE",
            "E0006",
            LineString([(BORDER_X - 900, Y0 + 900), (BORDER_X - 800, Y0 + 900)]),
        ),
        "wrong-geometry-type",
        ERROR,
        ("edificios.gpkg", "feature E0006", "LineString geometry", "Point or Polygon", "assets"),
    ),
    # Values.
    Fault(
        "money-negative",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0003", "REPL_COST", "-250000"),
        "negative-value",
        ERROR,
        ("buildings.csv", "feature B0003", "field REPL_COST", "-250000", ">= 0"),
    ),
    Fault(
        "required-money-empty",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0004", "REPL_COST", ""),
        "missing-value",
        ERROR,
        ("buildings.csv", "feature B0004", "field REPL_COST", "empty", "required"),
    ),
    Fault(
        "required-count-null",
        layer_cell(ZONES, "zones", "GEOID", "480010003", "TOT_POP", None),
        "missing-value",
        ERROR,
        ("zones.gpkg", "layer zones", "feature 480010003", "field TOT_POP", "required"),
    ),
    Fault(
        "money-as-formatted-text",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0005", "REPL_COST", "$250,000"),
        "not-a-number",
        ERROR,
        ("buildings.csv", "feature B0005", "field REPL_COST", "$250,000", "numbers"),
    ),
    Fault(
        "quantity-infinite",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0006", "SQFT", "inf"),
        "infinite-value",
        ERROR,
        ("buildings.csv", "feature B0006", "field SQFT", "infinite", "finite"),
    ),
    Fault(
        "feature-id-duplicated",
        layer_cell(SOUTH_BUILDINGS, "edificios", "CLAVE", "E0002", "CLAVE", "E0001"),
        "duplicate-id",
        ERROR,
        ("edificios.gpkg", "layer edificios", "feature E0001", "field CLAVE", "unique"),
    ),
    Fault(
        "feature-id-empty-in-csv",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0008", "BLDG_ID", ""),
        "missing-id",
        ERROR,
        ("buildings.csv", "row9", "field BLDG_ID", "an empty id"),
    ),
    Fault(
        "feature-id-null-in-geopackage",
        layer_cell(SOUTH_BUILDINGS, "edificios", "CLAVE", "E0008", "CLAVE", None),
        "missing-id",
        ERROR,
        ("edificios.gpkg", "layer edificios", "row9", "field CLAVE", "an empty id"),
    ),
    Fault(
        "category-label-unmapped",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0005", "OCC_TYPE", "Warehouse"),
        "unmapped-category",
        ERROR,
        ("buildings.csv", "feature B0005", "field OCC_TYPE", "'Warehouse'", "occupancy"),
    ),
    Fault(
        "vocabulary-term-unknown",
        manifest('"Retail" = "COM1"', '"Retail" = "COMMERCIAL"'),
        "unknown-term",
        ERROR,
        ("region.toml", "feature north-buildings", "COMMERCIAL", "occupancy"),
    ),
    Fault(
        "vocabulary-mapping-missing",
        manifest(
            '[datasets.vocabulary.category]\n"Arterial" = "primary"\n"Local" = "residential"\n',
            "",
        ),
        "missing-vocabulary-mapping",
        ERROR,
        ("region.toml", "feature north-roads", "'category'", "'CLASS'", "network"),
    ),
    Fault(
        "vocabulary-mapping-file-missing",
        manifest(
            '[datasets.vocabulary.occupancy]\n"Single Family" = "RES1"\n"Retail" = "COM1"\n',
            '[datasets.vocabulary]\noccupancy = "north/occupancy.csv"\n',
        ),
        "bad-vocabulary-mapping",
        ERROR,
        ("occupancy.csv", "label,term"),
    ),
    Fault(
        "flag-value-unknown",
        layer_cell(ROADS, "roads", "SEG_ID", "2", "BRIDGE", "maybe"),
        "bad-flag",
        ERROR,
        ("roads.gpkg", "layer roads", "feature 2", "field BRIDGE", "maybe", "true/false"),
    ),
    Fault(
        "party-field-value-unknown",
        both(
            manifest(
                'party = "authority"\nkind = "facilities"',
                'party_field = "OWNER"\nparty_values = { RA = "authority" }\nkind = "facilities"',
            ),
            edit_layer(FACILITIES, None, lambda f: f.assign(OWNER=["RA", "XX"])),
        ),
        "unknown-party-value",
        ERROR,
        ("facilities.geojson", "feature G1", "field OWNER", "'XX'", "'RA'", "party_values"),
    ),
    Fault(
        "count-exceeds-its-total",
        layer_cell(ZONES, "zones", "GEOID", "480010003", "AGE65UP", 2000),
        "count-exceeds-total",
        WARNING,
        ("zones.gpkg", "layer zones", "feature 480010003", "AGE65UP", "age_65_plus", "population"),
    ),
    # Territories.
    Fault(
        "asset-outside-its-party",
        layer_geometry(
            SOUTH_BUILDINGS, "edificios", "CLAVE", "E0003", Point(BORDER_X + 1000, Y0 + 3000)
        ),
        "outside-party-boundary",
        ERROR,
        ("edificios.gpkg", "layer edificios", "feature E0003", "inside the boundary of south"),
    ),
    Fault(
        "boundaries-overlap",
        south_boundary_ending_at(BORDER_X + 50),
        "border-overlap",
        WARNING,
        ("limits.gpkg", "limite.geojson", "N1", "S1", "an overlap of 30.00 ha", "north and south"),
    ),
    Fault(
        "boundaries-leave-a-gap",
        south_boundary_ending_at(BORDER_X - 8),
        "border-gap",
        WARNING,
        ("limits.gpkg", "limite.geojson", "N1", "S1", "a gap of 4.", " ha", "north and south"),
    ),
    # Money.
    Fault(
        "money-without-currency",
        manifest('currency = "MXN"\nprice_year = 2020\n', "price_year = 2020\n"),
        "money-without-currency",
        ERROR,
        ("region.toml", "feature south-buildings", "'value'", "'VALOR'", "currency"),
    ),
    Fault(
        "money-without-price-year",
        manifest('currency = "MXN"\nprice_year = 2020\n', 'currency = "MXN"\n'),
        "money-without-price-year",
        ERROR,
        ("region.toml", "feature south-buildings", "'value'", "'VALOR'", "price_year"),
    ),
    Fault(
        "price-index-and-rate-both-missing",
        both(
            replace_text(RATES, "USD,MXN,2023", "USD,MXN,2022"),
            replace_text(INDICES, "MX,2020,106.4,INEGI INPC annual average (rounded)\n", ""),
        ),
        "missing-price-index",
        ERROR,
        ("price_indices.csv", "field MX 2020", "south-buildings.value"),
        also=frozenset({"missing-exchange-rate"}),
    ),
    Fault(
        "exchange-rate-missing-for-year",
        replace_text(RATES, "USD,MXN,2023", "USD,MXN,2022"),
        "missing-exchange-rate",
        ERROR,
        ("exchange_rates.csv", "field MXN→USD 2023", "south-buildings.value", "column VALOR"),
    ),
    Fault(
        "price-index-missing-for-country-year",
        replace_text(INDICES, "MX,2020,106.4,INEGI INPC annual average (rounded)\n", ""),
        "missing-price-index",
        ERROR,
        ("price_indices.csv", "field MX 2020", "MX in 2020", "south-buildings.value", "VALOR"),
    ),
    Fault(
        "exchange-rate-row-without-source",
        append_text(RATES, "EUR,USD,2023,1.08,\n"),
        "missing-source",
        ERROR,
        ("exchange_rates.csv", "line 3", "field source", "empty source"),
    ),
    Fault(
        "exchange-rate-not-a-number",
        replace_text(RATES, "17.76", '"17,76"'),
        "bad-number",
        ERROR,
        ("exchange_rates.csv", "line 2", "field rate", "'17,76'"),
        also=frozenset({"missing-exchange-rate"}),
    ),
    Fault(
        "exchange-rate-table-missing",
        delete(RATES),
        "missing-file",
        ERROR,
        ("exchange_rates.csv", "no such file", "from_currency"),
        also=frozenset({"missing-exchange-rate"}),
    ),
    # Units and languages.
    Fault(
        "unit-unknown-to-pint",
        manifest('first_floor_height = "ft"', 'first_floor_height = "pies"'),
        "unknown-unit",
        ERROR,
        ("region.toml", "feature north-buildings", "units.first_floor_height", "'pies'"),
    ),
    Fault(
        "unit-of-wrong-dimension",
        manifest('floor_area = "ft**2"', 'floor_area = "ft"'),
        "unit-dimension",
        ERROR,
        ("region.toml", "feature north-buildings", "units.floor_area", "'ft'", "m**2"),
    ),
    Fault(
        "quantity-without-unit",
        manifest('[datasets.units]\nspeed_limit = "mph"\n', ""),
        "missing-unit",
        ERROR,
        ("region.toml", "feature north-roads", "'speed_limit'", "'SPEED_MPH'"),
    ),
    Fault(
        "unit-for-unmapped-field",
        manifest('speed_limit = "mph"\n', 'speed_limit = "mph"\nwidth = "ft"\n'),
        "unit-for-unmapped-field",
        ERROR,
        ("region.toml", "feature north-roads", "units.width", "'width'"),
    ),
    Fault(
        "text-without-language",
        manifest('[datasets.languages]\nname = "en"\n', ""),
        "text-without-language",
        ERROR,
        ("region.toml", "feature north-zones", "'name'", "languages.name"),
    ),
    Fault(
        "text-language-not-bcp-47",
        manifest('[datasets.languages]\nname = "en"\n', '[datasets.languages]\nname = "english"\n'),
        "bad-language",
        ERROR,
        ("region.toml", "feature north-zones", "'english'", "BCP 47"),
    ),
    # Rasters.
    Fault(
        "raster-without-unit",
        manifest('[datasets.units]\nvalue = "m"\n', ""),
        "missing-unit",
        ERROR,
        ("region.toml", "feature authority-dem", "units.value"),
    ),
    Fault(
        "raster-band-missing",
        manifest(DEM_PATH, DEM_PATH + "band = 2\n"),
        "missing-band",
        ERROR,
        ("dem.tif", "1 band(s)", "band 2"),
    ),
    # Found in review: cells whose type hides the fault.
    Fault(
        "polygon-collapsed-by-repair",
        edit_layer(ZONES, "zones", flatten_zone("480010003")),
        "collapsed-geometry",
        ERROR,
        ("zones.gpkg", "layer zones", "feature 480010003", "nothing of Polygon left"),
    ),
    Fault(
        "category-blank-in-csv",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0003", "OCC_TYPE", ""),
        "missing-value",
        ERROR,
        ("buildings.csv", "feature B0003", "field OCC_TYPE", "an empty category"),
    ),
    Fault(
        "coordinate-with-thousands-separator",
        csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0006", "X_FT", "828,238.5"),
        "not-a-number",
        ERROR,
        ("buildings.csv", "feature B0006", "field X_FT", "'828,238.5'"),
    ),
    Fault(
        "integer-with-a-fraction",
        both(
            manifest('floor_area = "SQFT"', 'floor_area = "SQFT"\nyear_built = "YEAR"'),
            edit_csv(NORTH_BUILDINGS, lambda frame: frame.insert(0, "YEAR", "1987")),
            csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0011", "YEAR", "1987.5"),
        ),
        "not-a-whole-number",
        ERROR,
        ("buildings.csv", "feature B0011", "field YEAR", "1987.5", "whole numbers"),
    ),
    Fault(
        "integer-infinite",
        both(
            manifest('floor_area = "SQFT"', 'floor_area = "SQFT"\nyear_built = "YEAR"'),
            edit_csv(NORTH_BUILDINGS, lambda frame: frame.insert(0, "YEAR", "1987")),
            csv_cell(NORTH_BUILDINGS, "BLDG_ID", "B0012", "YEAR", "inf"),
        ),
        "infinite-value",
        ERROR,
        ("buildings.csv", "feature B0012", "field YEAR"),
    ),
]

FAULTS_BY_ID = {fault.id: fault for fault in FAULTS}
ERROR_FAULTS = [f for f in FAULTS if f.severity is ERROR]
WARNING_FAULTS = [f for f in FAULTS if f.severity is WARNING]


def cases(faults: list[Fault]) -> list[object]:
    return [pytest.param(fault, id=fault.id) for fault in faults]


def describe(problems: list[Problem]) -> str:
    return "\n".join(f"  {p.severity} {p.code}: {p.message}" for p in problems) or "  (none)"


def assert_reported(fault: Fault, problems: list[Problem], root: Path) -> None:
    """A problem with the fault's code and severity whose message names every culprit."""
    mentions = [m.format(root=root) for m in fault.mentions]
    with_code = [p for p in problems if p.code == fault.code and p.severity is fault.severity]
    assert with_code, f"no {fault.severity} {fault.code!r} for {fault.id}; got:\n" + describe(
        problems
    )
    assert any(all(m in p.message for m in mentions) for p in with_code), (
        f"no {fault.code!r} message names all of {mentions}; got:\n" + describe(with_code)
    )


# --- the tests --------------------------------------------------------------------------


def test_the_corpus_holds_at_least_thirty_distinct_faults() -> None:
    assert len(FAULTS_BY_ID) == len(FAULTS) >= 30
    assert len({f.code for f in FAULTS}) >= 30


def test_the_unbroken_mini_region_has_no_problems(mini_region: Path, tmp_path: Path) -> None:
    result = harmonize_region(mini_region)
    assert not result.problems.has_errors, describe(result.problems.problems)
    assert result.problems.problems == [], describe(result.problems.problems)
    _, run_dir = harmonize_into(mini_region, tmp_path / "run")
    assert (run_dir / "provenance.json").is_file()


@pytest.mark.parametrize("fault", cases(FAULTS))
def test_each_fault_is_reported_naming_its_culprit(fault: Fault, mini_region: Path) -> None:
    fault.breaks(mini_region)
    problems = harmonize_region(mini_region).problems.problems
    assert_reported(fault, problems, mini_region)


@pytest.mark.parametrize("fault", cases(ERROR_FAULTS))
def test_an_error_reports_nothing_valid_as_broken(fault: Fault, mini_region: Path) -> None:
    fault.breaks(mini_region)
    errors = harmonize_region(mini_region).problems.errors
    unrelated = [p for p in errors if p.code not in {fault.code, *fault.also}]
    assert not unrelated, f"{fault.id} also reported:\n" + describe(unrelated)


@pytest.mark.parametrize("fault", cases(ERROR_FAULTS))
def test_an_error_stops_harmonization_and_leaves_no_run_dir(
    fault: Fault, mini_region: Path, tmp_path: Path
) -> None:
    fault.breaks(mini_region)
    run_dir = tmp_path / "run"
    with pytest.raises(InvalidRegionError) as raised:
        harmonize_into(mini_region, run_dir)
    assert fault.code in {p.code for p in raised.value.problems.errors}
    assert not run_dir.exists()
    assert not list(tmp_path.glob(".run.partial-*"))


@pytest.mark.parametrize("fault", cases(WARNING_FAULTS))
def test_a_warning_alone_does_not_stop_harmonization(
    fault: Fault, mini_region: Path, tmp_path: Path
) -> None:
    fault.breaks(mini_region)
    result, run_dir = harmonize_into(mini_region, tmp_path / "run")
    assert not result.problems.has_errors, describe(result.problems.errors)
    assert fault.code in {p.code for p in result.problems.warnings}
    assert (run_dir / "validation.json").is_file()
    assert (run_dir / "provenance.json").is_file()


def test_a_repaired_polygon_is_logged_with_its_feature_and_reason(mini_region: Path) -> None:
    FAULTS_BY_ID["polygon-self-intersecting"].breaks(mini_region)
    result = harmonize_region(mini_region)
    (zones,) = [entry for entry in result.log if entry.dataset == "north-zones"]
    assert [r["feature"] for r in zones.repairs] == ["480010002"]
    assert "Self-intersection" in zones.repairs[0]["reason"]
    assert result.layers["population_zones"].geometry.is_valid.all()


@pytest.mark.parametrize(
    ("fault_id", "area_m2"),
    [("boundaries-overlap", 50 * (Y1 - Y0)), ("boundaries-leave-a-gap", 8 * (Y1 - Y0))],
)
def test_a_border_discrepancy_reports_its_area(
    fault_id: str, area_m2: float, mini_region: Path
) -> None:
    FAULTS_BY_ID[fault_id].breaks(mini_region)
    (found,) = harmonize_region(mini_region).border
    assert found.parties == ("north", "south")
    assert found.area_m2 == pytest.approx(area_m2, rel=0.02)


#: Faults in different files and stages, applied together to one region.
TOGETHER = (
    "money-negative",
    "feature-id-duplicated",
    "geopackage-layer-missing",
    "text-without-language",
    "count-exceeds-its-total",
    "raster-without-unit",
    "exchange-rate-row-without-source",
    "price-index-missing-for-country-year",
    "boundaries-overlap",
    "vocabulary-term-unknown",
)


def test_several_faults_are_all_reported_in_one_pass(mini_region: Path, tmp_path: Path) -> None:
    for fault_id in TOGETHER:
        FAULTS_BY_ID[fault_id].breaks(mini_region)
    problems = harmonize_region(mini_region).problems.problems
    for fault_id in TOGETHER:
        assert_reported(FAULTS_BY_ID[fault_id], problems, mini_region)
    with pytest.raises(InvalidRegionError) as raised:
        harmonize_into(mini_region, tmp_path / "run")
    assert len(raised.value.problems.errors) >= 8
    assert not (tmp_path / "run").exists()
    assert not list(tmp_path.glob(".run.partial-*"))


def test_several_manifest_mistakes_are_all_reported_in_one_pass(mini_region: Path) -> None:
    manifest_faults = (
        "party-country-not-iso-3166",
        "party-currency-not-iso-4217",
        "party-fiscal-year-start-day-first",
        "dataset-kind-unknown",
        "dataset-key-misspelt",
        "region-crs-unknown",
    )
    for fault_id in manifest_faults:
        FAULTS_BY_ID[fault_id].breaks(mini_region)
    problems = harmonize_region(mini_region).problems.problems
    for fault_id in manifest_faults:
        assert_reported(FAULTS_BY_ID[fault_id], problems, mini_region)
