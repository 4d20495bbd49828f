"""Benchmark: appraising measures and their interacting pairs, incremental against full re-runs.

30 adaptation measures and every pair of interacting ones on 1,000,000 assets × 1,000 flood
events, the engine re-run on the touched assets and the centroids they stand on only
(``avoided_impact``), against full re-runs measured in the same run.

The case: a square grid of centroids at 0.001° (1,000 × 1,000 for a million assets), a
border river along its middle row, the north bank one party's and the south bank the
other's; each asset stands on a random cell (several may share one, about a third of
the cells hold none), 80 % of them residential and 20 % commercial (two JRC-like
depth-damage curves), 5 % of them, anywhere, the river commission's. Each event floods
one elliptic patch of the floodplain: its centre on the river give or take 6 % of the
side, its half-axes about 9 % of the side along the river and 3.5 % across it
(lognormal), its depth highest in the middle (lognormal, median 1.5 m) and 0 at the
rim; the printed density is the share of centroids an event floods, on average. Events
happen once a year together (random frequencies).

The measures lie on rectangles of the grid across the river: four groups of 5, 4, 3 and
2 overlapping measures (each of the first two around a large zone, 6–8 % of the assets;
the group of 3 a chain, where the first and the last do not overlap but both overlap the
middle one) and independent ones beside them (one large, the others on zones of 0.1–1 %
of the assets; an effect on commercial curves touches a fifth of its zone's assets).
They mix hazard effects (a scale, a shift, some only up to a design return period),
vulnerability effects (residential or commercial curves) and reductions (early warning,
buy-outs).

Timed, as the measures stage of an appraisal does it (``MeasureSets``): the baseline
impact once, the line's intensity stored by centroid once (``intensity_by_centroid``,
which ``MeasureSets`` builds once per risk line), each measure through ``avoided_impact``
with it, the interaction groups from the measures' outcomes (``interaction_groups``), and
each pair of measures within a group through ``avoided_impact`` with both effect lists;
the median of ``--repeat`` runs in this process, with the memory each run needs beyond
the loaded inputs (peak resident set, reset before it). The reference: for 3 measures
(the smallest, the median and the largest by touched assets), the full re-run an
appraisal without ``avoided_impact`` would do (``apply_measures`` on all the inputs, then
``compute_impact`` on all the assets), ``--repeat`` times; its avoided AAI (baseline
minus after) is compared with the incremental one. ``--profile`` runs one more appraisal
under cProfile and prints the functions that take the most time.

The two targets: the whole appraisal (all the steps above) under 60 s, and an incremental
cost proportional to the assets touched, read as: in the least-squares fit of a
measure's seconds on its touched assets, the fixed part (the intercept) is below 50 % of
the mean measure's seconds.

    .venv/bin/python benchmarks/appraisal.py [--assets 1000000] [--events 1000]
        [--measures 30] [--repeat 3] [--seed 1] [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import math
import pstats
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bordercompact.measures.apply import (
    Avoided,
    Resolved,
    ZoneHazard,
    ZoneReduction,
    ZoneVulnerability,
    apply_measures,
    avoided_impact,
    intensity_by_centroid,
)
from bordercompact.measures.appraisal import Outcome
from bordercompact.measures.combinations import interaction_groups
from bordercompact.measures.effects import IntensityChange
from bordercompact.risk.engine import ImpactResult, compute_impact
from bordercompact.risk.exposure import Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.pipeline import EngineInputs
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet
from risk import (
    DAMAGE,
    DEPTH_M,
    GRID_DEG,
    ORIGIN_LAT,
    ORIGIN_LON,
    PARTIES,
    memory_after_call,
    memory_before_call,
    relative_difference,
)

FULL = {"assets": 1_000_000, "events": 1_000, "repeat": 3}
QUICK = {"assets": 40_000, "events": 200, "repeat": 1}
TARGET_SECONDS = 60.0
#: Most the fit's fixed part may be, as a share of the mean measure's seconds, for the cost
#: to count as proportional to the assets touched.
TARGET_FIXED_SHARE = 0.5
TOLERANCE = 1e-9
#: Upper bounds of the size classes of measures, as a share of the assets touched.
SIZE_CLASSES = (("small, < 0.5 %", 0.005), ("medium, 0.5–2 %", 0.02), ("large, ≥ 2 %", np.inf))
PROFILE_ROWS = 15
#: The step that stores the intensity by centroid, in a run's seconds.
BY_CENTROID = "intensity by centroid"
#: Share of the assets that are commercial, and of those that are the commission's.
COMMERCIAL_SHARE = 0.20
COMMISSION_SHARE = 0.05
RESIDENTIAL, COMMERCIAL = 1, 2
#: Depth (m) → damage for commercial buildings, shaped like the JRC global flood
#: depth-damage curve for commerce in Europe (Huizinga et al., 2017, JRC105688); PAA = 1.
COMMERCIAL_DAMAGE = (0.0, 0.15, 0.30, 0.45, 0.55, 0.75, 0.90, 1.00, 1.00)
#: An event's flood patch, in shares of the grid's side: the spread of its centre across
#: the river and the medians of its half-axes (lognormal, σ = 0.4); its peak depth (m).
CENTRE_SPREAD = 0.06
HALF_AXIS_ALONG, HALF_AXIS_ACROSS = 0.09, 0.035
PEAK_DEPTH_M = 1.5

#: What each kind of measure does (one effect each; pairs combine them).
HAZARD_KINDS = {
    "levee": IntensityChange(scale=0.0, up_to_return_period=100.0),
    "flood wall": IntensityChange(scale=0.0, up_to_return_period=50.0),
    "retention basin": IntensityChange(shift=-0.3),
    "channel widening": IntensityChange(scale=0.8),
}
#: kind → (curve changed, MDD (scale, shift)); PAA unchanged.
VULNERABILITY_KINDS = {
    "floodproofing": (RESIDENTIAL, (0.6, 0.0)),
    "building code": (RESIDENTIAL, (0.8, 0.0)),
    "dry floodproofing": (COMMERCIAL, (0.5, 0.0)),
}
#: kind → share of the impact removed.
REDUCTION_KINDS = {"early warning": 0.15, "buy-out": 1.0}

#: The interacting groups: (kind, rectangle (west, east, south, north) in shares of the
#: side, the river at 0.5), each group in a strip of its own.
GROUPS = (
    (
        ("levee", (0.00, 0.20, 0.30, 0.70)),
        ("floodproofing", (0.02, 0.06, 0.52, 0.62)),
        ("early warning", (0.05, 0.15, 0.35, 0.50)),
        ("buy-out", (0.16, 0.18, 0.47, 0.53)),
        ("retention basin", (0.12, 0.17, 0.55, 0.65)),
    ),
    (
        ("retention basin", (0.21, 0.36, 0.30, 0.70)),
        ("flood wall", (0.22, 0.26, 0.46, 0.54)),
        ("dry floodproofing", (0.28, 0.33, 0.50, 0.60)),
        ("early warning", (0.30, 0.35, 0.38, 0.48)),
    ),
    (
        ("channel widening", (0.37, 0.41, 0.44, 0.56)),
        ("floodproofing", (0.40, 0.44, 0.40, 0.50)),
        ("buy-out", (0.43, 0.47, 0.46, 0.52)),
    ),
    (
        ("flood wall", (0.48, 0.52, 0.45, 0.55)),
        ("early warning", (0.50, 0.54, 0.50, 0.60)),
    ),
)
#: The large independent measure, then the small ones in two rows (north and south bank)
#: east of it, each 0.1–1 % of the assets.
LARGE_SINGLE = ("building code", (0.55, 0.65, 0.25, 0.75))
SMALL_WEST, SMALL_SHARES = 0.66, (0.001, 0.01)
SMALL_KINDS = (
    "flood wall",
    "floodproofing",
    "early warning",
    "retention basin",
    "dry floodproofing",
    "buy-out",
    "channel widening",
    "levee",
)


@dataclass(frozen=True)
class MeasurePlan:
    name: str
    kind: str
    box: tuple[float, float, float, float]  # west, east, south, north: shares of the side


@dataclass(frozen=True)
class Run:
    """One appraisal: the seconds of each step (the baseline, the intensity by centroid,
    each measure by name, the interaction groups, each pair as "first + second"), and what
    it found."""

    seconds: dict[str, float]
    cpu_seconds: float
    baseline: ImpactResult
    avoided: dict[str, Avoided]
    groups: list[list[str]]
    pairs: list[tuple[str, str]]

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def flood_inputs(n_assets: int, n_events: int, rng: np.random.Generator) -> EngineInputs:
    """The grid, its flood events and the assets (see the module docstring)."""
    side = int(np.ceil(np.sqrt(n_assets)))
    cell = np.arange(side * side)
    row, col = np.divmod(cell, side)
    centroids = Centroids(cell, lat=ORIGIN_LAT + GRID_DEG * row, lon=ORIGIN_LON + GRID_DEG * col)
    patches = []
    for _ in range(n_events):
        centre_x = rng.uniform(0, side)
        centre_y = side * (0.5 + rng.normal(0, CENTRE_SPREAD))
        along = side * rng.lognormal(np.log(HALF_AXIS_ALONG), 0.4)
        across = side * rng.lognormal(np.log(HALF_AXIS_ACROSS), 0.4)
        rows = np.arange(max(0, int(centre_y - across)), min(side, int(centre_y + across) + 1))
        cols = np.arange(max(0, int(centre_x - along)), min(side, int(centre_x + along) + 1))
        distance = ((cols[np.newaxis, :] - centre_x) / along) ** 2 + (
            (rows[:, np.newaxis] - centre_y) / across
        ) ** 2
        flooded = distance < 1
        depth = rng.lognormal(np.log(PEAK_DEPTH_M), 0.4) * (1 - distance[flooded])
        # row-major over the patch's box: the cells come out in increasing order
        patches.append(((rows[:, np.newaxis] * side + cols)[flooded], depth))
    indptr = np.concatenate(([0], np.cumsum([len(c) for c, _ in patches])))
    intensity = sp.csr_matrix(
        (
            np.concatenate([d for _, d in patches]),
            np.concatenate([c for c, _ in patches]).astype(np.int32),
            indptr,
        ),
        shape=(n_events, side * side),
    )
    hazard = Hazard(
        haz_type="FL",
        units="m",
        centroids=centroids,
        event_id=np.arange(1, n_events + 1),
        frequency=rng.uniform(0.2, 1.8, n_events) / n_events,
        intensity=intensity,
    )
    centroid = rng.integers(0, side * side, n_assets)
    north = row[centroid] >= side // 2
    party = np.where(north, PARTIES[0], PARTIES[1]).astype(object)
    party[rng.random(n_assets) < COMMISSION_SHARE] = PARTIES[2]
    exposures = Exposures(
        asset_id=np.arange(n_assets),
        lat=centroids.lat[centroid],
        lon=centroids.lon[centroid],
        value=rng.lognormal(np.log(250_000), 0.8, n_assets),
        impf_id=np.where(rng.random(n_assets) < COMMERCIAL_SHARE, COMMERCIAL, RESIDENTIAL),
        party=party,
    )
    functions = ImpactFuncSet(
        ImpactFunc("FL", impf_id, np.array(DEPTH_M), np.array(damage), np.ones(len(DEPTH_M)))
        for impf_id, damage in ((RESIDENTIAL, DAMAGE), (COMMERCIAL, COMMERCIAL_DAMAGE))
    )
    return EngineInputs(hazard, exposures, functions, centroid)


def measure_plans(n_measures: int, rng: np.random.Generator) -> list[MeasurePlan]:
    """The first ``n_measures`` of: the groups, the large independent measure, then small
    independent ones (as many as asked), two per strip east of the large one."""
    layout = [*itertools.chain.from_iterable(GROUPS), LARGE_SINGLE]
    n_small = max(0, n_measures - len(layout))
    strips = -(-n_small // 2)
    for i in range(n_small):
        strip, north = divmod(i, 2)
        pitch = (1 - SMALL_WEST) / max(strips, 1)
        west = SMALL_WEST + strip * pitch
        width = 0.9 * pitch
        share = float(np.exp(rng.uniform(*np.log(SMALL_SHARES))))
        height = min(share / width, 0.45)
        south, top = (0.5, 0.5 + height) if north else (0.5 - height, 0.5)
        layout.append((SMALL_KINDS[i % len(SMALL_KINDS)], (west, west + width, south, top)))
    return [
        MeasurePlan(f"m{i + 1:02d} {kind}", kind, box)
        for i, (kind, box) in enumerate(layout[:n_measures])
    ]


def resolve(plan: MeasurePlan, inputs: EngineInputs) -> list[Resolved]:
    """The plan's effect on the grid: its zone's centroids or the assets standing there."""
    side = math.isqrt(inputs.hazard.centroids.size)
    row, col = np.divmod(np.arange(side * side), side)
    west, east, south, north = (round(share * side) for share in plan.box)
    inside = (col >= west) & (col < east) & (row >= south) & (row < north)
    assets = inside[inputs.centroid]
    if plan.kind in HAZARD_KINDS:
        return [ZoneHazard(inside, HAZARD_KINDS[plan.kind])]
    if plan.kind in VULNERABILITY_KINDS:
        curve, mdd = VULNERABILITY_KINDS[plan.kind]
        return [ZoneVulnerability(assets & (inputs.exposures.impf_id == curve), mdd, (1.0, 0.0))]
    return [ZoneReduction(assets, REDUCTION_KINDS[plan.kind])]


def outcome(name: str, avoided: Avoided, exposures: Exposures) -> Outcome:
    """What the measure avoids, as the appraisal records it for grouping."""
    mask = avoided.touched
    return Outcome(
        measure=name,
        scenario="present",
        hazard="FL",
        exposure="buildings",
        result="impact",
        unit="USD",
        avoided_by_party=avoided.avoided_by_party(),
        touched_assets=int(mask.sum()),
        feature_id=exposures.asset_id[mask],
        lon=exposures.lon[mask],
        lat=exposures.lat[mask],
        avoided_eai=avoided.before.eai_exp - avoided.after.eai_exp,
    )


def appraise(inputs: EngineInputs, effects: dict[str, list[Resolved]]) -> Run:
    """The measures stage: baseline, the intensity by centroid, each measure, the groups,
    each pair within a group."""
    clock = time.perf_counter
    cpu_start = time.process_time()
    start = clock()
    baseline = compute_impact(inputs.hazard, inputs.exposures, inputs.functions, inputs.centroid)
    seconds = {"baseline": clock() - start}
    start = clock()
    by_centroid = intensity_by_centroid(inputs)
    seconds[BY_CENTROID] = clock() - start
    avoided = {}
    for name, measure_effects in effects.items():
        start = clock()
        avoided[name] = avoided_impact(inputs, measure_effects, by_centroid=by_centroid)
        seconds[name] = clock() - start
    start = clock()
    groups = interaction_groups(
        [outcome(name, result, inputs.exposures) for name, result in avoided.items()]
    )
    seconds["interaction groups"] = clock() - start
    pairs = [pair for group in groups for pair in itertools.combinations(group, 2)]
    for first, second in pairs:
        start = clock()
        avoided_impact(inputs, effects[first] + effects[second], by_centroid=by_centroid)
        seconds[f"{first} + {second}"] = clock() - start
    return Run(seconds, time.process_time() - cpu_start, baseline, avoided, groups, pairs)


def full_rerun(inputs: EngineInputs, measure_effects: list[Resolved]) -> tuple[ImpactResult, float]:
    """The impact on all the assets after the measure, and its seconds."""
    start = time.perf_counter()
    after = apply_measures(inputs, measure_effects)
    impact = compute_impact(after.hazard, after.exposures, after.functions, after.centroid)
    return impact, time.perf_counter() - start


def effect_type(measure_effects: list[Resolved]) -> str:
    effect = measure_effects[0]
    if isinstance(effect, ZoneHazard):
        limited = effect.change.up_to_return_period is not None
        return "hazard, up to a return period" if limited else "hazard"
    return "vulnerability" if isinstance(effect, ZoneVulnerability) else "reduction"


def size_class(share: float) -> str:
    return next(name for name, below in SIZE_CLASSES if share < below)


def print_case(args: argparse.Namespace, inputs: EngineInputs, built: float) -> None:
    intensity, n_centroids = inputs.hazard.intensity, inputs.hazard.centroids.size
    print(
        f"case: {args.assets:,} assets on {n_centroids:,} centroids "
        f"({np.unique(inputs.centroid).size / n_centroids:.0%} of them with assets), "
        f"{args.events:,} events; intensity {intensity.nnz:,} stored values "
        f"({intensity.nnz / args.events / n_centroids:.2%} of the centroids per event on "
        f"average, {matrix_mib(inputs):,.0f} MiB as CSR); {len(PARTIES)} parties, 2 damage "
        f"curves; built in {built:.1f} s"
    )


def matrix_mib(inputs: EngineInputs) -> float:
    intensity = inputs.hazard.intensity
    return (intensity.data.nbytes + intensity.indices.nbytes + intensity.indptr.nbytes) / 2**20


def print_appraisal(
    runs: list[Run], memory: list[dict[str, float]], touched: dict[str, int], inputs: EngineInputs
) -> None:
    first, n_assets = runs[0], inputs.exposures.size
    shares = sorted(touched[name] / n_assets for name in touched)
    print(
        f"measures: {len(touched)}; interaction groups found "
        f"{sorted((len(g) for g in first.groups if len(g) > 1), reverse=True)}, "
        f"{sum(len(g) == 1 for g in first.groups)} independent; {len(first.pairs)} pairs; "
        f"assets touched per measure: min {shares[0]:.2%}, median {statistics.median(shares):.2%}, "
        f"max {shares[-1]:.2%} (of {n_assets:,})"
    )
    steps = {
        "baseline (compute_impact, all assets)": lambda r: r.seconds["baseline"],
        "intensity by centroid (CSC, once)": lambda r: r.seconds[BY_CENTROID],
        f"{len(touched)} measures (avoided_impact)": lambda r: sum(
            r.seconds[name] for name in touched
        ),
        "outcomes → interaction_groups": lambda r: r.seconds["interaction groups"],
        f"{len(first.pairs)} pairs (avoided_impact)": lambda r: sum(
            r.seconds[f"{a} + {b}"] for a, b in r.pairs
        ),
    }
    totals = [r.total for r in runs]
    total = statistics.median(totals)
    print(f"\nappraisal, median of {len(runs)} (seconds, share of the median total):")
    for step, seconds in steps.items():
        median = statistics.median(seconds(r) for r in runs)
        print(f"  {step:<40} {median:8.2f}   {median / total:4.0%}")
    cores = statistics.median(r.cpu_seconds / r.total for r in runs)
    print(
        f"  {'total':<40} {total:8.2f}   (runs: {', '.join(f'{t:.2f}' for t in totals)}; "
        f"{cores:.1f} cores busy)"
    )
    extra = statistics.median(m["extra_peak_mib"] for m in memory)
    print(
        f"memory: {extra:,.0f} MiB beyond the inputs at the peak of a run "
        f"({extra / matrix_mib(inputs):.1f}× the intensity matrix); inputs "
        f"{memory[0]['rss_before_mib']:,.0f} MiB resident; process peak "
        f"{max(m['process_peak_mib'] for m in memory):,.0f} MiB"
    )


def stored_values_at(inputs: EngineInputs, assets: np.ndarray) -> int:
    """How many stored intensity values the engine reads for the ``assets`` (a boolean per
    asset): the events that reach each one's centroid, summed."""
    per_centroid = np.bincount(
        inputs.hazard.intensity.indices, minlength=inputs.hazard.centroids.size
    )
    return int(per_centroid[inputs.centroid[assets]].sum())


