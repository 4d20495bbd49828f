"""The negotiation stage from a region directory, and its files in the run directory
(``RUN_DIR/negotiation/``, documented in ``docs/commands/negotiate.md``)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bordercompact.measures.appraisal import TOTAL, set_value
from bordercompact.measures.model import load_measures
from bordercompact.measures.outputs import (
    AppraisalStage,
    appraisal_stage,
    write_appraisal_stage,
)
from bordercompact.measures.uncertainty import climate_outcomes
from bordercompact.negotiate.acceptability import (
    fractions_of_costs,
    minimax_regret,
    satisficing,
)
from bordercompact.negotiate.coalitions import (
    EXACT_PARTIES,
    coalition_value,
    coalition_values,
)
from bordercompact.negotiate.deal import Deal, Sharing, contributions, negotiate, transfers
from bordercompact.negotiate.game import coalition_key, game_document
from bordercompact.negotiate.options import OptionTable, measures_in_zone, option_table
from bordercompact.negotiate.portfolio import Portfolio, deal_program
from bordercompact.negotiate.positions import (
    NEGOTIATION_CONFIG_NAME,
    NegotiationConfig,
    load_negotiation,
)
from bordercompact.region.load import load_region
from bordercompact.region.workspace import (
    atomic_run_dir,
    check_run_dir_target,
    json_finite,
    provenance,
    utc_now,
    write_provenance,
)
from bordercompact.risk.config import load_risk_config
from bordercompact.risk.pipeline import Progress

#: The climates a deal is tried in: the change to the future scenario not happening, as
#: expected, and half as large again.
CLIMATES = {"today's climate": 0.0, "the scenario": 1.0, "1.5 × the change": 1.5}


@dataclass
class NegotiationRun:
    config: NegotiationConfig
    table: OptionTable
    values: dict[frozenset[str], float]  # v(S) of every coalition
    deal: Deal
    climates: pd.DataFrame  # per candidate, climate and party: net gain
    regret_choice: str | None  # the minimax-regret candidate
    satisficing: list[str]  # candidates where every party gains in every climate


def negotiation_stage(
    stage: AppraisalStage,
    config: NegotiationConfig,
    *,
    rule: str | None = None,
    workers: int | None = None,
    client: Any = None,
    progress: Progress | None = None,
) -> NegotiationRun:
    """The options, the coalitions' values, the deal and how it fares across climates."""
    sets = stage.sets
    table = option_table(
        sets, stage.run.equity, limit=config.negotiation.max_group_options, progress=progress
    )
    if progress:
        progress(0, 2 ** len(config.players) - 1, "valuing the coalitions")
    coalition = None
    if len(config.players) <= EXACT_PARTIES:
        values = coalition_values(table, config, workers=workers, client=client)
    else:  # the singletons, and the others as a sampled Shapley value needs them
        known: dict[frozenset[str], float] = {}

        def coalition(members: frozenset[str]) -> float:
            if members not in known:  # the deal's and each alternative's samples share them
                known[members] = coalition_value(table, config, members)
            return known[members]

        values = {frozenset([p]): coalition(frozenset([p])) for p in config.players}
    floors = {p: values[frozenset([p])] for p in config.players}
    region, layers = stage.harmonization.region, stage.harmonization.layers
    if region is None:
        raise ValueError("the harmonization found no region; expected one to negotiate on")

    def in_zone(demand: Any) -> set[str]:
        return measures_in_zone(table, demand.zone, region, layers)

    program = deal_program(table, config, floors, in_zone)
    uncertainty = stage.run.uncertainty
    samples = None
    if uncertainty is not None:
        sampler = uncertainty.sampler

        def samples(portfolio: Portfolio) -> pd.DataFrame:
            """Per sample and party: the portfolio's benefit and cost, the sum of its
            options' (groups of interacting measures add up)."""
            frames = [sampler.values(o.measures) for o in portfolio.options]
            return (
                pd.concat(frames)
                .groupby(["sample", "party"], as_index=False)[["benefit", "cost"]]
                .sum()
            )

    deal = negotiate(
        program,
        table,
        config,
        values,
        rule=rule,
        samples=samples,
        coalition_value=coalition,
        progress=progress,
    )
    climates, choice, content = _climates(deal, stage, config)
    return NegotiationRun(config, table, values, deal, climates, choice, content)


