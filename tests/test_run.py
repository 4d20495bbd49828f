"""The main job on the mini region: every stage into one run dir; a later job starts at
any stage from the saved results, refuses them when an input they came from has changed
or another build saved them; an interrupted job leaves the run dir as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordercompact.cli import app
from bordercompact.region.workspace import STAGES
from bordercompact.run import JobError, StageRecord, run_job, stage_range
from tests.compact.test_outputs import COMPACT, FINANCE_ES
from tests.conftest import NEEDS_BASEL
from tests.finance.test_outputs import NEGOTIATION
from tests.measures.test_outputs import write_measures

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def full_region(tmp_path_factory: pytest.TempPathFactory, mini_region_template: Path) -> Path:
    """The mini region with every set-up file: measures, negotiation, finance, compact."""
    region = tmp_path_factory.mktemp("job") / "region"
    shutil.copytree(mini_region_template, region)
    write_measures(region)
    (region / "negotiation.toml").write_text(NEGOTIATION, encoding="utf-8")
    (region / "finance.toml").write_text(FINANCE_ES, encoding="utf-8")
    (region / "compact.toml").write_text(COMPACT, encoding="utf-8")
    return region


@pytest.fixture(scope="module")
def finished_job(full_region: Path) -> Path:
    """One complete job of the full mini region (report in English and Spanish)."""
    run_dir = full_region.parent / "run"
    run_job(full_region, run_dir, languages=("en", "es"), pdf=False, workers=1)
    return run_dir


@pytest.fixture
def region(full_region: Path, tmp_path: Path) -> Path:
    """A writable copy of the full region (its files may change)."""
    target = tmp_path / "region"
    shutil.copytree(full_region, target)
    return target


def job_copy(finished_job: Path, region: Path, target: Path) -> Path:
    """The finished job as if run from ``region``: the same files, saved for that region."""
    shutil.copytree(finished_job, target)
    index_path = target / "checkpoints" / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index["region"] = str(region.absolute())
    index_path.write_text(json.dumps(index), encoding="utf-8")
    return target


def contents(run_dir: Path, folder: str) -> dict[str, bytes]:
    return {
        str(p.relative_to(run_dir)): p.read_bytes()
        for p in sorted((run_dir / folder).rglob("*"))
        if p.is_file()
    }


class Recorder:
    """Follows the stages; raises KeyboardInterrupt when ``stop`` starts (a Ctrl-C)."""

    def __init__(self, stop: str | None = None) -> None:
        self.stop, self.started_stages, self.records = stop, [], []  # type: ignore[var-annotated]

    def started(self, stage: str) -> None:
        if stage == self.stop:
            raise KeyboardInterrupt
        self.started_stages.append(stage)

    def finished(self, record: StageRecord) -> None:
        self.records.append(record)


def test_stage_range_names_an_unknown_stage_and_a_reversed_range() -> None:
    assert stage_range("negotiate", "compact") == ["negotiate", "finance", "compact"]
    with pytest.raises(JobError, match=r"--from: found 'pricing'; expected one of validate, "):
        stage_range("pricing")
    with pytest.raises(JobError, match="--from report comes after --to risk"):
        stage_range("report", "risk")


def test_every_stage_runs_into_one_run_dir(finished_job: Path) -> None:
    job = json.loads((finished_job / "job.json").read_text(encoding="utf-8"))
    assert [s["stage"] for s in job["stages"]] == list(STAGES)
    statuses = {s["stage"]: s["status"] for s in job["stages"]}
    assert statuses == dict.fromkeys(STAGES, "ran") | {"equity": "skipped"}  # no equity.toml
    for path in (
        "layers/assets.parquet",
        "risk/summary.csv",
        "appraisal/appraisal.csv",
        "negotiation/deal.json",
        "finance/schedule.csv",
        "compact/compact.en.html",
        "compact/compact.es.html",
        "report/report.en.html",
        "report/report.es.html",
        "opendata/bordercompact.gpkg",
        "checkpoints/state.pickle.gz",
    ):
        assert (finished_job / path).is_file(), path
    record = json.loads((finished_job / "provenance.json").read_text(encoding="utf-8"))
    assert record["command"] == "run"
    written = {o["path"] for o in record["outputs"]}
    assert "finance/schedule.csv" in written and "region.toml" in {
        i["path"] for i in record["inputs"]
    }
    assert not any(p.startswith(("compact/", "report/", "checkpoints/")) for p in written)
    # the compact names the run where it is, not the folder the job wrote it in first
    compact = json.loads((finished_job / "compact" / "compact.json").read_text(encoding="utf-8"))
    assert compact["analysis"]["run"] == str(finished_job.absolute())


def test_a_job_from_a_later_stage_reuses_the_saved_results(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")
    before = contents(run_dir, "appraisal") | contents(run_dir, "layers")
    recorder = Recorder()

    result = run_job(region, run_dir, first="finance", last="compact", pdf=False, progress=recorder)

    assert recorder.started_stages == ["finance", "compact"]
    earlier = {r.stage: r.status for r in result.stages[:6]}
    assert earlier == dict.fromkeys(STAGES[:6], "saved") | {"equity": "skipped"}  # as it was
    assert contents(run_dir, "appraisal") | contents(run_dir, "layers") == before
    assert (run_dir / "finance" / "schedule.csv").read_bytes() == (
        finished_job / "finance" / "schedule.csv"
    ).read_bytes()  # the same deal, funded the same way
    assert result.compact_passed
    # the same terms: the compact keeps its version
    assert json.loads((run_dir / "compact" / "compact.json").read_text())["version"] == 1


def test_a_job_that_does_not_draw_the_compact_again_drops_the_earlier_one(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")

    run_job(region, run_dir, first="finance", last="finance")

    assert (run_dir / "finance" / "schedule.csv").is_file()
    assert not (run_dir / "compact").exists() and not (run_dir / "report").exists()


def test_a_changed_input_of_a_saved_stage_is_refused(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")
    negotiation = region / "negotiation.toml"
    negotiation.write_text(negotiation.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    with pytest.raises(JobError, match=r"negotiation.toml: changed since .* the negotiate stage"):
        run_job(region, run_dir, first="finance", pdf=False)
    result = run_job(region, run_dir, first="negotiate", last="negotiate")  # from there: fine
    assert [r.status for r in result.stages][-1] == "ran"


def test_the_rule_of_the_saved_deal_is_kept_and_checked(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")
    rule = json.loads((run_dir / "negotiation" / "deal.json").read_text(encoding="utf-8"))["rule"]
    run_job(region, run_dir, first="report", pdf=False)  # asks no rule: the deal's stays

    run_job(region, run_dir, first="finance", last="finance", rule=rule)
    other = "nucleolus" if rule != "nucleolus" else "shapley"
    with pytest.raises(JobError, match=f"the saved deal was shared by the {rule} rule"):
        run_job(region, run_dir, first="finance", rule=other)


def test_a_changed_compact_toml_is_refused_for_the_report_alone(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")
    compact = region / "compact.toml"
    compact.write_text(compact.read_text(encoding="utf-8").replace("days = 120", "days = 150"))

    with pytest.raises(JobError, match=r"compact.toml: changed since .* the compact stage"):
        run_job(region, run_dir, first="report")
    result = run_job(region, run_dir, first="compact", pdf=False)
    assert "amends version 1" in result.stages[STAGES.index("compact")].summary
    assert (run_dir / "compact" / "amendment-v2.en.md").is_file()
    run_job(region, run_dir, first="report")  # the new compact.toml is now the known one


def test_checkpoints_of_another_build_are_refused(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")
    index_path = run_dir / "checkpoints" / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index["code"] = "0" * 64
    index_path.write_text(json.dumps(index), encoding="utf-8")

    with pytest.raises(JobError, match="saved by another build of bordercompact"):
        run_job(region, run_dir, first="finance")
    # the compact and the report read the run's files: the saved objects do not matter
    result = run_job(region, run_dir, first="report", pdf=False)
    assert result.stages[-1].status == "ran"
    kept = json.loads(index_path.read_text(encoding="utf-8"))
    assert kept["code"] == "0" * 64  # the checkpoints were kept as they were


def test_a_job_from_a_stage_needs_a_run_with_checkpoints(region: Path, tmp_path: Path) -> None:
    with pytest.raises(JobError, match="does not exist; run the job from the start"):
        run_job(region, tmp_path / "nowhere", first="risk")
    run_dir = tmp_path / "run"
    run_job(region, run_dir, last="risk", checkpoints=False)
    with pytest.raises(
        JobError, match=r"no saved harmonize, risk stage; expected --from harmonize"
    ):
        run_job(region, run_dir, first="equity")
    result = run_job(region, run_dir, first="harmonize", last="risk")  # needs nothing saved
    assert [r.status for r in result.stages] == ["skipped", "ran", "ran"]


def test_an_interrupted_job_leaves_the_run_dir_as_it_was(
    finished_job: Path, region: Path, tmp_path: Path
) -> None:
    run_dir = job_copy(finished_job, region, tmp_path / "run")
    before = contents(run_dir, ".")

    with pytest.raises(KeyboardInterrupt):
        run_job(region, run_dir, first="negotiate", progress=Recorder(stop="finance"))

    assert contents(run_dir, ".") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["region", "run"]  # no partial dir


def test_stages_without_their_set_up_are_skipped(region: Path, tmp_path: Path) -> None:
    (region / "finance.toml").unlink()
    recorder = Recorder()

    result = run_job(region, tmp_path / "run", pdf=False, progress=recorder)

    skipped = {r.stage: r.summary for r in result.stages if r.status == "skipped"}
    assert skipped == {
        "equity": "no equity.toml in the region",
        "finance": "no finance.toml in the region",
        "compact": "nothing to build on: the finance stage did not run",
    }
    assert result.compact_passed is None
    assert [p.name for p in result.report] == ["report.en.html"]
    assert (tmp_path / "run" / "report" / "report.en.html").is_file()


def test_the_command_runs_part_of_the_job_and_prints_each_stage(
    region: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(region), "--out", str(out), "--to", "risk"])

    assert result.exit_code == 0, result.output
    text = result.output.replace("\n", " ")
    for stage in ("validate", "harmonize", "risk"):
        assert stage in text
    assert "appraise" not in text  # not asked for
    assert (out / "risk" / "summary.csv").is_file() and not (out / "appraisal").exists()


@pytest.mark.parametrize("command", ["risk", "appraise", "negotiate", "finance"])
def test_each_stage_command_runs_up_to_its_stage(
    command: str, full_region: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, [command, str(full_region), "--out", str(out), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True
    folder = {"appraise": "appraisal", "negotiate": "negotiation"}.get(command, command)
    assert (out / folder).is_dir()
    assert json.loads((out / "provenance.json").read_text(encoding="utf-8"))["command"] == command


def test_the_command_names_a_bad_stage_and_language(region: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["run", str(region), "--out", str(out), "--from", "pricing", "--lang", "xx"]
    )

    assert result.exit_code == 1
    assert "--from: found 'pricing'" in result.output
    assert "--lang: found 'xx'; expected one of en, es, fr, de" in result.output
    assert not out.exists()


@pytest.mark.realdata
@NEEDS_BASEL[1]
def test_the_basel_bundle_runs_end_to_end_in_german_and_french(tmp_path: Path) -> None:
    basel = Path(__file__).resolve().parents[1] / "examples" / "basel"
    run_dir = tmp_path / "basel"

    result = run_job(basel, run_dir, languages=("de", "fr"), pdf=False, checkpoints=False)

    assert [(r.stage, r.status) for r in result.stages] == [(s, "ran") for s in STAGES]
    assert result.compact_passed
    assert [p.name for p in result.report] == ["report.de.html", "report.fr.html"]
    page = (run_dir / "report" / "report.de.html").read_text(encoding="utf-8")
    assert "Karte der Region" in page and 'id="map-layer-border"' in page
    assert (run_dir / "opendata" / "bordercompact.gpkg").is_file()
