"""Benchmark: validate + harmonize 1,000,000 synthetic building points.

Each building is in a party's own conventions (NAD83 / Texas South in US feet, value in USD
of 2019, floor area in square feet, English occupancy labels) and is reprojected to UTM,
converted to m², deflated and mapped to the shared occupancy terms. The reference is the
least any tool must do with the same file: geopandas reads it, reprojects it and writes
GeoParquet, with no checks or conversions. Both run in fresh processes, several times;
medians are printed, with each one's peak memory (maximum resident set size).

    .venv/bin/python benchmarks/harmonize.py [--buildings 1000000] [--repeat 3] [--format gpkg]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

PARTY_CRS = "EPSG:2279"
ANALYSIS_CRS = "EPSG:32614"
LABELS = {
    "Single Family": "RES1",
    "Multi Family": "RES3",
    "Retail": "COM1",
    "Office": "COM4",
    "Warehouse": "COM2",
    "Light Industrial": "IND2",
    "School": "EDU1",
    "Church": "REL1",
}
MANIFEST = """\
[region]
name = "Benchmark"
crs = "{analysis}"
currency = "USD"
price_year = 2023
languages = ["en"]
price_indices = "price_indices.csv"

[[parties]]
id = "north"
name = {{ en = "North" }}
country = "US"
currency = "USD"
languages = ["en"]

[[parties]]
id = "south"
name = {{ en = "South" }}
country = "MX"
currency = "MXN"
languages = ["es"]

[[datasets]]
id = "north-boundary"
party = "north"
kind = "boundary"
path = "north.gpkg"
id_field = "ID"

[[datasets]]
id = "south-boundary"
party = "south"
kind = "boundary"
path = "south.gpkg"
id_field = "ID"

