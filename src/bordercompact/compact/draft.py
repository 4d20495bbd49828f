"""A draft compact from a run: the deal (measures, cost shares, transfers), the finance
plan (sources, yearly commitments, budgets), the indicators read from the appraisal and
the equity analysis, and the parties' governance choices in ``compact.toml`` — so every
amount, date and indicator of the text comes from the analysis."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from bordercompact.compact.config import CompactConfig, PhaseMonths, load_compact_config
from bordercompact.compact.model import (
    Budget,
    Commitment,
    Compact,
    CompactParty,
    CostShare,
    Dataset,
    Emergency,
    FinalClauses,
    Funding,
    Governance,
    Indicator,
    Milestone,
    Responsibility,
    SourceTerms,
    Trigger,
)
from bordercompact.equity.config import load_equity_config
from bordercompact.equity.pipeline import AS_SET, OPEN_TO_ALL
from bordercompact.finance.sources import Source
from bordercompact.measures.model import Measure, PeopleEffect, load_measures
from bordercompact.measures.reach import FacilityReach
from bordercompact.region.load import Region, load_region
from bordercompact.region.workspace import file_sha256

RowT = TypeVar("RowT", bound=BaseModel)


class CompactError(ValueError):
    """A run that cannot make a compact: what is missing or wrong, and where."""


#: The run's results a compact is drawn from (relative to the run dir).
NEEDED = (
    "provenance.json",
    "negotiation/deal.json",
    "appraisal/metrics.json",
    "appraisal/appraisal.csv",
    "finance/parts.csv",
    "finance/plan.csv",
    "finance/schedule.csv",
    "finance/budgets.csv",
    "finance/over_budget.csv",
    "risk/summary.csv",
)


def draft_compact(
    run_dir: Path, region_root: Path | None = None, *, run_place: Path | None = None
) -> Compact:
    """The compact drawn from ``run_dir`` (a run of ``bordercompact finance``) and the
    ``compact.toml`` of its region (``region_root``, default: the region the run names
    in its provenance). ``run_place`` is where the compact says the run is, when that is
    not ``run_dir`` (a job drawing it from its temporary folder)."""
    run_dir = Path(run_dir)
    missing = [name for name in NEEDED if not (run_dir / name).is_file()]
    if missing:
        raise CompactError(
            f"{run_dir}: no {', '.join(missing)}; expected a run of `bordercompact finance` "
            "(a deal and its funding plan)"
        )
    record = json.loads((run_dir / "provenance.json").read_text(encoding="utf-8"))
    parameters = record.get("parameters", {})
    root = Path(region_root or parameters.get("region", ""))
    region = load_region(root)
    config = load_compact_config(region)
    deal = json.loads((run_dir / "negotiation/deal.json").read_text(encoding="utf-8"))
    if not deal.get("found"):
        raise CompactError(
            f"{run_dir / 'negotiation/deal.json'}: no deal was found; a compact needs one "
            "(see negotiation/deal.md for the demands that block it)"
        )
    appraisal = json.loads((run_dir / "appraisal/metrics.json").read_text(encoding="utf-8"))
    measures = {m.id: m for m in load_measures(region).measures}
    chosen = [m for m in deal["measures"] if m in measures]
    unknown = sorted(set(deal["measures"]) - set(measures))
    if unknown:
        raise CompactError(
            f"{run_dir / 'negotiation/deal.json'}: measures {', '.join(unknown)} are not in "
            f"{root / 'measures.toml'}; expected the measures the run appraised"
        )
    unlisted = sorted(set(config.data.datasets) - {d.id for d in region.datasets})
    if unlisted:
        raise CompactError(
            f"{root / 'compact.toml'}: [data.datasets] names {unlisted[0]!r}, not a dataset "
            f"of region.toml; expected one of {', '.join(d.id for d in region.datasets)}"
        )
    strangers = sorted(set(config.measures) - set(measures))
    if strangers:
        raise CompactError(
            f"{root / 'compact.toml'}: [measures.{strangers[0]}] names no measure of "
            f"measures.toml; expected one of {', '.join(sorted(measures))}"
        )
    languages = config.compact.languages or _party_languages(region)
    entry = config.compact.entry_into_force
    settings = appraisal["appraisal"]
    responsibilities = _responsibilities(run_dir, chosen, measures, config)
    milestones = _milestones(responsibilities, config)
    finished = max(m.end for m in milestones).year if milestones else entry.year
    sources = [Source.model_validate(s) for s in parameters.get("finance", {}).get("sources", [])]
    return Compact(
        region=region.settings.name,
        title=config.compact.title,
        languages=languages,
        locales=dict(config.compact.locales),
        currency=region.settings.currency,
        price_year=region.settings.price_year,
        entry_into_force=entry,
        parties=[_party(p, config) for p in region.parties],
        purpose=config.compact.purpose,
        vision=config.compact.vision,
        governance=Governance(**config.governance.model_dump()),
        rule=str(deal.get("rule", "")),
        cost_shares=[
            CostShare(**{k: p[k] for k in CostShare.model_fields}) for p in deal["parties"]
        ],
        portfolio_cost=float(deal["cost"]),
        responsibilities=responsibilities,
        sources=_source_terms(sources),
        funding=_rows(run_dir / "finance/plan.csv", Funding),
        commitments=_rows(run_dir / "finance/schedule.csv", Commitment),
        budgets=_budgets(run_dir),
        milestones=milestones,
        indicators=_indicators(run_dir, region, config, deal, measures, chosen, entry, finished),
        datasets=[
            Dataset(
                id=d.id,
                kind=d.kind,
                owner=d.party if d.party in {p.id for p in region.parties} else None,
                **config.data.datasets.get(d.id, config.data.default).model_dump(),
            )
            for d in region.datasets
        ],
        personal_data=config.data.personal_data,
        emergency=_emergency(run_dir, config),
        disputes=list(config.disputes),
        final=FinalClauses(
            **config.final.model_dump(),
            duration_years=config.compact.duration_years
            or int(settings["last_year"]) - entry.year + 1,
            prevailing_language=config.compact.prevailing_language,
        ),
        analysis={
            "run": str(Path(run_place or run_dir).absolute()),
            "region": str(root.absolute()),
            "provenance_sha256": file_sha256(run_dir / "provenance.json"),
        },
    )


def _party_languages(region: Region) -> list[str]:
    """Every party's languages, the region's order first."""
    found = [lang for lang in region.settings.languages]
    for party in region.parties:
        found += [lang for lang in party.languages if lang not in found]
    return found


def _party(party: Any, config: CompactConfig) -> CompactParty:
    signing = next((s for s in config.signatories if s.party == party.id), None)
    return CompactParty(
        id=party.id,
        name=dict(party.name),
        country=party.country,
        currency=party.currency,
        languages=list(party.languages),
        fiscal_year_start=party.fiscal_year_start,
        signatories=list(signing.signatories) if signing else [],
    )


def _rows(path: Path, model: type[RowT]) -> list[RowT]:
    """Each row of a run's table as ``model``; a row that does not fit is named."""
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError) as exc:
        raise CompactError(f"{path}: cannot be read ({exc})") from exc
    found = []
    for number, row in enumerate(frame.to_dict("records"), start=2):  # 1: the header
        try:
            found.append(model.model_validate(row))
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(x) for x in error["loc"])
            raise CompactError(
                f"{path}, row {number}, field {field!r}: {error['msg']} (found "
                f"{error.get('input')!r}); expected a table written by this version of "
                "`bordercompact finance` (re-run it)"
            ) from exc
    return found


