"""Writing a region's risk into a run directory (``RUN_DIR/risk/``), as documented in
``docs/risk-config.md``: ``summary.csv``, ``metrics.json``, ``methodology.csv``, impacts
per event and per asset, and the event sets."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from bordercompact.harmonize.output import write_harmonization
from bordercompact.harmonize.pipeline import Harmonization, harmonize_region
from bordercompact.region.load import load_region
from bordercompact.region.problems import InvalidRegionError
from bordercompact.region.workspace import (
    atomic_run_dir,
    check_run_dir_target,
    provenance,
    utc_now,
    write_provenance,
)
from bordercompact.risk.config import input_files, load_risk_config
from bordercompact.risk.hazard_io import write_hazard_parquet
from bordercompact.risk.metrics import expected_annual_impact
from bordercompact.risk.pipeline import (
    HARMONIZED,
    Progress,
    RiskLine,
    RiskRun,
    listed_rasters,
    run_risk,
)

TOTAL = "total"


def line_figures(
    line: RiskLine, parties: list[str], return_periods: tuple[float, ...]
) -> dict[str, dict[str, float]]:
    """Per party (every party of the region, zero where it has no asset) and in total:
    the average annual impact ``aai``, the impact at each return period ``rp_<T>`` and,
    for an insured exposure, the insured part of the AAI ``aai_insured``."""
    impact = line.impact
    by_party = impact.aai_by_party()
    at_rp = impact.return_period_impacts(return_periods)
    insured = (
        None
        if impact.insured_at_event_by_party is None
        else expected_annual_impact(impact.insured_at_event_by_party, impact.frequency)
    )
    figures = {}
    for party in [TOTAL, *parties]:
        aai = impact.aai_agg if party == TOTAL else by_party.get(party, 0.0)
        rp = at_rp.get(party, {})
        figures[party] = {"aai": aai} | {f"rp_{t:g}": rp.get(f"{t:g}", 0.0) for t in return_periods}
        if insured is not None:
            mine = [i for i, p in enumerate(impact.parties) if party in (TOTAL, p)]
            figures[party]["aai_insured"] = float(insured[mine].sum())
    return figures


def summary_table(run: RiskRun) -> pd.DataFrame:
    """One row per scenario, risk line (harmonized methodology) and party or ``total``."""
    parties = [p.id for p in run.region.parties]
    periods = tuple(run.config.settings.return_periods)
    rows = []
    for line in run.lines:
        if line.methodology != HARMONIZED:
            continue
        for party, figures in line_figures(line, parties, periods).items():
            rows.append(
                {
                    "scenario": line.scenario,
                    "hazard": line.hazard,
                    "exposure": line.exposure,
                    "result": line.result,
                    "unit": line.unit,
                    "party": party,
                    **figures,
                    "synthetic": line.synthetic,
                }
            )
    return pd.DataFrame(rows)


def methodology_table(run: RiskRun) -> pd.DataFrame:
    """Each party's own methodology beside the harmonized one, per side of the border:
    ``methodology`` (whose curves), ``party`` (whose assets, or ``total``), the AAI both
    ways, their difference (own − harmonized), their ratio, and the return-period impacts."""
    parties = [p.id for p in run.region.parties]
    periods = tuple(run.config.settings.return_periods)
    harmonized = {
        (x.scenario, x.hazard, x.exposure, x.result): x
        for x in run.lines
        if x.methodology == HARMONIZED
    }
    rows = []
    for line in run.lines:
        if line.methodology == HARMONIZED:
            continue
        base = harmonized[(line.scenario, line.hazard, line.exposure, line.result)]
        ours, theirs = (line_figures(x, parties, periods) for x in (base, line))
        for party in ours:
            a, b = ours[party]["aai"], theirs[party]["aai"]
            row: dict[str, Any] = {
                "scenario": line.scenario,
                "methodology": line.methodology,
                "hazard": line.hazard,
                "exposure": line.exposure,
                "result": line.result,
                "unit": line.unit,
                "party": party,
                "aai_harmonized": a,
                "aai_own": b,
                "difference": b - a,
                "ratio": b / a if a > 0 else math.nan,
            }
            for t in periods:
                row[f"rp_{t:g}_harmonized"] = ours[party][f"rp_{t:g}"]
                row[f"rp_{t:g}_own"] = theirs[party][f"rp_{t:g}"]
            rows.append(row)
    return pd.DataFrame(rows)


def metrics_tree(run: RiskRun) -> dict[str, Any]:
    """``metrics.json``: scenarios → risk lines → ``aai_agg``, ``aai_by_party`` and
    ``rp_losses`` (``total`` and per party), as the plain ``impact`` command writes them."""
    parties = [p.id for p in run.region.parties]
    periods = tuple(run.config.settings.return_periods)
    settings = run.region.settings
    scenarios: dict[str, Any] = {s: {} for s in run.scenarios}
    for line in run.lines:
        if line.methodology != HARMONIZED:
            continue
        figures = line_figures(line, parties, periods)
        insured = (
            {
                "aai_insured_agg": figures[TOTAL]["aai_insured"],
                "aai_insured_by_party": {p: figures[p]["aai_insured"] for p in parties},
            }
            if "aai_insured" in figures[TOTAL]
            else {}
        )
        scenarios[line.scenario][line.key] = {
            "hazard": line.hazard,
            "exposure": line.exposure,
            "result": line.result,
            "unit": line.unit,
            "aai_agg": figures[TOTAL]["aai"],
            "aai_by_party": {p: figures[p]["aai"] for p in parties},
            **insured,
            "rp_losses": {
                party: {f"{t:g}": values[f"rp_{t:g}"] for t in periods}
                for party, values in figures.items()
            },
            "assets": len(line.value),
            "assets_beyond": line.assets_beyond,
            "events": len(line.impact.event_id),
            "synthetic": line.synthetic,
        }
    return {
        "region": settings.name,
        "currency": settings.currency,
        "price_year": settings.price_year,
        "return_periods": list(periods),
        "scenarios": scenarios,
        "notes": run.notes,
    }


def write_risk(run: RiskRun, run_dir: Path) -> list[Path]:
    """Write the risk of ``run`` below ``run_dir/risk``; return the files written."""
    out = run_dir / "risk"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "summary.csv"
    summary_table(run).to_csv(path, index=False)
    written.append(path)
    path = out / "methodology.csv"
    methodology_table(run).to_csv(path, index=False)
    written.append(path)
    path = out / "metrics.json"
    path.write_text(json.dumps(metrics_tree(run), indent=2, ensure_ascii=False) + "\n", "utf-8")
    written.append(path)
    for line in run.lines:
        if line.methodology != HARMONIZED:
            continue
        written += _write_line(line, out)
    for (scenario, hazard_id), hazard in run.hazards.items():
        folder = out / "hazards" / scenario / hazard_id
        write_hazard_parquet(hazard, folder)
        written += sorted(folder.iterdir())
    return written


def _write_line(line: RiskLine, out: Path) -> list[Path]:
    impact = line.impact
    events = pd.DataFrame(
        {
            "event_id": impact.event_id,
            "event_name": line.event_name if len(line.event_name) else "",
            "frequency": impact.frequency,
            TOTAL: impact.at_event,
        }
        | {p: impact.at_event_by_party[:, i] for i, p in enumerate(impact.parties)}
    )
    assets = pd.DataFrame(
        {
            "asset_id": line.assets.feature_id,
            "dataset": line.assets.dataset,
            "party": line.assets.party.astype(str),
            "value": line.value,
            "eai": impact.eai_exp,
        }
    )
    paths = []
    for folder, table in (("impact_by_event", events), ("eai_by_asset", assets)):
        path = out / folder / line.scenario / f"{line.key}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(path, index=False)
        paths.append(path)
    return paths


def risk_into(
    region_root: Path,
    run_dir: Path,
    *,
    scenarios: list[str] | None = None,
    client: Any = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[RiskRun, Path]:
    """Harmonize the region at ``region_root``, compute its risk and write both into
    ``run_dir`` (complete, with its provenance, or not at all).

    Raises :class:`InvalidRegionError` for problems of ``region.toml``, its data or
    ``risk.toml``; ``ValueError`` subclasses naming the file for bad risk inputs.
    """
    check_run_dir_target(run_dir, overwrite=overwrite)
    started = utc_now()
    load_risk_config(load_region(region_root))  # risk.toml's mistakes before the long part
    harmonization = harmonized(region_root, progress)
    run = risk_stage(harmonization, scenarios=scenarios, client=client, progress=progress)
    with atomic_run_dir(run_dir, overwrite=overwrite) as staging:
        written = write_harmonization(harmonization, staging) + write_risk(run, staging)
        record = provenance(
            command="risk",
            parameters={
                "region": str(Path(region_root).absolute()),
                "out": str(Path(run_dir).absolute()),
                **risk_parameters(run, client),
            },
            inputs=risk_inputs(run),
            input_root=run.region.root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return run, Path(run_dir).absolute()


def harmonized(region_root: Path, progress: Progress | None = None) -> Harmonization:
    """The region's harmonization; :class:`InvalidRegionError` when it has errors."""
    harmonization = harmonize_region(region_root, progress)
    if not harmonization.ok:
        raise InvalidRegionError(harmonization.problems)
    return harmonization


def risk_stage(
    harmonization: Harmonization,
    *,
    scenarios: list[str] | None = None,
    client: Any = None,
    progress: Progress | None = None,
) -> RiskRun:
    """The risk of a harmonized region, as its ``risk.toml`` says."""
    region = harmonization.region
    assert region is not None
    config = load_risk_config(region)
    return run_risk(
        region, harmonization.layers, config, scenarios=scenarios, client=client, progress=progress
    )


def risk_parameters(run: RiskRun, client: Any) -> dict[str, Any]:
    """What a run's provenance records of its risk stage."""
    return {
        "scenarios": run.scenarios,
        "risk": run.config.model_dump(mode="json"),
        "scheduler": str(client.scheduler.address) if client is not None else None,
    }


def risk_inputs(run: RiskRun) -> list[Path]:
    """Every file the risk stage read: the region's, risk.toml's and the listed rasters."""
    region, config = run.region, run.config
    return [
        *region.input_files(),
        *input_files(region, config),
        *(p for h in config.hazards for p in listed_rasters(region, h)["raster"]),
    ]
