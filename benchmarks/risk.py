"""Benchmark: the impact engine on synthetic flood event sets, and CLIMADA's ``ImpactCalc``
on the same inputs.

Three cases at 1 % hazard density: 1,000 events × 100,000 assets, 10,000 × 100,000 and
10,000 × 1,000,000. Each case has as many centroids as assets, on a regular 0.001° grid, and
each asset stands on a centroid of its own (in shuffled order); each event floods a random
1 % of the centroids with lognormal depths (median 0.8 m) and has a random frequency (all
events together about once a year); one JRC-like depth-damage curve (MDR(0) = 0);
lognormal values; three parties. The hazard is written once as a CLIMADA HDF5 file, which
both sides read, and the assets as Parquet with latitude, longitude, value, impf_FL,
centr_FL and party, so that CLIMADA uses the same centroids without re-assigning them.

Each side runs in a fresh process, several times, and loads the inputs untimed. Printed are
the median time of the impact computation alone (``compute_impact``; ``ImpactCalc(...)
.impact(assign_centroids=False, save_mat=False)``), the CPU time of all its threads over
that time (how many cores were kept busy), the memory the computation needs beyond
the loaded inputs (peak resident set size during the call, reset through
/proc/self/clear_refs before it, minus the resident set size before it) and the process's
peak (ru_maxrss, loading included). With CLIMADA, also the ratios and the largest relative
difference in AAI, per-party AAI and return-period losses (total and per party).

    .venv/bin/python benchmarks/risk.py [--cases small|medium|all] [--repeat 3]
        [--climada-python PATH]   (default: $CLIMADA_PYTHON)

CLIMADA is not a dependency of this project: install CLIMADA 6.x in a venv of its own and
pass its interpreter; without it the comparison is skipped. This file runs in that
interpreter too, so at module level it imports only the standard library and NumPy.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

#: (events, assets); "small" runs the first, "medium" the first two.
CASES = ((1_000, 100_000), (10_000, 100_000), (10_000, 1_000_000))
CASE_SELECTIONS = {"small": 1, "medium": 2, "all": 3}
#: Share of the centroids each event floods.
DENSITY = 0.01
GRID_DEG = 0.001
ORIGIN_LAT, ORIGIN_LON = 25.80, -97.60
PARTIES = ("riverton", "ciudad-ribera", "commission")
PARTY_SHARES = (0.45, 0.45, 0.10)
#: Depth (m) → damage (fraction of value), shaped like the JRC global flood depth-damage
#: curve for residential buildings in Europe (Huizinga et al., 2017, JRC105688); PAA = 1.
DEPTH_M = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0)
DAMAGE = (0.0, 0.25, 0.40, 0.50, 0.60, 0.75, 0.85, 0.95, 1.00)
RETURN_PERIODS = (10.0, 50.0, 100.0, 250.0)
TOLERANCE = 1e-9
#: Targets of the issue, for the 10,000 × 1,000,000 case on 2 cores.
TARGET_SECONDS = 3.0
TARGET_EXTRA_MEMORY = 2.0  # × the intensity matrix
TARGET_SPEEDUP = 5.0


def write_case(directory: Path, n_events: int, n_assets: int, seed: int) -> dict[str, float]:
    """Write ``hazard.h5`` and ``exposures.parquet`` for one case; return the sizes."""
    import pandas as pd
    import scipy.sparse as sp

    from bordercompact.risk.hazard import Centroids, Hazard
    from bordercompact.risk.hazard_io import write_climada_hdf5

    rng = np.random.default_rng([seed, n_events, n_assets])
    n_centroids = n_assets
    width = int(np.ceil(np.sqrt(n_centroids)))
    cell = np.arange(n_centroids)
    lat = ORIGIN_LAT + GRID_DEG * (cell // width)
    lon = ORIGIN_LON + GRID_DEG * (cell % width)
    hit = max(1, round(DENSITY * n_centroids))
    indices = np.empty(n_events * hit, dtype=np.int32)
    for event in range(n_events):
        chosen = rng.choice(n_centroids, size=hit, replace=False)
        indices[event * hit : (event + 1) * hit] = np.sort(chosen)
    depth = rng.lognormal(np.log(0.8), 0.7, indices.size)
    indptr = np.arange(n_events + 1, dtype=np.int64) * hit
    intensity = sp.csr_matrix((depth, indices, indptr), shape=(n_events, n_centroids))
    hazard = Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(centroid_id=cell, lat=lat, lon=lon),
        event_id=np.arange(1, n_events + 1),
        frequency=rng.uniform(0.2, 1.8, n_events) / n_events,
        intensity=intensity,
    )
    write_climada_hdf5(hazard, directory / "hazard.h5")
    centroid = rng.permutation(n_centroids)[:n_assets]
    pd.DataFrame(
        {
            "asset_id": np.arange(n_assets),
            "latitude": lat[centroid],
            "longitude": lon[centroid],
            "value": rng.lognormal(np.log(250_000), 0.8, n_assets),
            "impf_FL": np.ones(n_assets, dtype=np.int64),
            "centr_FL": centroid,
            "party": rng.choice(np.array(PARTIES), size=n_assets, p=PARTY_SHARES),
        }
    ).to_parquet(directory / "exposures.parquet")
    matrix_bytes = intensity.data.nbytes + intensity.indices.nbytes + intensity.indptr.nbytes
    return {
        "centroids": n_centroids,
        "nnz": intensity.nnz,
        "matrix_mib": matrix_bytes / 2**20,
        "files_mib": sum(p.stat().st_size for p in directory.iterdir()) / 2**20,
    }


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), in MiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_before_call() -> dict[str, Any]:
    """The resident set before the timed call, after resetting the peak so that the peak
    afterwards is that of the call (the loading peak is kept aside)."""
    gc.collect()
    load_peak = _maxrss_mib()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    return {"load_peak_mib": load_peak, "rss_before_mib": _status_mib("VmRSS"), "reset": reset}


def memory_after_call(before: dict[str, Any]) -> dict[str, Any]:
    call_peak = _status_mib("VmHWM") if before["reset"] else _maxrss_mib()
    return before | {
        "rss_after_mib": _status_mib("VmRSS"),
        "extra_peak_mib": call_peak - before["rss_before_mib"],
        "process_peak_mib": max(before["load_peak_mib"], _maxrss_mib()),
    }


def measure_ours(case: Path, chunk_nnz: int | None, check: bool) -> dict[str, Any]:
    """Load the case, time ``compute_impact`` alone, and (``check``) keep its results."""
    import pandas as pd
    import scipy

    from bordercompact.risk.engine import DEFAULT_CHUNK_NNZ, compute_impact
    from bordercompact.risk.exposure import Exposures
    from bordercompact.risk.hazard_io import read_climada_hdf5
    from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

    hazard = read_climada_hdf5(case / "hazard.h5")
    assets = pd.read_parquet(case / "exposures.parquet")
    exposures = Exposures(
        asset_id=assets["asset_id"].to_numpy(),
        lat=assets["latitude"].to_numpy(),
        lon=assets["longitude"].to_numpy(),
        value=assets["value"].to_numpy(),
        impf_id=assets["impf_FL"].to_numpy(),
        party=assets["party"].to_numpy(dtype=object),
    )
    centroid = assets["centr_FL"].to_numpy(np.int64)
    del assets
    functions = ImpactFuncSet(
        [ImpactFunc("FL", 1, np.array(DEPTH_M), np.array(DAMAGE), np.ones(len(DEPTH_M)))]
    )
    chunk_nnz = chunk_nnz or DEFAULT_CHUNK_NNZ
    before = memory_before_call()
    start, cpu_start = time.perf_counter(), time.process_time()
    result = compute_impact(hazard, exposures, functions, centroid, chunk_nnz=chunk_nnz)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    record = memory_after_call(before) | {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "version": f"numpy {np.__version__}, scipy {scipy.__version__}, chunk_nnz {chunk_nnz:,}",
    }
    if check:
        curves = result.return_period_impacts(RETURN_PERIODS)
        record["metrics"] = {
            "aai": result.aai_agg,
            "aai_by_party": result.aai_by_party(),
            "rp": {
                name: [curve[f"{rp:g}"] for rp in RETURN_PERIODS] for name, curve in curves.items()
            },
        }
    return record


def _import_climada() -> str:
    """Import CLIMADA's engine; return a note on what had to be worked around."""
    import importlib.util
    import types

    note = ""
    if importlib.util.find_spec("osgeo") is None:
        # climada.entity imports the LitPop night-light reader, which imports GDAL's Python
        # bindings at module level; the impact calculation never calls it.
        sys.modules.update({name: types.ModuleType(name) for name in ("osgeo", "osgeo.gdal")})
        note = "GDAL's Python bindings (osgeo) absent: stubbed, LitPop only needs them"
    import climada.engine  # noqa: F401

    return note


