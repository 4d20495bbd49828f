"""Benchmark: the main job (``bordercompact run``) on the bundled Twin Rivers demo region,
the job ``make demo`` runs, against its five-minute target on this two-core machine.

Timed (median of ``--repeat`` runs, each in a fresh process so that no cache is warm):
the whole job with the report in English and Spanish and the compact's PDFs, stage by
stage. The reference, measured in the same run, is a job started from the saved results
(``--from negotiate`` and ``--from report``) in the same run directory: what the saved
checkpoints save against computing everything again. Peak resident memory of each
process and the sizes of the run directory and its checkpoints are printed.

``make demo`` on a fresh clone also creates the virtualenv and installs the packages;
that part depends on the package mirror and is not timed here.

    .venv/bin/python benchmarks/run.py [--repeat 3] [--region examples/twin-rivers]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_SECONDS = 300.0
DEMO_REGION = Path(__file__).resolve().parents[1] / "examples" / "twin-rivers"

#: Runs one job in a fresh interpreter; prints its stages' times and its peak memory.
JOB = """
import json, resource, sys, time
from pathlib import Path
from bordercompact.run import run_job
region, run_dir, first = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
clock = time.perf_counter()
result = run_job(region, run_dir, first=first, languages=("en", "es"), overwrite=True)
seconds = time.perf_counter() - clock
print(json.dumps({
    "seconds": seconds,
    "stages": {r.stage: r.seconds for r in result.stages if r.status == "ran"},
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def job(region: Path, run_dir: Path, first: str) -> dict[str, object]:
    """One job in a fresh process (stdout: its figures; the solver's chatter dropped)."""
    done = subprocess.run(
        [sys.executable, "-c", JOB, str(region), str(run_dir), first],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--region", type=Path, default=DEMO_REGION)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        run_dir = Path(scratch) / "run"
        full, from_negotiate, from_report = [], [], []
        for _ in range(args.repeat):
            full.append(job(args.region, run_dir, "validate"))
            from_negotiate.append(job(args.region, run_dir, "negotiate"))
            from_report.append(job(args.region, run_dir, "report"))
        run_size = size_mib(run_dir)
        checkpoint_size = size_mib(run_dir / "checkpoints")

    def median(runs: list[dict[str, object]], key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]

    whole = median(full, "seconds")
    print(f"region: {args.region.name}; {args.repeat} runs each, medians")
    print(f"{'stage':<10} {'seconds':>8}")
    for stage in full[0]["stages"]:  # type: ignore[attr-defined]
        seconds = statistics.median(r["stages"][stage] for r in full)  # type: ignore[index]
        print(f"{stage:<10} {seconds:8.1f}")
    print(
        f"whole job: {whole:.1f} s against a {TARGET_SECONDS:.0f} s target "
        f"({whole / TARGET_SECONDS:.0%} of it); peak memory {median(full, 'peak_mib'):.0f} MiB"
    )
    for name, runs in (("--from negotiate", from_negotiate), ("--from report", from_report)):
        seconds = median(runs, "seconds")
        print(
            f"{name}: {seconds:.1f} s, {whole / seconds:.1f}× faster than the whole job; "
            f"peak memory {median(runs, 'peak_mib'):.0f} MiB"
        )
    print(f"run directory {run_size:.0f} MiB, of which checkpoints {checkpoint_size:.0f} MiB")
    print(f"reproduce: .venv/bin/python benchmarks/run.py --repeat {args.repeat}")


if __name__ == "__main__":
    main()
