"""A routable road graph from a region's harmonized network layer: links become edges,
their end points nodes (end points closer than a snapping distance are one node), and
links that join two parties' roads are border crossings."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from bordercompact.equity.access import AccessError, RoadGraph, travel_minutes

#: End points of links closer than this (m) are the same node: the parties' road files
#: and the bridges between them were digitized apart and reprojected separately.
SNAP_M = 1.0


@dataclass(frozen=True)
class RoadNetwork:
    """The graph and where its nodes are (analysis CRS, metres)."""

    graph: RoadGraph
    x: np.ndarray
    y: np.ndarray
    length_m: np.ndarray  # of each edge

    def nearest_nodes(
        self, points: gpd.GeoSeries, party: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The node nearest each point and its distance (m); polygons by a point on their
        surface; points in the network's CRS. With ``party`` (one per point), among the
        nodes of the point's own party where it has any (a riverside zone starts on its
        own bank, not across the river)."""
        where = points.representative_point()
        xy = np.column_stack((where.x.to_numpy(), where.y.to_numpy()))
        nodes = np.column_stack((self.x, self.y))
        node = np.empty(len(xy), dtype=np.int64)
        distance = np.empty(len(xy))
        owners = np.full(len(xy), "") if party is None else np.asarray(party, dtype=str)
        for owner in np.unique(owners):
            mine = owners == owner
            candidates = np.flatnonzero(self.graph.party == owner)
            if candidates.size == 0:
                candidates = np.arange(len(nodes))
            distance[mine], nearest = cKDTree(nodes[candidates]).query(xy[mine])
            node[mine] = candidates[nearest]
        return node, distance

    def walking(self, speed_m_s: float) -> RoadGraph:
        """The same graph travelled on foot at ``speed_m_s`` (every link, both ways)."""
        graph = self.graph
        return RoadGraph.from_edges(
            graph.tail,
            graph.head,
            travel_minutes(self.length_m, speed_m_s),
            graph.party,
            crossing_id=graph.crossing_id,
        )


def road_network(
    links: gpd.GeoDataFrame,
    default_speed_m_s: float,
    territorial: Collection[str] | None = None,
    snap_m: float = SNAP_M,
) -> RoadNetwork:
    """The road graph of harmonized ``network`` links (analysis CRS in metres, a
    ``speed_limit`` in m/s where known, ``party`` of each link). A node's party is the
    party of the roads that meet there, counting only the ``territorial`` parties' roads
    where any meet (a binational commission's bridge does not make its ends the
    commission's); a link whose two ends lie in different parties is a crossing, with the
    link's ``feature_id`` as the crossing's id. Travel time is the
    link's length at its speed limit (``default_speed_m_s`` where none is given)."""
    lines = links.explode(index_parts=False).reset_index(drop=True)
    lines = lines[~lines.geometry.is_empty & lines.geometry.notna()]
    if lines.empty:
        raise AccessError("the network layer has no link; expected roads to route on")
    start = shapely.get_point(lines.geometry.values, 0)
    end = shapely.get_point(lines.geometry.values, -1)
    ends = np.column_stack(
        (
            np.concatenate([shapely.get_x(start), shapely.get_x(end)]),
            np.concatenate([shapely.get_y(start), shapely.get_y(end)]),
        )
    )
    node = _snapped_nodes(ends, snap_m)
    n_links = len(lines)
    tail, head = node[:n_links], node[n_links:]
    n_nodes = int(node.max()) + 1
    x = np.bincount(node, weights=ends[:, 0], minlength=n_nodes) / np.bincount(node)
    y = np.bincount(node, weights=ends[:, 1], minlength=n_nodes) / np.bincount(node)
    link_party = lines["party"].astype(str).to_numpy()
    counted = (
        np.ones(n_links, dtype=bool)
        if territorial is None
        else np.isin(link_party, list(territorial))
    )
    node_party = _node_parties(tail, head, link_party, counted, n_nodes)
    crossing = np.where(
        node_party[tail] != node_party[head], lines["feature_id"].astype(str).to_numpy(), ""
    )
    speed = pd.to_numeric(lines.get("speed_limit"), errors="coerce")
    speed = (
        speed.fillna(default_speed_m_s).to_numpy(dtype=np.float64) if speed is not None else None
    )
    length = lines.geometry.length.to_numpy()
    minutes = travel_minutes(
        length, speed if speed is not None else np.full(n_links, default_speed_m_s)
    )
    graph = RoadGraph.from_edges(tail, head, minutes, node_party, crossing_id=crossing)
    return RoadNetwork(graph, x, y, length)


def _snapped_nodes(points: np.ndarray, snap_m: float) -> np.ndarray:
    """A node label per point, points within ``snap_m`` of each other (transitively)
    sharing one."""
    pairs = cKDTree(points).query_pairs(snap_m, output_type="ndarray")
    n = len(points)
    adjacency = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(adjacency, directed=False)
    return label.astype(np.int64)


def _node_parties(
    tail: np.ndarray,
    head: np.ndarray,
    link_party: np.ndarray,
    counted: np.ndarray,
    n_nodes: int,
) -> np.ndarray:
    """The party of each node: the most common party of the ``counted`` links meeting
    there, or of all its links where none is counted."""
    frame = pd.DataFrame(
        {
            "node": np.concatenate([tail, head]),
            "party": np.concatenate([link_party] * 2),
            "counted": np.concatenate([counted] * 2),
        }
    )
    counts = frame.groupby(["node", "party"]).agg(n=("counted", "sum"), links=("counted", "size"))
    counts = counts.reset_index()
    top = counts.sort_values(["node", "n", "links", "party"], ascending=[True, False, False, True])
    first = top.drop_duplicates("node").set_index("node")["party"]
    return first.reindex(range(n_nodes)).fillna("").to_numpy(dtype=str)
