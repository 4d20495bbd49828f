"""Access to facilities (cooling centres, hospitals, shelters) across a border: travel time
on the road network to the nearest facility, the two-step floating catchment area (2SFCA)
ratio, and their population-weighted summaries by party or SVI quintile.

The road network is a :class:`RoadGraph` of edges with travel times in minutes. A border
crossing (a bridge, a ferry, a checkpoint) is an edge carrying a crossing id, so that a
scenario can add its waiting time or close it (:func:`with_crossings`). Shortest paths are
SciPy's Dijkstra (``scipy.sparse.csgraph.dijkstra``) run from the facilities on the
reversed graph: the time from a zone to a facility is the time from the facility to the
zone against the direction of travel, so one multi-source run serves every zone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import dijkstra

#: The share of a group's people the reported percentile travel time covers.
PERCENTILE_SHARE = 0.9
#: Facilities × nodes distances computed at once by :func:`two_step_fca` (32 MiB).
_DISTANCE_BLOCK = 1 << 22


class AccessError(ValueError):
    """A road graph, crossing scenario or zone table access cannot be computed from."""


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A road network: ``n_nodes`` nodes and edges ``tail`` → ``head`` taking ``minutes``.

    An edge is travelled both ways unless ``one_way`` is true for it. ``crossing_id`` is
    the id of the border crossing the edge is (e.g. ``"old-bridge"``), ``""`` for an
    ordinary road; tag only the edge that spans the border, since a crossing's waiting
    time is added to every edge carrying its id. ``party`` is the party each node lies in.
    Arrays are copied and made read-only; errors name the edge (its index) and the field.
    """

    n_nodes: int
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    minutes: NDArray[np.float64]
    crossing_id: NDArray[np.str_]
    one_way: NDArray[np.bool_]
    party: NDArray[np.str_] = field(repr=False)

    def __post_init__(self) -> None:
        arrays = {
            "tail": np.array(self.tail),
            "head": np.array(self.head),
            "minutes": np.array(self.minutes, dtype=np.float64),
            "crossing_id": np.array(self.crossing_id, dtype=np.str_),
            "one_way": np.array(self.one_way),
            "party": np.array(self.party, dtype=np.str_),
        }
        if arrays["tail"].ndim != 1:
            raise AccessError(f"tail has shape {arrays['tail'].shape}; expected one node per edge")
        for name, values in arrays.items():
            expected = self.n_nodes if name == "party" else arrays["tail"].shape[0]
            if values.shape != (expected,):
                what = "node (n_nodes)" if name == "party" else "edge, as many as tail"
                raise AccessError(
                    f"{name} has shape {values.shape}; expected ({expected},), one value per {what}"
                )
        if arrays["one_way"].dtype != np.bool_:
            raise AccessError(f"one_way has dtype {arrays['one_way'].dtype}; expected bool")
        for name in ("tail", "head"):
            if arrays[name].size and not np.issubdtype(arrays[name].dtype, np.integer):
                raise AccessError(f"{name} has dtype {arrays[name].dtype}; expected node indices")
            nodes = arrays[name].astype(np.int64)
            outside = np.flatnonzero((nodes < 0) | (nodes >= self.n_nodes))
            if outside.size:
                edge = int(outside[0])
                raise AccessError(
                    f"edge {edge}: {name} node {nodes[edge]} is not a node; expected an index "
                    f"in 0..{self.n_nodes - 1} (n_nodes={self.n_nodes})"
                )
            arrays[name] = nodes
        _check_nonnegative(arrays["minutes"], "edge {}: minutes")
        for name, values in arrays.items():
            values.flags.writeable = False
            object.__setattr__(self, name, values)

    @classmethod
    def from_edges(
        cls,
        tail: ArrayLike,
        head: ArrayLike,
        minutes: ArrayLike,
        party: ArrayLike,
        *,
        crossing_id: ArrayLike | None = None,
        one_way: bool | ArrayLike = False,
    ) -> RoadGraph:
        """A graph of the nodes ``0 … len(party) − 1`` (``party`` of each node) and the
        given edges; no crossings unless ``crossing_id`` says so; two-way unless
        ``one_way`` (one flag for all edges, or one per edge)."""
        party = np.asarray(party, dtype=np.str_)
        n_edges = np.atleast_1d(np.asarray(tail)).shape[0]
        crossing = np.full(n_edges, "") if crossing_id is None else np.asarray(crossing_id)
        one_way_flags = np.asarray(one_way)
        return cls(
            n_nodes=party.shape[0],
            tail=np.asarray(tail),
            head=np.asarray(head),
            minutes=np.asarray(minutes, dtype=np.float64),
            crossing_id=crossing.astype(np.str_),
            one_way=np.full(n_edges, one_way_flags) if one_way_flags.ndim == 0 else one_way_flags,
            party=party,
        )


