"""The command line, driven as a user drives it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordercompact.cli import app
from tests.mini_region import edit_manifest

runner = CliRunner()


def test_validate_a_valid_region_exits_zero(mini_region: Path) -> None:
    result = runner.invoke(app, ["validate", str(mini_region)])
    assert result.exit_code == 0, result.output
    assert "valid (0 errors, 0 warnings)" in result.output


def test_validate_reports_every_problem_and_exits_one(mini_region: Path) -> None:
    edit_manifest(mini_region, '"Retail" = "COM1"', '"Shop" = "COM1"')
    edit_manifest(mini_region, 'floor_area = "ft**2"', 'floor_area = "sqfeet"')
    result = runner.invoke(app, ["validate", str(mini_region)])
    assert result.exit_code == 1
    assert "unmapped-category" in result.output and "'Retail'" in result.output
    assert "unknown-unit" in result.output and "'sqfeet'" in result.output
    assert "not valid (2 errors" in result.output


def test_validate_json_is_one_document_for_scripts(mini_region: Path) -> None:
    edit_manifest(mini_region, '"Retail" = "COM1"', '"Shop" = "COM1"')
    result = runner.invoke(app, ["validate", str(mini_region), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["errors"] == 1
    (problem,) = report["problems"]
    assert problem["code"] == "unmapped-category"
    assert problem["field"] == "OCC_TYPE"
    assert problem["file"].endswith("north/buildings.csv")


def test_quiet_prints_only_errors(mini_region: Path) -> None:
    assert runner.invoke(app, ["validate", str(mini_region), "--quiet"]).output == ""


def test_harmonize_writes_the_run_dir_and_refuses_to_overwrite(
    mini_region: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    first = runner.invoke(app, ["harmonize", str(mini_region), "--out", str(out), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["layers"]["assets"] == 80
    assert (out / "provenance.json").is_file()
    again = runner.invoke(app, ["harmonize", str(mini_region), "--out", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.output
    replaced = runner.invoke(app, ["harmonize", str(mini_region), "--out", str(out), "--overwrite"])
    assert replaced.exit_code == 0


def test_harmonize_of_a_broken_region_writes_nothing(mini_region: Path, tmp_path: Path) -> None:
    edit_manifest(mini_region, "price_year = 2019", "price_year = 2011")
    out = tmp_path / "run"
    result = runner.invoke(app, ["harmonize", str(mini_region), "--out", str(out)])
    assert result.exit_code == 1
    assert "missing-price-index" in result.output and "nothing was written" in result.output
    assert list(tmp_path.iterdir()) == [mini_region]


@pytest.mark.slow
def test_demo_runs_the_main_job_and_prints_the_report(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"report: {out / 'report' / 'report.en.html'}" in result.output.replace("\n", "")
    assert (out / "layers" / "assets.parquet").is_file()
    # the compact in English and Spanish, every check passing
    checks = json.loads((out / "compact" / "checks.json").read_text(encoding="utf-8"))
    assert checks["passed"], [c for c in checks["checks"] if not c["passed"]]
    for language in ("en", "es"):
        for suffix in ("md", "html", "pdf"):
            assert (out / "compact" / f"compact.{language}.{suffix}").is_file()
        assert (out / "report" / f"report.{language}.html").is_file()
    assert (out / "opendata" / "bordercompact.gpkg").is_file()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("bordercompact ")


SVI_ZONES = "zone_id,poverty,income,age_65\na,10,60,3\nb,30,20,1\nc,20,,2\nd,50,10,5\n"


def test_svi_writes_the_documented_columns(tmp_path: Path) -> None:
    zones, out = tmp_path / "zones.csv", tmp_path / "svi.csv"
    zones.write_text(SVI_ZONES, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "svi",
            str(zones),
            "--id-column",
            "zone_id",
            "--theme",
            "economy=poverty,income",
            "--theme",
            "age=age_65",
            "--invert",
            "income",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header == (
        "zone_id,poverty_pr,poverty_flag,income_pr,income_flag,theme_economy_pr,"
        "theme_economy_flags,age_65_pr,age_65_flag,theme_age_pr,theme_age_flags,svi,flags"
    )
    assert rows[2].split(",")[3:5] == ["", ""]  # c has no income: rank and flag empty
    assert rows[3].endswith(",1.0,3")  # d: most vulnerable, flagged on all 3 variables


def test_svi_names_a_bad_cell_and_writes_nothing(tmp_path: Path) -> None:
    zones, out = tmp_path / "zones.csv", tmp_path / "svi.csv"
    zones.write_text(SVI_ZONES.replace("b,30,", "b,many,"), encoding="utf-8")
    result = runner.invoke(
        app,
        ["svi", str(zones), "--id-column", "zone_id", "--theme", "e=poverty", "--out", str(out)],
    )
    assert result.exit_code == 1
    assert "line 3, column 'poverty': found 'many'; expected a number" in result.output
    assert not out.exists()


# `impact --measures`: CLIMADA's measure table on the tables of tests/risk/test_impact_command
# (AAI 26: north 5, south 21; event 101 (0.1/year) 250 = 50 north + 200 south, event 102
# (0.02/year) 50 south)
MEASURES_CSV = (
    "name,cost,mdd_impact_a,risk_transf_attach,risk_transf_cover\n"
    "half,10,0.5,,\n"
    "insurance,1,,100,50\n"
)


def _impact_arguments(root: Path, measures: str = MEASURES_CSV) -> list[str]:
    from tests.risk.test_impact_command import _write_tables

    paths = _write_tables(root)
    (root / "measures.csv").write_text(measures)
    return [
        "impact",
        *(f"--{name}={path}" for name, path in paths.items()),
        f"--measures={root / 'measures.csv'}",
    ]


def test_impact_with_measures_writes_measures_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, [*_impact_arguments(tmp_path), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads((out / "measures.json").read_text())
    assert json.loads(result.stdout)["measures"] == written
    assert written["no_measure"] == {"aai_agg": 26.0, "aai_by_party": {"north": 5.0, "south": 21.0}}
    half, insurance = written["measures"]
    assert (half["name"], half["aai_agg"], half["benefit_aai"]) == ("half", 13.0, 13.0)
    # layer of event 101: min(250 − 100, 50) = 50, 10 of it north's (50/250)
    assert insurance["risk_transf_aai"] == pytest.approx(5.0)
    assert insurance["aai_by_party"] == pytest.approx({"north": 4.0, "south": 17.0})
    assert "cost_benefit" not in written and "cost_benefit" not in half
    record = json.loads((out / "provenance.json").read_text())
    assert record["parameters"]["measures"] == ["half", "insurance"]
    assert any(i["path"].endswith("measures.csv") for i in record["inputs"])
    assert any(o["path"] == "measures.json" for o in record["outputs"])


def test_impact_with_measures_and_a_future_writes_the_cost_benefit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    future = [
        "--future-intensity-factor=1",
        "--future-value-factor=2",
        "--present-year=2020",
        "--future-year=2021",
        "--discount-rate=0.25",
        "--time-exponent=1",
    ]
    result = runner.invoke(app, [*_impact_arguments(tmp_path), *future, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "measures (AAI without: 26)" in result.output
    written = json.loads((out / "measures.json").read_text())
    # half avoids 13 now and 26 in 2021 (values × 2): 13 + 26 / 1.25
    benefit = written["measures"][0]["cost_benefit"]
    assert benefit["benefit"] == pytest.approx(13 + 26 / 1.25)
    assert benefit["cost_ben_ratio"] == pytest.approx(10 / (13 + 26 / 1.25))
    assert benefit["benefit_by_party"] == pytest.approx(
        {"north": 2.5 + 5 / 1.25, "south": 10.5 + 21 / 1.25}
    )
    assert written["cost_benefit"]["tot_climate_risk"] == pytest.approx(26 + 52 / 1.25)
    assert written["cost_benefit"]["future_value_factor"] == 2


@pytest.mark.parametrize(
    ("measures", "options", "message"),
    [
        ("name,exp_region_id\nlevee,7\n", [], "has no region_id column"),
        ("name,cost\nlevee,much\n", [], "line 2, column cost: found 'much'; expected a number"),
        (MEASURES_CSV, ["--present-year=2020"], "found no --future-intensity-factor"),
    ],
)
def test_impact_with_bad_measures_says_why_and_writes_nothing(
    tmp_path: Path, measures: str, options: list[str], message: str
) -> None:
    out = tmp_path / "out"
    arguments = [*_impact_arguments(tmp_path, measures), *options, "--out", str(out)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()
