"""The appraisal stage from a region directory, and its files in the run directory
(``RUN_DIR/appraisal/``, documented in ``docs/commands/appraise.md``)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bordercompact.equity.config import EQUITY_CONFIG_NAME, load_equity_config
from bordercompact.equity.outputs import write_equity
from bordercompact.equity.pipeline import EquityRun, run_equity
from bordercompact.harmonize.output import write_harmonization
from bordercompact.harmonize.pipeline import Harmonization
from bordercompact.measures.appraisal import (
    Outcome,
    appraise,
    benefit_distribution,
    gains_by_quintile,
)
from bordercompact.measures.combinations import MeasureSets, interaction_groups
from bordercompact.measures.model import (
    MEASURES_CONFIG_NAME,
    MeasuresConfig,
    load_measures,
    zone_files,
)
from bordercompact.measures.uncertainty import (
    UncertainValues,
    npv_distribution,
    rank_sensitivity,
)
from bordercompact.region.load import load_region
from bordercompact.region.workspace import (
    atomic_run_dir,
    check_run_dir_target,
    provenance,
    utc_now,
    write_provenance,
)
from bordercompact.risk.config import load_risk_config
from bordercompact.risk.outputs import (
    harmonized,
    risk_inputs,
    risk_parameters,
    risk_stage,
    write_risk,
)
from bordercompact.risk.pipeline import Progress, RiskRun


@dataclass
class AppraisalRun:
    config: MeasuresConfig
    risk: RiskRun
    equity: EquityRun | None
    outcomes: list[Outcome]
    table: pd.DataFrame  # per measure and party
    who_gains: pd.DataFrame  # per measure and present risk line (with an equity run)
    by_quintile: pd.DataFrame  # per measure, line, party and SVI quintile (with equity)
    pairs: pd.DataFrame  # interacting pairs: benefit together and apart, per party
    uncertainty: Uncertainty | None = None


@dataclass
class Uncertainty:
    sampler: UncertainValues  # for any set of measures
    samples: pd.DataFrame  # the inputs drawn, per sample
    values: pd.DataFrame  # per measure, sample and party: benefit, cost, npv
    distribution: pd.DataFrame  # per measure and party: NPV mean, percentiles, P(loss)
    sensitivity: pd.DataFrame  # per measure and input: rank correlation with the NPV


def uncertainty_of(sets: MeasureSets, risk: RiskRun, client: Any = None) -> Uncertainty:
    """Each measure alone over the Latin-hypercube samples of ``[uncertainty]``."""
    settings = sets.config.uncertainty
    assert settings is not None
    sampled = UncertainValues(sets, risk, settings, client)
    values = pd.concat(
        [sampled.measure_values(m.id) for m in sets.config.measures], ignore_index=True
    )
    return Uncertainty(
        sampled,
        sampled.samples,
        values,
        npv_distribution(values),
        rank_sensitivity(values, sampled.samples),
    )


def write_appraisal(run: AppraisalRun, run_dir: Path) -> list[Path]:
    """``appraisal/appraisal.csv`` (per measure and party), ``outcomes.csv`` (per measure,
    scenario and risk line: the avoided impact per party and year) and ``metrics.json``."""
    out = run_dir / "appraisal"
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "appraisal.csv", out / "outcomes.csv", out / "metrics.json"]
    run.table.to_csv(paths[0], index=False)
    if not run.pairs.empty:
        paths.append(out / "pairs.csv")
        run.pairs.to_csv(paths[-1], index=False)
    if run.uncertainty is not None:
        tables = {
            "uncertainty.csv": run.uncertainty.distribution,
            "uncertainty_samples.csv": run.uncertainty.samples.rename_axis("sample"),
            "uncertainty_npv.csv": run.uncertainty.values,
            "sensitivity.csv": run.uncertainty.sensitivity,
        }
        for name, table in tables.items():
            paths.append(out / name)
            table.to_csv(paths[-1], index=name == "uncertainty_samples.csv")
    if not run.who_gains.empty:
        paths.append(out / "who_gains.csv")
        run.who_gains.to_csv(paths[-1], index=False)
    if not run.by_quintile.empty:
        paths.append(out / "who_gains_by_quintile.csv")
        run.by_quintile.to_csv(paths[-1], index=False)
    outcomes = pd.DataFrame(
        [
            {
                "measure": o.measure,
                "scenario": o.scenario,
                "hazard": o.hazard,
                "exposure": o.exposure,
                "result": o.result,
                "unit": o.unit,
                "touched_assets": o.touched_assets,
                "assets_removed": o.assets_removed,
                "households_displaced": o.households_by_party.get(party, 0.0),
                "premium": sum(v for (_, p), v in o.premiums.items() if p == party),
                "party": party,
                "avoided": avoided,
            }
            for o in run.outcomes
            for party, avoided in o.avoided_by_party.items()
        ]
    )
    outcomes.to_csv(paths[1], index=False)
    records = [
        {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
        for r in run.table.to_dict("records")
    ]
    document = {
        "appraisal": run.config.appraisal.model_dump(mode="json"),
        "measures": [m.model_dump(mode="json", exclude={"effects"}) for m in run.config.measures],
        "interaction_groups": interaction_groups(run.outcomes),
        "table": records,
    }
    paths[2].write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return paths


@dataclass
class AppraisalStage:
    """The appraisal of a region with what it was computed from, for the stages after it."""

    run: AppraisalRun
    harmonization: Harmonization
    sets: MeasureSets
    inputs: list[Path]  # the region's files it read, for provenance
    parameters: dict[str, Any]


def appraisal_stage(
    region_root: Path, *, client: Any = None, progress: Progress | None = None
) -> AppraisalStage:
    """Harmonize the region, compute its risk, its equity (with an ``equity.toml``) and the
    appraisal of its measures; the set-ups' mistakes are reported before the long part."""
    region = load_region(region_root)
    load_measures(region, load_risk_config(region))
    with_equity = (region.root / EQUITY_CONFIG_NAME).is_file()
    equity_config = load_equity_config(region) if with_equity else None
    harmonization = harmonized(region_root, progress)
    assert harmonization.region is not None
    risk = risk_stage(harmonization, client=client, progress=progress)
    equity = (
        run_equity(harmonization.region, harmonization.layers, equity_config, risk)
        if equity_config is not None
        else None
    )
    return appraisal_of(harmonization, risk, equity, client=client, progress=progress)


