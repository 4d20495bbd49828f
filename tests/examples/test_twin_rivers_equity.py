"""The demo region's equity: an index for every zone, access per crossing scenario, and
the present risk split by party and vulnerability."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bordercompact.equity.config import load_equity_config
from bordercompact.equity.outputs import access_gaps
from bordercompact.equity.pipeline import ALL_OPEN, AS_SET, OPEN_TO_ALL, EquityRun, run_equity
from bordercompact.harmonize.pipeline import harmonize_region
from bordercompact.risk.config import load_risk_config
from bordercompact.risk.pipeline import run_risk

TWIN_RIVERS = Path(__file__).resolve().parents[2] / "examples" / "twin-rivers"


@pytest.fixture(scope="module")
def equity() -> EquityRun:
    harmonization = harmonize_region(TWIN_RIVERS)
    region = harmonization.region
    risk = run_risk(region, harmonization.layers, load_risk_config(region), scenarios=[])
    return run_equity(region, harmonization.layers, load_equity_config(region), risk)


def test_every_zone_of_both_cities_has_an_index_and_a_quintile(equity: EquityRun) -> None:
    zones = equity.zones
    assert zones["svi"].between(0, 1).all()
    assert set(zones["quintile"]) == {1, 2, 3, 4, 5}
    assert set(zones["party"]) == {"riverton", "ribera"}
    assert equity.available["ribera"]["socioeconomic"] == ["poverty", "income", "no_vehicle"]


def test_closing_the_border_never_shortens_a_trip(equity: EquityRun) -> None:
    trips = equity.access_by_zone.dropna(subset=["minutes"])
    hospital = trips[(trips.facility == "hospital") & (trips.rule == OPEN_TO_ALL)]
    by = hospital.pivot_table(index="feature_id", columns="scenario", values="minutes")
    assert (by["border-closed"] >= by[ALL_OPEN] - 1e-9).all()


def test_opening_restricted_facilities_never_lengthens_a_trip(equity: EquityRun) -> None:
    trips = equity.access_by_zone.dropna(subset=["minutes"])
    cooling = trips[(trips.facility == "cooling") & (trips.scenario == ALL_OPEN)]
    by = cooling.pivot_table(index="feature_id", columns="rule", values="minutes")
    assert (by[OPEN_TO_ALL] <= by[AS_SET] + 1e-9).all()
    gaps = access_gaps(equity)
    assert {"cooling", "hospital", "shelter"} <= set(gaps.facility)


def test_the_present_risk_is_split_by_party_and_quintile(equity: EquityRun) -> None:
    flood = equity.distribution.query("exposure == 'buildings' and party != 'total'")
    assert flood["share"].sum() == pytest.approx(1.0)
    index = equity.concentration.set_index("exposure")
    assert np.isfinite(index.loc["buildings", "concentration_index"])
    assert -1 <= index.loc["buildings", "concentration_index"] <= 1
    # every building stands in a census zone of its city
    assert index.loc["buildings", "outside_zones"] == pytest.approx(0, abs=1e-3)
