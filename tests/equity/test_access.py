"""Travel time to facilities across a border, and the 2SFCA ratio, on graphs small enough
to work out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bordercompact.equity.access import (
    AccessError,
    RoadGraph,
    access_summary,
    minutes_saved,
    nearest_facility_minutes,
    travel_minutes,
    two_step_fca,
    with_crossings,
)

# Two towns on either side of a river, joined by a bridge and a ferry (minutes on edges):
#
#   west                         east
#   1 ─────── bridge 2 ─────── 3
#   │ 4                         │ 3
#   0 (west centre)             4 (east centre)
#   │ 5                         │ 5
#   2 ─────── ferry 10 ─────── 5
WEST_CENTRE, BRIDGE_WEST, FERRY_WEST, BRIDGE_EAST, EAST_CENTRE, FERRY_EAST = range(6)
PARTY = ["west", "west", "west", "east", "east", "east"]
ALL_NODES = np.arange(6)


def two_towns() -> RoadGraph:
    return RoadGraph.from_edges(
        tail=[0, 0, 1, 2, 3, 4],
        head=[1, 2, 3, 5, 4, 5],
        minutes=[4.0, 5.0, 2.0, 10.0, 3.0, 5.0],
        party=PARTY,
        crossing_id=["", "", "bridge", "ferry", "", ""],
    )


def test_nearest_times_follow_the_fastest_route_over_the_bridge() -> None:
    nearest = nearest_facility_minutes(two_towns(), ALL_NODES, [EAST_CENTRE])
    # 0: 4 + 2 + 3 over the bridge (the ferry takes 5 + 10 + 5); 2: 5 + 9 by the centre.
    assert nearest.minutes.tolist() == [9.0, 5.0, 14.0, 3.0, 0.0, 5.0]
    assert nearest.facility.tolist() == [0] * 6


def test_closing_the_bridge_reroutes_the_west_to_the_ferry() -> None:
    graph = two_towns()
    flooded = with_crossings(graph, closed={"bridge"})
    nearest = nearest_facility_minutes(flooded, ALL_NODES, [EAST_CENTRE])
    # 0: 5 + 10 + 5; 1: 4 + 20; 2: 10 + 5; 3: 3, the east side is untouched.
    assert nearest.minutes.tolist() == [20.0, 24.0, 15.0, 3.0, 0.0, 5.0]
    assert "bridge" in graph.crossing_id  # the scenario is a new graph


def test_closing_every_crossing_leaves_the_west_without_a_facility() -> None:
    cut_off = with_crossings(two_towns(), closed={"bridge", "ferry"})
    nearest = nearest_facility_minutes(cut_off, ALL_NODES, [EAST_CENTRE])
    assert nearest.minutes.tolist() == [math.inf] * 3 + [3.0, 0.0, 5.0]
    assert nearest.facility.tolist() == [-1, -1, -1, 0, 0, 0]


def test_a_border_wait_adds_to_times_through_the_crossing() -> None:
    waiting = with_crossings(two_towns(), delay_minutes={"bridge": 10.0})
    nearest = nearest_facility_minutes(waiting, ALL_NODES, [EAST_CENTRE])
    # 0: 4 + (2 + 10) + 3 = 19, still faster than the ferry's 20; 2: now the ferry, 15.
    assert nearest.minutes.tolist() == [19.0, 15.0, 15.0, 3.0, 0.0, 5.0]


def test_the_nearest_facility_is_named_by_its_index() -> None:
    nearest = nearest_facility_minutes(two_towns(), ALL_NODES, [FERRY_WEST, EAST_CENTRE])
    assert nearest.minutes.tolist() == [5.0, 5.0, 0.0, 3.0, 0.0, 5.0]
    # Node 1 is 9 from the ferry landing by the centre and 5 from the east centre.
    assert nearest.facility.tolist() == [0, 1, 0, 1, 1, 1]


def test_restricted_facilities_serve_their_own_residents_and_opening_them_helps() -> None:
    graph = two_towns()
    facilities = [BRIDGE_WEST, EAST_CENTRE]
    restricted = nearest_facility_minutes(graph, ALL_NODES, facilities, restricted=True)
    opened = nearest_facility_minutes(graph, ALL_NODES, facilities)
    # The east bridge end is 3 from its own centre but 2 from the west's facility.
    assert restricted.minutes.tolist() == [4.0, 0.0, 9.0, 3.0, 0.0, 5.0]
    assert restricted.facility.tolist() == [0, 0, 0, 1, 1, 1]
    assert opened.minutes.tolist() == [4.0, 0.0, 9.0, 2.0, 0.0, 5.0]
    assert opened.facility.tolist() == [0, 0, 0, 0, 1, 1]
    assert minutes_saved(restricted.minutes, opened.minutes).tolist() == [0, 0, 0, 1, 0, 0]


def test_residents_of_a_party_without_an_open_facility_reach_none() -> None:
    graph = two_towns()
    only_east = nearest_facility_minutes(graph, ALL_NODES, [EAST_CENTRE], restricted=True)
    assert only_east.minutes.tolist() == [math.inf] * 3 + [3.0, 0.0, 5.0]
    # Restriction per facility: the west clinic is for its residents, the east one for all.
    mixed = nearest_facility_minutes(
        graph, ALL_NODES, [BRIDGE_WEST, EAST_CENTRE], restricted=[True, False]
    )
    assert mixed.minutes.tolist() == [4.0, 0.0, 9.0, 3.0, 0.0, 5.0]


def test_minutes_saved_is_infinite_when_only_opening_reaches_a_facility() -> None:
    saved = minutes_saved([math.inf, math.inf, 12.0], [math.inf, 7.0, 12.0])
    assert saved.tolist() == [0.0, math.inf, 0.0]


def test_a_one_way_edge_is_travelled_only_from_tail_to_head() -> None:
    graph = RoadGraph.from_edges([0, 1], [1, 2], [1.0, 1.0], ["a"] * 3, one_way=[True, False])
    nearest = nearest_facility_minutes(graph, [0, 1, 2], [0])
    assert nearest.minutes.tolist() == [0.0, math.inf, math.inf]
    assert nearest_facility_minutes(graph, [0, 1, 2], [2]).minutes.tolist() == [2.0, 1.0, 0.0]


def test_parallel_edges_keep_the_fastest_and_zero_minute_edges_count() -> None:
    graph = RoadGraph.from_edges([0, 0, 1], [1, 1, 2], [5.0, 3.0, 0.0], ["a"] * 3)
    assert nearest_facility_minutes(graph, [0, 1], [2]).minutes.tolist() == [3.0, 0.0]


def test_travel_minutes_is_length_over_speed() -> None:
    # 1 km at 50 km/h (13.9 m/s) is 1.2 minutes.
    assert travel_minutes([1000.0, 0.0], 50 / 3.6).tolist() == pytest.approx([1.2, 0.0])


def test_two_step_fca_matches_the_hand_computation() -> None:
    # zone A ─4─ facility X ─10─ zone B ─3─ facility Y ─7─ zone C, catchment 10 minutes:
    # X reaches A (4) and B (10, on the boundary, inside); Y reaches B (3) and C (7).
    graph = RoadGraph.from_edges([0, 1, 2, 3], [1, 2, 3, 4], [4.0, 10.0, 3.0, 7.0], ["a"] * 5)
    zones, population = [0, 2, 4], [100.0, 200.0, 300.0]
    facilities, beds = [1, 3], [30.0, 100.0]
    result = two_step_fca(graph, zones, population, facilities, beds, catchment_minutes=10.0)
    # R_X = 30 / (100 + 200) = 0.1, R_Y = 100 / (200 + 300) = 0.2.
    assert result.ratio.tolist() == pytest.approx([0.1, 0.2])
    # A_A = R_X, A_B = R_X + R_Y (both catchments overlap at B), A_C = R_Y.
    assert result.accessibility.tolist() == pytest.approx([0.1, 0.3, 0.2])
    # Every bed is shared out once: Σ P_i A_i = Σ S_j.
    assert np.dot(population, result.accessibility) == pytest.approx(sum(beds))


def test_a_facility_nobody_can_reach_within_the_catchment_has_ratio_zero() -> None:
    graph = RoadGraph.from_edges([0], [1], [30.0], ["a", "a"])
    result = two_step_fca(graph, [0], [100.0], [0, 1], [10.0, 50.0], catchment_minutes=15.0)
    assert result.ratio.tolist() == [0.1, 0.0]
    assert result.accessibility.tolist() == [0.1]


def test_summary_weights_by_population_and_counts_the_unreachable_as_beyond() -> None:
    summary = access_summary(
        minutes=[5.0, 10.0, 20.0, math.inf],
        population=[100.0, 200.0, 100.0, 40.0],
        groups=["west", "west", "east", "east"],
        threshold_minutes=15.0,
    ).set_index("group")
    assert summary.index.tolist() == ["east", "west", "total"]
    west, east, total = summary.loc["west"], summary.loc["east"], summary.loc["total"]
    assert west["mean_minutes"] == pytest.approx((5 * 100 + 10 * 200) / 300)
    assert west["p90_minutes"] == 10.0  # 270 of 300 people needed, 300 within 10
    assert (west["people_beyond"], west["share_beyond"]) == (0.0, 0.0)
    assert east["mean_minutes"] == math.inf
    assert east["p90_minutes"] == math.inf  # 126 of 140 needed, only 100 within 20
    assert (east["people_unreachable"], east["people_beyond"]) == (40.0, 140.0)
    assert east["share_beyond"] == 1.0
    assert total["population"] == 440.0
    assert total["mean_minutes"] == math.inf
    assert total["p90_minutes"] == 20.0  # 396 of 440 needed, 400 within 20
    assert total["share_beyond"] == pytest.approx(140 / 440)


def test_p90_is_the_smallest_time_within_which_90_percent_of_people_are() -> None:
    minutes = np.arange(1.0, 11.0)
    for people in (np.ones(10), np.full(10, 0.1)):  # 0.1: the sums round
        summary = access_summary(minutes, people, ["q1"] * 10, threshold_minutes=15.0)
        assert summary["p90_minutes"].tolist() == [9.0, 9.0]


def test_summary_groups_by_svi_quintile_and_a_group_of_nobody_has_no_times() -> None:
    summary = access_summary([4.0, 8.0, 30.0], [10.0, 0.0, 30.0], [1, 2, 5], 15.0)
    assert summary["group"].tolist() == [1, 2, 5, "total"]
    assert summary["mean_minutes"].tolist()[0] == 4.0
    assert np.isnan(summary["mean_minutes"].tolist()[1])
    assert summary["people_beyond"].tolist() == [0.0, 0.0, 30.0, 30.0]


def test_a_node_out_of_range_is_named_by_edge_and_field() -> None:
    with pytest.raises(AccessError, match=r"edge 1: head node 9 is not a node.*0\.\.2"):
        RoadGraph.from_edges([0, 1], [1, 9], [1.0, 1.0], ["a"] * 3)


def test_a_negative_time_is_named_by_edge_and_field() -> None:
    with pytest.raises(AccessError, match=r"edge 2: minutes is -1\.0; expected a finite"):
        RoadGraph.from_edges([0, 1, 2], [1, 2, 0], [1.0, 2.0, -1.0], ["a"] * 3)


def test_an_unknown_crossing_is_named_with_the_known_ones() -> None:
    with pytest.raises(AccessError, match=r"crossing 'tunnel' is not in the road graph.*'bridge'"):
        with_crossings(two_towns(), closed={"tunnel"})


def test_a_bad_origin_and_a_bad_speed_are_named() -> None:
    with pytest.raises(AccessError, match=r"origin_nodes\[1\] is 99; expected a node index"):
        nearest_facility_minutes(two_towns(), [0, 99], [EAST_CENTRE])
    with pytest.raises(AccessError, match=r"section 1: speed_m_s is 0\.0"):
        travel_minutes([100.0, 100.0], [10.0, 0.0])


def test_a_zone_snapped_across_the_border_keeps_its_own_party() -> None:
    # An east zone whose centroid snapped to the west ferry landing still may use only
    # the east facility when facilities are restricted: 5 + 4 + 2 + 3 over the bridge.
    nearest = nearest_facility_minutes(
        two_towns(),
        [FERRY_WEST],
        [BRIDGE_WEST, EAST_CENTRE],
        restricted=True,
        origin_party=["east"],
    )
    assert nearest.minutes.tolist() == [14.0]
    assert nearest.facility.tolist() == [1]
