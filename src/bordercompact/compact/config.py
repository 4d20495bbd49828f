"""The parties' governance choices for the compact (``compact.toml`` beside
``region.toml``): what the analysis cannot decide — the board, its seats and decision
rule, signatories, the lead of a measure when not its host, the time each phase takes,
data classification, the emergency clause's triggers, the dispute steps and the final
clauses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bordercompact.compact.model import (
    DecisionRule,
    DisputeStep,
    Phase,
    Quorum,
    Signatory,
    Text,
    WorkingGroup,
)
from bordercompact.region.load import Region, read_stage_config
from bordercompact.region.problems import InvalidRegionError, ProblemLog

COMPACT_CONFIG_NAME = "compact.toml"
DOC = "docs/compact-config.md"

Months = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CompactSettings(_Strict):
    title: Text
    purpose: Text
    vision: Text
    entry_into_force: dt.date
    languages: list[str] | None = None  # default: every party's languages
    prevailing_language: str | None = None  # none: every text equally authentic
    locales: dict[str, str] = Field(default_factory=dict)  # language → locale (es → es_MX)
    duration_years: Annotated[int, Field(ge=1)] | None = None  # default: the appraisal's


class PartySigning(_Strict):
    party: str
    signatories: list[Signatory] = Field(min_length=1)


class GovernanceSettings(_Strict):
    board: Text
    seats: dict[str, Annotated[int, Field(ge=0)]]
    chair_rotation_months: Annotated[int, Field(ge=1)] = 12
    chair_order: list[str] = Field(default_factory=list)
    secretariat: str
    working_groups: list[WorkingGroup] = Field(default_factory=list)
    decision: DecisionRule = DecisionRule()
    quorum: Quorum
    meetings_per_year: Annotated[int, Field(ge=1)] = 2


class PhaseMonths(_Strict):
    """How long the phases before and after construction take (months); construction
    fills the measure's construction years."""

    design: Months = 12
    permits: Months = 6
    procurement: Months = 6
    commissioning: Months = 3


class MeasureChoice(_Strict):
    """A measure's lead when not its host, and milestone dates fixed by the parties."""

    lead: str | None = None
    milestones: dict[Phase, tuple[dt.date, dt.date]] = Field(default_factory=dict)


class DatasetChoice(_Strict):
    classification: Literal["public", "partners", "restricted"] = "partners"
    personal_data: bool = False
    retention_years: Annotated[int, Field(ge=0)] | None = None


class DataSettings(_Strict):
    default: DatasetChoice = DatasetChoice()
    datasets: dict[str, DatasetChoice] = Field(default_factory=dict)  # region dataset id
    personal_data: Text  # the rule for personal data, in every language


class TriggerChoice(_Strict):
    hazard: str  # a hazard of risk.toml
    return_period: Annotated[float, Field(gt=1)]


class EmergencySettings(_Strict):
    triggers: list[TriggerChoice] = Field(min_length=1)
    command: Literal["affected_party", "rotating", "joint"] = "affected_party"
    request_answer_hours: Annotated[int, Field(ge=1)] = 24
    cost_recovery: Literal["requesting_party", "cost_shares", "each_its_own"] = "requesting_party"
    reimburse_within_days: Annotated[int, Field(ge=1)] = 90


class FinalSettings(_Strict):
    review_every_years: Annotated[int, Field(ge=1)] = 5
    amendment: Literal["unanimity", "qualified_majority"] = "unanimity"
    accession: Literal["unanimity", "qualified_majority"] = "unanimity"
    withdrawal_notice_months: Months = 12


class IndicatorSettings(_Strict):
    review_every_years: Annotated[int, Field(ge=1)] = 2
    cooling: str = "cooling"  # the facility kind of equity.toml for heat refuge
    evacuation: str = "shelter"  # the facility kind for evacuation
    evacuation_target_minutes: Annotated[float, Field(gt=0)] | None = None  # default: its threshold


class CompactConfig(_Strict):
    compact: CompactSettings
    signatories: list[PartySigning] = Field(default_factory=list)
    governance: GovernanceSettings
    phases: PhaseMonths = PhaseMonths()
    measures: dict[str, MeasureChoice] = Field(default_factory=dict)
    data: DataSettings
    emergency: EmergencySettings
    disputes: list[DisputeStep] = Field(min_length=1)
    final: FinalSettings = FinalSettings()
    indicators: IndicatorSettings = IndicatorSettings()


def load_compact_config(region: Region) -> CompactConfig:
    """Read and check ``compact.toml``; raise :class:`InvalidRegionError` with every
    problem found (unknown keys, and parties that region.toml does not name)."""
    problems = ProblemLog()
    path = region.root / COMPACT_CONFIG_NAME
    config = read_stage_config(
        path,
        CompactConfig,
        problems,
        prefix="compact-config",
        purpose="with the parties' governance choices",
        doc=DOC,
        sections=("compact", "governance", "data", "emergency", "disputes"),
    )
    if config is not None:
        parties = sorted(p.id for p in region.parties)
        named = [
            *((f"signatories[{i}].party", s.party) for i, s in enumerate(config.signatories)),
            *((f"governance.seats.{p}", p) for p in config.governance.seats),
            ("governance.secretariat", config.governance.secretariat),
            *(
                (f"governance.working_groups[{i}].lead", g.lead)
                for i, g in enumerate(config.governance.working_groups)
            ),
            *((f"governance.decision.weights.{p}", p) for p in config.governance.decision.weights),
            *(
                (f"governance.chair_order[{i}]", p)
                for i, p in enumerate(config.governance.chair_order)
            ),
            *(
                (f"measures.{m}.lead", c.lead)
                for m, c in config.measures.items()
                if c.lead is not None
            ),
        ]
        for field, party in named:
            if party not in parties:
                problems.error(
                    "compact-config-reference",
                    str(path),
                    f"party {party!r}",
                    f"a party of region.toml: {', '.join(parties)}",
                    field=field,
                )
    if config is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return config
