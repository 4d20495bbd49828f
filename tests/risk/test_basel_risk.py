"""The real Basel bundle through the same risk models: HAND flood on the real terrain,
heat from the real Basel-Binningen series, exposure from the real census grid (values
labelled synthetic), CH, DE and FR side by side, present and 2060."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.risk.outputs import risk_into, summary_table
from tests.conftest import NEEDS_BASEL

BASEL_REGION = Path(__file__).resolve().parents[2] / "examples" / "basel"

pytestmark = NEEDS_BASEL


@pytest.fixture(scope="module")
def basel(tmp_path_factory: pytest.TempPathFactory):
    run, run_dir = risk_into(BASEL_REGION, tmp_path_factory.mktemp("basel") / "run")
    return run, run_dir


def test_every_country_has_heat_deaths_now_and_more_in_2060(basel) -> None:
    run, _ = basel
    table = summary_table(run).set_index(["scenario", "exposure", "party"])
    for party in ("ch", "de", "fr"):
        now = table.loc[("present", "heat-deaths", party), "aai"]
        assert now > 0
        assert table.loc[("ch2018-rcp85-2060", "heat-deaths", party), "aai"] > now
    # the whole census population is counted once per country
    residents = summary_table(run).query(
        "scenario == 'present' and exposure == 'residents' and hazard == 'heat'"
    )
    assert residents.set_index("party").loc["total", "rp_10"] == pytest.approx(616_010)


def test_the_flood_reaches_every_country_and_is_labelled_synthetic(basel) -> None:
    run, run_dir = basel
    table = summary_table(run)
    flood = table[(table.hazard == "river-flood") & (table.exposure == "residential-buildings")]
    present = flood[flood.scenario == "present"].set_index("party")
    for party in ("ch", "de", "fr"):
        assert present.loc[party, "aai"] > 0
    assert present.loc["total", "aai"] == pytest.approx(
        present.loc[["ch", "de", "fr"], "aai"].sum(), rel=1e-12
    )
    assert (flood.synthetic.str.len() > 0).all()
    assert any("negative HAND" in note for note in run.notes)
    assert (run_dir / "risk" / "summary.csv").is_file()
