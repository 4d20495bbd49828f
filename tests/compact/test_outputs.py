"""The compact stage on the mini region's finance run: drawn from the run and
compact.toml, checked, written in English and Spanish; re-drawn after a change it is the
next version with its amendment; the command line builds and compares versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordercompact.cli import app
from bordercompact.compact.draft import CompactError, draft_compact
from bordercompact.compact.outputs import compact_into, load_compact
from bordercompact.finance.outputs import finance_into
from bordercompact.region.problems import InvalidRegionError
from tests.finance.test_outputs import FINANCE, NEGOTIATION
from tests.measures.test_outputs import write_measures

COMPACT = """\
[compact]
title = { en = "Mini Compact", es = "Pacto Mini" }
purpose = { en = "Fewer floods on both banks.", es = "Menos inundaciones en ambas orillas." }
vision = { en = "Safe banks by 2050.", es = "Orillas seguras en 2050." }
entry_into_force = 2025-01-01

[[signatories]]
party = "north"
signatories = [{ name = "A. North", title = { en = "Mayor", es = "Alcaldesa" } }]

[governance]
board = { en = "Joint Board", es = "Junta Conjunta" }
seats = { north = 2, south = 2, authority = 1 }
secretariat = "authority"
decision = { rule = "consensus" }
quorum = { seats = 3 }

[data]
personal_data = { en = "No personal data is shared.", es = "No se comparten datos personales." }

[emergency]
triggers = [{ hazard = "river-flood", return_period = 20 }]

[[disputes]]
step = "consultation"
body = { en = "the Joint Board", es = "la Junta Conjunta" }
days = 30