def appraisal_of(
    harmonization: Harmonization,
    risk: RiskRun,
    equity: EquityRun | None,
    *,
    client: Any = None,
    progress: Progress | None = None,
) -> AppraisalStage:
    """The appraisal of the region's measures (``measures.toml``) on its computed risk and
    equity: each measure per party, the interacting pairs and the uncertainty."""
    region = harmonization.region
    assert region is not None
    config = load_measures(region, risk.config)
    if progress:
        progress(0, len(config.measures), "appraising the measures")
    sets = MeasureSets(
        config, region, harmonization.layers, risk, equity.config if equity else None
    )
    outcomes = sets.single_outcomes()
    table = appraise(config, sets.outcomes, sets.parties, sets.currency)
    who_gains = benefit_distribution(outcomes, equity) if equity is not None else pd.DataFrame()
    by_quintile = gains_by_quintile(outcomes, equity) if equity is not None else pd.DataFrame()
    if progress and config.uncertainty is not None:
        progress(0, config.uncertainty.samples, "sampling the uncertain inputs")
    uncertainty = uncertainty_of(sets, risk, client) if config.uncertainty is not None else None
    run = AppraisalRun(
        config, risk, equity, outcomes, table, who_gains, by_quintile, sets.pairs(), uncertainty
    )
    inputs = [
        *risk_inputs(risk),
        region.root / MEASURES_CONFIG_NAME,
        *zone_files(region, config),
        *([region.root / EQUITY_CONFIG_NAME] if equity is not None else []),
    ]
    parameters = {"measures": config.model_dump(mode="json"), **risk_parameters(risk, client)}
    return AppraisalStage(run, harmonization, sets, inputs, parameters)


def write_appraisal_stage(stage: AppraisalStage, staging: Path) -> list[Path]:
    """The harmonized layers, the risk, the equity (if any) and the appraisal."""
    written = write_harmonization(stage.harmonization, staging) + write_risk(
        stage.run.risk, staging
    )
    if stage.run.equity is not None:
        written += write_equity(stage.run.equity, staging)
    return written + write_appraisal(stage.run, staging)


def appraise_into(
    region_root: Path,
    run_dir: Path,
    *,
    client: Any = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[AppraisalRun, Path]:
    """The appraisal stage (:func:`appraisal_stage`) written into ``run_dir`` (complete,
    with its provenance, or not at all)."""
    check_run_dir_target(run_dir, overwrite=overwrite)
    started = utc_now()
    stage = appraisal_stage(region_root, client=client, progress=progress)
    with atomic_run_dir(run_dir, overwrite=overwrite) as staging:
        written = write_appraisal_stage(stage, staging)
        record = provenance(
            command="appraise",
            parameters={
                "region": str(Path(region_root).absolute()),
                "out": str(Path(run_dir).absolute()),
                **stage.parameters,
            },
            inputs=stage.inputs,
            input_root=stage.sets.region_root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return stage.run, Path(run_dir).absolute()
