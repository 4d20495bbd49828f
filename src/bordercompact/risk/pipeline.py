"""The region's risk: every hazard of ``risk.toml`` on every exposure it names, per party,
for the present and each scenario, the harmonized way and each party's own way.

Input is a harmonization (:mod:`bordercompact.harmonize.pipeline`); output a
:class:`RiskRun` of risk lines, written by :mod:`bordercompact.risk.outputs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from bordercompact.region.load import Region
from bordercompact.risk.config import (
    PRESENT,
    ExposureSpec,
    FunctionChoice,
    HazardSpec,
    ImpactSpec,
    RiskConfig,
    Scenario,
)
from bordercompact.risk.engine import ImpactResult, compute_impact
from bordercompact.risk.exposure import (
    CentroidAssignment,
    ExposureError,
    Exposures,
    assign_centroids,
    assign_raster_cells,
)
from bordercompact.risk.flood import gumbel_discharge, hand_flood_hazard, rating_stage, read_hand
from bordercompact.risk.functions import shipped_impact_functions
from bordercompact.risk.hazard import Hazard, HazardError
from bordercompact.risk.hazard_io import (
    hazard_from_event_rasters,
    hazard_from_return_period_maps,
    read_climada_hdf5,
    read_hazard_tables,
)
from bordercompact.risk.heat import (
    block_mean_terrain,
    hot_day_hazard,
    read_daily_series,
    years_of_record,
)
from bordercompact.risk.scenarios import (
    HazardChange,
    ScenarioError,
    changed_daily_series,
    changed_hazard,
    read_exposure_growth,
    read_hazard_changes,
)
from bordercompact.risk.text_tables import first_line, read_table
from bordercompact.risk.vulnerability import (
    ImpactFuncSet,
    ImpactFunctionError,
    affected_function,
    read_impact_functions_csv,
)

#: The methodology every party shares: the shipped curves (and the region's own extra ones).
HARMONIZED = "harmonized"

Progress = Callable[[int, int, str], None]


class RiskInputError(ValueError):
    """Region data the risk cannot be computed from (named file, feature, field)."""


#: The errors bad risk inputs raise, each naming its file, place and field: a command
#: reports them in one line; any other exception is a bug and keeps its traceback.
RISK_INPUT_ERRORS: tuple[type[Exception], ...] = (
    HazardError,
    ExposureError,
    ImpactFunctionError,
    ScenarioError,
    RiskInputError,
    OSError,
)


@dataclass(frozen=True)
class AssetLayer:
    """The assets of one exposure: harmonized features as points with a value."""

    spec: ExposureSpec
    feature_id: np.ndarray
    dataset: np.ndarray
    party: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    value: np.ndarray  # after value_factor(_by_party), before scenario growth
    frame: pd.DataFrame  # the harmonized attributes (for by_field)


@dataclass(frozen=True)
class EngineInputs:
    """What the engine ran on for a risk line, for re-running it with changes (measures)."""

    hazard: Hazard
    exposures: Exposures
    functions: ImpactFuncSet
    centroid: np.ndarray  # each asset's centroid, NO_CENTROID for none


@dataclass(frozen=True)
class RiskLine:
    """One exposure under one hazard, one scenario and one methodology."""

    scenario: str
    hazard: str
    exposure: str
    result: str  # "impact" or "affected"
    methodology: str  # HARMONIZED or the id of the party whose curves are used
    unit: str
    synthetic: str
    impact: ImpactResult
    assets: AssetLayer
    value: np.ndarray  # the values used (scenario growth applied)
    assets_beyond: int
    event_name: np.ndarray
    inputs: EngineInputs

    @property
    def key(self) -> str:
        return f"{self.hazard}__{self.exposure}" + (
            "" if self.result == "impact" else f"__{self.result}"
        )


@dataclass
class RiskRun:
    region: Region
    config: RiskConfig
    scenarios: list[str]
    lines: list[RiskLine] = field(default_factory=list)
    hazards: dict[tuple[str, str], Hazard] = field(default_factory=dict)  # (scenario, id)
    notes: list[str] = field(default_factory=list)


def run_risk(
    region: Region,
    layers: dict[str, gpd.GeoDataFrame],
    config: RiskConfig,
    *,
    scenarios: list[str] | None = None,
    client: Any = None,
    progress: Progress | None = None,
) -> RiskRun:
    """Compute every risk line of ``config`` for the present and the chosen scenarios
    (default: all of ``risk.toml``), the harmonized way and each party's own way."""
    futures = _chosen_scenarios(config, scenarios)
    run = RiskRun(region, config, [PRESENT] + [s.id for s in futures])
    harmonized = _harmonized_functions(region, config.settings.functions)
    own = {
        m.party: read_impact_functions_csv(region.path(m.functions)) for m in config.methodologies
    }
    assets = {e.id: asset_layer(e, layers, region) for e in config.exposures}
    changes = {s.id: _scenario_tables(region, config, s) for s in futures}
    steps = len(run.scenarios) * sum(
        len(e.impacts)
        + sum(1 for m in config.methodologies for i in m.impacts if i.exposure == e.id)
        for e in config.exposures
    )
    done = 0
    assignments: dict[tuple[str, str], CentroidAssignment] = {}
    for scenario in run.scenarios:
        hazard_changes, growth = changes.get(scenario, ({}, {}))
        for spec in config.hazards:
            if scenario != PRESENT and spec.id not in hazard_changes:  # as today
                hazard = replace(run.hazards[(PRESENT, spec.id)], scenario=scenario)
            else:
                hazard = build_hazard(
                    region, spec, scenario, hazard_changes.get(spec.id), run.notes
                )
            run.hazards[(scenario, spec.id)] = hazard
            if hazard.size == 0:
                run.notes.append(f"{scenario}: hazard {spec.id!r} has no event")
        for exposure in config.exposures:
            layer = assets[exposure.id]
            factor = np.array([growth.get((p, exposure.id), 1.0) for p in layer.party])
            for impact in exposure.impacts:
                hazard = run.hazards[(scenario, impact.hazard)]
                for methodology, functions, choice in _methods(
                    config, exposure.id, impact, harmonized, own
                ):
                    if progress:
                        progress(
                            done,
                            steps,
                            f"{scenario}: {impact.hazard} × {exposure.id} ({methodology})",
                        )
                    exposures = Exposures(
                        asset_id=layer.feature_id,
                        lat=layer.lat,
                        lon=layer.lon,
                        value=layer.value * factor,
                        impf_id=function_ids(choice, layer, _where(exposure.id, methodology)),
                        party=layer.party,
                        deductible=_share(layer.value * factor, exposure.deductible_share),
                        cover=_share(layer.value * factor, exposure.cover_share),
                    )
                    key = (impact.hazard, exposure.id)
                    if key not in assignments:
                        assignments[key] = _assign(exposures, hazard, config)
                    inputs = EngineInputs(
                        hazard,
                        exposures,
                        _counted(functions, hazard.haz_type, exposures.impf_id, impact.result),
                        assignments[key].centroid,
                    )
                    result = compute_impact(
                        inputs.hazard,
                        inputs.exposures,
                        inputs.functions,
                        inputs.centroid,
                        client=client,
                    )
                    run.lines.append(
                        RiskLine(
                            scenario=scenario,
                            hazard=impact.hazard,
                            exposure=exposure.id,
                            result=impact.result,
                            methodology=methodology,
                            unit=exposure.unit,
                            synthetic=exposure.synthetic,
                            impact=result,
                            assets=layer,
                            value=exposures.value,
                            assets_beyond=assignments[key].beyond,
                            event_name=hazard.event_name,
                            inputs=inputs,
                        )
                    )
                    done += 1
    if progress:
        progress(steps, steps, "risk computed")
    return run


