"""The demo region's risk: every party gets its numbers, present and future, and a Dask
cluster of two worker processes gives the same numbers as one process."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bordercompact.harmonize.pipeline import harmonize_region
from bordercompact.risk.config import load_risk_config
from bordercompact.risk.outputs import methodology_table, summary_table
from bordercompact.risk.pipeline import RiskRun, run_risk

TWIN_RIVERS = Path(__file__).resolve().parents[2] / "examples" / "twin-rivers"


@pytest.fixture(scope="module")
def inputs():
    harmonization = harmonize_region(TWIN_RIVERS)
    assert harmonization.ok
    region = harmonization.region
    return region, harmonization.layers, load_risk_config(region)


@pytest.fixture(scope="module")
def in_process(inputs) -> RiskRun:
    return run_risk(*inputs)


def test_both_cities_have_flood_and_heat_risk_now_and_more_in_2050(in_process: RiskRun) -> None:
    table = summary_table(in_process).set_index(["scenario", "exposure", "result", "party"])
    for exposure, result in (("buildings", "impact"), ("heat-deaths", "impact")):
        for party in ("riverton", "ribera"):
            now = table.loc[("present", exposure, result, party), "aai"]
            future = table.loc[("rcp85-2050", exposure, result, party), "aai"]
            assert now > 0, (exposure, party)
            assert future > now, (exposure, party)
    assert table.loc[("present", "buildings", "impact", "commission"), "aai"] == 0.0


def test_ribera_own_curves_are_compared_side_by_side(in_process: RiskRun) -> None:
    table = methodology_table(in_process)
    assert set(table.methodology) == {"ribera"}
    assert set(table.party) == {"total", "riverton", "ribera", "commission"}
    sides = table[(table.scenario == "present") & table.party.isin(["riverton", "ribera"])]
    assert (sides.aai_own != sides.aai_harmonized).all()


@pytest.mark.slow
def test_a_local_cluster_of_two_processes_gives_the_same_numbers(
    inputs, in_process: RiskRun
) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        on_cluster = run_risk(*inputs, client=client)
    assert len(on_cluster.lines) == len(in_process.lines)
    for ours, theirs in zip(in_process.lines, on_cluster.lines, strict=True):
        assert (ours.scenario, ours.key, ours.methodology) == (
            theirs.scenario,
            theirs.key,
            theirs.methodology,
        )
        np.testing.assert_allclose(
            theirs.impact.at_event_by_party, ours.impact.at_event_by_party, rtol=1e-9
        )
        np.testing.assert_allclose(theirs.impact.eai_exp, ours.impact.eai_exp, rtol=1e-9)
        assert theirs.impact.aai_agg == pytest.approx(ours.impact.aai_agg, rel=1e-9)
