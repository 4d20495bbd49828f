"""The negotiation stage on the Twin Rivers demo: a deal every party accepts, written with
the run; and, when the two cities ask for more than there is, the demands that block it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bordercompact.measures.outputs import AppraisalStage, appraisal_stage
from bordercompact.negotiate.outputs import negotiation_stage, write_negotiation
from bordercompact.negotiate.positions import Demand, NegotiationConfig, load_negotiation
from bordercompact.region.load import load_region
from tests.examples.test_twin_rivers import TWIN_RIVERS


@pytest.fixture(scope="module")
def stage() -> AppraisalStage:
    return appraisal_stage(TWIN_RIVERS)


@pytest.fixture(scope="module")
def config(stage: AppraisalStage) -> NegotiationConfig:
    return load_negotiation(load_region(TWIN_RIVERS), stage.sets.config)


def test_the_demo_deal_is_found_and_every_party_gains(stage, config, tmp_path: Path) -> None:
    run = negotiation_stage(stage, config, workers=1)
    deal = run.deal
    assert deal.found and deal.accepted, [c.detail for c in deal.checks if not c.passed]
    assert deal.sharing is not None and deal.portfolio is not None
    for party in config.players:
        assert deal.sharing.payoff[party] > 0
        assert deal.sharing.payoff[party] >= run.values[frozenset([party])] - 1.0
    assert sum(deal.sharing.cost_share.values()) == pytest.approx(deal.portfolio.cost)
    assert len(deal.alternatives) >= 5
    written = write_negotiation(run, tmp_path)
    document = json.loads((tmp_path / "negotiation/deal.json").read_text(encoding="utf-8"))
    assert document["found"] and document["rule"] == "shapley"
    assert {p["party"] for p in document["parties"]} == {"riverton", "ribera"}
    game = json.loads((tmp_path / "negotiation/game.json").read_text(encoding="utf-8"))
    assert set(game["coalitions"]) == {"riverton", "ribera", "riverton+ribera"}
    shares = pd.read_csv(tmp_path / "negotiation/shares.csv")
    assert shares["pays"].sum() == pytest.approx(deal.portfolio.cost)
    assert all(path.exists() for path in written)


def test_when_the_cities_ask_for_more_than_there_is_the_diagnosis_names_them(
    stage, config, tmp_path: Path
) -> None:
    greedy = config.model_copy(
        update={
            "parties": [
                p.model_copy(
                    update={
                        "demands": [
                            *p.demands,
                            *_min_gain(p.id, {"riverton": 720e6, "ribera": 150e6}[p.id]),
                        ]
                    }
                )
                for p in config.parties
            ]
        }
    )
    run = negotiation_stage(stage, greedy, workers=1)
    assert not run.deal.found
    assert [(c.party, c.tag) for c in run.deal.conflict] == [
        ("riverton", "riverton-asks-more"),
        ("ribera", "ribera-asks-more"),
    ]
    write_negotiation(run, tmp_path)
    summary = (tmp_path / "negotiation/deal.md").read_text(encoding="utf-8")
    assert "riverton-asks-more" in summary and "ribera-asks-more" in summary


def _min_gain(party: str, amount: float) -> list[Demand]:
    return [
        Demand(
            id=f"{party}-asks-more",
            type="min_net_gain",
            amount=amount,
            text={"en": f"{party} wants {amount / 1e6:.0f} M"},
        )
    ]