def _methods(
    config: RiskConfig,
    exposure_id: str,
    impact: ImpactSpec,
    harmonized: ImpactFuncSet,
    own: dict[str, ImpactFuncSet],
) -> list[tuple[str, ImpactFuncSet, FunctionChoice]]:
    """The ways one risk line is computed: harmonized, then each party's own."""
    return [(HARMONIZED, harmonized, impact)] + [
        (m.party, own[m.party], choice)
        for m in config.methodologies
        for choice in m.impacts
        if choice.exposure == exposure_id and choice.hazard == impact.hazard
    ]


def _counted(
    functions: ImpactFuncSet, haz_type: str, impf_id: np.ndarray, result: str
) -> ImpactFuncSet:
    """The functions as used: themselves for impacts, their steps for affected counts."""
    if result != "affected":
        return functions
    return ImpactFuncSet(
        affected_function(functions.get(haz_type, int(i))) for i in np.unique(impf_id)
    )


def _share(value: np.ndarray, share: float | None) -> np.ndarray | None:
    """An insurance term as a share of each asset's value (None: no such term)."""
    return None if share is None else value * share


def _where(exposure_id: str, methodology: str) -> str:
    """Where in risk.toml a risk line's function choice is, for error messages."""
    return f"risk.toml: exposure {exposure_id!r}" + (
        "" if methodology == HARMONIZED else f", methodology of {methodology!r}"
    )