[[datasets]]
id = "buildings"
party = "north"
kind = "assets"
path = "{buildings}"
{layer}crs = "{party}"
{xy}id_field = "BLDG_ID"
currency = "USD"
price_year = 2019
fields = {{ value = "REPL_COST", occupancy = "OCC_TYPE", floor_area = "SQFT" }}
units = {{ floor_area = "ft**2" }}
vocabulary = {{ occupancy = {{ {vocabulary} }} }}
"""


def write_region(root: Path, buildings: int, fmt: str) -> Path:
    rng = np.random.default_rng(1)
    north = box(450_000, 3_000_000, 470_000, 3_020_000)
    south = box(430_000, 3_000_000, 450_000, 3_020_000)
    for name, land in (("north", north), ("south", south)):
        gpd.GeoDataFrame({"ID": [name]}, geometry=[land], crs=ANALYSIS_CRS).to_file(
            root / f"{name}.gpkg"
        )
    points = gpd.GeoSeries(
        gpd.points_from_xy(
            rng.uniform(450_050, 469_950, buildings), rng.uniform(3_000_050, 3_019_950, buildings)
        ),
        crs=ANALYSIS_CRS,
    ).to_crs(PARTY_CRS)
    labels = np.array(list(LABELS))
    frame = pd.DataFrame(
        {
            "BLDG_ID": np.char.add("B", np.arange(buildings).astype(str)),
            "OCC_TYPE": labels[rng.integers(0, len(labels), buildings)],
            "REPL_COST": rng.uniform(80_000, 900_000, buildings).round(0),
            "SQFT": rng.uniform(600, 6_000, buildings).round(0),
        }
    )
    if fmt == "csv":
        frame.assign(X_FT=points.x.round(2), Y_FT=points.y.round(2)).to_csv(
            root / "buildings.csv", index=False
        )
        path, layer, xy = "buildings.csv", "", 'x_field = "X_FT"\ny_field = "Y_FT"\n'
    else:
        path = f"buildings.{'parquet' if fmt == 'parquet' else 'gpkg'}"
        layer_frame = gpd.GeoDataFrame(frame, geometry=points.values, crs=PARTY_CRS)
        if fmt == "parquet":
            layer_frame.to_parquet(root / path)
        else:
            layer_frame.to_file(root / path, layer="buildings", engine="pyogrio")
        layer, xy = ('layer = "buildings"\n' if fmt == "gpkg" else ""), ""
    (root / "price_indices.csv").write_text(
        "country,year,index,source\nUS,2019,255.657,BLS CPI-U\nUS,2023,304.702,BLS CPI-U\n"
    )
    vocabulary = ", ".join(f'"{label}" = "{term}"' for label, term in LABELS.items())
    (root / "region.toml").write_text(
        MANIFEST.format(
            analysis=ANALYSIS_CRS,
            party=PARTY_CRS,
            buildings=path,
            layer=layer,
            xy=xy,
            vocabulary=vocabulary,
        )
    )
    return root


def measure(which: str, region: Path, out: Path) -> dict[str, float]:
    """Run one measurement in this (fresh) process and return seconds and peak memory."""
    start = time.perf_counter()
    if which == "bordercompact":
        from bordercompact.harmonize.output import harmonize_into

        result, _ = harmonize_into(region, out)
        assert len(result.layers["assets"]) > 0
    else:
        path = next(region.glob("buildings.*"))
        if path.suffix == ".csv":
            table = pd.read_csv(path)
            frame = gpd.GeoDataFrame(
                table, geometry=gpd.points_from_xy(table.X_FT, table.Y_FT), crs=PARTY_CRS
            )
        elif path.suffix == ".parquet":
            frame = gpd.read_parquet(path)
        else:
            frame = gpd.read_file(path, engine="pyogrio", use_arrow=True)
        frame.to_crs(ANALYSIS_CRS).to_parquet(out)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak_mib}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=("gpkg", "csv", "parquet"), default="gpkg")
    parser.add_argument("--measure", choices=("bordercompact", "reference"), help=argparse.SUPPRESS)
    parser.add_argument("--region", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.region, args.out)))
        return

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "region").mkdir()
        region = write_region(root / "region", args.buildings, args.format)
        size_mib = sum(p.stat().st_size for p in region.iterdir()) / 2**20
        runs: dict[str, list[dict[str, float]]] = {"bordercompact": [], "reference": []}
        for i in range(args.repeat):
            for which in runs:
                out = root / f"{which}-{i}" / ("run" if which == "bordercompact" else "out.parquet")
                out.parent.mkdir()
                command = [sys.executable, __file__, "--measure", which]
                command += ["--region", str(region), "--out", str(out)]
                done = subprocess.run(command, capture_output=True, text=True)
                if done.returncode != 0:
                    sys.exit(f"{which} run {i + 1} failed:\n{done.stderr}")
                runs[which].append(json.loads(done.stdout.strip().splitlines()[-1]))
    median = {
        w: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mib")}
        for w, rs in runs.items()
    }
    ours, reference = median["bordercompact"], median["reference"]
    print(
        f"buildings: {args.buildings:,} points, input {args.format} {size_mib:,.0f} MiB, "
        f"{args.repeat} runs each, medians"
    )
    print(
        f"bordercompact validate+harmonize: {ours['seconds']:6.2f} s   "
        f"peak {ours['peak_mib']:7,.0f} MiB   ({args.buildings / ours['seconds']:,.0f} buildings/s)"
    )
    print(
        f"reference (geopandas read + to_crs + to_parquet): {reference['seconds']:6.2f} s   "
        f"peak {reference['peak_mib']:7,.0f} MiB"
    )
    print(
        f"ratio bordercompact / reference: time {ours['seconds'] / reference['seconds']:.2f}×, "
        f"memory {ours['peak_mib'] / reference['peak_mib']:.2f}×"
    )
    print("target: under 15 s and under 2,048 MiB for 1,000,000 buildings on 2 cores")
    print(f"all runs: {json.dumps(runs)}")


if __name__ == "__main__":
    main()
