"""Writing a harmonization into a run directory: GeoParquet layers, rasters and the logs.

Layout (one file per dataset kind, all parties together, a ``party`` column on each row)::

    layers/<kind>.parquet          GeoParquet 1.1, analysis CRS
    layers/border_discrepancies.parquet
    rasters/<dataset>.tif
    harmonization_log.json / .md
    validation.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from bordercompact.harmonize.geometry import GEOMETRY_TYPE_NAMES
from bordercompact.harmonize.log import render_markdown
from bordercompact.harmonize.pipeline import Harmonization, Progress, harmonize_region
from bordercompact.region.problems import InvalidRegionError
from bordercompact.region.workspace import (
    atomic_run_dir,
    check_run_dir_target,
    provenance,
    utc_now,
    write_provenance,
)

GEOPARQUET_VERSION = "1.1.0"


def write_harmonization(result: Harmonization, run_dir: Path) -> list[Path]:
    """Write every layer, raster and log of ``result`` below ``run_dir``; return the files."""
    assert result.region is not None
    written: list[Path] = []
    layers = run_dir / "layers"
    layers.mkdir(parents=True, exist_ok=True)
    for kind, frame in sorted(result.layers.items()):
        path = layers / f"{kind}.parquet"
        write_geoparquet(
            frame, path, result.field_metadata.get(kind, {}), result.region.settings.model_dump()
        )
        written.append(path)
    if result.border:
        frame = gpd.GeoDataFrame(
            {
                "kind": [b.kind for b in result.border],
                "party_a": [b.parties[0] for b in result.border],
                "party_b": [b.parties[1] for b in result.border],
                "area_m2": [b.area_m2 for b in result.border],
            },
            geometry=[b.geometry for b in result.border],
            crs=result.region.settings.crs,
        )
        path = layers / "border_discrepancies.parquet"
        write_geoparquet(
            frame,
            path,
            {"area_m2": {"role": "quantity", "unit": "m**2"}},
            result.region.settings.model_dump(),
        )
        written.append(path)
    if result.rasters:
        rasters = run_dir / "rasters"
        rasters.mkdir(exist_ok=True)
        for dataset_id, raster in sorted(result.rasters.items()):
            path = rasters / f"{dataset_id}.tif"
            raster.write(path)
            written.append(path)
    settings = result.region.settings.model_dump()
    border = [
        {"kind": b.kind, "parties": list(b.parties), "area_m2": b.area_m2} for b in result.border
    ]
    log = {
        "region": result.region.settings.name,
        "settings": settings,
        "border": border,
        "datasets": [entry.to_dict() for entry in result.log],
    }
    written.append(
        _write_text(run_dir / "harmonization_log.json", json.dumps(log, indent=2, default=str))
    )
    written.append(
        _write_text(
            run_dir / "harmonization_log.md",
            render_markdown(result.region.settings.name, settings, result.log, border),
        )
    )
    written.append(_write_text(run_dir / "validation.json", validation_json(result)))
    return written


def validation_json(result: Harmonization) -> str:
    region = str(result.region.root) if result.region else None
    return json.dumps({"region": region, **result.problems.report(), "ok": result.ok}, indent=2)


def write_geoparquet(
    frame: gpd.GeoDataFrame,
    path: Path,
    fields: dict[str, dict[str, Any]],
    region_settings: dict[str, Any],
) -> None:
    """GeoParquet 1.1 (WKB geometry, PROJJSON CRS, bbox) with bordercompact's field metadata:
    the unit of each quantity, the currency and price year of money, the vocabulary of each
    category and the language column of each text field.

    Reference: GeoParquet specification 1.1.0 (Open Geospatial Consortium, 2024).
    """
    geometry = frame.geometry
    types = [int(t) for t in np.unique(shapely.get_type_id(np.asarray(geometry.values))) if t >= 0]
    column: dict[str, Any] = {
        "encoding": "WKB",
        "geometry_types": [GEOMETRY_TYPE_NAMES[t] for t in types],
        "crs": json.loads(geometry.crs.to_json()) if geometry.crs else None,
    }
    bounds = geometry.total_bounds
    if np.all(np.isfinite(bounds)):  # an empty layer has no bbox (the key is optional)
        column["bbox"] = [float(v) for v in bounds]
    geo = {
        "version": GEOPARQUET_VERSION,
        "primary_column": geometry.name,
        "columns": {geometry.name: column},
    }
    table = pa.table(frame.to_arrow(geometry_encoding="WKB", index=False))
    metadata = dict(table.schema.metadata or {})
    metadata[b"geo"] = json.dumps(geo).encode()
    metadata[b"bordercompact"] = json.dumps(
        {
            "crs": region_settings["crs"],
            "currency": region_settings["currency"],
            "price_year": region_settings["price_year"],
            "fields": fields,
        }
    ).encode()
    table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, compression="zstd")


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    return path


def harmonize_into(
    region_root: Path,
    run_dir: Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[Harmonization, Path]:
    """Validate and harmonize the region at ``region_root`` into ``run_dir``.

    Nothing is written when the region has errors (:class:`InvalidRegionError` carries them);
    otherwise the run directory appears complete, with its provenance, or not at all.
    A ``run_dir`` that may not be written (:func:`check_run_dir_target`) raises
    :class:`~bordercompact.region.workspace.RunDirExistsError` before the region is read.
    """
    check_run_dir_target(run_dir, overwrite=overwrite)
    started = utc_now()
    result = harmonize_region(region_root, progress)
    if not result.ok:
        raise InvalidRegionError(result.problems)
    assert result.region is not None
    steps = len(result.region.datasets)
    if progress:
        progress(steps, steps + 1, "writing layers, logs and provenance")
    with atomic_run_dir(run_dir, overwrite=overwrite) as staging:
        written = write_harmonization(result, staging)
        record = provenance(
            command="harmonize",
            parameters={
                "region": str(Path(region_root).absolute()),
                "out": str(Path(run_dir).absolute()),
            },
            inputs=result.region.input_files(),
            input_root=result.region.root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    if progress:
        progress(steps + 1, steps + 1, "done")
    return result, Path(run_dir).absolute()