def _chosen_scenarios(config: RiskConfig, chosen: list[str] | None) -> list[Scenario]:
    if chosen is None:
        return list(config.scenarios)
    known = {s.id: s for s in config.scenarios}
    unknown = [s for s in chosen if s not in known and s != PRESENT]
    if unknown:
        raise RiskInputError(
            f"scenario {', '.join(map(repr, unknown))}; expected one of risk.toml's scenarios: "
            f"{', '.join(known) or '(none)'}"
        )
    return [known[s] for s in dict.fromkeys(chosen) if s != PRESENT]


def _harmonized_functions(region: Region, extra: str | None) -> ImpactFuncSet:
    """The shipped curves and the region's own extra ones (an id used twice is an error)."""
    functions = shipped_impact_functions()
    for function in read_impact_functions_csv(region.path(extra)) if extra else ():
        functions.add(function)
    return functions


def _scenario_tables(
    region: Region, config: RiskConfig, scenario: Scenario
) -> tuple[dict[str, HazardChange], dict[tuple[str, str], float]]:
    changes = (
        read_hazard_changes(region.path(scenario.hazard_changes), [h.id for h in config.hazards])
        if scenario.hazard_changes
        else {}
    )
    growth = (
        read_exposure_growth(
            region.path(scenario.exposure_growth),
            [p.id for p in region.parties],
            [e.id for e in config.exposures],
        )
        if scenario.exposure_growth
        else {}
    )
    return changes, growth


def build_hazard(
    region: Region,
    spec: HazardSpec,
    scenario: str,
    change: HazardChange | None,
    notes: list[str] | None = None,
) -> Hazard:
    """The event set of one hazard of ``risk.toml`` under ``scenario`` (``change`` None for
    the present). Modelled hazards take the change on their driver (stage, station value);
    read ones on their stored intensities. What the models adjusted is added to ``notes``."""
    said = notes if notes is not None else []
    if spec.hand_flood is not None:
        model = spec.hand_flood
        hand, grid, below = read_hand(region.path(model.hand))
        if below and scenario == PRESENT:
            said.append(
                f"hazard {spec.id!r}: {below} cells of {model.hand} lie below their drainage "
                "(negative HAND); they are taken at the drainage level (HAND 0)"
            )
        periods = np.asarray(model.return_periods)
        stages = rating_stage(
            gumbel_discharge(periods, model.gumbel_location_m3s, model.gumbel_scale_m3s),
            model.rating_coefficient,
            model.rating_exponent,
            model.reference_discharge_m3s,
        )
        if change is not None:
            stages = change.apply_to_values(stages, periods)
        hazard = hand_flood_hazard(
            hand,
            grid,
            periods,
            stages,
            haz_type=spec.haz_type,
            max_hand_m=model.max_hand_m,
            scenario=scenario,
        )
        return _scaled_frequency(hazard, change, periods)
    if spec.daily_series is not None:
        source = spec.daily_series
        series = read_daily_series(
            region.path(source.path), source.date_column, source.value_column
        )
        elevation, grid = block_mean_terrain(region.path(source.terrain), source.block)
        factor = None
        if change is not None:
            years = years_of_record(pd.DatetimeIndex(series.index))
            series, factor = changed_daily_series(series, change, years)
        hazard = hot_day_hazard(
            series,
            source.threshold,
            elevation,
            grid,
            haz_type=spec.haz_type,
            units=spec.unit,
            station_elevation_m=source.station_elevation_m,
            lapse_rate_per_km=source.lapse_rate_per_km,
            scenario=scenario,
        )
        if factor is None:
            return hazard
        hot = factor[series.notna() & (series > source.threshold)]  # the events' days
        return replace(hazard, frequency=hazard.frequency * hot.to_numpy())
    hazard = replace(_with_haz_type(_read_hazard(region, spec), spec), scenario=scenario)
    return changed_hazard(hazard, change, scenario) if change is not None else hazard


