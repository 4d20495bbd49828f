"""Parties' territories: where their boundaries overlap or leave gaps along the border, which
party a feature lies in, and features that lie outside their party's territory."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely
from shapely import Geometry

from bordercompact.harmonize.geometry import anchor_points

#: Slivers below this area (m²) are floating-point noise of reprojected shared vertices.
MIN_REPORTED_AREA_M2 = 1.0


@dataclass(frozen=True)
class BorderDiscrepancy:
    """Land claimed by two parties (overlap) or by none between them (gap)."""

    kind: Literal["overlap", "gap"]
    parties: tuple[str, str]
    area_m2: float
    geometry: Geometry


def border_discrepancies(
    territories: dict[str, Geometry],
    tolerance_m: float,
    min_area_m2: float = MIN_REPORTED_AREA_M2,
) -> list[BorderDiscrepancy]:
    """Overlaps and gaps between every pair of parties' territories (analysis CRS, metres).

    An *overlap* is the intersection of two territories. A *gap* is land that belongs to no
    party but touches two: a hole enclosed by the territories, or a sliver narrower than
    ``2 × tolerance_m`` found by a morphological closing (dilate, then erode, by
    ``tolerance_m``) of the union of all territories (Serra, *Image Analysis and
    Mathematical Morphology*, 1982). Pieces smaller than ``min_area_m2`` are left out.
    """
    found: list[BorderDiscrepancy] = []
    parties = sorted(territories)
    for a, b in itertools.combinations(parties, 2):
        shared = shapely.intersection(territories[a], territories[b])
        overlap = _polygonal(shared)
        if overlap.area >= min_area_m2:
            found.append(BorderDiscrepancy("overlap", (a, b), float(overlap.area), overlap))

    union = shapely.union_all(list(territories.values()))
    holes = [
        shapely.Polygon(ring)
        for part in shapely.get_parts(_polygonal(union))
        for ring in part.interiors
    ]
    closed = (
        shapely.buffer(shapely.buffer(union, tolerance_m), -tolerance_m) if tolerance_m else union
    )
    candidates = shapely.difference(shapely.union_all([closed, *holes]), union)
    reach = max(tolerance_m, 1e-6) * 1.01
    gap_parts: dict[tuple[str, str], list[Geometry]] = {}
    for piece in shapely.get_parts(_polygonal(candidates)):
        if piece.area < min_area_m2:
            continue
        near = [p for p in parties if shapely.distance(piece, territories[p]) <= reach]
        for pair in itertools.combinations(near, 2):
            gap_parts.setdefault(pair, []).append(piece)
    for pair, pieces in sorted(gap_parts.items()):
        gap = shapely.union_all(pieces)
        found.append(BorderDiscrepancy("gap", pair, float(gap.area), gap))
    return found


def _polygonal(geometry: Geometry) -> Geometry:
    """Only the areal parts of a geometry (intersections also return shared edges)."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def party_by_location(geometries: np.ndarray, territories: dict[str, Geometry]) -> np.ndarray:
    """The party each geometry belongs to: the territory holding a point, or holding the
    largest share of a line's or polygon's area or length; ``None`` where none does."""
    parties = sorted(territories)
    assigned = np.full(len(geometries), None, dtype=object)
    best = np.zeros(len(geometries))
    is_point = np.isin(shapely.get_type_id(geometries), (0, 4))
    for party in parties:
        territory = territories[party]
        shapely.prepare(territory)
        hits = shapely.intersects(territory, geometries)
        share = np.zeros(len(geometries))
        share[hits & is_point] = 1.0
        rest = np.flatnonzero(hits & ~is_point)
        if len(rest):
            pieces = shapely.intersection(geometries[rest], territory)
            share[rest] = np.maximum(shapely.area(pieces), shapely.length(pieces) * 1e-9)
        better = share > best
        assigned[better] = party
        best[better] = share[better]
    return assigned


def outside_territory(
    geometries: np.ndarray, territory: Geometry, tolerance_m: float
) -> np.ndarray:
    """Mask of features whose representative point lies farther than ``tolerance_m`` from
    ``territory``; missing and empty geometries are not flagged (they are reported as
    such). Points are tested by coordinates, which is fast for millions of them."""
    shapely.prepare(territory)
    points = anchor_points(geometries)
    located = points != None  # noqa: E711 (element-wise on an object array)
    x = np.full(len(points), np.nan)
    y = np.full(len(points), np.nan)
    x[located], y[located] = shapely.get_x(points[located]), shapely.get_y(points[located])
    inside = shapely.contains_xy(territory, x, y)
    outside = np.flatnonzero(~inside & located)
    if len(outside) and tolerance_m > 0:
        near = shapely.dwithin(territory, points[outside], tolerance_m)
        inside[outside[near]] = True
    return ~inside & located