def measure_climada(case: Path, check: bool) -> dict[str, Any]:
    """In CLIMADA's interpreter: load the case, time ``ImpactCalc(...).impact`` alone, and
    (``check``) keep AAI, per-party AAI and return-period losses, per party from one
    further run on each party's assets."""
    import importlib.metadata

    note = _import_climada()
    import pandas as pd
    import scipy
    from climada.engine import ImpactCalc
    from climada.entity import Exposures, ImpactFunc, ImpactFuncSet
    from climada.hazard import Hazard

    hazard = Hazard.from_hdf5(str(case / "hazard.h5"))
    exposures = Exposures(pd.read_parquet(case / "exposures.parquet"))
    impfset = ImpactFuncSet(
        [
            ImpactFunc(
                haz_type="FL",
                id=1,
                intensity=np.array(DEPTH_M),
                mdd=np.array(DAMAGE),
                paa=np.ones(len(DEPTH_M)),
                intensity_unit="m",
            )
        ]
    )
    before = memory_before_call()
    start, cpu_start = time.perf_counter(), time.process_time()
    impact = ImpactCalc(exposures, impfset, hazard).impact(assign_centroids=False, save_mat=False)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    record = memory_after_call(before) | {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "version": f"CLIMADA {importlib.metadata.version('climada')}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}",
        "note": note,
    }
    if check:
        party = exposures.gdf["party"].to_numpy()
        rp = {"total": impact.calc_freq_curve(np.array(RETURN_PERIODS)).impact.tolist()}
        for name in PARTIES:
            mine = Exposures(exposures.gdf[party == name].reset_index(drop=True))
            own = ImpactCalc(mine, impfset, hazard).impact(assign_centroids=False, save_mat=False)
            rp[name] = own.calc_freq_curve(np.array(RETURN_PERIODS)).impact.tolist()
        record["metrics"] = {
            "aai": float(impact.aai_agg),
            "aai_by_party": pd.Series(impact.eai_exp).groupby(party).sum().to_dict(),
            "rp": rp,
        }
    return record