def linear_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The least-squares line y = intercept + slope · x: (intercept, slope, R²)."""
    slope, intercept = np.polyfit(x, y, 1)
    r_squared = float(np.corrcoef(x, y)[0, 1] ** 2) if np.ptp(x) > 0 else float("nan")
    return float(intercept), float(slope), r_squared


def print_scaling(
    per_measure: dict[str, float],
    touched: dict[str, int],
    stored: dict[str, int],
    effects: dict[str, list[Resolved]],
    n_assets: int,
) -> float:
    """Per size class and per type of effect, the median seconds of a measure; the linear
    fits of seconds on touched assets and on the stored intensity values at them. Returns
    the fixed part of the fit on assets, as a share of the mean measure's seconds."""
    print("\nincremental seconds per measure (median of the runs), by assets touched and effect:")
    labels = (
        lambda name: f"size {size_class(touched[name] / n_assets)}",
        lambda name: f"effect {effect_type(effects[name])}",
    )
    for label in labels:
        members: dict[str, list[str]] = {}
        for name in sorted(per_measure, key=touched.__getitem__):
            members.setdefault(label(name), []).append(name)
        for value, names in members.items():
            print(
                f"  {value:<38} {len(names):3} measures, touched median "
                f"{statistics.median(touched[n] for n in names):8,.0f}, seconds median "
                f"{statistics.median(per_measure[n] for n in names):6.3f} "
                f"(min {min(per_measure[n] for n in names):.3f}, "
                f"max {max(per_measure[n] for n in names):.3f})"
            )
    y = np.array(list(per_measure.values()))
    fixed = {}
    for what, count in (("touched assets", touched), ("stored values at them", stored)):
        intercept, slope, r_squared = linear_fit(
            np.array([count[name] for name in per_measure], dtype=float), y
        )
        fixed[what] = intercept / y.mean()
        print(
            f"  least-squares fit on {what}: {intercept:.3f} s + {slope * 1e6:.3f} s per "
            f"million (R² {r_squared:.2f}); the fixed part is {fixed[what]:.0%} of the mean "
            f"measure ({y.mean():.3f} s)"
        )
    return fixed["touched assets"]


