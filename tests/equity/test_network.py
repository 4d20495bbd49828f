"""A road graph from harmonized network links: end points snap into nodes, a link joining
two parties' roads is a crossing, travel time is length over speed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from bordercompact.equity.access import AccessError, nearest_facility_minutes
from bordercompact.equity.network import road_network


def links() -> gpd.GeoDataFrame:
    # west town (party w) along y = 0 up to x = 1000; a bridge to x = 1200 (drawn by the
    # commission, its end 0.4 m off the east road's end); east town (party e) beyond
    return gpd.GeoDataFrame(
        {
            "feature_id": ["w:1", "w:2", "c:bridge", "e:1"],
            "party": ["w", "w", "commission", "e"],
            "speed_limit": [10.0, 10.0, 5.0, np.nan],  # m/s; e:1 takes the default
        },
        geometry=[
            LineString([(0, 0), (600, 0)]),
            LineString([(600, 0), (1000, 0)]),
            LineString([(1000, 0), (1200.4, 0)]),
            LineString([(1200, 0), (2200, 0)]),
        ],
        crs="EPSG:32614",
    )


def test_end_points_within_the_snapping_distance_are_one_node() -> None:
    network = road_network(links(), default_speed_m_s=20.0, territorial={"w", "e"})
    assert network.graph.n_nodes == 5  # 0, 600, 1000, 1200(.4), 2200
    assert sorted(set(network.graph.party)) == ["e", "w"]


def test_the_link_joining_two_parties_is_a_crossing_named_by_its_feature() -> None:
    graph = road_network(links(), default_speed_m_s=20.0, territorial={"w", "e"}).graph
    assert sorted(c for c in graph.crossing_id if c) == ["c:bridge"]


def test_travel_time_is_length_over_speed() -> None:
    network = road_network(links(), default_speed_m_s=20.0, territorial={"w", "e"})
    origin, _ = network.nearest_nodes(gpd.GeoSeries([Point(0, 10)], crs="EPSG:32614"))
    target, _ = network.nearest_nodes(gpd.GeoSeries([Point(2200, -5)], crs="EPSG:32614"))
    # 1000 m at 10 m/s + 200.4 m at 5 m/s + 1000 m at 20 m/s = 100 + 40.08 + 50 s
    result = nearest_facility_minutes(network.graph, origin, target)
    assert result.minutes[0] == pytest.approx((100 + 40.08 + 50) / 60)


def test_a_network_without_links_is_refused() -> None:
    with pytest.raises(AccessError, match="no link"):
        road_network(links().iloc[0:0], default_speed_m_s=20.0)