[[disputes]]
step = "arbitration"
body = { en = "an arbitral tribunal", es = "un tribunal arbitral" }
days = 120
"""
#: The finance set-up of the finance stage's tests, with every source named in Spanish.
FINANCE_ES = (
    FINANCE.replace('{ en = "North budget" }', '{ en = "North budget", es = "Presupuesto Norte" }')
    .replace('{ en = "South budget" }', '{ en = "South budget", es = "Presupuesto Sur" }')
    .replace('{ en = "Border grant" }', '{ en = "Border grant", es = "Fondo fronterizo" }')
)


@pytest.fixture(scope="module")
def financed_run(tmp_path_factory: pytest.TempPathFactory, mini_region_template: Path) -> Path:
    """A finance run of the mini region whose compact.toml the tests may change."""
    import shutil

    root = tmp_path_factory.mktemp("compact")
    region = root / "region"
    shutil.copytree(mini_region_template, region)
    write_measures(region)
    (region / "negotiation.toml").write_text(NEGOTIATION, encoding="utf-8")
    (region / "finance.toml").write_text(FINANCE_ES, encoding="utf-8")
    (region / "compact.toml").write_text(COMPACT, encoding="utf-8")
    finance_into(region, root / "run", workers=1)
    return root / "run"


@pytest.fixture
def run_dir(financed_run: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "run"
    shutil.copytree(financed_run, target)
    return target


def region_of(run: Path) -> Path:
    record = json.loads((run / "provenance.json").read_text(encoding="utf-8"))
    return Path(record["parameters"]["region"])


def test_the_compact_is_drawn_from_the_run_and_passes_its_checks(run_dir: Path) -> None:
    run = compact_into(run_dir, run_dir, pdf=False)

    assert [str(c) for c in run.checks if not c.passed] == []
    folder = run_dir / "compact"
    for language in ("en", "es"):
        assert (folder / f"compact.{language}.md").is_file()
        assert (folder / f"compact.{language}.html").is_file()
    assert (folder / "versions/v1.json").is_file()
    assert json.loads((folder / "checks.json").read_text(encoding="utf-8"))["passed"]
    # every amount comes from the run: the cost shares are the deal's
    deal = json.loads((run_dir / "negotiation/deal.json").read_text(encoding="utf-8"))
    shares = {s.party: s.cost_share for s in run.compact.cost_shares}
    assert shares == {p["party"]: pytest.approx(p["cost_share"]) for p in deal["parties"]}
    assert load_compact(run_dir) == run.compact


def test_a_change_of_terms_is_the_next_version_with_its_amendment(run_dir: Path) -> None:
    compact_into(run_dir, run_dir, pdf=False)
    region = region_of(run_dir)
    original = (region / "compact.toml").read_text(encoding="utf-8")
    try:
        (region / "compact.toml").write_text(original.replace("days = 120", "days = 150"))
        second = compact_into(run_dir, run_dir, pdf=False)
    finally:
        (region / "compact.toml").write_text(original, encoding="utf-8")

    assert (second.compact.version, second.compact.amends) == (2, 1)
    folder = run_dir / "compact"
    assert {p.name for p in (folder / "versions").iterdir()} == {"v1.json", "v2.json"}
    amendment = (folder / "amendment-v2.en.md").read_text(encoding="utf-8")
    assert "Article 12 changed." in amendment and "~~120~~ **150**" in amendment


def test_the_same_terms_again_keep_the_version(run_dir: Path) -> None:
    first = compact_into(run_dir, run_dir, pdf=False)
    again = compact_into(run_dir, run_dir, pdf=False)

    assert again.compact.version == first.compact.version == 1
    assert not list((run_dir / "compact").glob("amendment-*"))


def test_a_compact_toml_naming_an_unknown_party_writes_nothing(run_dir: Path) -> None:
    region = region_of(run_dir)
    original = (region / "compact.toml").read_text(encoding="utf-8")
    try:
        (region / "compact.toml").write_text(
            original.replace('secretariat = "authority"', 'secretariat = "west"')
        )
        with pytest.raises(InvalidRegionError) as raised:
            compact_into(run_dir, run_dir, pdf=False)
    finally:
        (region / "compact.toml").write_text(original, encoding="utf-8")

    assert [p.field for p in raised.value.problems.errors] == ["governance.secretariat"]
    assert not (run_dir / "compact").exists()


def test_a_run_without_a_funding_plan_is_named(tmp_path: Path) -> None:
    with pytest.raises(CompactError, match="expected a run of `bordercompact finance`"):
        draft_compact(tmp_path)


def test_the_command_builds_the_compact_and_compares_two_versions(run_dir: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(app, ["compact", str(run_dir), "--out", str(run_dir), "--no-pdf"])
    assert built.exit_code == 0, built.output
    assert "Sharing of costs and benefits" in built.output  # the table of contents
    assert "checks: " in built.output

    older = run_dir.parent / "v1.json"
    older.write_bytes((run_dir / "compact/compact.json").read_bytes())
    region = region_of(run_dir)
    original = (region / "compact.toml").read_text(encoding="utf-8")
    try:
        (region / "compact.toml").write_text(original.replace("days = 30", "days = 45"))
        assert (
            runner.invoke(app, ["compact", str(run_dir), "-o", str(run_dir), "--no-pdf"]).exit_code
            == 0
        )
    finally:
        (region / "compact.toml").write_text(original, encoding="utf-8")

    compared = runner.invoke(app, ["compact", "diff", str(older), str(run_dir), "--lang", "es"])
    assert compared.exit_code == 0, compared.output
    assert "~~30~~ **45**" in compared.output


def test_a_table_of_an_older_run_is_named_with_its_row_and_field(run_dir: Path) -> None:
    plan = run_dir / "finance/plan.csv"
    lines = plan.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    drop = header.index("cost")
    plan.write_text(
        "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines)
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CompactError, match=r"plan.csv, row 2, field 'cost': Field required"):
        draft_compact(run_dir)


def test_classifying_a_dataset_region_toml_lacks_is_named(run_dir: Path) -> None:
    region = region_of(run_dir)
    original = (region / "compact.toml").read_text(encoding="utf-8")
    try:
        (region / "compact.toml").write_text(
            original + '\n[data.datasets]\nnorth-census = { classification = "public" }\n'
        )
        with pytest.raises(CompactError, match=r"'north-census', not a dataset of region\.toml"):
            draft_compact(run_dir)
    finally:
        (region / "compact.toml").write_text(original, encoding="utf-8")