def _climates(
    deal: Deal, stage: AppraisalStage, config: NegotiationConfig
) -> tuple[pd.DataFrame, str | None, list[str]]:
    """Every candidate (the deal and its alternatives) in every climate of
    :data:`CLIMATES`: each player's net gain with its costs split as the rule splits them;
    the minimax-regret candidate and those every player gains from in every climate."""
    if deal.portfolio is None or deal.sharing is None:
        return pd.DataFrame(), None, []
    sets = stage.sets
    candidates: list[tuple[str, Portfolio, Sharing]] = [("deal", deal.portfolio, deal.sharing)]
    candidates += [(a.name, a.portfolio, s) for a, s in deal.alternatives if a.name != "deal"]
    measures = {m.id: m for m in sets.config.measures}
    rows = []
    for name, portfolio, shared in candidates:
        fractions = fractions_of_costs(shared.cost_share, portfolio.cost)
        for climate, weight in CLIMATES.items():
            benefit = dict.fromkeys(config.players, 0.0)
            cost = 0.0
            for option in portfolio.options:  # groups of interacting measures add up
                chosen = [measures[m] for m in sorted(option.measures)]
                for row in set_value(
                    chosen,
                    sets.config.appraisal,
                    climate_outcomes(sets, weight),
                    sets.parties,
                    sets.currency,
                ):
                    party = str(row["party"])
                    if party == TOTAL:
                        cost += float(row["cost"])
                    elif party in benefit:
                        benefit[party] += float(row["benefit"])
            for party in config.players:
                gain = benefit[party] - fractions[party] * cost
                rows.append(
                    {"candidate": name, "climate": climate, "party": party, "net_gain": gain}
                )
    table = pd.DataFrame(rows, columns=["candidate", "climate", "party", "net_gain"])
    joint = table.groupby(["candidate", "climate"])["net_gain"].sum()
    net = {c: joint[c].to_dict() for c in joint.index.get_level_values(0).unique()}
    payoffs: dict[str, dict[str, dict[str, float]]] = {}
    for candidate, climate, party, gain in table.itertuples(index=False):
        by_climate = payoffs.setdefault(str(candidate), {})
        by_climate.setdefault(str(climate), {})[str(party)] = float(gain)
    return table, minimax_regret(net), satisficing(payoffs)