def relative_difference(ours: Any, theirs: Any) -> float:
    """max |a − b| / max(|a|, |b|) over the values (0 where both are 0)."""
    a, b = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.abs(a - b) / np.where(scale > 0, scale, 1.0)))


def agreement(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float]:
    return {
        "AAI": relative_difference(ours["aai"], theirs["aai"]),
        "per-party AAI": relative_difference(
            [ours["aai_by_party"][p] for p in PARTIES], [theirs["aai_by_party"][p] for p in PARTIES]
        ),
        "return-period losses, total": relative_difference(
            ours["rp"]["total"], theirs["rp"]["total"]
        ),
        "return-period losses, per party": relative_difference(
            [ours["rp"][p] for p in PARTIES], [theirs["rp"][p] for p in PARTIES]
        ),
    }


def run_measurement(
    python: str, side: str, case: Path, check: bool, chunk_nnz: int | None
) -> tuple[dict[str, Any] | None, str]:
    """One measurement in a fresh process: (its record, "") or (None, why it failed)."""
    result = case / f"{side}.json"
    command = [python, __file__, "--measure", side, "--case-dir", str(case)]
    command += ["--result", str(result)] + (["--check"] if check else [])
    command += ["--chunk-nnz", str(chunk_nnz)] if chunk_nnz else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not result.exists():
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return None, f"exit status {done.returncode}: {tail}"
    record = json.loads(result.read_text())
    result.unlink()
    return record, ""