def _responsibilities(
    run_dir: Path,
    chosen: list[str],
    measures: Mapping[str, Measure],
    config: CompactConfig,
) -> list[Responsibility]:
    """Per measure of the deal: its lead (its host unless compact.toml names another),
    the parties paying a part of its works, the approvals it needs, and its costs."""
    parts = pd.read_csv(run_dir / "finance/parts.csv")
    appraisal = pd.read_csv(run_dir / "appraisal/appraisal.csv")
    total = appraisal[appraisal["party"] == "total"].drop_duplicates("measure")
    cost = dict(zip(total["measure"], total["cost"], strict=True))
    found = []
    for measure_id in chosen:
        measure = measures[measure_id]
        own = parts[parts["measure"] == measure_id]
        works = {str(p): float(x) for p, x in zip(own["party"], own["works"], strict=True)}
        moved = {str(p): float(x) for p, x in zip(own["party"], own["transfer"], strict=True)}
        choice = config.measures.get(measure_id)
        lead = choice.lead if choice is not None and choice.lead else measure.host
        found.append(
            Responsibility(
                measure=measure_id,
                name=dict(measure.name),
                kind=measure.kind,
                host=measure.host,
                lead=lead,
                contributors=sorted(p for p, x in works.items() if x > 1e-9 and p != lead),
                approvals=list(measure.approvals),
                capital_cost=measure.capital_cost,
                annual_cost=measure.annual_cost,
                cost=float(cost.get(measure_id, np.nan)),
                lifetime_years=measure.lifetime_years,
                construction_years=list(measure.construction_years),
                parts=works,
                transfers=moved,
            )
        )
    return found