def _read_hazard(region: Region, spec: HazardSpec) -> Hazard:
    if spec.return_period_maps is not None:
        maps = listed_rasters(region, spec)
        return hazard_from_return_period_maps(
            dict(zip(maps["return_period"], maps["raster"], strict=True)),
            haz_type=spec.haz_type,
            units=spec.unit,
        )
    if spec.rasters is not None:
        events = listed_rasters(region, spec)
        return hazard_from_event_rasters(
            list(events["raster"]),
            events["event_id"].to_numpy(dtype=np.int64),
            events["frequency"].to_numpy(dtype=np.float64),
            haz_type=spec.haz_type,
            units=spec.unit,
            event_names=list(events["event_name"]) if "event_name" in events else None,
        )
    if spec.tables is not None:
        tables = spec.tables
        return read_hazard_tables(
            region.path(tables.centroids),
            region.path(tables.events),
            region.path(tables.intensity),
            haz_type=spec.haz_type,
            units=spec.unit,
        )
    assert spec.climada_hdf5 is not None
    return read_climada_hdf5(region.path(spec.climada_hdf5.path))


def listed_rasters(region: Region, spec: HazardSpec) -> pd.DataFrame:
    """The rasters a ``return_period_maps`` or ``rasters`` source lists, one row per line
    of its CSV with the resolved path in ``raster`` (paths relative to the region);
    empty for other sources. Errors name the CSV, the line and the column."""
    if spec.return_period_maps is not None:
        path = region.path(spec.return_period_maps.maps)
        table = read_table(path, ["path"], {"return_period": None}, HazardError)
        key = "return_period"
    elif spec.rasters is not None:
        path = region.path(spec.rasters.events)
        table = read_table(path, ["path"], {"event_id": None, "frequency": None}, HazardError)
        key = "event_id"
        fractional = table["event_id"] != np.round(table["event_id"])
        if fractional.any():
            line = first_line(fractional)
            raise HazardError(
                f"{path}: line {line}, column 'event_id': found {table.at[line, 'event_id']!s}; "
                "expected a whole number"
            )
    else:
        return pd.DataFrame({"raster": []})
    again = table[key].duplicated()
    if again.any():
        line = first_line(again)
        raise HazardError(
            f"{path}: line {line}, column {key!r}: {table.at[line, key]!s} again; expected "
            "one raster each"
        )
    rasters: list[Any] = [region.path(str(p)) for p in table["path"]]
    return table.assign(raster=rasters)


def _with_haz_type(hazard: Hazard, spec: HazardSpec) -> Hazard:
    """The hazard labelled with risk.toml's type and unit; a source that names another
    type or unit is an error (intensities in cm read as m would be 100 times too deep)."""
    for what, found, expected in (
        ("haz_type", hazard.haz_type, spec.haz_type),
        ("unit", hazard.units, spec.unit),
    ):
        if found and found != expected:
            raise HazardError(
                f"hazard {spec.id!r}: its source holds {what} {found!r}; expected "
                f"{expected!r} as risk.toml says"
            )
    return replace(hazard, haz_type=spec.haz_type, units=spec.unit)


