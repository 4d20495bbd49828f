"""The finance stage from a region directory, and its files in the run directory
(``RUN_DIR/finance/``, documented in ``docs/commands/finance.md``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bordercompact.finance.calendar import (
    FiscalCalendar,
    budget_period_of,
    budget_use,
    fiscal_schedule,
    over_budget,
    party_rate,
)
from bordercompact.finance.config import (
    FINANCE_CONFIG_NAME,
    FinanceConfig,
    ReserveSettings,
    load_finance,
)
from bordercompact.finance.plan import Parts, funding, outlay_table, own_sources, parts_table
from bordercompact.finance.pool import (
    FixedContribution,
    LayerTerms,
    PoolComparison,
    PoolSettings,
    TopUp,
    pool_comparison,
)
from bordercompact.finance.sources import FinanceError, FundingPlan
from bordercompact.harmonize.currency import read_exchange_rates
from bordercompact.measures.model import load_measures
from bordercompact.measures.outputs import (
    AppraisalStage,
    appraisal_stage,
    write_appraisal_stage,
)
from bordercompact.negotiate.allocation import allocate_all
from bordercompact.negotiate.outputs import (
    NegotiationRun,
    negotiation_stage,
    write_negotiation,
)
from bordercompact.negotiate.positions import NEGOTIATION_CONFIG_NAME, load_negotiation
from bordercompact.region.load import Region, load_region
from bordercompact.region.problems import ProblemLog
from bordercompact.region.workspace import (
    atomic_run_dir,
    check_run_dir_target,
    json_finite,
    provenance,
    utc_now,
    write_provenance,
)
from bordercompact.risk.config import load_risk_config
from bordercompact.risk.pipeline import HARMONIZED, PRESENT, Progress, RiskRun


@dataclass
class FinanceRun:
    config: FinanceConfig
    parts: Parts | None  # None without a deal
    plan: FundingPlan | None
    schedule: pd.DataFrame  # per party, source, fiscal year, kind: amounts
    over_budget: pd.DataFrame  # the budget periods exceeded
    budgets: pd.DataFrame  # every stated budget beside its commitments
    fallback_outlay: dict[str, float]  # own outlay if conditional grants are not paid
    reserve: PoolComparison | None
    reserve_rules: dict[str, dict[str, float]]  # the capital game shared by every rule


def finance_stage(
    stage: AppraisalStage, negotiation: NegotiationRun, config: FinanceConfig
) -> FinanceRun:
    """The deal's funding plan and payment schedule per party and fiscal year, and the
    pooled reserve against each party's own."""
    region, risk = stage.sets.region, stage.run.risk
    deal = negotiation.deal
    settings = stage.sets.config.appraisal
    currencies = {p.id: p.currency for p in region.parties}
    calendars = {p.id: FiscalCalendar.of(p, cycle=config.party(p.id).cycle) for p in region.parties}
    rates = _rates(region)
    parts = plan = None
    schedule = pd.DataFrame()
    flagged = used = pd.DataFrame()
    fallback: dict[str, float] = {}
    if deal.portfolio is not None and deal.sharing is not None:
        measures = negotiation.table.measures
        options = {
            "objective": config.finance.objective,
            "discount_rate": _discount_rate(config, settings),
        }
        parts, plan, payments = funding(
            deal.portfolio, deal.sharing.pays, measures, settings, list(config.sources), **options
        )
        players = [p for p in negotiation.config.players]
        schedule = fiscal_schedule(
            payments,
            {p: calendars[p] for p in players},
            {p: rates[p] for p in players},
            {p: currencies[p] for p in players},
        )
        own = schedule[schedule["source"].isin(own_sources(list(config.sources)))]
        stated = _budgets(config, own, calendars)
        used = budget_use(own, stated, calendars)
        flagged = over_budget(own, stated, calendars)
        conditional = [s.id for s in config.sources if s.conditional_on is not None]
        if conditional:
            _, without, _ = funding(
                deal.portfolio,
                deal.sharing.pays,
                measures,
                settings,
                list(config.sources),
                without=conditional,
                **options,
            )
            fallback = without.own_outlay
    reserve = rules = None
    if config.reserve is not None:
        reserve = pool(risk, config.reserve)
        rules = {}
        if reserve.game is not None:
            for method, allocation in allocate_all(reserve.game).items():
                if allocation.shares is not None:
                    rules[method] = allocation.shares
    return FinanceRun(config, parts, plan, schedule, flagged, used, fallback, reserve, rules or {})


def _discount_rate(config: FinanceConfig, settings: Any) -> float:
    if config.finance.discount_rate is not None:
        return config.finance.discount_rate
    return settings.discount_rate if settings.discount_rate is not None else 0.03