def _shift_months(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def phase_dates(
    construction_years: list[int], months: PhaseMonths, earliest: dt.date
) -> dict[str, tuple[dt.date, dt.date]]:
    """Each phase's first and last day: construction fills the construction years;
    design, permits and procurement end, one after the other, the day before it starts,
    each as long as ``months`` says — shortened alike when they would start before
    ``earliest`` (the compact's entry into force); commissioning follows construction. A
    phase of zero months, or with no time left before construction, is left out."""
    start, end = dt.date(min(construction_years), 1, 1), dt.date(max(construction_years), 12, 31)
    before = [(p, getattr(months, p)) for p in ("design", "permits", "procurement")]
    wanted = sum(length for _, length in before)
    opens = _shift_months(start, -wanted)
    dates: dict[str, tuple[dt.date, dt.date]] = {}
    if wanted and start > earliest:
        # the phases' shares of the time there is: all they want, or what is left
        opens = max(opens, earliest)
        span = (start - opens).days
        done = 0
        for phase, length in before:
            if not length:
                continue
            begins = opens + dt.timedelta(days=round(span * done / wanted))
            done += length
            ends = opens + dt.timedelta(days=round(span * done / wanted))
            if ends > begins:
                dates[phase] = (begins, ends - dt.timedelta(days=1))
    dates["construction"] = (start, end)
    if months.commissioning:
        after = end + dt.timedelta(days=1)
        dates["commissioning"] = (
            after,
            _shift_months(after, months.commissioning) - dt.timedelta(days=1),
        )
    return dates


def _milestones(responsibilities: list[Responsibility], config: CompactConfig) -> list[Milestone]:
    """Per measure, its phases in order, each depending on the one before. Dates fixed
    in compact.toml replace the computed ones."""
    found = []
    for duty in responsibilities:
        dates = phase_dates(duty.construction_years, config.phases, config.compact.entry_into_force)
        choice = config.measures.get(duty.measure)
        if choice is not None:
            dates |= {phase: tuple(days) for phase, days in choice.milestones.items()}  # type: ignore[misc]
        before: str | None = None
        for phase in ("design", "permits", "procurement", "construction", "commissioning"):
            if phase not in dates:
                continue
            depends = [before] if before else []
            start, end = dates[phase]
            found.append(
                Milestone(
                    id=f"{duty.measure}:{phase}",
                    measure=duty.measure,
                    phase=phase,
                    start=start,
                    end=end,
                    owner=duty.lead or duty.host,
                    depends_on=depends,
                )
            )
            before = f"{duty.measure}:{phase}"
    return found


def _source_terms(sources: list[Source]) -> list[SourceTerms]:
    """Each source as the compact names it; a guaranteed loan as the loan and its
    guarantee."""
    by_id = {s.id: s for s in sources}
    found = []
    for source in sources:
        condition = None
        if source.conditional_on is not None:
            condition = f"{source.conditional_on.indicator} >= {source.conditional_on.at_least:g}"
        found.append(
            SourceTerms(
                id=source.id,
                kind=source.kind,
                name=dict(source.name),
                condition=condition,
                application_deadline=source.application_deadline,
            )
        )
        if source.kind == "guarantee" and source.guarantees in by_id:
            loan = by_id[source.guarantees]
            found.append(
                SourceTerms(
                    id=f"{loan.id}+{source.id}",
                    kind="loan",
                    name={
                        lang: f"{loan.name.get(lang, next(iter(loan.name.values())))} + {text}"
                        for lang, text in source.name.items()
                    },
                )
            )
    return found


def _budgets(run_dir: Path) -> list[Budget]:
    used = pd.read_csv(run_dir / "finance/budgets.csv")
    over = pd.read_csv(run_dir / "finance/over_budget.csv")
    exceeded = set(zip(over["party"], over["budget_period"].astype(str), over["kind"], strict=True))
    return [
        Budget(
            party=str(row.party),
            period=str(row.budget_period),
            kind=row.kind,
            budget=float(row.budget),  # type: ignore[arg-type]
            commitments=float(row.commitments),  # type: ignore[arg-type]
            exceeded=(row.party, str(row.budget_period), row.kind) in exceeded,
        )
        for row in used.itertuples()
    ]


def _emergency(run_dir: Path, config: CompactConfig) -> Emergency:
    """The clause's triggers with the loss each party can expect at their return period
    (present climate, interpolated in log return period between the reported ones)."""
    summary = pd.read_csv(run_dir / "risk/summary.csv")
    triggers = []
    for choice in config.emergency.triggers:
        lines = summary[
            (summary["scenario"] == "present")
            & (summary["hazard"] == choice.hazard)
            & (summary["result"] == "impact")
        ]
        if lines.empty:
            hazards = ", ".join(sorted(set(summary["hazard"])))
            raise CompactError(
                f"compact.toml: emergency trigger on hazard {choice.hazard!r}; expected a "
                f"hazard with impacts in risk/summary.csv: {hazards}"
            )
        line = lines[lines["exposure"] == lines["exposure"].iloc[0]]
        periods = sorted(int(c[3:]) for c in summary.columns if c.startswith("rp_"))
        if not periods[0] <= choice.return_period <= periods[-1]:
            raise CompactError(
                f"compact.toml: emergency trigger return_period {choice.return_period:g}; "
                f"expected between {periods[0]} and {periods[-1]} years (risk/summary.csv)"
            )
        expected = {}
        for row in line.itertuples():
            if row.party == "total":
                continue
            losses = [float(getattr(row, f"rp_{t}")) for t in periods]
            loss = float(np.interp(np.log(choice.return_period), np.log(periods), losses))
            if loss > 0:  # a party without exposure (a river commission) has none
                expected[str(row.party)] = loss
        triggers.append(
            Trigger(
                hazard=choice.hazard,
                return_period=choice.return_period,
                expected_loss=expected,
                unit=str(line["unit"].iloc[0]),
            )
        )
    settings = config.emergency.model_dump(exclude={"triggers"})
    return Emergency(triggers=triggers, **settings)


def _review_dates(entry: dt.date, every: int, until: int) -> list[dt.date]:
    """Review dates every ``every`` years from entry into force, up to the first on or
    after ``until``."""
    dates = []
    year = entry.year
    while True:
        year += every
        dates.append(dt.date(year, entry.month, min(entry.day, 28)))
        if year >= until:
            return dates


def _indicators(
    run_dir: Path,
    region: Region,
    config: CompactConfig,
    deal: dict[str, Any],
    measures: Mapping[str, Measure],
    chosen: list[str],
    entry: dt.date,
    finished: int,
) -> list[Indicator]:
    """The avoided annual loss per party (from the deal), the residents within reach of
    a cooling centre per party (from the access analysis, plus those the deal's new
    centres reach) and the travel time to a shelter from each party's most vulnerable
    zones (SVI quintile 5)."""
    every = config.indicators.review_every_years
    reviews = _review_dates(entry, every, finished + 1)
    currency = region.settings.currency
    found = [
        Indicator(
            id=f"avoided-loss-{p['party']}",
            kind="avoided_loss",
            unit=f"{currency}/yr",
            party=p["party"],
            owner=p["party"],
            baseline=0.0,
            baseline_year=entry.year,
            target=float(p.get("avoided_per_year", np.nan)),
            target_year=finished + 1,
            review_dates=reviews,
            source="negotiation/deal.json",
        )
        for p in deal["parties"]
    ]
    access_path = run_dir / "equity/access.csv"
    if not access_path.is_file():
        return found
    access = pd.read_csv(access_path)
    if access.empty:
        return found
    scenario = "all-open" if "all-open" in set(access["scenario"]) else access["scenario"].iloc[0]
    by_party = access[(access["scenario"] == scenario) & (access["by"] == "party")]
    cooling = _as_set(by_party, config.indicators.cooling)
    reached = _newly_reached(run_dir, region, config, measures, chosen)
    for row in cooling.itertuples():
        if row.group == "total":
            continue
        baseline = float(row.population) - float(row.people_beyond)  # type: ignore[arg-type]
        found.append(
            Indicator(
                id=f"cooling-access-{row.group}",
                kind="cooling_access",
                unit=f"people within {row.threshold_minutes:g} min",
                party=str(row.group),
                owner=str(row.group),
                baseline=baseline,
                baseline_year=entry.year,
                target=baseline + reached.get(str(row.group), 0.0),
                target_year=finished + 1,
                review_dates=reviews,
                source="equity/access.csv",
            )
        )
    shelter = _as_set(by_party, config.indicators.evacuation)
    by_zone = run_dir / "equity/access_by_zone.csv"
    if shelter.empty or not by_zone.is_file():
        return found
    threshold = float(shelter["threshold_minutes"].iloc[0])
    target = config.indicators.evacuation_target_minutes or threshold
    zones = pd.read_parquet(
        run_dir / "equity/zones.parquet", columns=["feature_id", "party", "population", "quintile"]
    )
    minutes = _as_set(pd.read_csv(by_zone), config.indicators.evacuation)
    minutes = minutes[minutes["scenario"] == scenario]
    vulnerable = zones[zones["quintile"] == zones["quintile"].max()].merge(
        minutes[["feature_id", "minutes"]], on="feature_id"
    )
    for party, group in vulnerable.groupby("party"):
        finite = group[np.isfinite(group["minutes"]) & (group["population"] > 0)]
        if finite.empty:
            continue
        mean = float(np.average(finite["minutes"], weights=finite["population"]))
        found.append(
            Indicator(
                id=f"evacuation-minutes-{party}",
                kind="evacuation_minutes",
                unit="min",
                party=str(party),
                owner=str(party),
                baseline=mean,
                baseline_year=entry.year,
                target=min(target, mean),
                target_year=finished + 1,
                higher_is_better=False,
                review_dates=reviews,
                source="equity/access_by_zone.csv",
            )
        )
    return found


def _as_set(access: pd.DataFrame, facility: str) -> pd.DataFrame:
    """The access rows of ``facility`` as its rule is set: restricted to each party's
    own residents where it is; facilities open to everyone have only open-to-all rows."""
    rows = access[access["facility"] == facility]
    rule = AS_SET if (rows["rule"] == AS_SET).any() else OPEN_TO_ALL
    return rows[rows["rule"] == rule]


def _newly_reached(
    run_dir: Path,
    region: Region,
    config: CompactConfig,
    measures: Mapping[str, Measure],
    chosen: list[str],
) -> dict[str, float]:
    """Per party, the residents the deal's new cooling centres put within reach (zones'
    people, at their centroids), by the access analysis the appraisal used."""
    new = [
        (measures[m], effect)
        for m in chosen
        for effect in measures[m].effects
        if isinstance(effect, PeopleEffect)
        and effect.new_facilities
        and effect.within_minutes_of == config.indicators.cooling
    ]
    if not new:
        return {}
    layers = {p.stem: gpd.read_parquet(p) for p in sorted((run_dir / "layers").glob("*.parquet"))}
    reach = FacilityReach(region, layers, load_equity_config(region))
    zones = gpd.read_parquet(run_dir / "equity/zones.parquet")
    centres = zones.geometry.to_crs(4326).centroid if zones.crs else zones.geometry.centroid
    lon, lat = centres.x.to_numpy(), centres.y.to_numpy()
    party = zones["party"].astype(str).to_numpy()
    within = np.zeros(len(zones), dtype=bool)
    for measure, effect in new:
        within |= reach.newly_within(
            config.indicators.cooling, effect.new_facilities, measure, lon, lat, party
        )
    people = pd.Series(zones["population"].to_numpy() * within).groupby(party).sum()
    return {str(p): float(v) for p, v in people.items()}
