"""Benchmark: travel time from 10,000 zones to the nearest of 200 facilities (three kinds)
and the 2SFCA ratio, on a road graph of about 200,000 edges split by a border river.

The graph is a jittered 317 × 317 grid (150 m blocks, 100,489 nodes): residential streets
at 30 km/h, every 20th street an arterial at 50 km/h, every 80th an expressway at 80 km/h.
A river between the middle columns is the border (west | east); only 5 bridges cross it,
each a crossing with a 5-minute border wait, and one of them is closed (flooded). 10,000
origin zones (lognormal populations) and 100 cooling centres, 30 hospitals and 70 shelters
(with capacities) sit on distinct random nodes.

Timed (median of ``--repeat`` runs): building the crossing scenario, then for each kind the
nearest facility open to all, the nearest with facilities restricted to their own party's
residents, and 2SFCA with a 15-minute catchment. The peak memory of one such run (traced
NumPy/Python allocations, tracemalloc) and the process's peak resident set are printed.

networkx is not installed in this project's venv, so the reference for the nearest-facility
part is SciPy's Dijkstra run from every facility separately (no ``min_only``), then the
minimum per zone; it runs once, and its times must match ours.

    .venv/bin/python benchmarks/access.py [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from bordercompact.equity.access import (
    RoadGraph,
    nearest_facility_minutes,
    travel_minutes,
    two_step_fca,
    with_crossings,
)

SIDE = 317
BLOCK_M = 150.0
SPEED_M_S = {"residential": 30 / 3.6, "arterial": 50 / 3.6, "expressway": 80 / 3.6}
BRIDGES = 5
BORDER_WAIT_MINUTES = 5.0
FLOODED = "bridge-3"
N_ORIGINS = 10_000
#: kind → (count, capacity range): places, beds, places.
FACILITIES = {
    "cooling centre": (100, (50, 300)),
    "hospital": (30, (100, 600)),
    "shelter": (70, (100, 1000)),
}
CATCHMENT_MINUTES = 15.0
TARGET_SECONDS = 10.0

P = ParamSpec("P")
T = TypeVar("T")


def road_graph(rng: np.random.Generator) -> RoadGraph:
    """The jittered grid with its river and bridges (see the module docstring)."""
    row, col = np.divmod(np.arange(SIDE * SIDE), SIDE)
    x = col * BLOCK_M + rng.normal(0, 0.2 * BLOCK_M, row.size)
    y = row * BLOCK_M + rng.normal(0, 0.2 * BLOCK_M, row.size)
    node = np.arange(SIDE * SIDE).reshape(SIDE, SIDE)
    river = SIDE // 2  # between this column and the next
    east_west = (node[:, :-1].ravel(), node[:, 1:].ravel(), row[node[:, :-1].ravel()])
    north_south = (node[:-1, :].ravel(), node[1:, :].ravel(), col[node[:-1, :].ravel()])
    bridge_rows = np.linspace(SIDE // 10, SIDE - SIDE // 10, BRIDGES).astype(int)
    tails, heads, streets = (np.concatenate(p) for p in zip(east_west, north_south, strict=True))
    crosses = (col[tails] == river) & (col[heads] == river + 1)
    keep = ~crosses | np.isin(row[tails], bridge_rows)
    tails, heads, streets = tails[keep], heads[keep], streets[keep]
    speed = np.where(
        streets % 80 == 0,
        SPEED_M_S["expressway"],
        np.where(streets % 20 == 0, SPEED_M_S["arterial"], SPEED_M_S["residential"]),
    )
    is_bridge = (col[tails] == river) & (col[heads] == river + 1)
    speed[is_bridge] = SPEED_M_S["arterial"]
    crossing = np.full(tails.size, "", dtype=object)
    crossing[is_bridge] = [f"bridge-{i + 1}" for i in range(int(is_bridge.sum()))]
    length = np.hypot(x[heads] - x[tails], y[heads] - y[tails])
    return RoadGraph.from_edges(
        tails,
        heads,
        travel_minutes(length, speed),
        party=np.where(col <= river, "west", "east"),
        crossing_id=crossing,
    )


def timed(step: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[T, float]:
    """The result of one call and its wall-clock seconds."""
    start = time.perf_counter()
    result = step(*args, **kwargs)
    return result, time.perf_counter() - start


def workload(
    graph: RoadGraph,
    origins: np.ndarray,
    population: np.ndarray,
    facilities: dict[str, tuple[np.ndarray, np.ndarray]],
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Run the timed steps once; return the seconds of each and the open nearest times."""
    seconds: dict[str, float] = {}
    nearest: dict[str, np.ndarray] = {}
    delays = {c: BORDER_WAIT_MINUTES for c in set(graph.crossing_id) - {""}}
    scenario, seconds["crossing scenario"] = timed(with_crossings, graph, delays, {FLOODED})
    for kind, (nodes, capacity) in facilities.items():
        found, seconds[f"{kind}: nearest, open"] = timed(
            nearest_facility_minutes, scenario, origins, nodes
        )
        _, seconds[f"{kind}: nearest, restricted"] = timed(
            nearest_facility_minutes, scenario, origins, nodes, restricted=True
        )
        _, seconds[f"{kind}: 2SFCA {CATCHMENT_MINUTES:g} min"] = timed(
            two_step_fca, scenario, origins, population, nodes, capacity, CATCHMENT_MINUTES
        )
        nearest[kind] = found.minutes
    return seconds, nearest


