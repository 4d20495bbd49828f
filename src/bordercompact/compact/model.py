"""The compact as data: every article's content (parties, governance, who builds and who
pays what when, milestones, indicators, data sharing, emergencies, disputes, final
clauses), so the text is rendered from it and checked against it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

#: A text in several languages: language tag → text.
Text = dict[str, str]
Amount = Annotated[float, Field(allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]

#: The phases every measure goes through, in order.
PHASES = ("design", "permits", "procurement", "construction", "commissioning")
Phase = Literal["design", "permits", "procurement", "construction", "commissioning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Signatory(_Strict):
    name: str
    title: Text = Field(default_factory=dict)


class CompactParty(_Strict):
    id: str
    name: Text
    country: str
    currency: str
    languages: list[str]
    fiscal_year_start: str = "01-01"
    signatories: list[Signatory] = Field(default_factory=list)


class DecisionRule(_Strict):
    """How the board decides: ``consensus`` (no member objects), ``unanimity`` (every
    party's seats vote for) or ``qualified_majority`` (``threshold`` of the weighted votes;
    each seat weighs its party's ``weights`` entry, 1 by default)."""

    rule: Literal["consensus", "unanimity", "qualified_majority"] = "consensus"
    threshold: Fraction | None = None
    weights: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)


class Quorum(_Strict):
    seats: Annotated[int, Field(ge=1)]
    every_party: bool = True  # at least one member of each party present


class WorkingGroup(_Strict):
    id: str
    name: Text
    lead: str  # party


class Governance(_Strict):
    board: Text
    seats: dict[str, Annotated[int, Field(ge=0)]]
    chair_rotation_months: Annotated[int, Field(ge=1)] = 12
    chair_order: list[str] = Field(default_factory=list)
    secretariat: str  # the party that hosts it
    working_groups: list[WorkingGroup] = Field(default_factory=list)
    decision: DecisionRule = DecisionRule()
    quorum: Quorum
    meetings_per_year: Annotated[int, Field(ge=1)] = 2


class Responsibility(_Strict):
    """Who does what for one measure: the lead (builds and runs it), the contributors
    (pay a share), the approvals needed, and each party's part of its costs."""

    measure: str
    name: Text
    kind: str | None = None
    host: str
    lead: str | None
    contributors: list[str] = Field(default_factory=list)
    approvals: list[str] = Field(default_factory=list)
    capital_cost: Amount  # region currency, price year
    annual_cost: Amount
    cost: Amount  # present value of its costs over the appraisal (region currency)
    lifetime_years: int
    construction_years: list[int]
    parts: dict[str, Amount]  # party → share of the works (1 = all)
    transfers: dict[str, Amount] = Field(default_factory=dict)  # party → share moved


class CostShare(_Strict):
    """A party's share of the portfolio, as the deal set it (present values)."""

    party: str
    benefit: Amount
    cost_share: Amount
    net_gain: Amount
    stand_alone: Amount
    transfer: Amount
    gains_in_share_of_samples: Amount | None = None


class Commitment(_Strict):
    """One line of a party's yearly payments: a source, a fiscal year, a budget."""

    party: str
    fiscal_year: int
    kind: Literal["capital", "operating"]
    source: str
    amount_party: Amount  # the party's currency, price year
    currency: str
    amount_region: Amount


class Funding(_Strict):
    """What a source pays of a party's share of a measure (present value, region
    currency), from the finance plan."""

    measure: str
    party: str
    cost: Literal["capital", "operating"]
    source: str
    amount: Amount


class SourceTerms(_Strict):
    id: str
    kind: str
    name: Text
    condition: str | None = None  # results-based: the indicator and its threshold
    application_deadline: dt.date | None = None


class Budget(_Strict):
    """A party's stated budget for one budget period (its currency), and whether the
    compact records that its commitments exceed it."""

    party: str
    period: str  # label: FY2027, or FY2027–2028
    kind: Literal["capital", "operating"]
    budget: Amount
    commitments: Amount
    exceeded: bool


class Milestone(_Strict):
    id: str
    measure: str
    phase: Phase
    start: dt.date
    end: dt.date
    owner: str
    depends_on: list[str] = Field(default_factory=list)


#: What an indicator measures (its name in every language is the templates').
IndicatorKind = Literal["avoided_loss", "cooling_access", "evacuation_minutes"]


class Indicator(_Strict):
    id: str
    kind: IndicatorKind
    unit: str
    party: str | None  # whose number it is (None: the region's)
    owner: str | None
    baseline: Amount | None
    baseline_year: int | None
    target: Amount | None
    target_year: int | None
    higher_is_better: bool = True
    review_dates: list[dt.date] = Field(default_factory=list)
    source: str  # the result it is read from


class Dataset(_Strict):
    id: str
    kind: str  # the region's dataset kind: boundary, assets, population_zones …
    owner: str | None
    classification: Literal["public", "partners", "restricted"]
    personal_data: bool = False
    retention_years: Annotated[int, Field(ge=0)] | None = None


class Trigger(_Strict):
    """When the emergency clause activates: a hazard forecast or observed at or above
    the return period, and the loss the analysis expects at it per party."""

    hazard: str
    return_period: Annotated[float, Field(gt=1)]
    expected_loss: dict[str, Amount] = Field(default_factory=dict)  # party → region money
    unit: str = ""


class Emergency(_Strict):
    triggers: list[Trigger]
    command: Literal["affected_party", "rotating", "joint"] = "affected_party"
    request_answer_hours: Annotated[int, Field(ge=1)] = 24
    cost_recovery: Literal["requesting_party", "cost_shares", "each_its_own"] = "requesting_party"
    reimburse_within_days: Annotated[int, Field(ge=1)] = 90


class DisputeStep(_Strict):
    step: Literal["consultation", "mediation", "arbitration"]
    body: Text
    days: Annotated[int, Field(ge=1)] | None


class FinalClauses(_Strict):
    review_every_years: Annotated[int, Field(ge=1)] = 5
    amendment: Literal["unanimity", "qualified_majority"] = "unanimity"
    accession: Literal["unanimity", "qualified_majority"] = "unanimity"
    withdrawal_notice_months: Annotated[int, Field(ge=0)] = 12
    duration_years: Annotated[int, Field(ge=1)]
    prevailing_language: str | None  # None: every text equally authentic


class Compact(_Strict):
    """One version of the compact."""

    version: Annotated[int, Field(ge=1)] = 1
    amends: int | None = None  # the version it replaces
    region: str
    title: Text
    languages: list[str]
    locales: dict[str, str] = Field(default_factory=dict)  # language → locale, if not its own
    currency: str  # the region's
    price_year: int
    entry_into_force: dt.date
    parties: list[CompactParty]
    purpose: Text
    vision: Text
    governance: Governance
    rule: str  # the sharing rule of the deal
    cost_shares: list[CostShare]
    portfolio_cost: Amount
    responsibilities: list[Responsibility]
    sources: list[SourceTerms]
    funding: list[Funding]
    commitments: list[Commitment]
    budgets: list[Budget]
    milestones: list[Milestone]
    indicators: list[Indicator]
    datasets: list[Dataset]
    personal_data: Text
    emergency: Emergency
    disputes: list[DisputeStep]
    final: FinalClauses
    analysis: dict[str, str] = Field(default_factory=dict)  # run dir, provenance hash

    def party(self, party_id: str) -> CompactParty:
        return next(p for p in self.parties if p.id == party_id)

    def party_name(self, party_id: str, language: str) -> str:
        party = next((p for p in self.parties if p.id == party_id), None)
        if party is None:
            return party_id
        return party.name.get(language) or next(iter(party.name.values()))
