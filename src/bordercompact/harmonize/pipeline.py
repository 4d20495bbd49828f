"""Validate and harmonize a whole region in one pass.

Validation and harmonization are the same work: every dataset is read, checked and
converted in memory while every problem is collected. ``bordercompact validate`` reports
the problems; ``bordercompact harmonize`` also writes the layers when there is no error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from bordercompact.harmonize import currency as money
from bordercompact.harmonize.cells import cell_text
from bordercompact.harmonize.context import RegionContext
from bordercompact.harmonize.crs import MAX_AREAL_DISTORTION, analysis_crs_problem, areal_scale
from bordercompact.harmonize.log import DatasetLog
from bordercompact.harmonize.raster import RasterLayer, harmonize_raster
from bordercompact.harmonize.territory import BorderDiscrepancy, border_discrepancies
from bordercompact.harmonize.vector import harmonize_vector
from bordercompact.harmonize.vocab import read_vocabulary, shipped_vocabularies
from bordercompact.region.kinds import KINDS
from bordercompact.region.load import Region, read_region
from bordercompact.region.manifest import Dataset
from bordercompact.region.problems import ProblemLog

#: Called before each dataset with (datasets done, datasets in all, what comes next).
Progress = Callable[[int, int, str], None]


@dataclass
class Harmonization:
    """Everything a validate/harmonize pass produced."""

    region: Region | None
    problems: ProblemLog
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)  # kind -> features
    rasters: dict[str, RasterLayer] = field(default_factory=dict)  # dataset id -> raster
    log: list[DatasetLog] = field(default_factory=list)
    border: list[BorderDiscrepancy] = field(default_factory=list)
    field_metadata: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.region is not None and not self.problems.has_errors


def harmonize_region(root: Path | str, progress: Progress | None = None) -> Harmonization:
    """Read, check and convert every dataset of the region at ``root``."""
    problems = ProblemLog()
    region = read_region(Path(root), problems)
    result = Harmonization(region, problems)
    if region is None:
        return result
    step = progress or (lambda done, total, label: None)
    context = _context(region, problems)
    if context is None:
        return result
    frames: dict[str, list[gpd.GeoDataFrame]] = {}
    # Boundaries first: the border check, party assignment by location and the
    # inside-checks of the other datasets need the parties' territories.
    boundaries = region.datasets_of_kind("boundary")
    others = [d for d in region.datasets if d.kind != "boundary"]
    total = len(region.datasets)
    for done, dataset in enumerate(boundaries):
        step(done, total, f"{dataset.id} ({dataset.kind})")
        _harmonize_dataset(dataset, context, result, frames)
    result.border = _check_border(context, frames.get("boundary", []))
    _check_distortion(context)
    for done, dataset in enumerate(others, start=len(boundaries)):
        step(done, total, f"{dataset.id} ({dataset.kind})")
        _harmonize_dataset(dataset, context, result, frames)
    for kind_name, parts in frames.items():
        result.layers[kind_name] = _concat(parts, context)
    return result


def _harmonize_dataset(
    dataset: Dataset,
    context: RegionContext,
    result: Harmonization,
    frames: dict[str, list[gpd.GeoDataFrame]],
) -> None:
    kind = KINDS[dataset.kind]
    party_label = dataset.party or f"by {dataset.party_field}"
    entry = DatasetLog(dataset.id, dataset.kind, dataset.path, dataset.layer, party_label)
    if kind.is_raster:
        raster = harmonize_raster(dataset, context.region, context.crs, context.problems, entry)
        if raster is not None:
            result.rasters[dataset.id] = raster
    else:
        harmonized = harmonize_vector(dataset, kind, context, entry)
        if harmonized is not None:
            frame, field_meta = harmonized
            frames.setdefault(dataset.kind, []).append(frame)
            result.field_metadata.setdefault(kind.name, {}).update(field_meta)
            if dataset.kind == "boundary":
                _add_territories(frame, context)
    result.log.append(entry)


def _context(region: Region, problems: ProblemLog) -> RegionContext | None:
    settings = region.settings
    where = str(region.manifest_path)
    crs = pyproj.CRS.from_user_input(settings.crs)
    reason = analysis_crs_problem(crs)
    if reason:
        problems.error(
            "analysis-crs", where, reason, "a projected CRS in metres", field="region.crs"
        )
        return None
    vocabularies = shipped_vocabularies()
    for name, relative in settings.vocabularies.items():
        path = region.path(relative)
        try:
            vocabularies[name] = read_vocabulary(path)
        except (OSError, ValueError) as exc:
            problems.error(
                "bad-vocabulary",
                str(path),
                str(exc),
                "a vocabulary TOML with name, source and terms",
                field=f"region.vocabularies.{name}",
            )
    rates = (
        money.read_exchange_rates(region.path(settings.exchange_rates), problems)
        if settings.exchange_rates
        else None
    )
    indices = (
        money.read_price_indices(region.path(settings.price_indices), problems)
        if settings.price_indices
        else None
    )
    return RegionContext(region, crs, problems, vocabularies, rates, indices)


def _add_territories(frame: gpd.GeoDataFrame, context: RegionContext) -> None:
    for party_id, part in frame.groupby("party", observed=True):
        polygons = [g for g in part.geometry.values if g is not None and not g.is_empty]
        if party_id in context.territories:
            polygons.append(context.territories[party_id])
        context.territories[str(party_id)] = shapely.union_all(polygons)


def _check_border(
    context: RegionContext, boundaries: list[gpd.GeoDataFrame]
) -> list[BorderDiscrepancy]:
    """Report each overlap or gap with the boundary features (municipalities …) it touches."""
    if len(context.territories) < 2:
        return []
    tolerance = context.region.settings.border_tolerance_m
    found = border_discrepancies(context.territories, tolerance)
    features = pd.concat(boundaries, ignore_index=True)
    tree = shapely.STRtree(features.geometry.values)
    files = {d.id: str(context.region.path(d.path)) for d in context.region.datasets}
    for item in found:
        near = tree.query(item.geometry, predicate="dwithin", distance=max(tolerance, 1e-6))
        touching = features.iloc[np.sort(near)]
        touching = touching[touching.party.isin(item.parties)]
        a, b = item.parties
        context.problems.warning(
            f"border-{item.kind}",
            ", ".join(sorted({files[d] for d in touching.dataset.astype(str)})),
            f"{'an overlap' if item.kind == 'overlap' else 'a gap'} "
            f"of {item.area_m2 / 1e4:,.2f} ha ({item.area_m2:,.0f} m²) "
            f"between the boundaries of {a} and {b}",
            "boundaries that meet along the border without overlap or gap "
            "(see layers/border_discrepancies.parquet)",
            layer=", ".join(
                sorted({d.layer for d in context.region.datasets_of_kind("boundary") if d.layer})
            )
            or None,
            features=list(touching.feature_id),
        )
    return found


def _check_distortion(context: RegionContext) -> None:
    """Areas, distances and the border tolerance are measured in the analysis CRS: warn
    when it distorts them at the region's centre (a conformal projection far from its
    standard lines, Web Mercator)."""
    if not context.territories:
        return
    centre = shapely.union_all(list(context.territories.values())).centroid
    scale = areal_scale(context.crs, centre.x, centre.y)
    if abs(scale - 1) > MAX_AREAL_DISTORTION:
        context.problems.warning(
            "analysis-crs-distortion",
            context.manifest,
            f"areas in {context.crs.to_string()} {scale:.3f} times their true size at the "
            "region's centre",
            f"an analysis CRS within {MAX_AREAL_DISTORTION:.0%} of true area there "
            "(an equal-area CRS, or the local UTM zone)",
            field="region.crs",
        )


def _concat(parts: list[gpd.GeoDataFrame], context: RegionContext) -> gpd.GeoDataFrame:
    """One layer of all datasets of a kind. A field the datasets carry with different
    types (numbers in one party's file, text in another's) is kept as text, with a
    warning, so that the layer has one type per column."""
    categorical = {
        c for p in parts for c in p.columns if isinstance(p[c].dtype, pd.CategoricalDtype)
    }
    kinds: dict[str, dict[str, str]] = {}
    for part in parts:
        dataset = str(part["dataset"].iloc[0]) if len(part) else "?"
        for column in part.columns:
            if column not in categorical and column != "geometry":
                kinds.setdefault(column, {})[dataset] = _value_kind(part[column])
    mixed = {c: by_dataset for c, by_dataset in kinds.items() if len(set(by_dataset.values())) > 1}
    for column, by_dataset in sorted(mixed.items()):
        context.problems.warning(
            "mixed-field-types",
            context.manifest,
            "field "
            + repr(column)
            + " as "
            + ", ".join(f"{kind} in {dataset}" for dataset, kind in sorted(by_dataset.items())),
            "one type across datasets of a kind; the field is kept as text",
            field=column,
            features=sorted(by_dataset),
        )
    frame = pd.concat(
        [part.assign(**{c: cell_text(part[c]) for c in mixed if c in part}) for part in parts],
        ignore_index=True,
    )
    for column in categorical:
        frame[column] = frame[column].astype("category")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=context.crs)


def _value_kind(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "true/false"
    if pd.api.types.is_numeric_dtype(values):
        return "numbers"
    return "text"
