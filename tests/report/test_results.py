"""Reading a run directory: every file optional, read once and remembered as an input,
the region's parties, names and currencies taken from the files that know them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordercompact.report.results import RunResults


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def run(tmp_path: Path) -> RunResults:
    write(
        tmp_path / "risk/summary.csv",
        "scenario,hazard,exposure,result,unit,party,aai,rp_10\n"
        "present,river-flood,buildings,impact,USD,total,3.0,30\n"
        "present,river-flood,buildings,impact,USD,north,2.0,20\n"
        "present,river-flood,buildings,impact,USD,south,1.0,10\n",
    )
    write(
        tmp_path / "finance/schedule.csv",
        "party,source,fiscal_year,kind,amount_region,amount_party,currency\n"
        "south,budget,2026,capital,1.0,20.0,MXN\n",
    )
    write(
        tmp_path / "harmonization_log.json",
        json.dumps({"region": "Mini", "settings": {"currency": "USD", "price_year": 2023}}),
    )
    return RunResults(tmp_path)


def test_a_missing_run_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no-such-run"):
        RunResults(tmp_path / "no-such-run")


def test_a_missing_file_is_none_and_a_present_one_is_remembered(run: RunResults) -> None:
    assert run.csv("negotiation/alternatives.csv") is None
    assert not run.has_stage("negotiation")
    summary = run.csv("risk/summary.csv")
    assert summary is not None and len(summary) == 3
    assert run.read == {run.root / "risk/summary.csv"}


def test_the_region_facts_come_from_the_harmonization_log(run: RunResults) -> None:
    assert (run.region_name, run.currency, run.price_year) == ("Mini", "USD", 2023)


def test_parties_in_the_runs_order_and_each_in_its_currency(run: RunResults) -> None:
    assert run.parties == ["north", "south"]
    assert run.party_currency("south") == "MXN"
    assert run.party_currency("north") == "USD"  # no schedule of its own: the region's
    assert run.party_name("south", "es") == "south"  # no compact: the id


def test_party_names_come_from_the_compact(run: RunResults) -> None:
    write(
        run.root / "compact/compact.json",
        json.dumps(
            {"parties": [{"id": "south", "name": {"en": "South City", "es": "Ciudad Sur"}}]}
        ),
    )
    assert run.party_name("south", "es") == "Ciudad Sur"
    assert run.party_name("south", "fr") == "South City"
    assert run.parties[0] == "south"


def test_a_derived_figure_is_computed_once(run: RunResults) -> None:
    calls = []

    def compute() -> int:
        calls.append(1)
        return 42

    assert run.derived("answer", compute) == run.derived("answer", compute) == 42
    assert len(calls) == 1