def print_reference(
    runs: list[Run],
    reference: dict[str, list[float]],
    after: dict[str, ImpactResult],
    per_measure: dict[str, float],
    touched: dict[str, int],
    n_assets: int,
) -> None:
    first = runs[0]
    baseline_seconds = statistics.median(r.seconds["baseline"] for r in runs)
    print(
        f"\nreference: full re-run (apply_measures on all the inputs + compute_impact on all "
        f"{n_assets:,} assets; the baseline, {baseline_seconds:.2f} s, reused), median of "
        f"{len(next(iter(reference.values())))}:"
    )
    print(f"  {'measure':<26} {'touched':>8} {'full s':>7} {'incr. s':>8} {'ratio':>6} {'diff':>8}")
    differences = []
    for name, seconds in reference.items():
        incremental, full = first.avoided[name], after[name]
        before_party, after_party = first.baseline.aai_by_party(), full.aai_by_party()
        ours = [incremental.before.aai_agg - incremental.after.aai_agg]
        ours += [incremental.avoided_by_party().get(p, 0.0) for p in before_party]
        theirs = [first.baseline.aai_agg - full.aai_agg]
        theirs += [before_party[p] - after_party[p] for p in before_party]
        differences.append(relative_difference(ours, theirs))
        full_seconds = statistics.median(seconds)
        print(
            f"  {name:<26} {touched[name] / n_assets:8.2%} {full_seconds:7.2f} "
            f"{per_measure[name]:8.3f} {per_measure[name] / full_seconds:6.2f} "
            f"{differences[-1]:8.1e}"
        )
    full_per_call = statistics.median(s for seconds in reference.values() for s in seconds)
    calls = len(per_measure) + len(first.pairs)
    incremental = statistics.median(r.total - r.seconds["baseline"] for r in runs)
    mean_share = np.mean(list(touched.values())) / n_assets
    print(
        f"  extrapolated to the {calls} measures and pairs: {calls} × {full_per_call:.2f} s "
        f"+ baseline = {baseline_seconds + calls * full_per_call:.1f} s by full re-runs, "
        f"against {baseline_seconds + incremental:.1f} s; incremental / full "
        f"{incremental / calls / full_per_call:.2f} per measure or pair on average, for "
        f"{mean_share:.2%} of the assets touched per measure on average"
    )
    print(
        "  largest relative difference of the avoided AAI (total and per party), "
        f"incremental against full: {max(differences):.1e} (tolerance {TOLERANCE:g})"
    )