def _budgets(
    config: FinanceConfig,
    schedule: pd.DataFrame,
    calendars: Mapping[str, FiscalCalendar],
) -> dict[str, dict[str, dict[int, float]]]:
    """Each player's budget per kind and budget period of its schedule: the sum of the
    budgets (one amount for every fiscal year, or per fiscal year) of every fiscal year in
    the period (two in a biennial cycle)."""
    budgets: dict[str, dict[str, dict[int, float]]] = {}
    for party in sorted(set(schedule["party"])):
        calendar = calendars[party]
        length = 2 if calendar.cycle == "biennial" else 1
        years = set(schedule.loc[schedule["party"] == party, "fiscal_year"])
        periods = sorted({budget_period_of(int(year), calendar) for year in years})
        position = config.party(party)
        for kind, given in (
            ("capital", position.capital_budget),
            ("operating", position.operating_budget),
        ):
            if given is None:
                continue
            by_period: dict[int, float] = {}
            for first in periods:
                amounts = [
                    given.get(year) if isinstance(given, dict) else float(given)
                    for year in range(first, first + length)
                ]
                if all(amount is not None for amount in amounts):
                    by_period[first] = float(sum(a for a in amounts if a is not None))
            budgets.setdefault(party, {})[kind] = by_period
    return budgets


def _rates(region: Region) -> dict[str, float]:
    """Each party's currency per unit of the region currency at the region's price year."""
    settings = region.settings
    currency, year = settings.currency, settings.price_year
    foreign = sorted({p.currency for p in region.parties if p.currency != currency})
    if settings.exchange_rates is None:
        if foreign:
            raise FinanceError(
                f"region.toml: no exchange_rates; expected a table of rates from {currency} "
                f"to {', '.join(foreign)} for {year}, to pay each party in its currency"
            )
        return {p.id: 1.0 for p in region.parties}
    problems = ProblemLog()
    rates = read_exchange_rates(region.path(settings.exchange_rates), problems)
    if problems.has_errors:
        raise FinanceError("; ".join(p.message for p in problems.errors))
    return {
        p.id: 1.0 if p.currency == currency else party_rate(rates, currency, p.currency, year)
        for p in region.parties
    }


def pool(risk: RiskRun, settings: ReserveSettings) -> PoolComparison:
    """The reserve on the present, harmonized risk line of ``settings``' hazard and
    exposure (its event set and each party's loss per event)."""
    line = next(
        (
            line
            for line in risk.lines
            if (line.scenario, line.methodology, line.hazard, line.exposure, line.result)
            == (PRESENT, HARMONIZED, settings.hazard, settings.exposure, "impact")
        ),
        None,
    )
    if line is None:
        raise FinanceError(
            f"finance.toml: reserve: no present risk line of {settings.hazard} × "
            f"{settings.exposure}; expected a hazard and exposure of risk.toml"
        )
    impact = line.impact
    replenishment = (
        FixedContribution(settings.replenishment.amount)
        if settings.replenishment.rule == "fixed"
        else TopUp(cap=settings.replenishment.amount)
    )
    layer = (
        None
        if settings.layer is None
        else LayerTerms(settings.layer.attachment, settings.layer.exhaustion, settings.layer.ceding)
    )
    return pool_comparison(
        impact.frequency,
        impact.at_event_by_party,
        tuple(impact.parties),
        PoolSettings(
            years=settings.years,
            seed=settings.seed,
            return_period=settings.return_period,
            cover=settings.cover,
            levels=tuple(settings.levels),
            layer=layer,
            replenishment=replenishment,
            horizon_years=settings.horizon_years,
        ),
    )


def reserve_table(reserve: PoolComparison) -> pd.DataFrame:
    """Per party and pooled: expected annual loss, expected payout, the reserve's capital
    alone and pooled, and the pooled reserve's contributions by both methods."""
    rows = []
    for party in reserve.parties:
        rows.append(
            {
                "party": party,
                "expected_annual_loss": reserve.expected_annual_loss[party],
                "expected_payout": reserve.expected_payout[party],
                "payout_frequency": reserve.payout_frequency[party],
                "reserve_alone": reserve.reserve.stand_alone[party],
                **{
                    f"contribution_{method}": amounts[party]
                    for method, amounts in reserve.contributions.items()
                },
            }
        )
    rows.append(
        {
            "party": "pooled",
            "expected_annual_loss": sum(reserve.expected_annual_loss.values()),
            "expected_payout": sum(reserve.expected_payout.values()),
            "payout_frequency": float("nan"),
            "reserve_alone": reserve.reserve.pooled,
        }
    )
    return pd.DataFrame(rows)


