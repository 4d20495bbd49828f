"""The real Basel bundle's partial index (ages, citizenship, moves: no socioeconomic
census data) and how its modelled risk falls on the more vulnerable, CH, DE and FR."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.equity.outputs import equity_into
from tests.conftest import NEEDS_BASEL

BASEL_REGION = Path(__file__).resolve().parents[2] / "examples" / "basel"

pytestmark = NEEDS_BASEL


@pytest.fixture(scope="module")
def basel(tmp_path_factory: pytest.TempPathFactory):
    run, _ = equity_into(BASEL_REGION, tmp_path_factory.mktemp("basel") / "run")
    return run


def test_every_country_s_cells_are_ranked_on_the_same_proxies(basel) -> None:
    zones = basel.zones
    assert set(zones["party"]) == {"ch", "de", "fr"}
    assert zones["svi"].notna().mean() > 0.95  # cells without people have no shares
    for party in ("ch", "de", "fr"):
        assert basel.available[party] == {
            "household": ["age_65_plus", "age_under_15"],
            "minority": ["non_eu_citizens"],
            "housing": ["moved_in"],
        }


def test_the_modelled_risk_is_split_by_vulnerability(basel) -> None:
    lines = basel.concentration.set_index(["scenario", "exposure", "hazard"])
    heat = lines.loc[("present", "heat-deaths", "heat")]
    assert -1 <= heat["concentration_index"] <= 1
    assert 0 < heat["share_most_vulnerable_20pct"] < 1


def test_opening_hospitals_to_all_shortens_german_trips_and_a_closed_border_undoes_it(
    basel,
) -> None:
    rows = basel.access.query("by == 'party' and group == 'de' and facility == 'hospital'")
    beyond = rows.set_index(["rule", "scenario"])["people_beyond"]
    assert beyond[("open-to-all", "all-open")] < beyond[("as-set", "all-open")]
    assert beyond[("open-to-all", "border-closed")] >= beyond[("open-to-all", "all-open")]
