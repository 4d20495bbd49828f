"""Where a measure acts: its zone as polygons, and which hazard centroids and assets lie
inside it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from bordercompact.measures.model import Zone
from bordercompact.measures.value import AppraisalError
from bordercompact.region.load import Region

WGS84 = "EPSG:4326"


def zone_polygons(
    zone: Zone, region: Region, layers: dict[str, gpd.GeoDataFrame]
) -> shapely.Geometry:
    """The zone as one (multi)polygon in longitude/latitude: the polygons of its file
    (path relative to the region; its own CRS), or the harmonized features it names by
    ``feature_id`` (census zones, parcels …)."""
    if zone.path is not None:
        path = region.path(zone.path)
        try:
            frame = gpd.read_file(path, layer=zone.layer) if zone.layer else gpd.read_file(path)
        except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise AppraisalError(f"{path}: cannot be read ({exc}); expected polygons") from exc
        if frame.crs is None:
            raise AppraisalError(f"{path}: no coordinate reference system; expected one")
        if frame.empty:
            raise AppraisalError(f"{path}: no feature; expected the zone's polygons")
        return frame.to_crs(WGS84).geometry.union_all()
    named = set(zone.features)
    parts = [
        frame[frame["feature_id"].astype(str).isin(named)]
        for frame in layers.values()
        if "feature_id" in frame.columns
    ]
    found = gpd.GeoDataFrame(
        {"feature_id": np.concatenate([p["feature_id"].astype(str).to_numpy() for p in parts])},
        geometry=np.concatenate([p.to_crs(WGS84).geometry.to_numpy() for p in parts]),
        crs=WGS84,
    )
    missing = sorted(named - set(found["feature_id"]))
    if missing:
        raise AppraisalError(
            f"zone features {', '.join(map(repr, missing))}; expected feature ids of the "
            "harmonized layers (dataset:source id)"
        )
    return found.geometry.union_all()


def inside(polygon: shapely.Geometry, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point (longitude, latitude) lies in the polygon (its boundary included)."""
    return np.asarray(shapely.intersects_xy(polygon, lon, lat), dtype=bool)