def travel_minutes(length_m: ArrayLike, speed_m_s: ArrayLike) -> NDArray[np.float64]:
    """Travel time of a road section, t = L / v / 60 (minutes), from its length L (m) and
    the speed v (m/s) at which it is driven (e.g. the speed limit of its road class)."""
    length, speed = np.broadcast_arrays(
        np.asarray(length_m, dtype=np.float64), np.asarray(speed_m_s, dtype=np.float64)
    )
    _check_nonnegative(length, "section {}: length_m")
    slow = np.flatnonzero(~(np.isfinite(speed) & (speed > 0)))
    if slow.size:
        at = int(slow[0])
        raise AccessError(
            f"section {at}: speed_m_s is {speed.ravel()[at]}; expected a finite speed > 0"
        )
    return length / speed / 60.0


def with_crossings(
    graph: RoadGraph,
    delay_minutes: Mapping[str, float] | None = None,
    closed: Collection[str] = (),
) -> RoadGraph:
    """The graph of a crossing scenario: ``delay_minutes[c]`` (minutes, e.g. the border
    wait) added to every edge of crossing ``c``, and the edges of the ``closed`` crossings
    (a flooded bridge, a closed border) removed. A crossing id the graph does not have is
    an error naming it."""
    delay_minutes = dict(delay_minutes or {})
    known = set(np.unique(graph.crossing_id)) - {""}
    unknown = sorted((set(delay_minutes) | set(closed)) - known)
    if unknown:
        raise AccessError(
            f"crossing {unknown[0]!r} is not in the road graph; expected one of its "
            f"crossings: {', '.join(map(repr, sorted(known))) or '(none)'}"
        )
    for crossing, delay in delay_minutes.items():
        if not (np.isfinite(delay) and delay >= 0):
            raise AccessError(
                f"crossing {crossing!r}: delay_minutes is {delay}; expected a finite number ≥ 0"
            )
    minutes = graph.minutes.copy()
    for crossing, delay in delay_minutes.items():
        minutes[graph.crossing_id == crossing] += delay
    kept = ~np.isin(graph.crossing_id, list(closed))
    return RoadGraph(
        n_nodes=graph.n_nodes,
        tail=graph.tail[kept],
        head=graph.head[kept],
        minutes=minutes[kept],
        crossing_id=graph.crossing_id[kept],
        one_way=graph.one_way[kept],
        party=graph.party,
    )


class NearestFacility(NamedTuple):
    """Per origin: travel time to the nearest facility (minutes, ``inf`` where none can be
    reached) and that facility's index in ``facility_nodes`` (−1 where none)."""

    minutes: NDArray[np.float64]
    facility: NDArray[np.int64]


def nearest_facility_minutes(
    graph: RoadGraph,
    origin_nodes: ArrayLike,
    facility_nodes: ArrayLike,
    *,
    restricted: bool | ArrayLike = False,
    facility_party: ArrayLike | None = None,
    origin_party: ArrayLike | None = None,
) -> NearestFacility:
    """Travel time (minutes) from each origin node to the nearest facility it may use.

    A facility that is ``restricted`` (one flag for all, or one per facility) serves only
    the residents of its own party; the others serve everybody. Parties are those of the
    nodes unless ``facility_party`` / ``origin_party`` say otherwise. To see what opening
    restricted facilities to all changes, call this once restricted and once open and pass
    both times to :func:`minutes_saved`. Of facilities on the same node, the first is named.

    With all facilities open this is one multi-source Dijkstra (``min_only=True``) from the
    facilities on the reversed graph; with restrictions, one such run per party of the
    origins, over the facilities open to that party.
    """
    origins = _node_indices(graph, origin_nodes, "origin_nodes")
    facilities = _node_indices(graph, facility_nodes, "facility_nodes")
    limited = _one_each(restricted, facilities.size, "restricted", "facility_nodes").astype(
        np.bool_
    )
    own = np.asarray(graph.party[facilities] if facility_party is None else facility_party)
    resident = np.asarray(graph.party[origins] if origin_party is None else origin_party)
    _check_length(own, facilities.size, "facility_party", "facility_nodes")
    _check_length(resident, origins.size, "origin_party", "origin_nodes")

    reversed_graph = _reversed_csr(graph)
    minutes = np.full(origins.size, np.inf)
    nearest = np.full(origins.size, -1, dtype=np.int64)
    if not limited.any():
        runs = [(np.ones(origins.size, np.bool_), np.ones(facilities.size, np.bool_))]
    else:
        runs = [(resident == p, ~limited | (own == p)) for p in np.unique(resident)]
    for residents, usable in runs:
        chosen = np.flatnonzero(usable)
        if chosen.size == 0:
            continue
        distance, _, source = dijkstra(
            reversed_graph,
            directed=True,
            indices=facilities[chosen],
            min_only=True,
            return_predecessors=True,
        )
        # The first facility on a node names it: assign in reverse so the first one wins.
        facility_at_node = np.full(graph.n_nodes, -1, dtype=np.int64)
        facility_at_node[facilities[chosen][::-1]] = chosen[::-1]
        source_node = source[origins[residents]]
        reached = source_node >= 0  # csgraph marks "no source" with −9999
        named = np.full(source_node.size, -1, dtype=np.int64)
        named[reached] = facility_at_node[source_node[reached]]
        minutes[residents] = distance[origins[residents]]
        nearest[residents] = named
    return NearestFacility(minutes, nearest)