def finance_document(run: FinanceRun) -> dict[str, Any]:
    """The plan and the reserve as one JSON document (no NaN: null)."""
    document: dict[str, Any] = {}
    if run.plan is not None:
        document["plan"] = {
            "by_source": run.plan.by_source(),
            "own_outlay": run.plan.own_outlay,
            "conditional": run.plan.conditional(),
            "own_outlay_without_conditional_grants": run.fallback_outlay,
            "over_budget": run.over_budget.to_dict("records"),
            "deadlines": {
                s.id: s.application_deadline for s in run.config.sources if s.application_deadline
            },
        }
    reserve = run.reserve
    if reserve is not None:
        document["reserve"] = {
            "years": reserve.settings.years,
            "return_period": reserve.settings.return_period,
            "capital": [
                {
                    "measure": c.measure,
                    "level": c.level,
                    "stand_alone": c.stand_alone,
                    "stand_alone_total": c.stand_alone_total,
                    "pooled": c.pooled,
                    "diversification_benefit": c.benefit,
                    "diversification_share": c.benefit_share,
                }
                for c in (*reserve.capital, reserve.reserve)
            ],
            "contributions": reserve.contributions,
            "rules": run.reserve_rules,
            "depletion_probability": reserve.depletion_probability,
            "horizon_years": reserve.settings.horizon_years,
            "expected_annual_loss": reserve.expected_annual_loss,
            "simulated_annual_loss": reserve.simulated_annual_loss,
        }
    return json_finite(document)


def write_finance(run: FinanceRun, run_dir: Path) -> list[Path]:
    """``finance/schedule.csv`` (per party, source, fiscal year and kind, in the party's
    currency), ``outlay.csv`` (per party and fiscal year: own money and others'),
    ``plan.csv`` (per measure, party, cost and source), ``parts.csv`` (each player's
    part of each measure's works and transfers), ``budgets.csv`` (every stated budget and
    its commitments), ``over_budget.csv``, ``reserve.csv``
    and ``finance.json``."""
    out = run_dir / "finance"
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "finance.json"]
    paths[0].write_text(
        json.dumps(finance_document(run), indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    tables: dict[str, pd.DataFrame] = {}
    if run.plan is not None:
        tables["schedule.csv"] = run.schedule
        tables["outlay.csv"] = outlay_table(run.schedule, list(run.config.sources))
        tables["over_budget.csv"] = run.over_budget
        tables["budgets.csv"] = run.budgets
        tables["parts.csv"] = parts_table(run.parts)
        tables["plan.csv"] = pd.DataFrame(
            [
                {
                    "measure": n.measure,
                    "party": n.party,
                    "cost": n.cost,
                    "source": s.id,
                    "amount": run.plan.amounts[k, j],
                }
                for k, n in enumerate(run.plan.needs)
                for j, s in enumerate(run.plan.sources)
                if run.plan.amounts[k, j] > 1e-6
            ]
        )
    if run.reserve is not None:
        tables["reserve.csv"] = reserve_table(run.reserve)
    for name, table in tables.items():
        paths.append(out / name)
        table.to_csv(paths[-1], index=False)
    return paths


def finance_into(
    region_root: Path,
    run_dir: Path,
    *,
    rule: str | None = None,
    workers: int | None = None,
    client: Any = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[FinanceRun, NegotiationRun, Path]:
    """Appraise, negotiate and finance the region's deal; write everything into
    ``run_dir`` (complete, with its provenance, or not at all)."""
    check_run_dir_target(run_dir, overwrite=overwrite)
    started = utc_now()
    region = load_region(region_root)
    measures = load_measures(region, load_risk_config(region))
    negotiation_config = load_negotiation(region, measures)
    config = load_finance(region)
    stage = appraisal_stage(region_root, client=client, progress=progress)
    negotiation = negotiation_stage(
        stage, negotiation_config, rule=rule, workers=workers, client=client, progress=progress
    )
    if progress:
        progress(0, 1, "planning the funding and the reserve")
    run = finance_stage(stage, negotiation, config)
    with atomic_run_dir(run_dir, overwrite=overwrite) as staging:
        written = (
            write_appraisal_stage(stage, staging)
            + write_negotiation(negotiation, staging)
            + write_finance(run, staging)
        )
        record = provenance(
            command="finance",
            parameters={
                "region": str(Path(region_root).absolute()),
                "out": str(Path(run_dir).absolute()),
                "rule": rule or negotiation_config.negotiation.rule,
                "finance": config.model_dump(mode="json"),
                **stage.parameters,
            },
            inputs=[
                *stage.inputs,
                region.root / NEGOTIATION_CONFIG_NAME,
                region.root / FINANCE_CONFIG_NAME,
            ],
            input_root=region.root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return run, negotiation, Path(run_dir).absolute()