def print_profile(inputs: EngineInputs, effects: dict[str, list[Resolved]]) -> None:
    """One more appraisal under cProfile: the functions of this project and SciPy with the
    most cumulative time. cProfile sees the main thread only: the engine's chunks, which
    run on worker threads, show as time inside ``compute_impact``."""
    profiler = cProfile.Profile()
    profiler.runcall(appraise, inputs, effects)
    functions = pstats.Stats(profiler).get_stats_profile().func_profiles
    rows = sorted(
        (
            (f.cumtime, f.tottime, f.ncalls, f"{Path(f.file_name).name}:{name}")
            for name, f in functions.items()
            if "bordercompact" in f.file_name or "scipy" in f.file_name
        ),
        reverse=True,
    )
    print("\nprofile of one appraisal (main thread; seconds):")
    print(f"  {'cumulative':>10} {'own':>7} {'calls':>7}  function")
    for cumulative, own, calls, where in rows[:PROFILE_ROWS]:
        print(f"  {cumulative:10.2f} {own:7.2f} {calls:>7}  {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, help=f"default {FULL['assets']:,}")
    parser.add_argument("--events", type=int, help=f"default {FULL['events']:,}")
    parser.add_argument("--measures", type=int, default=30)
    parser.add_argument("--repeat", type=int, help=f"default {FULL['repeat']}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help=f"smoke size: default {QUICK}")
    parser.add_argument("--profile", action="store_true", help="profile one more appraisal")
    args = parser.parse_args()
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    rng = np.random.default_rng(args.seed)

    start = time.perf_counter()
    inputs = flood_inputs(args.assets, args.events, rng)
    effects = {plan.name: resolve(plan, inputs) for plan in measure_plans(args.measures, rng)}
    built = time.perf_counter() - start

    runs, memory = [], []
    for _ in range(args.repeat):
        before = memory_before_call()
        runs.append(appraise(inputs, effects))
        memory.append(memory_after_call(before))
    touched = {name: int(runs[0].avoided[name].touched.sum()) for name in effects}
    stored = {name: stored_values_at(inputs, runs[0].avoided[name].touched) for name in effects}
    per_measure = {name: statistics.median(r.seconds[name] for r in runs) for name in effects}

    by_size = sorted(effects, key=touched.__getitem__)
    sampled = list(dict.fromkeys([by_size[0], by_size[len(by_size) // 2], by_size[-1]]))
    reference: dict[str, list[float]] = {name: [] for name in sampled}
    after: dict[str, ImpactResult] = {}
    for _ in range(args.repeat):
        for name in sampled:
            after[name], seconds = full_rerun(inputs, effects[name])
            reference[name].append(seconds)

    options = ("assets", "events", "measures", "repeat", "seed")
    command = " ".join(f"--{name} {getattr(args, name)}" for name in options)
    print(f"command: .venv/bin/python benchmarks/appraisal.py {command}")
    print_case(args, inputs, built)
    print_appraisal(runs, memory, touched, inputs)
    fixed = print_scaling(per_measure, touched, stored, effects, args.assets)
    print_reference(runs, reference, after, per_measure, touched, args.assets)
    total = statistics.median(r.total for r in runs)
    print("\ntargets:")
    print(
        f"  whole appraisal under {TARGET_SECONDS:g} s: "
        f"{'met' if total < TARGET_SECONDS else 'NOT met'} ({total:.1f} s, median)"
    )
    print(
        "  incremental cost proportional to the assets touched (criterion: the fit's fixed "
        f"part below {TARGET_FIXED_SHARE:.0%} of the mean measure's seconds): "
        f"{'met' if fixed < TARGET_FIXED_SHARE else 'NOT met'} (fixed part {fixed:.0%})"
    )
    if args.profile:
        print_profile(inputs, effects)


if __name__ == "__main__":
    main()