def minutes_saved(before: ArrayLike, after: ArrayLike) -> NDArray[np.float64]:
    """Minutes saved per origin from ``before`` to ``after`` (e.g. restricted → open
    facilities): before − after; ``inf`` where only ``after`` reaches a facility, 0 where
    neither does."""
    before_minutes = np.asarray(before, dtype=np.float64)
    after_minutes = np.asarray(after, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        saved = before_minutes - after_minutes
    return np.where(np.isinf(before_minutes) & np.isinf(after_minutes), 0.0, saved)


class FloatingCatchment(NamedTuple):
    """The 2SFCA result: ``accessibility`` A_i per origin and ``ratio`` R_j per facility,
    both in capacity units per person (e.g. beds per resident)."""

    accessibility: NDArray[np.float64]
    ratio: NDArray[np.float64]


def two_step_fca(
    graph: RoadGraph,
    origin_nodes: ArrayLike,
    population: ArrayLike,
    facility_nodes: ArrayLike,
    capacity: ArrayLike,
    catchment_minutes: float,
) -> FloatingCatchment:
    """The two-step floating catchment area (2SFCA) accessibility of each origin zone.

    Step 1, per facility j of capacity S_j (beds, places): R_j = S_j / Σ_{k: d_kj ≤ d0} P_k,
    the capacity per person of the zones k (population P_k) within the catchment, travel
    time d_kj ≤ d0 = ``catchment_minutes``. Step 2, per zone i:
    A_i = Σ_{j: d_ij ≤ d0} R_j. A facility no one lives within reach of has R_j = 0.

    Travel times are bounded Dijkstra runs (``limit=d0``) from the facilities on the
    reversed graph, a block of facilities at a time, so memory stays bounded.

    Reference: Luo, W., Wang, F. (2003). Measures of spatial accessibility to health care
    in a GIS environment: synthesis and a case study in the Chicago region. Environment and
    Planning B: Planning and Design 30(6), 865–884, doi:10.1068/b29120.
    """
    origins = _node_indices(graph, origin_nodes, "origin_nodes")
    facilities = _node_indices(graph, facility_nodes, "facility_nodes")
    people = _one_each(population, origins.size, "population", "origin_nodes").astype(np.float64)
    supply = _one_each(capacity, facilities.size, "capacity", "facility_nodes").astype(np.float64)
    _check_nonnegative(people, "zone {}: population")
    _check_nonnegative(supply, "facility {}: capacity")
    if not (np.isfinite(catchment_minutes) and catchment_minutes >= 0):
        raise AccessError(f"catchment_minutes is {catchment_minutes}; expected a finite number ≥ 0")

    reversed_graph = _reversed_csr(graph)
    block = max(1, _DISTANCE_BLOCK // max(graph.n_nodes, 1))
    rows, cols = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for start in range(0, facilities.size, block):
        distance = dijkstra(
            reversed_graph,
            directed=True,
            indices=facilities[start : start + block],
            limit=catchment_minutes,
        )
        facility, origin = np.nonzero(distance[:, origins] <= catchment_minutes)
        rows.append(facility + start)
        cols.append(origin)
    facility_index, origin_index = np.concatenate(rows), np.concatenate(cols)
    within = sp.csr_array(
        (np.ones(facility_index.size), (facility_index, origin_index)),
        shape=(facilities.size, origins.size),
    )
    demand = within @ people
    ratio = np.divide(supply, demand, out=np.zeros_like(supply), where=demand > 0)
    return FloatingCatchment(within.T @ ratio, ratio)


def access_summary(
    minutes: ArrayLike,
    population: ArrayLike,
    groups: ArrayLike,
    threshold_minutes: float,
) -> pd.DataFrame:
    """Population-weighted travel times of each group (party, SVI quintile: any label per
    origin) and of everyone (the ``"total"`` row, last).

    Columns: ``group``; ``population`` (people); ``mean_minutes``, Σ P_i t_i / Σ P_i, which
    is ``inf`` when some people cannot reach a facility at all; ``p90_minutes``, the
    smallest of the group's times t such that the people with t_i ≤ t are at least 90 %
    of the group (``inf`` when more than 10 % cannot reach one); ``people_unreachable``,
    those with t_i = ``inf``; ``people_beyond``, those with t_i > ``threshold_minutes``
    (the unreachable included), and ``share_beyond``, their share of the group. A group
    of no people has NaN times and share.
    """
    times = np.asarray(minutes, dtype=np.float64)
    people = np.asarray(population, dtype=np.float64)
    labels = np.asarray(groups)
    _check_length(people, times.size, "population", "minutes")
    _check_length(labels, times.size, "groups", "minutes")
    _check_nonnegative(people, "origin {}: population")
    missing = np.flatnonzero(np.isnan(times))
    if missing.size:
        raise AccessError(f"origin {int(missing[0])}: minutes is NaN; expected a time ≥ 0 or inf")
    rows = [
        _group_row(group, times[labels == group], people[labels == group], threshold_minutes)
        for group in np.unique(labels)
    ]
    rows.append(_group_row("total", times, people, threshold_minutes))
    return pd.DataFrame(rows)


def _group_row(
    group: object, times: np.ndarray, people: np.ndarray, threshold: float
) -> dict[str, object]:
    total = float(people.sum())
    unreachable = float(people[np.isinf(times)].sum())
    beyond = float(people[times > threshold].sum())
    if total > 0:
        mean = np.inf if unreachable > 0 else float(people @ times / total)
        order = np.argsort(times, kind="stable")
        covered = np.cumsum(people[order])
        # A relative tolerance so that exactly 90 % is not missed by rounding in the sum.
        at = np.searchsorted(covered, PERCENTILE_SHARE * total * (1 - 1e-12), side="left")
        p90 = float(times[order][at])
        share = beyond / total
    else:
        mean = p90 = share = np.nan
    return {
        "group": group,
        "population": total,
        "mean_minutes": mean,
        "p90_minutes": p90,
        "people_unreachable": unreachable,
        "people_beyond": beyond,
        "share_beyond": share,
    }


def _reversed_csr(graph: RoadGraph) -> sp.csr_array:
    """The graph against the direction of travel, as a CSR matrix: entry (h, t) is the
    time of the fastest edge t → h. Parallel edges keep the fastest (a sparse constructor
    would add them up); zero-time edges stay explicit entries, which csgraph counts."""
    two_way = ~graph.one_way
    rows = np.concatenate([graph.head, graph.tail[two_way]])
    cols = np.concatenate([graph.tail, graph.head[two_way]])
    weight = np.concatenate([graph.minutes, graph.minutes[two_way]])
    arc = rows * graph.n_nodes + cols
    order = np.argsort(arc)
    arc, weight = arc[order], weight[order]
    first = np.flatnonzero(np.diff(arc, prepend=-1))
    weight = np.minimum.reduceat(weight, first)  # the fastest of parallel edges
    rows, cols = np.divmod(arc[first], graph.n_nodes)
    indptr = np.zeros(graph.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=graph.n_nodes), out=indptr[1:])
    return sp.csr_array((weight, cols, indptr), shape=(graph.n_nodes, graph.n_nodes))


def _node_indices(graph: RoadGraph, nodes: ArrayLike, name: str) -> NDArray[np.int64]:
    indices = np.atleast_1d(np.asarray(nodes))
    if indices.ndim != 1 or (indices.size and not np.issubdtype(indices.dtype, np.integer)):
        raise AccessError(f"{name} has dtype {indices.dtype}; expected node indices")
    outside = np.flatnonzero((indices < 0) | (indices >= graph.n_nodes))
    if outside.size:
        at = int(outside[0])
        raise AccessError(
            f"{name}[{at}] is {indices[at]}; expected a node index in 0..{graph.n_nodes - 1}"
        )
    return indices.astype(np.int64)


def _one_each(values: object, n: int, name: str, of: str) -> np.ndarray:
    """One value for each of the ``n`` items of ``of`` (a scalar applies to all)."""
    array = np.asarray(values)
    if array.ndim == 0:
        return np.full(n, array)
    _check_length(array, n, name, of)
    return array


def _check_length(values: np.ndarray, n: int, name: str, of: str) -> None:
    if values.ndim != 1 or values.shape[0] != n:
        raise AccessError(f"{name} has shape {values.shape}; expected {n} values, as {of}")


def _check_nonnegative(values: np.ndarray, culprit: str) -> None:
    """Every value finite and ≥ 0; ``culprit`` (with ``{}`` for the index) names the first
    that is not."""
    flat = values.ravel()
    bad = np.flatnonzero(~(np.isfinite(flat) & (flat >= 0)))
    if bad.size:
        at = int(bad[0])
        raise AccessError(f"{culprit.format(at)} is {flat[at]}; expected a finite number ≥ 0")
