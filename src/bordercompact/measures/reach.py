"""Who a facility measure reaches: the people of a risk line within the travel time of a
kind of facility (cooling centres), by the access analysis of ``equity.toml`` — the same
road network, crossing delays, travel mode and usage rules — with every crossing open.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from bordercompact.equity.access import RoadGraph, nearest_facility_minutes
from bordercompact.equity.config import AccessSpec, EquityConfig, FacilityKind
from bordercompact.equity.pipeline import TravelNetwork, facilities_of, travel_network
from bordercompact.measures.model import Measure, MeasuresConfig
from bordercompact.measures.value import AppraisalError
from bordercompact.measures.zones import WGS84
from bordercompact.region.load import Region


class FacilityReach:
    """Travel times from assets to facilities for the appraisal of a region (the road
    network is built once, on first use)."""

    def __init__(
        self, region: Region, layers: dict[str, gpd.GeoDataFrame], equity: EquityConfig | None
    ) -> None:
        self.region, self.layers, self.equity = region, layers, equity
        self._travel: TravelNetwork | None = None
        self._graphs: dict[str, RoadGraph] = {}

    def newly_within(
        self,
        kind_id: str,
        new_facilities: str | None,
        measure: Measure,
        lon: np.ndarray,
        lat: np.ndarray,
        party: np.ndarray,
    ) -> np.ndarray:
        """Per asset (longitude, latitude, party): whether the measure puts it within the
        threshold time of the ``kind_id`` facilities of equity.toml — its host's existing
        ones (a measure that improves them: longer hours, transport), or, with
        ``new_facilities`` (a file of points), the new ones for the people no existing one
        reaches. New facilities belong to the measure's host (the kind's usage rules
        apply)."""
        kind, spec = access_kind(self.equity, kind_id, measure)
        travel = self._network(spec)
        threshold = kind.threshold_minutes or spec.threshold_minutes
        points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84).to_crs(
            self.layers["network"].crs
        )
        origin, _ = travel.network.nearest_nodes(points, party)
        existing = facilities_of(kind, self.layers.get("facilities", _NO_FACILITIES))
        if new_facilities is None:
            improved = existing[existing["party"].astype(str) == measure.host]
            if improved.empty:
                raise AppraisalError(
                    f"measures.toml: measure {measure.id!r} improves the {kind.id!r} "
                    f"facilities of its host {measure.host!r}, which has none; expected "
                    "new_facilities, or a host with facilities of that kind"
                )
            return self._minutes(travel, kind, origin, party, improved) <= threshold
        reached_before = self._minutes(travel, kind, origin, party, existing) <= threshold
        new = self._new_facilities(new_facilities, measure)
        reached_after = self._minutes(travel, kind, origin, party, new) <= threshold
        return reached_after & ~reached_before

    def _network(self, spec: AccessSpec) -> TravelNetwork:
        if self._travel is None:
            links = self.layers.get("network")
            if links is None or links.empty:
                raise AppraisalError(
                    "measures.toml: a measure counts people within reach of facilities, but "
                    "the region has no network layer; expected its roads"
                )
            self._travel = travel_network(self.region, links, spec)
        return self._travel

    def _minutes(
        self,
        travel: TravelNetwork,
        kind: FacilityKind,
        origin: np.ndarray,
        party: np.ndarray,
        facilities: gpd.GeoDataFrame,
    ) -> np.ndarray:
        """Minutes from each origin node to the nearest of ``facilities`` it may use."""
        if facilities.empty:
            return np.full(len(origin), np.inf)
        if kind.mode not in self._graphs:
            self._graphs[kind.mode] = travel.graph(kind.mode)
        nodes, facility_party = travel.facility_nodes(facilities)
        return nearest_facility_minutes(
            self._graphs[kind.mode],
            origin,
            nodes,
            restricted=kind.restricted,
            facility_party=facility_party,
            origin_party=party,
        ).minutes

    def _new_facilities(self, name: str, measure: Measure) -> gpd.GeoDataFrame:
        path = self.region.path(name)
        try:
            frame = gpd.read_file(path)
        except (OSError, pyogrio.errors.DataSourceError) as exc:
            raise AppraisalError(f"{path}: cannot be read ({exc}); expected points") from exc
        if frame.crs is None:
            raise AppraisalError(f"{path}: no coordinate reference system; expected one")
        if frame.empty:
            raise AppraisalError(f"{path}: no feature; expected the measure's new facilities")
        return gpd.GeoDataFrame(
            {"party": pd.Series(measure.host, index=frame.index)},
            geometry=frame.to_crs(self.layers["network"].crs).geometry,
        )


_NO_FACILITIES = gpd.GeoDataFrame(
    {"category": pd.Series(dtype=str), "party": pd.Series(dtype=str)}, geometry=[]
)


def access_kind(
    equity: EquityConfig | None, kind_id: str, measure: Measure
) -> tuple[FacilityKind, AccessSpec]:
    """The facility kind ``kind_id`` of equity.toml's access analysis, and the analysis;
    an error names the measure when there is no such kind."""
    access = None if equity is None else equity.access
    kinds = {} if access is None else {k.id: k for k in access.facilities}
    if access is None or kind_id not in kinds:
        raise AppraisalError(
            f"measures.toml: measure {measure.id!r}: within_minutes_of {kind_id!r}; "
            "expected a facility kind of equity.toml's [access]: "
            + (", ".join(sorted(kinds)) or "(the region has no access analysis)")
        )
    return kinds[kind_id], access


def check_reach(config: MeasuresConfig, equity: EquityConfig | None) -> None:
    """Every facility kind the measures count people within reach of is one of
    equity.toml's (checked before the long part of a job)."""
    for measure in config.measures:
        for effect in measure.effects:
            kind_id = getattr(effect, "within_minutes_of", None)
            if kind_id is not None:
                access_kind(equity, kind_id, measure)