def climada_version(python: str | None) -> tuple[str | None, str]:
    """The CLIMADA version in ``python``, or None and why the comparison is skipped."""
    if not python:
        return None, "no --climada-python given and CLIMADA_PYTHON is not set"
    probe = "import importlib.metadata as m; print(m.version('climada'))"
    try:
        done = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    except OSError as err:
        return None, f"cannot run {python}: {err}"
    if done.returncode != 0:
        return None, f"{python} has no CLIMADA ({done.stderr.strip().splitlines()[-1]})"
    version = done.stdout.strip()
    if not version.startswith("6."):
        return None, f"{python} has CLIMADA {version}; this comparison is written for 6.x"
    return version, ""


def median_figures(runs: list[dict[str, Any]]) -> dict[str, float]:
    keys = (
        "seconds",
        "cpu_seconds",
        "extra_peak_mib",
        "rss_before_mib",
        "rss_after_mib",
        "process_peak_mib",
    )
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def figures_line(name: str, figures: dict[str, float], sizes: dict[str, float]) -> str:
    retained = figures["rss_after_mib"] - figures["rss_before_mib"]
    throughput = sizes["nnz"] / figures["seconds"] / 1e6
    cores = figures["cpu_seconds"] / figures["seconds"]
    return (
        f"  {name:<29} {figures['seconds']:6.2f} s ({throughput:5.1f} M "
        f"intensities/s; CPU {figures['cpu_seconds']:5.2f} s, {cores:.1f} cores busy); "
        f"extra memory {figures['extra_peak_mib']:6,.0f} MiB "
        f"({figures['extra_peak_mib'] / sizes['matrix_mib']:.2f}× the matrix), retained "
        f"{retained:4,.0f} MiB; inputs {figures['rss_before_mib']:6,.0f} MiB; process peak "
        f"{figures['process_peak_mib']:6,.0f} MiB"
    )


def run_case(
    args: argparse.Namespace, climada: str | None, n_events: int, n_assets: int
) -> dict[str, Any]:
    """Generate one case, measure both sides ``args.repeat`` times, print the figures and
    return the medians (and the agreement, with CLIMADA)."""
    with tempfile.TemporaryDirectory(prefix="risk-benchmark-") as scratch:
        case = Path(scratch)
        start = time.perf_counter()
        sizes = write_case(case, n_events, n_assets, args.seed)
        generated = time.perf_counter() - start
        ours: list[dict[str, Any]] = []
        theirs: list[dict[str, Any]] = []
        failure = ""
        for i in range(args.repeat):
            record, error = run_measurement(
                sys.executable, "bordercompact", case, i == 0, args.chunk_nnz
            )
            if record is None:
                sys.exit(f"bordercompact run {i + 1} failed, {error}")
            ours.append(record)
            if climada and not failure:
                record, error = run_measurement(args.climada_python, "climada", case, i == 0, None)
                theirs += [record] if record else []
                failure = f"CLIMADA run {i + 1} failed, {error}" if record is None else ""
    print(
        f"\n{n_events:,} events × {n_assets:,} assets, {sizes['centroids']:,.0f} centroids: "
        f"intensity {sizes['nnz']:,.0f} stored values, {sizes['matrix_mib']:,.0f} MiB as CSR; "
        f"input files {sizes['files_mib']:,.0f} MiB, written in {generated:.0f} s"
    )
    summary: dict[str, Any] = {"sizes": sizes, "ours": median_figures(ours)}
    print(figures_line("bordercompact compute_impact", summary["ours"], sizes))
    print(f"    {ours[0]['version']}; seconds {[round(r['seconds'], 2) for r in ours]}")
    if not climada or failure:
        print(f"  CLIMADA comparison skipped{': ' + failure if failure else ' (see above)'}")
        return summary
    summary["theirs"] = median_figures(theirs)
    print(figures_line("CLIMADA ImpactCalc.impact", summary["theirs"], sizes))
    note = f"; {theirs[0]['note']}" if theirs[0]["note"] else ""
    print(f"    {theirs[0]['version']}{note}; seconds {[round(r['seconds'], 2) for r in theirs]}")
    speedup = summary["theirs"]["seconds"] / summary["ours"]["seconds"]
    memory = summary["theirs"]["extra_peak_mib"] / summary["ours"]["extra_peak_mib"]
    print(f"  ratio CLIMADA / bordercompact: time {speedup:.2f}×, extra memory {memory:.2f}×")
    summary["differences"] = agreement(ours[0]["metrics"], theirs[0]["metrics"])
    print(
        "  max relative difference: "
        + ", ".join(f"{name} {value:.1e}" for name, value in summary["differences"].items())
        + f" (tolerance {TOLERANCE:g}); CLIMADA's per-party return-period losses come from "
        "one more (untimed) run on each party's assets"
    )
    return summary


