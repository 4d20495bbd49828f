"""Geometry checks: what is missing, empty, of the wrong type, repaired, or beyond repair."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString, Point, Polygon, box

from bordercompact.harmonize.geometry import anchor_points, check_geometries

POLYGONS = frozenset({"Polygon"})


def _check(geometries: list[object]) -> object:
    ids = np.array([f"f{i}" for i in range(len(geometries))], dtype=object)
    return check_geometries(gpd.GeoSeries(geometries), ids, POLYGONS)


def test_a_bow_tie_is_repaired_into_a_multipolygon_and_reported() -> None:
    bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    check = _check([box(0, 0, 1, 1), bow_tie])
    assert [r.feature for r in check.repairs] == ["f1"]
    assert "Self-intersection" in check.repairs[0].reason
    repaired = check.geometry.iloc[1]
    assert repaired.geom_type == "MultiPolygon" and repaired.area == 2.0


def test_a_polygon_without_area_is_collapsed_not_repaired() -> None:
    check = _check([Polygon([(0, 0), (1, 1), (2, 2)])])
    assert [c.feature for c in check.collapsed] == ["f0"] and check.repairs == []
    assert check.geometry.iloc[0] is None


def test_missing_empty_and_wrong_types_are_listed_by_position() -> None:
    check = _check([None, Polygon(), LineString([(0, 0), (1, 1)]), box(0, 0, 1, 1)])
    assert list(check.missing) == [0]
    assert list(check.empty) == [1]
    assert {name: list(rows) for name, rows in check.wrong_type.items()} == {"LineString": [2]}


def test_anchor_points_lie_inside_and_skip_what_has_no_location() -> None:
    ring = box(0, 0, 10, 10).difference(box(2, 2, 8, 8))
    anchors = anchor_points(np.array([Point(1, 2), ring, None, Polygon()], dtype=object))
    assert anchors[0] == Point(1, 2)
    assert ring.contains(anchors[1])
    assert anchors[2] is None and anchors[3] is None
