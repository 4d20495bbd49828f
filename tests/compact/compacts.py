"""A small compact built by hand, complete and consistent, for the checks' tests: two
parties (north pays in USD and writes English, south pays in MXN and writes Spanish), a
levee hosted by north and floodproofing hosted by south."""

from __future__ import annotations

import datetime as dt

from bordercompact.compact.model import (
    PHASES,
    Budget,
    Commitment,
    Compact,
    CompactParty,
    CostShare,
    Dataset,
    DecisionRule,
    DisputeStep,
    Emergency,
    FinalClauses,
    Funding,
    Governance,
    Indicator,
    Milestone,
    Quorum,
    Responsibility,
    Signatory,
    SourceTerms,
    Trigger,
    WorkingGroup,
)

#: Pesos per dollar, at the price year.
MXN_PER_USD = 20.0
#: Each measure's phases, as (start, end), in the order of PHASES.
SCHEDULES = {
    "levee": [
        (dt.date(2027, 1, 15), dt.date(2027, 4, 30)),
        (dt.date(2027, 5, 1), dt.date(2027, 8, 31)),
        (dt.date(2027, 9, 1), dt.date(2027, 12, 31)),
        (dt.date(2028, 1, 15), dt.date(2028, 11, 30)),
        (dt.date(2028, 12, 1), dt.date(2028, 12, 31)),
    ],
    "floodproofing": [
        (dt.date(2027, 2, 1), dt.date(2027, 5, 31)),
        (dt.date(2027, 6, 1), dt.date(2027, 9, 30)),
        (dt.date(2027, 10, 1), dt.date(2027, 12, 31)),
        (dt.date(2028, 2, 1), dt.date(2029, 9, 30)),
        (dt.date(2029, 10, 1), dt.date(2029, 12, 31)),
    ],
}


def _parties() -> list[CompactParty]:
    return [
        CompactParty(
            id="north",
            name={"en": "Northland", "es": "Tierra del Norte"},
            country="US",
            currency="USD",
            languages=["en"],
            signatories=[Signatory(name="A. North", title={"en": "Governor", "es": "Gobernadora"})],
        ),
        CompactParty(
            id="south",
            name={"en": "Southland", "es": "Tierra del Sur"},
            country="MX",
            currency="MXN",
            languages=["es"],
            signatories=[
                Signatory(name="B. Sur", title={"en": "Mayor", "es": "Presidente municipal"})
            ],
        ),
    ]


def _governance() -> Governance:
    return Governance(
        board={"en": "Joint Flood Board", "es": "Junta Conjunta de Inundaciones"},
        seats={"north": 2, "south": 2},
        chair_order=["north", "south"],
        secretariat="north",
        working_groups=[
            WorkingGroup(
                id="technical",
                name={"en": "Technical group", "es": "Grupo técnico"},
                lead="south",
            )
        ],
        decision=DecisionRule(rule="unanimity"),
        quorum=Quorum(seats=3, every_party=True),
    )


def _responsibilities() -> list[Responsibility]:
    """The levee costs 1,000,000 USD to build and 200,000 to run (present values); the
    floodproofing 400,000 to build and nothing to run. North moves 5% of the
    floodproofing's cost to itself from south."""
    return [
        Responsibility(
            measure="levee",
            name={"en": "Levee", "es": "Dique"},
            kind="levee",
            host="north",
            lead="north",
            contributors=["south"],
            approvals=["north"],
            capital_cost=1_000_000.0,
            annual_cost=10_000.0,
            cost=1_200_000.0,
            lifetime_years=50,
            construction_years=[2028],
            parts={"north": 0.6, "south": 0.4},
        ),
        Responsibility(
            measure="floodproofing",
            name={"en": "Floodproofing", "es": "Protección de viviendas"},
            kind="floodproofing",
            host="south",
            lead="south",
            contributors=["north"],
            approvals=["south"],
            capital_cost=400_000.0,
            annual_cost=0.0,
            cost=400_000.0,
            lifetime_years=30,
            construction_years=[2028, 2029],
            parts={"north": 0.25, "south": 0.75},
            transfers={"north": 0.05, "south": -0.05},
        ),
    ]


def _cost_shares() -> list[CostShare]:
    """north: 0.6 × 1,200,000 + (0.25 + 0.05) × 400,000 = 840,000;
    south: 0.4 × 1,200,000 + (0.75 − 0.05) × 400,000 = 760,000."""
    return [
        CostShare(
            party="north",
            benefit=1_500_000.0,
            cost_share=840_000.0,
            net_gain=660_000.0,
            stand_alone=300_000.0,
            transfer=20_000.0,
        ),
        CostShare(
            party="south",
            benefit=1_100_000.0,
            cost_share=760_000.0,
            net_gain=340_000.0,
            stand_alone=100_000.0,
            transfer=-20_000.0,
        ),
    ]


def _sources() -> list[SourceTerms]:
    return [
        SourceTerms(
            id="north-budget",
            kind="own_budget",
            name={"en": "Northland budget", "es": "Presupuesto de Tierra del Norte"},
        ),
        SourceTerms(
            id="south-budget",
            kind="own_budget",
            name={"en": "Southland budget", "es": "Presupuesto de Tierra del Sur"},
        ),
        SourceTerms(
            id="resilience-grant",
            kind="climate_finance",
            name={"en": "Resilience grant", "es": "Donación para la resiliencia"},
            application_deadline=dt.date(2027, 6, 30),
        ),
    ]


