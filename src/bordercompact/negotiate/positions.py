"""The parties' positions (``negotiation.toml`` beside ``region.toml``): budgets, bargaining
weights and the named demands each party brings to the table.

Demand types (every demand has an ``id`` and its ``text`` in the party's languages):

- ``no_kind``: no measure of the given kinds in the deal (red line);
- ``no_measure_in_zone``: no measure acting inside the given zone (red line);
- ``max_households_displaced``: at most so many households displaced on its side;
- ``no_structure_without_approval``: no measure of the given (structural) kinds hosted on
  its side unless it is among the measure's approvals;
- ``min_net_gain``: its net gain (benefit − cost share, present value) at least ``amount``;
- ``min_benefit_share``: its share of the deal's benefits at least ``share``;
- ``max_contribution``: its cost share (present value) at most ``amount``;
- ``min_vulnerable_share``: at least ``share`` of its benefits to its most vulnerable
  quintile of census zones (by the social vulnerability index).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bordercompact.measures.model import MeasuresConfig, Zone
from bordercompact.negotiate.allocation import METHODS
from bordercompact.region.load import Region, read_stage_config
from bordercompact.region.problems import InvalidRegionError, ProblemLog

NEGOTIATION_CONFIG_NAME = "negotiation.toml"
DOC = "docs/negotiation-config.md"

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Demand(_Strict):
    id: Identifier
    type: Literal[
        "no_kind",
        "no_measure_in_zone",
        "max_households_displaced",
        "no_structure_without_approval",
        "min_net_gain",
        "min_benefit_share",
        "max_contribution",
        "min_vulnerable_share",
    ]
    text: dict[str, str] = Field(min_length=1)  # the demand in the party's languages
    kinds: list[str] = []
    zone: Zone | None = None
    amount: Annotated[float, Field(allow_inf_nan=False)] | None = None
    share: Share | None = None

    @model_validator(mode="after")
    def _complete(self) -> Demand:
        needs = {
            "no_kind": "kinds",
            "no_measure_in_zone": "zone",
            "max_households_displaced": "amount",
            "no_structure_without_approval": "kinds",
            "min_net_gain": "amount",
            "min_benefit_share": "share",
            "max_contribution": "amount",
            "min_vulnerable_share": "share",
        }
        key = needs[self.type]
        given = getattr(self, key)
        if given is None or given == []:
            raise ValueError(f"found a {self.type} demand without {key}; expected {key}")
        return self


class PartyPosition(_Strict):
    id: str
    weight: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0  # bargaining weight
    budget_total: Money | None = None  # region currency, all years together (nominal)
    budget_per_year: Money | dict[int, Money] | None = None  # every year, or per year
    demands: list[Demand] = []

    def budget_in(self, year: int) -> float | None:
        """The party's budget for a calendar year (None: no limit)."""
        if self.budget_per_year is None or isinstance(self.budget_per_year, float | int):
            return None if self.budget_per_year is None else float(self.budget_per_year)
        return self.budget_per_year.get(year)


class NegotiationSettings(_Strict):
    rule: str = "shapley"  # one of allocation.METHODS
    objective: Literal["joint", "weighted"] = "joint"
    max_group_options: Annotated[int, Field(ge=2, le=100_000)] = 4096
    individually_rational: bool = True  # every party at least its stand-alone value

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, rule: str) -> str:
        if rule not in METHODS:
            raise ValueError(f"found {rule!r}; expected one of {', '.join(METHODS)}")
        return rule


class NegotiationConfig(_Strict):
    negotiation: NegotiationSettings = NegotiationSettings()
    parties: list[PartyPosition] = Field(min_length=1)

    @property
    def players(self) -> list[str]:
        """The parties at the table, in the order given. Other parties of the region (a
        joint commission) are not players: their approvals are taken as given and the
        measures they host can be paid by any coalition."""
        return [p.id for p in self.parties]

    def position(self, party: str) -> PartyPosition:
        return next((p for p in self.parties if p.id == party), PartyPosition(id=party))

    def demands(self) -> list[tuple[str, Demand]]:
        """Every demand with the party that makes it."""
        return [(p.id, d) for p in self.parties for d in p.demands]


def load_negotiation(region: Region, measures: MeasuresConfig) -> NegotiationConfig:
    """Read and check ``negotiation.toml``; raise :class:`InvalidRegionError` with every
    problem found."""
    problems = ProblemLog()
    path = region.root / NEGOTIATION_CONFIG_NAME
    config = read_stage_config(
        path,
        NegotiationConfig,
        problems,
        prefix="negotiation-config",
        purpose="stating the parties' budgets and demands",
        doc=DOC,
        sections=("parties",),
    )
    if config is not None:
        _check_references(config, region, measures, str(path), problems)
    if config is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return config


def _check_references(
    config: NegotiationConfig,
    region: Region,
    measures: MeasuresConfig,
    where: str,
    problems: ProblemLog,
) -> None:
    parties = sorted(p.id for p in region.parties)
    kinds = sorted({m.kind for m in measures.measures if m.kind})
    ids = [p.id for p in config.parties]
    for i, position in enumerate(config.parties):
        if position.id not in parties or ids.count(position.id) > 1:
            problems.error(
                "negotiation-config-reference",
                where,
                f"party {position.id!r}" + (" twice" if ids.count(position.id) > 1 else ""),
                f"each party of region.toml once: {', '.join(parties)}",
                field=f"parties[{i}].id",
            )
        for j, demand in enumerate(position.demands):
            unknown = sorted(set(demand.kinds) - set(kinds))
            if unknown:
                problems.error(
                    "negotiation-config-reference",
                    where,
                    f"kinds {', '.join(map(repr, unknown))}",
                    f"kinds of measures.toml: {', '.join(kinds) or '(none given)'}",
                    field=f"parties[{i}].demands[{j}].kinds",
                    features=[demand.id],
                )
    demand_ids = [d.id for _, d in config.demands()]
    for again in sorted({d for d in demand_ids if demand_ids.count(d) > 1}):
        problems.error(
            "negotiation-config-reference",
            where,
            f"demand id {again!r} twice",
            "one demand per id",
            field="parties.demands.id",
            features=[again],
        )