def write_negotiation(run: NegotiationRun, run_dir: Path) -> list[Path]:
    """``negotiation/deal.json`` (everything), ``deal.md`` (to read), ``parties.csv``,
    ``shares.csv`` (per measure option and party), ``alternatives.csv``, ``climates.csv``,
    ``coalitions.csv`` and ``game.json`` (the coalition game, for ``bordercompact
    allocate``)."""
    out = run_dir / "negotiation"
    out.mkdir(parents=True, exist_ok=True)
    deal = run.deal
    document = deal_document(run)
    paths = [out / "deal.json", out / "deal.md", out / "coalitions.csv", out / "game.json"]
    paths[0].write_text(
        json.dumps(json_finite(document), indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    paths[1].write_text(deal_summary(run), "utf-8")
    pd.DataFrame(
        [
            {"coalition": coalition_key(c, run.config.players), "value": v}
            for c, v in run.values.items()
        ]
    ).to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(json_finite(game_document(deal.game)), indent=2) + "\n", "utf-8")
    if deal.portfolio is not None and deal.sharing is not None:
        tables = {
            "parties.csv": pd.DataFrame(document["parties"]),
            "shares.csv": contributions(deal.portfolio, deal.sharing.pays),
            "alternatives.csv": pd.DataFrame(document["alternatives"]),
            "climates.csv": run.climates,
        }
        for name, frame in tables.items():
            paths.append(out / name)
            frame.to_csv(paths[-1], index=False)
    return paths


def deal_document(run: NegotiationRun) -> dict[str, Any]:
    """The deal as one JSON document."""
    deal = run.deal
    document: dict[str, Any] = {
        "found": deal.found,
        "accepted": deal.accepted,
        "players": run.config.players,
        "coalition_values": {
            coalition_key(c, run.config.players): v for c, v in run.values.items()
        },
        "conflict": [vars(c) for c in deal.conflict],
        "notes": run.table.notes + deal.notes,
    }
    if deal.portfolio is None or deal.sharing is None:
        return document
    portfolio, shared = deal.portfolio, deal.sharing
    moved = transfers(portfolio, shared.pays)
    document |= {
        "rule": shared.rule,
        "measures": sorted(portfolio.measures),
        "joint_net_benefit": portfolio.net_benefit,
        "cost": portfolio.cost,
        "parties": [
            {
                "party": p,
                "benefit": portfolio.benefit(p),
                "cost_share": shared.cost_share[p],
                "net_gain": shared.payoff[p],
                "stand_alone": run.values[frozenset([p])],
                "transfer": moved[p],
                "gains_in_share_of_samples": deal.robustness.get(p),
                "zone_low": deal.zones.get(p, (math.nan, math.nan))[0],
                "zone_high": deal.zones.get(p, (math.nan, math.nan))[1],
                "avoided_per_year": sum(o.avoided_now.get(p, 0.0) for o in portfolio.options),
                "avoided_per_year_most_vulnerable": sum(
                    o.avoided_vulnerable.get(p, 0.0) for o in portfolio.options
                ),
            }
            for p in run.config.players
        ],
        "allocations": {
            method: allocation.shares for method, allocation in shared.allocations.items()
        },
        "missing": {
            method: [coalition_key(c, run.config.players) for c in allocation.missing]
            for method, allocation in shared.allocations.items()
            if allocation.shares is None
        },
        "checks": [
            {
                "check": c.name,
                "passed": c.passed,
                "party": c.party,
                "tag": c.tag,
                "detail": c.detail,
                **c.numbers,
            }
            for c in deal.checks
        ],
        "prices_of_binding_demands": deal.prices,
        "alternatives": [
            {
                "name": a.name,
                "aim": a.aim,
                "measures": "+".join(sorted(a.portfolio.measures)),
                "joint_net_benefit": a.net_benefit,
                "equity_share": a.equity,
                **{f"net_gain_{p}": s.payoff[p] for p in run.config.players},
            }
            for a, s in deal.alternatives
        ],
        "minimax_regret": run.regret_choice,
        "satisficing": run.satisficing,
    }
    return document


def deal_summary(run: NegotiationRun) -> str:
    """The deal in plain words (Markdown)."""
    deal, players = run.deal, run.config.players
    if deal.portfolio is None or deal.sharing is None:
        lines = [
            "# No deal",
            "",
            "No portfolio meets every demand together. These cannot all be met at once "
            "(drop any one of them and a portfolio exists):",
            "",
        ]
        lines += [f"- **{c.party or 'all'}** ({c.tag}): {c.text}" for c in deal.conflict]
        return "\n".join(lines) + "\n"
    portfolio, shared = deal.portfolio, deal.sharing
    moved = transfers(portfolio, shared.pays)
    lines = [
        "# The deal",
        "",
        f"Measures: {', '.join(sorted(portfolio.measures))}.",
        "",
        f"Joint net benefit {portfolio.net_benefit:,.0f} for a cost of {portfolio.cost:,.0f} "
        f"(present values). Costs shared by the **{shared.rule}** rule: {RULE_WORDS[shared.rule]}",
        "",
        "| party | benefit | cost share | net gain | alone | transfer |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {p} | {portfolio.benefit(p):,.0f} | {shared.cost_share[p]:,.0f} | "
        f"{shared.payoff[p]:,.0f} | {run.values[frozenset([p])]:,.0f} | {moved[p]:,.0f} |"
        for p in players
    ]
    lines += ["", "Checks:", ""]
    lines += [f"- {'✔' if c.passed else '✘'} {c.detail}" for c in deal.checks if c.name != "budget"]
    for party in players:
        budget = [c for c in deal.checks if c.name == "budget" and c.party == party]
        if budget:
            tightest = max(budget, key=lambda c: c.numbers["found"] / max(c.numbers["upper"], 1.0))
            failed = [c.tag for c in budget if not c.passed]
            lines.append(
                f"- {'✘' if failed else '✔'} {party}'s budgets: "
                + (f"exceeded in {', '.join(map(str, failed))}" if failed else "all met")
                + f" (tightest {tightest.tag}: {tightest.numbers['found']:,.0f} of "
                f"{tightest.numbers['upper']:,.0f})"
            )
    if deal.robustness:
        lines += [
            "",
            "Gains in "
            + ", ".join(f"{p} {share:.0%}" for p, share in deal.robustness.items())
            + " of the uncertainty samples.",
        ]
    if run.regret_choice:
        lines += ["", f"Least regret across climates: {run.regret_choice}."]
    return "\n".join(lines) + "\n"


#: Each rule in plain words, for partners who do not read game theory.
RULE_WORDS = {
    "shapley": "each party pays in line with what it adds, on average, to every group of "
    "parties it could join (Shapley value).",
    "nucleolus": "the split that leaves the least satisfied group of parties as well off as "
    "possible (nucleolus).",
    "scrb": "each party pays what only it causes, and the rest in proportion to what it "
    "would save against going alone (separable costs, remaining benefits).",
    "proportional": "costs in proportion to each party's benefits.",
    "equal_surplus": "each party gets what it could get alone, plus an equal part of what "
    "cooperation adds.",
    "nash": "each party gets what it could get alone, plus a part of what cooperation adds "
    "in proportion to its bargaining weight (Nash bargaining).",
}


def negotiate_into(
    region_root: Path,
    run_dir: Path,
    *,
    rule: str | None = None,
    workers: int | None = None,
    client: Any = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> tuple[NegotiationRun, Path]:
    """Appraise the region's measures and negotiate the deal; write everything into
    ``run_dir`` (complete, with its provenance, or not at all)."""
    check_run_dir_target(run_dir, overwrite=overwrite)
    started = utc_now()
    region = load_region(region_root)
    config = load_negotiation(region, load_measures(region, load_risk_config(region)))
    stage = appraisal_stage(region_root, client=client, progress=progress)
    run = negotiation_stage(
        stage, config, rule=rule, workers=workers, client=client, progress=progress
    )
    with atomic_run_dir(run_dir, overwrite=overwrite) as staging:
        written = write_appraisal_stage(stage, staging) + write_negotiation(run, staging)
        record = provenance(
            command="negotiate",
            parameters={
                "region": str(Path(region_root).absolute()),
                "out": str(Path(run_dir).absolute()),
                "rule": rule or config.negotiation.rule,
                "negotiation": config.model_dump(mode="json"),
                **stage.parameters,
            },
            inputs=[*stage.inputs, region.root / NEGOTIATION_CONFIG_NAME],
            input_root=region.root,
            outputs=written,
            output_root=staging,
            started=started,
        )
        write_provenance(staging, record)
    return run, Path(run_dir).absolute()
