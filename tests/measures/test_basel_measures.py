"""The Basel bundle's candidate measures appraised for CH, DE and FR."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.measures.outputs import appraise_into
from tests.conftest import NEEDS_BASEL

BASEL_REGION = Path(__file__).resolve().parents[2] / "examples" / "basel"

pytestmark = NEEDS_BASEL


@pytest.fixture(scope="module")
def basel(tmp_path_factory: pytest.TempPathFactory):
    run, _ = appraise_into(BASEL_REGION, tmp_path_factory.mktemp("basel") / "run")
    return run


def test_every_measure_is_appraised_for_every_country(basel) -> None:
    table = basel.table
    assert len(basel.config.measures) >= 5
    assert set(table.party) == {"total", "ch", "de", "fr"}
    embankment = table[table.measure == "basel-rhine-embankment"].set_index("party")
    assert embankment.loc["ch", "benefit"] > embankment.loc["fr", "benefit"]
    assert embankment.loc["total", "cost"] == embankment.loc["ch", "cost"] > 0


def test_the_heat_warning_spares_lives_in_all_three_countries(basel) -> None:
    warning = [o for o in basel.outcomes if o.measure == "trinational-heat-warning"]
    deaths = next(o for o in warning if o.scenario == "present" and o.unit == "deaths")
    assert all(deaths.avoided_by_party[p] > 0 for p in ("ch", "de", "fr"))
