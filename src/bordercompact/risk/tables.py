"""The plain-table interface of the impact engine (``bordercompact impact``): assets from a
CSV, results as ``metrics.json``, ``eai_by_asset.parquet`` and ``impact_by_event.parquet``.
The formats are documented in ``docs/risk-formats.md``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bordercompact.risk.engine import ImpactResult, Progress, compute_impact
from bordercompact.risk.exposure import NO_CENTROID, ExposureError, Exposures, assign_centroids
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.hazard_io import read_hazard_tables
from bordercompact.risk.metrics import DEFAULT_RETURN_PERIODS
from bordercompact.risk.vulnerability import (
    ImpactFuncSet,
    ImpactFunctionError,
    read_impact_functions_csv,
)

ASSET_COLUMNS = ("asset_id", "lat", "lon", "value", "impf_id")
#: How far an asset may be from its centroid (m): CLIMADA's default threshold of 100 km
#: (``climada.util.coordinates.NEAREST_NEIGHBOR_THRESHOLD``).
DEFAULT_MAX_DISTANCE_M = 100_000.0
#: Either name may carry the party of each asset.
PARTY_COLUMNS = ("party", "jurisdiction")


@dataclass(frozen=True)
class AssetTable:
    exposures: Exposures
    centroid: np.ndarray | None  # given centroids (index into the hazard's), else None


def read_assets_csv(path: Path, centroids: Centroids) -> AssetTable:
    """``asset_id,lat,lon,value,impf_id[,centroid_id][,party|jurisdiction][,deductible,cover]``.

    A ``centroid_id`` column assigns assets to centroids as given (no search); every id
    must be one of the hazard's centroids.
    """
    table = pd.read_csv(path, dtype={"asset_id": str, "party": str, "jurisdiction": str})
    missing = [c for c in ASSET_COLUMNS if c not in table.columns]
    if missing:
        raise ExposureError(f"{path}: no column(s) {', '.join(missing)}; expected {ASSET_COLUMNS}")
    for column in ("lat", "lon", "value", "impf_id", "deductible", "cover"):
        if column not in table.columns:
            continue
        numbers = pd.to_numeric(table[column], errors="coerce")
        optional = column in ("deductible", "cover")  # empty: none
        bad = (numbers.isna() & table[column].notna()) if optional else numbers.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ExposureError(
                f"{path}, line {row + 2}, column {column}: found {str(table[column].iloc[row])!r}; "
                "expected a number"
            )
        table[column] = numbers
    party_column = next((c for c in PARTY_COLUMNS if c in table.columns), None)
    party = (
        table[party_column].astype(object).where(table[party_column].notna(), None).to_numpy()
        if party_column
        else np.full(len(table), None, dtype=object)
    )
    exposures = Exposures(
        asset_id=table["asset_id"].to_numpy(dtype=object),
        lat=table["lat"].to_numpy(float),
        lon=table["lon"].to_numpy(float),
        value=table["value"].to_numpy(float),
        impf_id=table["impf_id"].to_numpy(np.int64),
        party=party,
        deductible=table["deductible"].fillna(0).to_numpy(float) if "deductible" in table else None,
        cover=table["cover"].fillna(table["value"]).to_numpy(float) if "cover" in table else None,
    )
    centroid = None
    if "centroid_id" in table.columns:
        position = pd.Series(np.arange(centroids.size), index=pd.Index(centroids.centroid_id))
        mapped = table["centroid_id"].map(position)
        unknown = mapped.isna() & table["centroid_id"].notna()
        if unknown.any():
            line = int(np.flatnonzero(unknown.to_numpy())[0]) + 2
            raise ExposureError(
                f"{path}, line {line}, column centroid_id: found "
                f"{str(table['centroid_id'].iloc[line - 2])!r}; "
                "expected a centroid_id of the centroids"
            )
        centroid = mapped.fillna(NO_CENTROID).to_numpy(np.int64)
    return AssetTable(exposures, centroid)


def metrics_document(
    result: ImpactResult, return_periods: tuple[float, ...] = DEFAULT_RETURN_PERIODS
) -> dict[str, Any]:
    """``metrics.json``: ``aai_agg``, ``aai_by_party``, ``rp_losses`` (total and by party)."""
    document: dict[str, Any] = {
        "haz_type": result.haz_type,
        "scenario": result.scenario,
        "aai_agg": result.aai_agg,
        "aai_by_party": result.aai_by_party(),
        "rp_losses": result.return_period_impacts(return_periods),
    }
    if result.insured_at_event_by_party is not None:
        insured = ImpactResult(
            result.haz_type,
            result.scenario,
            result.event_id,
            result.frequency,
            result.parties,
            result.insured_at_event_by_party,
            result.insured_eai_exp if result.insured_eai_exp is not None else result.eai_exp,
        )
        document["insured"] = {
            "aai_agg": insured.aai_agg,
            "aai_by_party": insured.aai_by_party(),
            "rp_losses": insured.return_period_impacts(return_periods),
        }
    return document


def write_impact_tables(result: ImpactResult, exposures: Exposures, out_dir: Path) -> list[Path]:
    """Write ``metrics.json``, ``eai_by_asset.parquet`` and ``impact_by_event.parquet``."""
    metrics = out_dir / "metrics.json"
    metrics.write_text(json.dumps(metrics_document(result), indent=2) + "\n", encoding="utf-8")
    by_asset = pd.DataFrame(
        {
            "asset_id": exposures.asset_id,
            "party": exposures.party,
            "eai": result.eai_exp,
        }
    )
    if result.insured_eai_exp is not None:
        by_asset["eai_insured"] = result.insured_eai_exp
    eai = out_dir / "eai_by_asset.parquet"
    by_asset.to_parquet(eai, index=False)
    by_event = pd.DataFrame(
        {"event_id": result.event_id, "frequency": result.frequency, "total": result.at_event}
    )
    for i, party in enumerate(result.parties):
        by_event[party] = result.at_event_by_party[:, i]
    events = out_dir / "impact_by_event.parquet"
    by_event.to_parquet(events, index=False)
    return [metrics, eai, events]


@dataclass(frozen=True)
class PlainImpact:
    result: ImpactResult
    exposures: Exposures
    assets_beyond: int  # assets with no centroid within the maximum distance
    hazard: Hazard
    functions: ImpactFuncSet
    centroid: np.ndarray  # each asset's, index into the hazard's centroids or NO_CENTROID


def run_plain_impact(
    centroids: Path,
    events: Path,
    intensity: Path,
    assets: Path,
    functions: Path,
    *,
    haz_type: str | None = None,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    client: Any = None,
    progress: Progress | None = None,
) -> PlainImpact:
    """``bordercompact impact``: the engine on plain tables (formats in docs/risk-formats.md).

    The hazard type is the one of the impact function table when it holds one only.
    Assets without a ``centroid_id`` go to the nearest centroid within ``max_distance_m``.
    ``progress(done_events, total_events)`` is called after each chunk of events.
    """
    function_set = read_impact_functions_csv(functions)
    kinds = sorted({f.haz_type for f in function_set})
    if haz_type is None:
        if len(kinds) != 1:
            raise ImpactFunctionError(
                f"{functions}: impact functions for {kinds}; say which hazard with --haz-type"
            )
        haz_type = kinds[0]
    hazard = read_hazard_tables(centroids, events, intensity, haz_type=haz_type, units="")
    table = read_assets_csv(assets, hazard.centroids)
    centroid = table.centroid
    beyond = 0
    if centroid is None:
        assignment = assign_centroids(table.exposures, hazard.centroids, max_distance_m)
        centroid, beyond = assignment.centroid, assignment.beyond
    result = compute_impact(
        hazard, table.exposures, function_set, centroid, client=client, progress=progress
    )
    return PlainImpact(result, table.exposures, beyond, hazard, function_set, centroid)
