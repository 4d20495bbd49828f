"""The main job: validate → harmonize → risk → equity → appraise → negotiate → finance →
compact → report, into one run directory, complete or not at all (``bordercompact run``,
documented in ``docs/commands/run.md``).

Each stage keeps its own API; this module only composes them. The in-memory results of
the analysis stages are saved in ``RUN_DIR/checkpoints`` so that a later job can start
at any stage (``first``) from them instead of computing everything again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bordercompact import __version__
from bordercompact.compact.config import COMPACT_CONFIG_NAME, load_compact_config
from bordercompact.compact.draft import CompactError
from bordercompact.equity.access import AccessError
from bordercompact.equity.config import EQUITY_CONFIG_NAME, load_equity_config
from bordercompact.equity.outputs import write_equity
from bordercompact.equity.pipeline import EquityRun, run_equity
from bordercompact.equity.svi import SviError
from bordercompact.finance.config import FINANCE_CONFIG_NAME, load_finance
from bordercompact.finance.outputs import FinanceRun, finance_stage, write_finance
from bordercompact.finance.sources import FinanceError
from bordercompact.harmonize.currency import MoneyError
from bordercompact.harmonize.output import write_harmonization
from bordercompact.harmonize.pipeline import Harmonization
from bordercompact.measures.model import MEASURES_CONFIG_NAME, load_measures, zone_files
from bordercompact.measures.outputs import AppraisalStage, appraisal_of, write_appraisal
from bordercompact.measures.reach import check_reach
from bordercompact.measures.value import AppraisalError
from bordercompact.negotiate.game import GameError
from bordercompact.negotiate.outputs import NegotiationRun, negotiation_stage, write_negotiation
from bordercompact.negotiate.positions import NEGOTIATION_CONFIG_NAME, load_negotiation
from bordercompact.region.load import Region, load_region
from bordercompact.region.workspace import (
    PROVENANCE_NAME,
    STAGE_FILES,
    STAGES,
    atomic_run_dir,
    check_run_dir_target,
    file_sha256,
    package_versions,
    provenance,
    utc_now,
    write_provenance,
)
from bordercompact.report.opendata import OpenDataError
from bordercompact.risk.config import RISK_CONFIG_NAME, load_risk_config
from bordercompact.risk.outputs import harmonized, risk_inputs, risk_parameters, write_risk
from bordercompact.risk.pipeline import RISK_INPUT_ERRORS, Progress, RiskRun, run_risk

#: The stages whose in-memory results later stages need: saved as checkpoints.
ANALYSIS = ("harmonize", "risk", "equity", "appraise", "negotiate", "finance")
#: The set-up file without which a stage has nothing to do (and is skipped).
STAGE_CONFIG = {
    "risk": RISK_CONFIG_NAME,
    "equity": EQUITY_CONFIG_NAME,
    "appraise": MEASURES_CONFIG_NAME,
    "negotiate": NEGOTIATION_CONFIG_NAME,
    "finance": FINANCE_CONFIG_NAME,
    "compact": COMPACT_CONFIG_NAME,
}
#: The stages that read only the run's files (and set-up files), not the saved objects.
LATE_STAGES = ("compact", "report")
CHECKPOINTS = "checkpoints"
CHECKPOINT_STATE = "state.pickle.gz"
CHECKPOINT_INDEX = "index.json"


class JobError(ValueError):
    """A job that cannot start as asked: an unknown stage, or a ``first`` stage whose
    saved results are missing, from another build, or computed from other inputs."""


#: The errors by which the stages name a bad input (file, row or feature, field, what was
#: found and what was expected): reported as such, with nothing written.
INPUT_ERRORS: tuple[type[Exception], ...] = (
    *RISK_INPUT_ERRORS,
    AccessError,
    SviError,
    AppraisalError,
    GameError,
    FinanceError,
    MoneyError,
    CompactError,
    OpenDataError,
    JobError,
)


@dataclass
class StageRecord:
    """What one stage did: ran, came from the checkpoints of an earlier job, or was
    skipped (and why); its time, and a one-line summary of its result."""

    stage: str
    status: str  # "ran", "saved" (results of an earlier job) or "skipped"
    seconds: float = 0.0
    summary: str = ""


class JobProgress(Protocol):
    """How a job tells its progress: a stage starts (the returned callback follows its
    steps), and a stage ends."""

    def started(self, stage: str) -> Progress | None: ...

    def finished(self, record: StageRecord) -> None: ...


@dataclass(frozen=True)
class JobOptions:
    """How the stages that scale out or choose run: the cost-sharing rule (None:
    negotiation.toml's), local Dask workers, a Dask client."""

    rule: str | None = None
    workers: int | None = None
    client: Any = None


@dataclass
class JobState:
    """The in-memory results of the analysis stages, as later stages need them."""

    region_root: Path
    rule: str | None = None  # the rule the deal was shared by (negotiation.toml's or asked)
    harmonization: Harmonization | None = None
    risk: RiskRun | None = None
    equity: EquityRun | None = None
    appraisal: AppraisalStage | None = None
    negotiation: NegotiationRun | None = None
    finance: FinanceRun | None = None
    inputs: dict[str, list[Path]] = field(default_factory=dict)  # stage -> files it read

    @property
    def region(self) -> Region:
        assert self.harmonization is not None and self.harmonization.region is not None
        return self.harmonization.region


@dataclass
class JobResult:
    run_dir: Path
    stages: list[StageRecord]
    report: list[Path]  # the report in each language
    compact_passed: bool | None  # None without a compact


def stage_range(first: str = STAGES[0], last: str = STAGES[-1]) -> list[str]:
    """The stages from ``first`` to ``last``; an error names an unknown one."""
    for name, given in (("--from", first), ("--to", last)):
        if given not in STAGES:
            raise JobError(f"{name}: found {given!r}; expected one of {', '.join(STAGES)}")
    start, end = STAGES.index(first), STAGES.index(last)
    if start > end:
        raise JobError(f"--from {first} comes after --to {last}; expected them in this order")
    return list(STAGES[start : end + 1])


def run_job(
    region_root: Path,
    run_dir: Path,
    *,
    first: str = STAGES[0],
    last: str = STAGES[-1],
    languages: Sequence[str] = ("en",),
    rule: str | None = None,
    workers: int | None = None,
    client: Any = None,
    overwrite: bool = False,
    checkpoints: bool = True,
    pdf: bool = True,
    progress: JobProgress | None = None,
) -> JobResult:
    """Run the stages ``first`` to ``last`` of the region at ``region_root`` into
    ``run_dir``: complete, or (on an error or Ctrl-C) not at all, leaving an existing
    ``run_dir`` as it was.

    A job that starts after ``harmonize`` takes the earlier stages' results from the run
    already in ``run_dir`` (which it then replaces; no ``overwrite`` needed), after
    checking that they come from the same input files and, where it needs their objects
    (from risk to finance), that this build saved them. ``languages`` are the report's;
    ``rule`` the cost-sharing rule (default: negotiation.toml's); ``pdf`` prints the
    compact to PDF too.
    """
    stages = stage_range(first, last)
    region_root, run_dir = Path(region_root).resolve(), Path(run_dir).absolute()
    started = utc_now()
    earlier = STAGES[: STAGES.index(stages[0])]
    resuming = bool(earlier) and stages[0] != "harmonize"  # which needs nothing saved
    check_run_dir_target(run_dir, overwrite=overwrite or bool(earlier))
    if resuming and not run_dir.exists():
        raise JobError(f"--from {first}: {run_dir} does not exist; run the job from the start")
    state, records = (
        _saved_state(run_dir, region_root, stages[0], rule)
        if resuming
        else (
            JobState(region_root),
            [StageRecord(s, "skipped", summary="not asked") for s in earlier],
        )
    )
    options = JobOptions(rule, workers, client)
    report: list[Path] = []
    compact_passed: bool | None = None
    with atomic_run_dir(run_dir, overwrite=overwrite or bool(earlier)) as staging:
        if resuming:
            _keep_earlier_results(run_dir, staging, stages)
        for stage in stages:
            reason = _skipped_because(stage, state, staging)
            if reason:
                if stage == "compact" and (staging / "compact").exists():
                    shutil.rmtree(staging / "compact")  # the earlier one: it no longer applies
                    reason += "; the earlier compact no longer matches the run and is dropped"
                record = StageRecord(stage, "skipped", summary=reason)
            else:
                steps = progress.started(stage) if progress else None
                clock = time.perf_counter()
                if stage in LATE_STAGES and not (staging / PROVENANCE_NAME).exists():
                    _write_analysis_provenance(state, staging, started, options)
                summary: str
                if stage == "compact":
                    summary, compact_passed = _compact(state, staging, run_dir, pdf)
                elif stage == "report":
                    summary, report = _report(staging, run_dir, languages)
                else:
                    summary = _STAGE_RUNS[stage](state, staging, steps, options)
                record = StageRecord(stage, "ran", time.perf_counter() - clock, summary)
            records.append(record)
            if progress:
                progress.finished(record)
        if not (staging / PROVENANCE_NAME).exists():
            _write_analysis_provenance(state, staging, started, options)
        if stages[0] in LATE_STAGES:
            _keep_saved_objects(run_dir, staging, state)
        else:
            _save_state(state, staging, objects=checkpoints)
        (staging / "job.json").write_text(
            json.dumps(
                {
                    "started": started,
                    "finished": utc_now(),
                    "stages": [vars(r) for r in records],
                    "languages": list(languages),
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
    return JobResult(run_dir, records, report, compact_passed)


def _skipped_because(stage: str, state: JobState, staging: Path) -> str:
    """Why a stage has nothing to do in this job ("" when it has)."""
    config = STAGE_CONFIG.get(stage)
    if config is not None and not (state.region_root / config).is_file():
        return f"no {config} in the region"
    built_on = {
        "appraise": ("risk", state.risk),
        "negotiate": ("appraise", state.appraisal),
        "finance": ("negotiate", state.negotiation),
    }
    if stage in built_on and built_on[stage][1] is None:
        return f"nothing to build on: the {built_on[stage][0]} stage did not run"
    if stage == "compact" and not (staging / "finance").is_dir():
        return "nothing to build on: the finance stage did not run"
    if stage == "compact" and not _deal_found(staging):
        return "no deal was found, so there is nothing to agree on"
    return ""


def _deal_found(staging: Path) -> bool:
    deal = staging / "negotiation" / "deal.json"
    return deal.is_file() and bool(json.loads(deal.read_text(encoding="utf-8")).get("found"))


StageRun = Callable[[JobState, Path, Progress | None, JobOptions], str]


def _validate(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    """Every set-up file read before the long part, so that its mistakes come first."""
    region = load_region(state.region_root)
    read = ["region.toml"]
    risk = None
    if (region.root / RISK_CONFIG_NAME).is_file():
        risk = load_risk_config(region)
        read.append(RISK_CONFIG_NAME)
    equity = None
    if (region.root / EQUITY_CONFIG_NAME).is_file():
        equity = load_equity_config(region)
        read.append(EQUITY_CONFIG_NAME)
    if risk is not None and (region.root / MEASURES_CONFIG_NAME).is_file():
        measures = load_measures(region, risk)
        check_reach(measures, equity)
        read.append(MEASURES_CONFIG_NAME)
        if (region.root / NEGOTIATION_CONFIG_NAME).is_file():
            load_negotiation(region, measures)
            read.append(NEGOTIATION_CONFIG_NAME)
        if (region.root / FINANCE_CONFIG_NAME).is_file():
            load_finance(region)
            read.append(FINANCE_CONFIG_NAME)
    if (region.root / COMPACT_CONFIG_NAME).is_file():
        load_compact_config(region)
        read.append(COMPACT_CONFIG_NAME)
    return f"{region.settings.name}: {', '.join(read)} read"


def _harmonize(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    state.harmonization = harmonization = harmonized(state.region_root, steps)
    state.inputs["harmonize"] = list(state.region.input_files())
    write_harmonization(harmonization, staging)
    features = sum(len(frame) for frame in harmonization.layers.values())
    return (
        f"{len(harmonization.layers)} layers, {features:,} features; "
        f"{len(harmonization.problems.warnings)} warnings"
    )


def _risk(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    assert state.harmonization is not None
    region = state.region
    state.risk = risk = run_risk(
        region,
        state.harmonization.layers,
        load_risk_config(region),
        client=job.client,
        progress=steps,
    )
    state.inputs["risk"] = risk_inputs(risk)
    write_risk(risk, staging)
    return f"{len(risk.lines)} risk lines over {', '.join(risk.scenarios)}"


def _equity(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    assert state.harmonization is not None
    region = state.region
    config = load_equity_config(region)
    state.equity = equity = run_equity(region, state.harmonization.layers, config, state.risk)
    state.inputs["equity"] = [region.root / EQUITY_CONFIG_NAME]
    write_equity(equity, staging)
    return f"{len(equity.zones):,} zones indexed"


def _appraise(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    assert state.harmonization is not None and state.risk is not None
    state.appraisal = stage = appraisal_of(
        state.harmonization, state.risk, state.equity, client=job.client, progress=steps
    )
    config = stage.run.config
    state.inputs["appraise"] = [
        state.region.root / MEASURES_CONFIG_NAME,
        *zone_files(state.region, config),
    ]
    write_appraisal(stage.run, staging)
    return f"{len(config.measures)} measures appraised"


def _negotiate(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    assert state.appraisal is not None
    region = state.region
    config = load_negotiation(region, state.appraisal.run.config)
    state.negotiation = negotiation = negotiation_stage(
        state.appraisal,
        config,
        rule=job.rule,
        workers=job.workers,
        client=job.client,
        progress=steps,
    )
    state.rule = job.rule or config.negotiation.rule
    state.inputs["negotiate"] = [
        region.root / NEGOTIATION_CONFIG_NAME,
        *(
            region.path(demand.zone.path)
            for _, demand in config.demands()
            if demand.zone is not None and demand.zone.path is not None
        ),
    ]
    write_negotiation(negotiation, staging)
    deal = negotiation.deal
    if deal.portfolio is None or deal.sharing is None:
        return "no deal: some demands cannot be met together (negotiation/deal.md)"
    return (
        f"deal of {len(deal.portfolio.measures)} measures, shared by {deal.sharing.rule}; "
        f"{sum(c.passed for c in deal.checks)} of {len(deal.checks)} checks met"
    )


def _finance(state: JobState, staging: Path, steps: Progress | None, job: JobOptions) -> str:
    assert state.appraisal is not None and state.negotiation is not None
    region = state.region
    if steps:
        steps(0, 1, "planning the funding and the reserve")
    state.finance = run = finance_stage(state.appraisal, state.negotiation, load_finance(region))
    state.inputs["finance"] = [region.root / FINANCE_CONFIG_NAME]
    write_finance(run, staging)
    flagged = 0 if run.over_budget.empty else len(run.over_budget)
    return (
        "no deal to fund"
        if run.plan is None
        else f"funding plan over {run.schedule['fiscal_year'].nunique()} fiscal years; "
        f"{flagged} budget periods exceeded"
    )


_STAGE_RUNS: dict[str, StageRun] = {
    "validate": _validate,
    "harmonize": _harmonize,
    "risk": _risk,
    "equity": _equity,
    "appraise": _appraise,
    "negotiate": _negotiate,
    "finance": _finance,
}


def _compact(state: JobState, staging: Path, run_dir: Path, pdf: bool) -> tuple[str, bool]:
    """The compact drawn from the staged run; it amends the one in the run dir the job
    replaces (if its terms changed)."""
    from bordercompact.compact.outputs import COMPACT_DIR, COMPACT_FILE, compact_into

    state.inputs["compact"] = [state.region_root / COMPACT_CONFIG_NAME]
    earlier = run_dir / COMPACT_DIR
    amends = earlier if (earlier / COMPACT_FILE).is_file() else None
    compact = compact_into(
        staging,
        staging,
        amends=amends,
        region_root=state.region_root,
        run_place=run_dir,
        pdf=pdf,
    )
    passed = sum(c.passed for c in compact.checks)
    change = f"; amends version {compact.previous.version}" if compact.previous is not None else ""
    return (
        f"version {compact.compact.version} in {', '.join(compact.compact.languages)}; "
        f"{passed} of {len(compact.checks)} checks passed{change}",
        compact.passed,
    )


def _report(staging: Path, run_dir: Path, languages: Sequence[str]) -> tuple[str, list[Path]]:
    """The open data, then the report in each language (which links to it; its
    ``report/provenance.json`` lists what it read)."""
    from bordercompact.report.build import write_report
    from bordercompact.report.opendata import write_open_data

    data = write_open_data(staging, staging)
    pages = write_report(staging, staging, languages, run_place=run_dir)
    final = [run_dir / p.relative_to(staging) for p in pages]
    plural = "s" * (len(pages) != 1)
    return f"{len(pages)} report page{plural}, {len(data)} open-data files", final


def _write_analysis_provenance(
    state: JobState, staging: Path, started: str, job: JobOptions
) -> None:
    """``provenance.json`` of the analysis stages (the compact and the report keep
    their own): what was read, with which settings, and every file written so far."""
    parameters: dict[str, Any] = {
        "region": str(state.region_root),
        "rule": state.rule,
        **(risk_parameters(state.risk, job.client) if state.risk is not None else {}),
    }
    if state.appraisal is not None:
        parameters["measures"] = state.appraisal.run.config.model_dump(mode="json")
    if state.negotiation is not None:
        parameters["negotiation"] = state.negotiation.config.model_dump(mode="json")
    if state.finance is not None:
        parameters["finance"] = state.finance.config.model_dump(mode="json")
    later = {CHECKPOINTS, *STAGE_FILES["compact"], *STAGE_FILES["report"]}
    written = sorted(
        p
        for p in staging.rglob("*")
        if p.is_file() and p.relative_to(staging).parts[0] not in later
    )
    record = provenance(
        command="run",
        parameters=parameters,
        inputs=_unique(p for files in state.inputs.values() for p in files),
        input_root=state.region_root,
        outputs=written,
        output_root=staging,
        started=started,
    )
    write_provenance(staging, record)


def _unique(paths: Iterable[Path]) -> list[Path]:
    return list(dict.fromkeys(paths))


def _keep_earlier_results(run_dir: Path, staging: Path, stages: list[str]) -> None:
    """Copy the earlier stages' files of the run being replaced into the staging dir; its
    compact too when the job draws the compact again, so that the new one can amend it
    and keep its versions (a compact the job does not draw again would not match it)."""
    first = stages[0]
    redone = {name for s in STAGES[STAGES.index(first) :] for name in STAGE_FILES.get(s, ())}
    if "compact" in stages:
        redone -= set(STAGE_FILES["compact"])
    if STAGES.index(first) <= STAGES.index("finance"):
        redone.add(PROVENANCE_NAME)  # the analysis changes: its provenance is written anew
    for source in sorted(run_dir.iterdir()):
        if source.name in redone or source.name in (CHECKPOINTS, "job.json"):
            continue
        target = staging / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def code_fingerprint() -> str:
    """A hash of this build's Python sources, Python's version and the libraries':
    checkpoints are pickles of their objects, readable only by the same code."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(json.dumps([sys.version, package_versions()]).encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _save_state(state: JobState, staging: Path, *, objects: bool) -> None:
    """What the stages were computed from (the index: each stage's inputs with their
    hashes, the rule) and, with ``objects``, the analysis stages' in-memory results."""
    folder = staging / CHECKPOINTS
    folder.mkdir(exist_ok=True)
    saved = {
        "harmonize": state.harmonization,
        "risk": state.risk,
        "equity": state.equity,
        "appraise": state.appraisal,
        "negotiate": state.negotiation,
        "finance": state.finance,
    }
    if objects:
        with gzip.open(folder / CHECKPOINT_STATE, "wb", compresslevel=1) as stream:
            pickle.dump(saved, stream, protocol=pickle.HIGHEST_PROTOCOL)
    index = {
        "bordercompact": __version__,
        "code": code_fingerprint(),
        "region": str(state.region_root),
        "rule": state.rule,
        "stages": [s for s, value in saved.items() if value is not None] if objects else [],
        "inputs": _input_hashes(state),
    }
    (folder / CHECKPOINT_INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


def _keep_saved_objects(run_dir: Path, staging: Path, state: JobState) -> None:
    """The earlier job's saved objects as they were (a job from the compact on does not
    load them), with the index's inputs brought up to date (compact.toml, when the
    compact was drawn again)."""
    folder = staging / CHECKPOINTS
    shutil.copytree(run_dir / CHECKPOINTS, folder)
    index = json.loads((folder / CHECKPOINT_INDEX).read_text(encoding="utf-8"))
    index["inputs"] = _input_hashes(state)
    (folder / CHECKPOINT_INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


def _input_hashes(state: JobState) -> dict[str, dict[str, str]]:
    """Per stage, the SHA-256 of each input file it read (paths relative to the region)."""
    return {
        stage: {_relative(p, state.region_root): file_sha256(p) for p in files}
        for stage, files in state.inputs.items()
    }


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.absolute().relative_to(root))
    except ValueError:
        return str(path.absolute())


def _saved_state(
    run_dir: Path, region_root: Path, first: str, rule: str | None
) -> tuple[JobState, list[StageRecord]]:
    """The results of the run in ``run_dir`` for a job starting at ``first``, checked: for
    this region, from input files that have not changed since, with every analysis stage
    before ``first`` saved or skipped, saved by this build (when the job needs their
    objects: it does not from the compact on); and what the earlier job did before
    ``first``."""
    folder = run_dir / CHECKPOINTS
    where = f"--from {first}: {folder}"
    try:
        index = json.loads((folder / CHECKPOINT_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise JobError(
            f"{where}: no readable {CHECKPOINT_INDEX} ({exc}); expected the checkpoints of "
            "an earlier `bordercompact run` (run without --from)"
        ) from exc
    if Path(index.get("region", "")) != region_root:
        raise JobError(
            f"{where}: the results of the region {index.get('region')}; expected {region_root}"
        )
    earlier = list(STAGES[: STAGES.index(first)])
    if "negotiate" in earlier and rule is not None and rule != index.get("rule"):
        raise JobError(
            f"--rule {rule}: the saved deal was shared by the {index.get('rule')} rule; "
            "expected --from negotiate (or earlier) to share it anew"
        )
    for stage in earlier:
        for name, digest in index.get("inputs", {}).get(stage, {}).items():
            path = region_root / name
            if not path.is_file() or file_sha256(path) != digest:
                raise JobError(
                    f"{path}: changed since {run_dir} was computed, and the {stage} stage "
                    f"reads it; expected --from {stage} (or earlier)"
                )
    records = _earlier_records(run_dir, earlier)
    state = JobState(region_root, rule=index.get("rule"))
    state.inputs = {
        s: [region_root / name for name in files]
        for s, files in index.get("inputs", {}).items()
        if s in earlier
    }
    if first in LATE_STAGES:
        return state, records  # they read the run's files, not the saved objects
    skipped = {r.stage for r in records if r.status == "skipped"}
    missing = [
        s for s in earlier if s in ANALYSIS and s not in [*index.get("stages", []), *skipped]
    ]
    if missing:
        raise JobError(
            f"{where}: no saved {', '.join(missing)} stage; expected --from {missing[0]} "
            "(or earlier)"
        )
    if index.get("code") != code_fingerprint():
        raise JobError(
            f"{where}: saved by another build of bordercompact or of its libraries "
            f"({index.get('bordercompact')}); expected this one, whose objects it can read: "
            f"run with --from {STAGES[1]}"
        )
    try:
        with gzip.open(folder / CHECKPOINT_STATE, "rb") as stream:
            saved = pickle.load(stream)
    except Exception as exc:  # a damaged or foreign pickle can fail in any way
        raise JobError(
            f"{where}: {CHECKPOINT_STATE} cannot be read ({exc}); run with --from {STAGES[1]}"
        ) from exc
    kept = {s: saved.get(s) for s in earlier if s in ANALYSIS}
    state.harmonization = kept.get("harmonize")
    state.risk = kept.get("risk")
    state.equity = kept.get("equity")
    state.appraisal = kept.get("appraise")
    state.negotiation = kept.get("negotiate")
    state.finance = kept.get("finance")
    return state, records


def _earlier_records(run_dir: Path, earlier: list[str]) -> list[StageRecord]:
    """The earlier job's stages before this one's first: those it ran are ``saved`` (with
    its summary), those it skipped stay ``skipped``."""
    try:
        done = json.loads((run_dir / "job.json").read_text(encoding="utf-8"))["stages"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JobError(
            f"{run_dir / 'job.json'}: not readable ({exc}); expected the record of an "
            "earlier `bordercompact run` (run without --from)"
        ) from exc
    by_stage = {r["stage"]: r for r in done}
    records = []
    for stage in earlier:
        old = by_stage.get(stage, {})
        status = "skipped" if old.get("status") == "skipped" else "saved"
        records.append(StageRecord(stage, status, summary=old.get("summary", "")))
    return records
