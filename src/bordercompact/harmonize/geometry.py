"""Geometry checks and repairs: empties, wrong types, invalid shapes (repaired and reported)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from bordercompact.region.kinds import geometry_family

#: shapely's geometry type ids and their OGC names.
GEOMETRY_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


@dataclass(frozen=True)
class GeometryRepair:
    feature: str
    reason: str  # shapely's explanation of why the input was invalid


@dataclass(frozen=True)
class GeometryCheck:
    geometry: gpd.GeoSeries  # with invalid geometries repaired
    missing: np.ndarray  # positions with no geometry
    empty: np.ndarray  # positions with an empty geometry
    wrong_type: dict[str, np.ndarray]  # geometry type -> positions, for types the kind refuses
    repairs: list[GeometryRepair]
    collapsed: list[GeometryRepair]  # invalid, and nothing of an allowed type is left


def check_geometries(
    geometry: gpd.GeoSeries, feature_ids: np.ndarray, allowed_families: frozenset[str]
) -> GeometryCheck:
    """Find missing, empty and wrongly typed geometries and repair invalid ones.

    Repairs use :func:`shapely.make_valid` (the OGC structure method), keeping only the
    parts of the allowed family, so a self-touching polygon stays a (multi)polygon. A
    geometry whose repair leaves nothing of that family (a polygon with no area) is
    *collapsed*: it is set to missing and listed apart, since a repair cannot recover it.
    """
    values = geometry.values
    missing = np.flatnonzero(shapely.is_missing(values))
    empty = np.flatnonzero(shapely.is_empty(values) & ~shapely.is_missing(values))
    types = np.asarray(shapely.get_type_id(values))
    wrong_type: dict[str, np.ndarray] = {}
    present = types >= 0
    for type_id in np.unique(types[present]):
        name = GEOMETRY_TYPE_NAMES[int(type_id)]
        if geometry_family(name) not in allowed_families:
            wrong_type[name] = np.flatnonzero(types == type_id)
    invalid = np.flatnonzero(present & ~shapely.is_empty(values) & ~shapely.is_valid(values))
    repairs: list[GeometryRepair] = []
    collapsed: list[GeometryRepair] = []
    if len(invalid):
        reasons = shapely.is_valid_reason(values[invalid])
        fixed = np.array(
            [_keep_family(g, allowed_families) for g in shapely.make_valid(values[invalid])],
            dtype=object,
        )
        values = values.copy()
        values[invalid] = fixed
        for position, reason, result in zip(invalid, reasons, fixed, strict=True):
            found = GeometryRepair(str(feature_ids[position]), str(reason))
            (repairs if result is not None else collapsed).append(found)
        geometry = gpd.GeoSeries(values, index=geometry.index, crs=geometry.crs)
    return GeometryCheck(geometry, missing, empty, wrong_type, repairs, collapsed)


def _keep_family(geometry: shapely.Geometry, families: frozenset[str]) -> shapely.Geometry | None:
    """From a repaired geometry, the parts of the families the kind accepts; None when the
    repair left none (a polygon collapsed to a line has no area left to keep)."""
    if geometry_family(geometry.geom_type) in families and not geometry.is_empty:
        return geometry
    parts = [
        g
        for g in shapely.get_parts(geometry)
        if geometry_family(g.geom_type) in families and not g.is_empty
    ]
    return shapely.union_all(parts) if parts else None


def anchor_points(geometries: np.ndarray) -> np.ndarray:
    """A point inside each geometry (the geometry itself for points), for fast location
    tests; missing and empty geometries give None."""
    geometries = np.asarray(geometries, dtype=object)
    anchors = np.full(len(geometries), None, dtype=object)
    usable = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    points = usable & (shapely.get_type_id(geometries) == 0)
    anchors[points] = geometries[points]
    others = usable & ~points
    if others.any():
        anchors[others] = shapely.point_on_surface(geometries[others])
    return anchors