def reference(
    graph: RoadGraph, origins: np.ndarray, facilities: dict[str, tuple[np.ndarray, np.ndarray]]
) -> tuple[float, dict[str, np.ndarray]]:
    """SciPy's Dijkstra from each facility separately, then the minimum per zone."""
    delays = {c: BORDER_WAIT_MINUTES for c in set(graph.crossing_id) - {""}}
    scenario = with_crossings(graph, delays, {FLOODED})
    matrix = sp.csr_array(
        (scenario.minutes, (scenario.tail, scenario.head)), shape=(graph.n_nodes,) * 2
    )
    start = time.perf_counter()
    nearest = {
        kind: dijkstra(matrix, directed=False, indices=nodes)[:, origins].min(axis=0)
        for kind, (nodes, _) in facilities.items()
    }
    return time.perf_counter() - start, nearest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    start = time.perf_counter()
    graph = road_graph(rng)
    chosen = rng.choice(graph.n_nodes, N_ORIGINS + sum(n for n, _ in FACILITIES.values()), False)
    origins, chosen = chosen[:N_ORIGINS], chosen[N_ORIGINS:]
    population = rng.lognormal(np.log(400), 0.8, N_ORIGINS)
    facilities = {}
    for kind, (count, (low, high)) in FACILITIES.items():
        facilities[kind] = (chosen[:count], rng.integers(low, high, count).astype(float))
        chosen = chosen[count:]
    built = time.perf_counter() - start

    runs = [workload(graph, origins, population, facilities)[0] for _ in range(args.repeat)]
    gc.collect()
    tracemalloc.start()
    _, ours = workload(graph, origins, population, facilities)
    traced_peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_ours_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reference_seconds, theirs = reference(graph, origins, facilities)

    n_edges = graph.tail.size
    print(
        f"command: .venv/bin/python benchmarks/access.py --repeat {args.repeat} --seed {args.seed}"
    )
    print(
        f"graph: {graph.n_nodes:,} nodes, {n_edges:,} edges (two-way), "
        f"{BRIDGES} bridges ({FLOODED} closed, {BORDER_WAIT_MINUTES:g} min wait); "
        f"{N_ORIGINS:,} origin zones; "
        f"{sum(len(n) for n, _ in facilities.values())} facilities "
        f"({', '.join(f'{len(n)} {k}s' for k, (n, _) in facilities.items())}); "
        f"built in {built:.2f} s"
    )
    print(f"median of {args.repeat} runs (seconds):")
    for step in runs[0]:
        print(f"  {step:<36} {statistics.median(r[step] for r in runs):8.3f}")
    totals = [sum(r.values()) for r in runs]
    total = statistics.median(totals)
    nearest_open = statistics.median(
        sum(v for k, v in r.items() if k.endswith("nearest, open")) for r in runs
    )
    print(f"  {'total':<36} {total:8.3f}   (runs: {', '.join(f'{t:.3f}' for t in totals)})")
    print(
        f"peak memory: {traced_peak_mib:.1f} MiB traced allocations during one run; "
        f"process peak RSS {rss_ours_mib:.0f} MiB (before the reference)"
    )
    difference = max(
        float(np.max(np.abs(np.where(np.isinf(ours[k]), 0, ours[k] - theirs[k]))))
        for k in facilities
    )
    print(
        f"reference (networkx not installed): scipy dijkstra per facility, no min_only, "
        f"one run: {reference_seconds:.3f} s for the three kinds' nearest facility, open; "
        f"ours {nearest_open:.3f} s, {reference_seconds / nearest_open:.1f}× faster; "
        f"largest difference {difference:.2e} min; same unreachable zones: "
        f"{all(np.array_equal(np.isinf(ours[k]), np.isinf(theirs[k])) for k in facilities)}"
    )
    met = "met" if total < TARGET_SECONDS else "NOT met"
    print(f"target: all steps under {TARGET_SECONDS:g} s on this machine: {met} ({total:.2f} s)")


if __name__ == "__main__":
    main()
