"""Parties' territories: border overlaps and gaps, and which party a feature lies in."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from bordercompact.harmonize.territory import (
    border_discrepancies,
    outside_territory,
    party_by_location,
)


def test_boundaries_that_meet_exactly_have_no_discrepancy() -> None:
    found = border_discrepancies({"a": box(0, 0, 100, 100), "b": box(100, 0, 200, 100)}, 5.0)
    assert found == []


def test_overlap_is_reported_with_its_area() -> None:
    found = border_discrepancies({"a": box(0, 0, 103, 100), "b": box(100, 0, 200, 100)}, 5.0)
    assert [(f.kind, f.parties) for f in found] == [("overlap", ("a", "b"))]
    assert found[0].area_m2 == pytest.approx(300.0)


def test_sliver_narrower_than_twice_the_tolerance_is_a_gap() -> None:
    found = border_discrepancies({"a": box(0, 0, 98, 100), "b": box(100, 0, 200, 100)}, 5.0)
    assert [(f.kind, f.parties) for f in found] == [("gap", ("a", "b"))]
    assert found[0].area_m2 == pytest.approx(200.0, rel=0.05)


def test_wide_open_space_between_parties_is_not_a_gap() -> None:
    found = border_discrepancies({"a": box(0, 0, 50, 100), "b": box(150, 0, 200, 100)}, 5.0)
    assert found == []


def test_hole_enclosed_by_two_parties_is_a_gap_whatever_its_width() -> None:
    a = Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], [[(60, 40), (100, 40), (100, 60), (60, 60)]]
    )
    b = box(100, 0, 200, 100).difference(box(100, 40, 140, 60))
    found = border_discrepancies({"a": a, "b": b}, 1.0)
    assert [(f.kind, f.parties) for f in found] == [("gap", ("a", "b"))]
    assert found[0].area_m2 == pytest.approx(80 * 20)


def test_features_go_to_the_party_holding_most_of_them() -> None:
    territories = {"a": box(0, 0, 100, 100), "b": box(100, 0, 200, 100)}
    features = np.array(
        [
            Point(10, 10),
            Point(150, 50),
            box(80, 0, 130, 10),
            LineString([(90, 5), (300, 5)]),
            Point(500, 500),
        ],
        dtype=object,
    )
    assert list(party_by_location(features, territories)) == ["a", "b", "b", "b", None]


def test_outside_territory_allows_the_tolerance() -> None:
    points = np.array([Point(50, 50), Point(103, 50), Point(120, 50)], dtype=object)
    assert list(outside_territory(points, box(0, 0, 100, 100), 5.0)) == [False, False, True]