def _funding() -> list[Funding]:
    """Every payer funds 1,000,000 per unit of part of the levee's works, 200,000 of its
    upkeep and 400,000 of the floodproofing's works."""
    rows = [
        ("levee", "north", "capital", "north-budget", 400_000.0),
        ("levee", "north", "capital", "resilience-grant", 200_000.0),
        ("levee", "south", "capital", "south-budget", 400_000.0),
        ("levee", "north", "operating", "north-budget", 120_000.0),
        ("levee", "south", "operating", "south-budget", 80_000.0),
        ("floodproofing", "north", "capital", "north-budget", 100_000.0),
        ("floodproofing", "south", "capital", "south-budget", 300_000.0),
    ]
    return [
        Funding(measure=measure, party=party, cost=cost, source=source, amount=amount)
        for measure, party, cost, source, amount in rows
    ]


def _commitment(party: str, year: int, kind: str, source: str, amount: float) -> Commitment:
    currency = "USD" if party == "north" else "MXN"
    rate = 1.0 if party == "north" else MXN_PER_USD
    return Commitment(
        party=party,
        fiscal_year=year,
        kind=kind,  # type: ignore[arg-type]
        source=source,
        amount_party=amount,
        currency=currency,
        amount_region=amount / rate,
    )


def _commitments() -> list[Commitment]:
    return [
        _commitment("north", 2027, "capital", "north-budget", 200_000.0),
        _commitment("north", 2028, "capital", "north-budget", 200_000.0),
        _commitment("north", 2028, "capital", "resilience-grant", 200_000.0),
        _commitment("north", 2028, "capital", "transfer", 20_000.0),
        _commitment("north", 2029, "operating", "north-budget", 10_000.0),
        _commitment("south", 2027, "capital", "south-budget", 2_000_000.0),
        _commitment("south", 2028, "capital", "south-budget", 6_000_000.0),
        _commitment("south", 2029, "operating", "south-budget", 200_000.0),
    ]


def _budgets() -> list[Budget]:
    """North's 2028 own money is its budget line and the transfer (the grant is not its
    own); south's first year exceeds its budget, its biennium does not."""
    return [
        Budget(
            party="north",
            period="FY2028",
            kind="capital",
            budget=500_000.0,
            commitments=220_000.0,
            exceeded=False,
        ),
        Budget(
            party="south",
            period="FY2027",
            kind="capital",
            budget=1_500_000.0,
            commitments=2_000_000.0,
            exceeded=True,
        ),
        Budget(
            party="south",
            period="FY2027–2028",
            kind="capital",
            budget=10_000_000.0,
            commitments=8_000_000.0,
            exceeded=False,
        ),
    ]


def _milestones() -> list[Milestone]:
    """Every phase of every measure, each depending on the one before, owned by the lead."""
    leads = {"levee": "north", "floodproofing": "south"}
    found = []
    for measure, schedule in SCHEDULES.items():
        for i, (phase, (start, end)) in enumerate(zip(PHASES, schedule, strict=True)):
            found.append(
                Milestone(
                    id=f"{measure}:{phase}",
                    measure=measure,
                    phase=phase,
                    start=start,
                    end=end,
                    owner=leads[measure],
                    depends_on=[f"{measure}:{PHASES[i - 1]}"] if i else [],
                )
            )
    return found


def _indicators() -> list[Indicator]:
    return [
        Indicator(
            id="avoided-loss",
            kind="avoided_loss",
            unit="USD/year",
            party=None,
            owner="north",
            baseline=0.0,
            baseline_year=2026,
            target=250_000.0,
            target_year=2030,
            review_dates=[dt.date(2028, 6, 30), dt.date(2030, 6, 30)],
            source="risk/summary.csv",
        ),
        Indicator(
            id="evacuation-south",
            kind="evacuation_minutes",
            unit="min",
            party="south",
            owner="south",
            baseline=90.0,
            baseline_year=2026,
            target=45.0,
            target_year=2030,
            higher_is_better=False,
            review_dates=[dt.date(2029, 6, 30)],
            source="measures/evacuation.csv",
        ),
    ]


def _disputes() -> list[DisputeStep]:
    return [
        DisputeStep(
            step="consultation",
            body={"en": "the board", "es": "la junta"},
            days=60,
        ),
        DisputeStep(
            step="mediation",
            body={"en": "a mediator both parties accept", "es": "un mediador aceptado"},
            days=90,
        ),
        DisputeStep(
            step="arbitration",
            body={"en": "an arbitral tribunal", "es": "un tribunal arbitral"},
            days=180,
        ),
    ]


def small_compact() -> Compact:
    """A compact that passes every check."""
    return Compact(
        region="twin-valley",
        title={"en": "Twin Valley Flood Compact", "es": "Pacto del Valle Gemelo"},
        languages=["en", "es"],
        currency="USD",
        price_year=2025,
        entry_into_force=dt.date(2027, 1, 1),
        parties=_parties(),
        purpose={"en": "To reduce flood risk together.", "es": "Reducir juntos el riesgo."},
        vision={"en": "A safe valley.", "es": "Un valle seguro."},
        governance=_governance(),
        rule="shapley",
        cost_shares=_cost_shares(),
        portfolio_cost=1_600_000.0,
        responsibilities=_responsibilities(),
        sources=_sources(),
        funding=_funding(),
        commitments=_commitments(),
        budgets=_budgets(),
        milestones=_milestones(),
        indicators=_indicators(),
        datasets=[Dataset(id="boundary", kind="boundary", owner="north", classification="public")],
        personal_data={
            "en": "Personal data stay with the party that holds them.",
            "es": "Los datos personales quedan con la parte que los tiene.",
        },
        emergency=Emergency(
            triggers=[
                Trigger(
                    hazard="river_flood",
                    return_period=50.0,
                    expected_loss={"north": 2_000_000.0, "south": 1_500_000.0},
                    unit="m",
                )
            ]
        ),
        disputes=_disputes(),
        final=FinalClauses(duration_years=30, prevailing_language=None),
    )
