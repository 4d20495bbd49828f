"""Who a cooling-centre measure reaches: the people within the facility kind's threshold
walk of its existing centres, or brought within it by new ones, by the access analysis's
network and usage rules."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point

from bordercompact.equity.config import EquityConfig
from bordercompact.measures.model import Measure, PeopleEffect
from bordercompact.measures.reach import FacilityReach
from bordercompact.measures.value import AppraisalError

UTM = "EPSG:32614"
# a street along y = 0 with a node every 500 m; walking at 4.5 km/h is 75 m a minute, so
# the 15-minute threshold reaches 1,125 m
STREET_X = np.arange(0.0, 4001.0, 500.0)
PEOPLE_X = np.array([500.0, 2000.0, 3500.0])  # 6.7, 26.7 and 46.7 minutes from x = 0


def layers(existing_party: str = "w") -> dict[str, gpd.GeoDataFrame]:
    network = gpd.GeoDataFrame(
        {
            "feature_id": [f"w:{i}" for i in range(len(STREET_X) - 1)],
            "party": "w",
            "speed_limit": 10.0,
        },
        geometry=[LineString([(a, 0), (b, 0)]) for a, b in pairwise(STREET_X)],
        crs=UTM,
    )
    facilities = gpd.GeoDataFrame(
        {"feature_id": ["w:cool"], "category": ["cooling_centre"], "party": [existing_party]},
        geometry=[Point(0, 0)],
        crs=UTM,
    )
    return {"network": network, "facilities": facilities}


def equity(restricted: bool = False) -> EquityConfig:
    return EquityConfig.model_validate(
        {
            "svi": {
                "variables": {"poverty": {"field": "poverty"}},
                "themes": [{"name": "income", "variables": ["poverty"]}],
            },
            "access": {
                "threshold_minutes": 15.0,
                "facilities": [
                    {
                        "id": "cooling",
                        "categories": ["cooling_centre"],
                        "mode": "walk",
                        "restricted": restricted,
                    }
                ],
            },
        }
    )


def region(root: Path) -> SimpleNamespace:
    return SimpleNamespace(territorial_parties={"w", "e"}, path=lambda name: root / name)


def measure(host: str = "w") -> Measure:
    return Measure.model_validate(
        {
            "id": "cooling-centres",
            "name": {"en": "Cooling centres"},
            "proposed_by": host,
            "host": host,
            "capital_cost": 1e6,
            "lifetime_years": 20,
            "construction_years": [2026],
            "effects": [
                {"type": "people", "hazard": "heat", "exposure": "people", "reduction": 0.1}
            ],
        }
    )


def people() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lon, lat = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform(
        PEOPLE_X, np.zeros(3)
    )
    return np.asarray(lon), np.asarray(lat), np.array(["w", "w", "w"])


def effect(new_facilities: str | None = None, kind: str = "cooling") -> PeopleEffect:
    return PeopleEffect(
        type="people",
        hazard="heat",
        exposure="people",
        reduction=0.1,
        within_minutes_of=kind,
        new_facilities=new_facilities,
    )


def reached(effect: PeopleEffect) -> tuple[str, str | None]:
    assert effect.within_minutes_of is not None
    return effect.within_minutes_of, effect.new_facilities


def new_centre(root: Path, x: float = 3000.0) -> str:
    gpd.GeoDataFrame({"id": ["new"]}, geometry=[Point(x, 0)], crs=UTM).to_file(root / "new.geojson")
    return "new.geojson"


def test_improving_existing_centres_reaches_the_people_within_the_threshold_walk(
    tmp_path: Path,
) -> None:
    reach = FacilityReach(region(tmp_path), layers(), equity())
    within = reach.newly_within(*reached(effect()), measure(), *people())
    assert within.tolist() == [True, False, False]


def test_a_new_centre_reaches_only_the_people_no_existing_centre_reached(
    tmp_path: Path,
) -> None:
    reach = FacilityReach(region(tmp_path), layers(), equity())
    within = reach.newly_within(*reached(effect(new_centre(tmp_path))), measure(), *people())
    # x = 2000 is 1,000 m (13.3 min) from the new centre, x = 3500 is 500 m; x = 500 was
    # already within a walk of the old one
    assert within.tolist() == [False, True, True]


def test_a_restricted_new_centre_serves_only_its_hosts_residents(tmp_path: Path) -> None:
    reach = FacilityReach(region(tmp_path), layers(), equity(restricted=True))
    within = reach.newly_within(
        *reached(effect(new_centre(tmp_path))), measure(host="e"), *people()
    )
    assert within.tolist() == [False, False, False]


def test_improving_centres_counts_only_the_hosts_centres(tmp_path: Path) -> None:
    reach = FacilityReach(region(tmp_path), layers(existing_party="e"), equity())
    with pytest.raises(AppraisalError, match="facilities of its host 'w', which has none"):
        reach.newly_within(*reached(effect()), measure(), *people())


def test_a_kind_the_access_analysis_does_not_have_is_named(tmp_path: Path) -> None:
    reach = FacilityReach(region(tmp_path), layers(), equity())
    with pytest.raises(AppraisalError, match=r"within_minutes_of 'shade'.*cooling"):
        reach.newly_within(*reached(effect(kind="shade")), measure(), *people())


def test_without_an_access_analysis_the_effect_is_refused(tmp_path: Path) -> None:
    reach = FacilityReach(region(tmp_path), layers(), None)
    with pytest.raises(AppraisalError, match="has no access analysis"):
        reach.newly_within(*reached(effect()), measure(), *people())


def test_new_facilities_need_the_kind_they_belong_to() -> None:
    with pytest.raises(ValueError, match="new_facilities without within_minutes_of"):
        PeopleEffect(
            type="people",
            hazard="heat",
            exposure="people",
            reduction=0.1,
            new_facilities="new.geojson",
        )