def _scaled_frequency(hazard: Hazard, change: HazardChange | None, periods: np.ndarray) -> Hazard:
    if change is None:
        return hazard
    _, _, frequency_scale = change.at(periods)
    return replace(hazard, frequency=hazard.frequency * frequency_scale)


def asset_layer(
    spec: ExposureSpec, layers: dict[str, gpd.GeoDataFrame], region: Region
) -> AssetLayer:
    """The features of ``spec``'s harmonized layer as points with their value; polygons
    stand at a point on their surface."""
    where = f"risk.toml: exposure {spec.id!r}"
    frame = layers.get(spec.kind)
    if frame is None or frame.empty:
        raise RiskInputError(
            f"{where}: the harmonized layer {spec.kind!r} is empty; expected features of "
            f"kind {spec.kind!r} in region.toml"
        )
    if spec.datasets is not None:
        frame = frame[frame["dataset"].astype(str).isin(spec.datasets)]
        if frame.empty:
            raise RiskInputError(
                f"{where}: no feature of the harmonized {spec.kind!r} layer comes from "
                f"{', '.join(spec.datasets)}; expected the features of these datasets"
            )
    if spec.value not in frame.columns:
        raise RiskInputError(
            f"{where}: value field {spec.value!r} is not in the harmonized {spec.kind!r} "
            f"layer; expected one of {', '.join(c for c in frame.columns if c != 'geometry')}"
        )
    values = pd.to_numeric(frame[spec.value], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise RiskInputError(
            f"{where}: feature {frame['feature_id'].iloc[i]} of dataset "
            f"{frame['dataset'].iloc[i]}, field {spec.value!r}: found "
            f"{frame[spec.value].iloc[i]!r}; expected a value >= 0"
        )
    party = frame["party"].astype(object).to_numpy()
    factor = np.array(
        [spec.value_factor_by_party.get(str(p), spec.value_factor) for p in party], dtype=float
    )
    points = frame.geometry.representative_point().to_crs("EPSG:4326")
    return AssetLayer(
        spec=spec,
        feature_id=frame["feature_id"].astype(str).to_numpy(dtype=object),
        dataset=frame["dataset"].astype(str).to_numpy(dtype=object),
        party=party,
        lat=points.y.to_numpy(dtype=np.float64),
        lon=points.x.to_numpy(dtype=np.float64),
        value=values * factor,
        frame=pd.DataFrame(frame.drop(columns="geometry")),
    )


def function_ids(choice: FunctionChoice, layer: AssetLayer, where: str) -> np.ndarray:
    """Each asset's impact function id: one for all, or by its term of ``by_field``."""
    if choice.impact_function is not None:
        return np.full(len(layer.feature_id), choice.impact_function, dtype=np.int64)
    assert choice.by_field is not None
    if choice.by_field not in layer.frame.columns:
        raise RiskInputError(
            f"{where}: by_field {choice.by_field!r} is not in the harmonized "
            f"{layer.spec.kind!r} layer"
        )
    codes, terms = pd.factorize(layer.frame[choice.by_field], use_na_sentinel=False)
    by_term = []
    for code, term in enumerate(terms):
        term_text = "" if pd.isna(term) else str(term)
        chosen = choice.impact_functions.get(term_text, choice.default_function)
        if chosen is None:
            i = int(np.argmax(codes == code))
            raise RiskInputError(
                f"{where}: feature {layer.feature_id[i]}, field {choice.by_field!r}: "
                + (f"term {term_text!r}" if term_text else "no term")
                + " has no impact function; expected it in impact_functions "
                f"({', '.join(sorted(choice.impact_functions))}) or a default_function"
            )
        by_term.append(chosen)
    ids = np.asarray(by_term, dtype=np.int64)[codes]
    return ids


def _assign(exposures: Exposures, hazard: Hazard, config: RiskConfig) -> CentroidAssignment:
    if hazard.grid is not None:
        return assign_raster_cells(exposures, hazard.grid, hazard.centroids)
    if hazard.centroids.size == 0:
        raise ExposureError("the hazard has no centroid; expected at least one")
    return assign_centroids(exposures, hazard.centroids, config.settings.max_distance_km * 1000)
