"""The region's equity: the social vulnerability of its census zones, people's access
to cooling, care and shelter across the border, and who bears the region's risk.

Input is a harmonization (and, when the region has ``risk.toml``, its risk run); output
an :class:`EquityRun`, written by :mod:`bordercompact.equity.outputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from bordercompact.equity.access import (
    AccessError,
    RoadGraph,
    access_summary,
    nearest_facility_minutes,
    two_step_fca,
    with_crossings,
)
from bordercompact.equity.config import AccessSpec, EquityConfig, FacilityKind
from bordercompact.equity.distribution import (
    UNKNOWN_QUINTILE,
    concentration_index,
    share_to_most_vulnerable,
    split_by_party_and_quintile,
    svi_quintile,
)
from bordercompact.equity.network import RoadNetwork, road_network
from bordercompact.equity.svi import region_svi
from bordercompact.region.load import Region

#: The crossing scenario with every crossing open.
ALL_OPEN = "all-open"
#: In a crossing scenario's ``closed``: every crossing (a border closure).
ALL_CROSSINGS = "@all-crossings"
#: Facility rules: as the manifest sets them, and every facility open to everyone.
AS_SET, OPEN_TO_ALL = "as-set", "open-to-all"


@dataclass
class EquityRun:
    region: Region
    config: EquityConfig
    zones: gpd.GeoDataFrame  # feature_id, party, population, the index columns, quintile
    available: dict[str, dict[str, list[str]]]  # party → theme → variables it has
    access: pd.DataFrame = field(default_factory=pd.DataFrame)  # summaries
    access_by_zone: pd.DataFrame = field(default_factory=pd.DataFrame)
    distribution: pd.DataFrame = field(default_factory=pd.DataFrame)  # party × quintile
    concentration: pd.DataFrame = field(default_factory=pd.DataFrame)  # per risk line
    risk: Any = None  # the risk run the distribution comes from (a RiskRun), if any
    notes: list[str] = field(default_factory=list)


def run_equity(
    region: Region,
    layers: dict[str, gpd.GeoDataFrame],
    config: EquityConfig,
    risk: Any = None,
) -> EquityRun:
    """The index, access and distribution of risk (``risk``: a
    :class:`bordercompact.risk.pipeline.RiskRun`, or None) for the region."""
    zones = layers.get("population_zones")
    if zones is None or zones.empty:
        raise AccessError(
            "the region has no population_zones layer; expected census zones for the index"
        )
    party = zones["party"].astype(str).reset_index(drop=True)
    frame = zones.reset_index(drop=True)
    index, available = region_svi(frame, party, config.svi)
    table = gpd.GeoDataFrame(
        {
            "feature_id": frame["feature_id"].astype(str),
            "population": pd.to_numeric(frame["population"], errors="coerce").fillna(0.0),
        },
        geometry=frame.geometry,
        crs=zones.crs,
    ).join(index)
    table["quintile"] = svi_quintile(table["svi"].to_numpy())
    run = EquityRun(region, config, table, available, risk=risk)
    for name, themes in available.items():
        missing = [t for t, variables in themes.items() if not variables]
        if missing:
            run.notes.append(f"{name}: no variable of the theme(s) {', '.join(missing)}")
    if config.access is not None:
        _add_access(run, layers, config.access)
    if risk is not None:
        _add_distribution(run, risk)
    return run


@dataclass(frozen=True)
class TravelNetwork:
    """The region's roads as the access analysis travels them: the graph, each border
    crossing's delay, and the graph by car or on foot with some crossings closed."""

    network: RoadNetwork
    spec: AccessSpec
    delays: dict[str, float]  # crossing id → minutes

    def graph(self, mode: str, closed: tuple[str, ...] = ()) -> RoadGraph:
        """The graph travelled by ``mode`` ("drive" or "walk") with ``closed`` crossings."""
        base = (
            self.network.graph
            if mode == "drive"
            else self.network.walking(self.spec.walking_speed_kmh / 3.6)
        )
        return with_crossings(base, self.delays, closed)

    def facility_nodes(self, facilities: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The node of each facility (points or polygons with a ``party``), nearest among
        its own party's nodes, and the facilities' parties."""
        party = facilities["party"].astype(str).to_numpy()
        nodes, _ = self.network.nearest_nodes(facilities.geometry, party)
        return nodes, party


def travel_network(region: Region, links: gpd.GeoDataFrame, spec: AccessSpec) -> TravelNetwork:
    """The road network of the harmonized ``network`` layer with the crossing delays of
    ``equity.toml`` (each named crossing must be one of the network's)."""
    network = road_network(
        links, spec.default_speed_kmh / 3.6, territorial=region.territorial_parties
    )
    crossings = sorted({str(c) for c in network.graph.crossing_id if c})
    unknown = sorted(set(spec.crossing_delays) - set(crossings))
    if unknown:
        raise AccessError(
            f"equity.toml: access.crossing_delays: found {', '.join(map(repr, unknown))}; "
            f"expected crossings of the network: {', '.join(crossings) or '(none)'}"
        )
    delays = {c: spec.crossing_delays.get(c, spec.crossing_delay_minutes) for c in crossings}
    return TravelNetwork(network, spec, delays)


def facilities_of(kind: FacilityKind, facilities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The harmonized facilities of a kind (its categories)."""
    return facilities[facilities["category"].astype(str).isin(kind.categories)]


def _add_access(run: EquityRun, layers: dict[str, gpd.GeoDataFrame], spec: AccessSpec) -> None:
    links, facilities = layers.get("network"), layers.get("facilities")
    if links is None or links.empty or facilities is None or facilities.empty:
        run.notes.append("no network or no facilities: access not computed")
        return
    travel = travel_network(run.region, links, spec)
    zones = run.zones
    zone_party = zones["party"].to_numpy()
    origin, _ = travel.network.nearest_nodes(zones.geometry, zone_party)
    crossings = tuple(travel.delays)
    closures = {ALL_OPEN: ()} | {
        s.id: crossings if ALL_CROSSINGS in s.closed else tuple(s.closed) for s in spec.scenarios
    }
    graphs = {}  # (mode, scenario) → the graph travelled that way with those crossings
    for mode in sorted({kind.mode for kind in spec.facilities}):
        for scenario, closed in closures.items():
            try:
                graphs[(mode, scenario)] = travel.graph(mode, closed)
            except AccessError as error:
                raise AccessError(f"equity.toml: access scenario {scenario!r}: {error}") from None
    summaries, trips = [], []
    for kind in spec.facilities:
        chosen = facilities_of(kind, facilities)
        if chosen.empty:
            run.notes.append(f"access to {kind.id}: no facility of {', '.join(kind.categories)}")
            continue
        nodes, facility_party = travel.facility_nodes(chosen)
        capacity = _capacity(run, chosen, kind)
        for scenario in closures:
            graph = graphs[(kind.mode, scenario)]
            rules = [AS_SET, OPEN_TO_ALL] if kind.restricted else [OPEN_TO_ALL]
            for rule in rules:
                nearest = nearest_facility_minutes(
                    graph,
                    origin,
                    nodes,
                    restricted=rule == AS_SET,
                    facility_party=facility_party,
                    origin_party=zone_party,
                )
                labels = {"facility": kind.id, "scenario": scenario, "rule": rule}
                summaries += _summaries(nearest.minutes, zones, kind, spec, labels)
                trips.append(
                    pd.DataFrame(
                        {"feature_id": zones["feature_id"], **labels, "minutes": nearest.minutes}
                    )
                )
            if capacity is not None:
                trips.append(_catchment(graph, zones, origin, nodes, capacity, kind, scenario))
    run.access = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame()
    run.access_by_zone = pd.concat(trips, ignore_index=True) if trips else pd.DataFrame()


def _capacity(run: EquityRun, chosen: gpd.GeoDataFrame, kind: FacilityKind) -> np.ndarray | None:
    """The facilities' capacities for the 2SFCA ratio (unknown ones count 0, noted)."""
    if kind.capacity_field is None:
        return None
    if kind.capacity_field not in chosen.columns:
        raise AccessError(
            f"equity.toml: access facility {kind.id!r}: capacity_field "
            f"{kind.capacity_field!r} is not a field of the harmonized facilities layer; "
            f"expected one of {', '.join(c for c in chosen.columns if c != 'geometry')}"
        )
    capacity = pd.to_numeric(chosen[kind.capacity_field], errors="coerce")
    if capacity.isna().any():
        run.notes.append(
            f"access to {kind.id}: {int(capacity.isna().sum())} of {len(capacity)} facilities "
            f"without {kind.capacity_field}, counted as 0 in the 2SFCA ratio (understated)"
        )
    return capacity.fillna(0.0).to_numpy(dtype=np.float64)


def _summaries(
    minutes: np.ndarray,
    zones: gpd.GeoDataFrame,
    kind: FacilityKind,
    spec: AccessSpec,
    labels: dict[str, str],
) -> list[pd.DataFrame]:
    threshold = kind.threshold_minutes or spec.threshold_minutes
    people = zones["population"].to_numpy()
    groups = {"party": zones["party"].astype(str), "quintile": quintile_labels(zones)}
    return [
        access_summary(minutes, people, labels_of.to_numpy(), threshold).assign(
            by=by, threshold_minutes=threshold, **labels
        )
        for by, labels_of in groups.items()
    ]


def quintile_labels(zones: gpd.GeoDataFrame) -> pd.Series:
    """The SVI quintile of each zone as a label: "1" … "5", "unknown" without an index."""
    return zones["quintile"].map(lambda q: "unknown" if q == UNKNOWN_QUINTILE else str(q))


def _catchment(
    graph: Any,
    zones: gpd.GeoDataFrame,
    origin: np.ndarray,
    nodes: np.ndarray,
    capacity: np.ndarray,
    kind: FacilityKind,
    scenario: str,
) -> pd.DataFrame:
    """Each zone's two-step floating catchment ratio (capacity per person) for ``kind``,
    every facility open to all (the ratio has no notion of who may use a facility)."""
    assert kind.catchment_minutes is not None
    catchment = two_step_fca(
        graph, origin, zones["population"].to_numpy(), nodes, capacity, kind.catchment_minutes
    )
    return pd.DataFrame(
        {
            "feature_id": zones["feature_id"],
            "facility": kind.id,
            "scenario": scenario,
            "rule": f"2sfca-{kind.catchment_minutes:g}min-{OPEN_TO_ALL}",
            "capacity_per_person": catchment.accessibility,
        }
    )


def _add_distribution(run: EquityRun, risk: Any) -> None:
    """Each present risk line's expected annual impact per zone, split by party and SVI
    quintile, with its concentration index and the share borne by the most vulnerable
    20 % of people. Assets are summed into the zone they stand in."""
    from bordercompact.risk.pipeline import HARMONIZED

    zones = run.zones
    known = zones["quintile"].to_numpy() != UNKNOWN_QUINTILE
    if not (known & (zones["population"].to_numpy() > 0)).any():
        run.notes.append("no zone with people has an index: the risk is not split by it")
        return
    splits, indices = [], []
    for line in risk.lines:
        if line.methodology != HARMONIZED:
            continue
        in_zones = per_zone(
            line.impact.eai_exp, line.assets.feature_id, line.assets.lon, line.assets.lat, zones
        )
        labels = {
            "scenario": line.scenario,
            "hazard": line.hazard,
            "exposure": line.exposure,
            "result": line.result,
            "unit": line.unit,
        }
        table = split_by_party_and_quintile(
            in_zones, zones["party"].to_numpy(), zones["svi"].to_numpy(), zones["population"]
        ).rename(columns={"weight": "population", "weight_share": "population_share"})
        splits.append(table.assign(**labels))
        population = zones["population"].to_numpy()[known]
        values, svi = in_zones[known], zones["svi"].to_numpy()[known]
        indices.append(
            {
                **labels,
                "in_zones": float(in_zones.sum()),
                "outside_zones": float(line.impact.eai_exp.sum() - in_zones.sum()),
                "concentration_index": concentration_index(values, svi, population),
                "share_most_vulnerable_20pct": share_to_most_vulnerable(values, svi, population),
            }
        )
    run.distribution = pd.concat(splits, ignore_index=True) if splits else pd.DataFrame()
    run.concentration = pd.DataFrame(indices)


def per_zone(
    values: np.ndarray,
    feature_id: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    zones: gpd.GeoDataFrame,
) -> np.ndarray:
    """Per-asset values summed per zone: the zone's own where the assets are the zones
    (matched by ``feature_id``), else the assets standing in it (at ``lon``, ``lat``;
    assets in no zone are left out)."""
    by_id = pd.Series(values, index=feature_id)
    if not by_id.index.has_duplicates:
        own = zones["feature_id"].map(by_id)
        if own.notna().all():
            return own.to_numpy(dtype=np.float64)
    points = gpd.GeoDataFrame(
        {"value": values}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    ).to_crs(zones.crs)
    inside = gpd.sjoin(points, zones[["geometry"]], predicate="intersects", how="inner")
    inside = inside[~inside.index.duplicated()]  # on a boundary or in overlaps: the first
    summed = inside.groupby("index_right")["value"].sum()
    return summed.reindex(range(len(zones)), fill_value=0.0).to_numpy(dtype=np.float64)
