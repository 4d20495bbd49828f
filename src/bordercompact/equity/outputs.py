"""Writing a region's equity into a run directory (``RUN_DIR/equity/``, documented in
``docs/commands/equity.md``), and the ``equity`` stage run from a region directory."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from bordercompact.equity.config import EQUITY_CONFIG_NAME, load_equity_config
from bordercompact.equity.pipeline import ALL_OPEN, EquityRun, run_equity
from bordercompact.harmonize.output import write_geoparquet, write_harmonization
from bordercompact.region.load import load_region
from bordercompact.region.workspace import (
    atomic_run_dir,
    check_run_dir_target,
    provenance,
    utc_now,
    write_provenance,
)
from bordercompact.risk.config import RISK_CONFIG_NAME, load_risk_config
from bordercompact.risk.outputs import (
    harmonized,
    risk_inputs,
    risk_parameters,
    risk_stage,
    write_risk,
)
from bordercompact.risk.pipeline import Progress


def headline(run: EquityRun) -> dict[str, Any]:
    """The figures to show: zones and people per SVI quintile and party, people beyond
    each facility's threshold per party and quintile with every crossing open and in each
    crossing scenario, and how each present risk line falls on the most vulnerable."""
    zones = run.zones
    by_quintile = (
        zones.groupby(["party", "quintile"])["population"].agg(["size", "sum"]).reset_index()
    )
    figures: dict[str, Any] = {
        "zones": len(zones),
        "people": float(zones["population"].sum()),
        "ranking": run.config.svi.ranking,
        "variables_by_party": run.available,
        "people_by_party_and_quintile": [
            {
                "party": r.party,
                "quintile": int(r.quintile) or "unknown",
                "zones": int(r.size),
                "people": r.sum,
            }
            for r in by_quintile.itertuples(index=False)
        ],
        "notes": run.notes,
    }
    if not run.access.empty:
        figures["access"] = [
            _clean(row)
            for row in run.access[
                [
                    "facility",
                    "scenario",
                    "rule",
                    "by",
                    "group",
                    "population",
                    "mean_minutes",
                    "p90_minutes",
                    "people_beyond",
                    "share_beyond",
                    "threshold_minutes",
                ]
            ].to_dict("records")
        ]
    if not run.concentration.empty:
        figures["risk_by_vulnerability"] = [
            _clean(row) for row in run.concentration.to_dict("records")
        ]
    return figures


def _clean(row: dict[Any, Any]) -> dict[str, Any]:
    """JSON-safe: infinite and missing numbers as None."""
    return {
        str(k): (None if isinstance(v, float) and not math.isfinite(v) else v)
        for k, v in row.items()
    }


def write_equity(run: EquityRun, run_dir: Path) -> list[Path]:
    """Write the equity of ``run`` below ``run_dir/equity``; return the files written."""
    out = run_dir / "equity"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "zones.parquet"
    write_geoparquet(run.zones, path, {}, run.region.settings.model_dump())
    written.append(path)
    for name, table in (
        ("access.csv", run.access),
        ("access_by_zone.csv", run.access_by_zone),
        ("distribution.csv", run.distribution),
        ("concentration.csv", run.concentration),
    ):
        if not table.empty:
            path = out / name
            table.to_csv(path, index=False)
            written.append(path)
    path = out / "metrics.json"
    path.write_text(json.dumps(headline(run), indent=2, ensure_ascii=False) + "\n", "utf-8")
    written.append(path)
    return written


def equity_into(
    region_root: Path,
    run_dir: Path,
    *,
    client: Any = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[EquityRun, Path]:
    """Harmonize the region, compute its risk (when it has a ``risk.toml``: present and
    scenarios) and its equity, and write all of it into ``run_dir`` (complete, with its
    provenance, or not at all)."""
    check_run_dir_target(run_dir, overwrite=overwrite)
    started = utc_now()
    region = load_region(region_root)
    config = load_equity_config(region)  # the set-ups' mistakes before the long part
    with_risk = (region.root / RISK_CONFIG_NAME).is_file()
    if with_risk:
        load_risk_config(region)
    harmonization = harmonized(region_root, progress)
    assert harmonization.region is not None
    risk = risk_stage(harmonization, client=client, progress=progress) if with_risk else None
    run = run_equity(harmonization.region, harmonization.layers, config, risk)
    with atomic_run_dir(run_dir, overwrite=overwrite) as staging:
        written = write_harmonization(harmonization, staging)
        if risk is not None:
            written += write_risk(risk, staging)
        written += write_equity(run, staging)
        record = provenance(
            command="equity",
            parameters={
                "region": str(Path(region_root).absolute()),
                "out": str(Path(run_dir).absolute()),
                "equity": run.config.model_dump(mode="json"),
                **(risk_parameters(risk, client) if risk is not None else {}),
            },
            inputs=[
                *(risk_inputs(risk) if risk is not None else run.region.input_files()),
                run.region.root / EQUITY_CONFIG_NAME,
            ],
            input_root=run.region.root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return run, Path(run_dir).absolute()


def access_gaps(run: EquityRun) -> pd.DataFrame:
    """People beyond each facility's threshold, per party, as the manifest sets the
    facilities' rules and with every facility open to all, for every crossing open and
    each crossing scenario side by side."""
    if run.access.empty:
        return pd.DataFrame()
    table = run.access[run.access["by"] == "party"]
    wide = table.pivot_table(
        index=["facility", "rule", "group"],
        columns="scenario",
        values="people_beyond",
        sort=False,
    )
    order = [ALL_OPEN, *[s for s in wide.columns if s != ALL_OPEN]]
    return wide[order].reset_index()