def print_targets(summary: dict[str, Any]) -> None:
    ours, matrix_mib = summary["ours"], summary["sizes"]["matrix_mib"]
    print(
        f"\ntargets, 10,000 × 1,000,000 on 2 cores: engine time {ours['seconds']:.2f} s "
        f"(target < {TARGET_SECONDS:g} s); extra memory "
        f"{ours['extra_peak_mib'] / matrix_mib:.2f}× the intensity matrix "
        f"(target < {TARGET_EXTRA_MEMORY:g}×)"
    )
    if "differences" in summary:
        print(
            f"  {summary['theirs']['seconds'] / ours['seconds']:.2f}× as fast as CLIMADA "
            f"(target ≥ {TARGET_SPEEDUP:g}×); largest relative difference "
            f"{max(summary['differences'].values()):.1e} (target ≤ {TOLERANCE:g})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", choices=tuple(CASE_SELECTIONS), default="all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--climada-python",
        default=os.environ.get("CLIMADA_PYTHON"),
        help="interpreter of a venv with CLIMADA 6.x (default: $CLIMADA_PYTHON)",
    )
    parser.add_argument("--chunk-nnz", type=int, help="compute_impact's chunk_nnz (its default)")
    parser.add_argument("--measure", choices=("bordercompact", "climada"), help=argparse.SUPPRESS)
    parser.add_argument("--case-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure == "bordercompact":
        args.result.write_text(json.dumps(measure_ours(args.case_dir, args.chunk_nnz, args.check)))
        return
    if args.measure == "climada":
        args.result.write_text(json.dumps(measure_climada(args.case_dir, args.check)))
        return

    command = [sys.executable, "benchmarks/risk.py", "--cases", args.cases]
    command += ["--repeat", str(args.repeat), "--seed", str(args.seed)]
    command += ["--chunk-nnz", str(args.chunk_nnz)] if args.chunk_nnz else []
    command += ["--climada-python", args.climada_python] if args.climada_python else []
    print(f"command: {shlex.join(command)}")
    print(
        f"{os.cpu_count()} CPUs; {args.repeat} fresh processes per side and case, medians; "
        f"{DENSITY:.0%} of the centroids hit per event; one centroid per asset"
    )
    climada, skipped = climada_version(args.climada_python)
    if climada:
        print(f"CLIMADA {climada}: {args.climada_python}")
    else:
        print(f"CLIMADA comparison skipped: {skipped}")
    for n_events, n_assets in CASES[: CASE_SELECTIONS[args.cases]]:
        summary = run_case(args, climada, n_events, n_assets)
    if args.cases == "all":
        print_targets(summary)


if __name__ == "__main__":
    main()
