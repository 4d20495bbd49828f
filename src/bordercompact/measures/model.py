"""The candidate measures of a region (``measures.toml`` beside ``region.toml``): who
proposes each, where it is built, what it costs and when, and what it changes.

Effects (one or more per measure; CLIMADA's measure semantics where they overlap):

- ``hazard``: intensity inside a zone, I' = max(0, I · scale + shift), optionally only
  for the events up to a design return period (a levee);
- ``vulnerability``: the damage curves of some asset classes inside a zone, MDD and PAA
  scaled and shifted (floodproofing, building codes);
- ``exposure``: assets inside a zone removed (a buy-out), with the households displaced;
- ``people``: the impact on people reduced by a stated fraction (an early warning's lead
  time), or only for the people within reach of a kind of facility, or brought within
  reach by new ones (cooling centres, by the access analysis of ``equity.toml``);
- ``risk_transfer``: insurance of the remaining impact above an attachment point up to a
  cover, at a cost factor times its expected payout.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bordercompact.region.load import Region, read_stage_config
from bordercompact.region.problems import InvalidRegionError, ProblemLog
from bordercompact.risk.config import RiskConfig

MEASURES_CONFIG_NAME = "measures.toml"
DOC = "docs/measures-config.md"

Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Year = Annotated[int, Field(ge=1900, le=2300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Zone(_Strict):
    """Where an effect acts: polygons of a file (path relative to the region, any CRS
    with one), or features of a harmonized layer by id."""

    path: str | None = None
    layer: str | None = None
    features: list[str] = []  # feature ids of the harmonized layers (e.g. census zones)

    @model_validator(mode="after")
    def _one_way(self) -> Zone:
        if (self.path is None) == (not self.features):
            raise ValueError(
                "found "
                + ("both a path and features" if self.path else "neither a path nor features")
                + "; expected a file of polygons (path) or feature ids (features)"
            )
        return self


class HazardEffect(_Strict):
    type: Literal["hazard"]
    hazard: str
    zone: Zone
    scale: NonNegative = 1.0
    shift: Finite = 0.0
    up_to_return_period: Positive | None = None


class VulnerabilityEffect(_Strict):
    type: Literal["vulnerability"]
    hazard: str
    exposure: str
    zone: Zone
    classes: list[str] = []  # terms of the exposure's by_field (none: every asset)
    mdd_scale: NonNegative = 1.0
    mdd_shift: Finite = 0.0
    paa_scale: NonNegative = 1.0
    paa_shift: Finite = 0.0


class ExposureEffect(_Strict):
    type: Literal["exposure"]
    exposure: str
    zone: Zone
    households_field: str | None = None  # the assets' field counting households displaced


class PeopleEffect(_Strict):
    type: Literal["people"]
    hazard: str
    exposure: str
    reduction: Share  # share of the impact on people avoided (e.g. 0.3 with a warning)
    zone: Zone | None = None  # none: everyone
    within_minutes_of: str | None = None  # a facility kind of equity.toml's access (cooling)
    new_facilities: str | None = None  # points of the measure's new facilities of that kind

    @model_validator(mode="after")
    def _reach(self) -> PeopleEffect:
        if self.new_facilities is not None and self.within_minutes_of is None:
            raise ValueError(
                "found new_facilities without within_minutes_of; expected the facility kind "
                "of equity.toml they belong to"
            )
        return self


class RiskTransferEffect(_Strict):
    type: Literal["risk_transfer"]
    hazard: str
    exposure: str
    attachment: NonNegative  # per event, region currency
    cover: Positive  # per event, above the attachment
    cost_factor: Positive = 1.0  # premium = cost_factor × expected payout


Effect = Annotated[
    HazardEffect | VulnerabilityEffect | ExposureEffect | PeopleEffect | RiskTransferEffect,
    Field(discriminator="type"),
]


class Measure(_Strict):
    id: Identifier
    name: dict[str, str] = Field(min_length=1)
    kind: str | None = None  # levee, flood_wall, retention, buy_out, warning, cooling …
    proposed_by: str
    host: str
    capital_cost: NonNegative  # region currency, price year of the region
    annual_cost: NonNegative = 0.0  # operation and maintenance per year
    lifetime_years: Annotated[int, Field(ge=1)]
    construction_years: list[Year] = Field(min_length=1)
    alternatives: str | None = None  # measures of one group exclude each other
    requires: list[str] = []
    approvals: list[str] = []  # parties whose approval is needed (permits)
    co_benefits: dict[str, Finite] = {}  # in their own units (ha, jobs, t CO2)
    effects: list[Effect] = Field(min_length=1)


Rate = Annotated[float, Field(gt=-1, allow_inf_nan=False)]
#: The discount rate when measures.toml sets neither a rate nor a schedule.
DEFAULT_DISCOUNT_RATE = 0.03


class DiscountStep(_Strict):
    """From ``from_year`` years after the appraisal's first year on, discount at ``rate``:
    each year of the step is discounted from the one before at it (the Green Book's
    convention)."""

    from_year: Annotated[int, Field(ge=0)]
    rate: Rate


class AppraisalSettings(_Strict):
    first_year: Year
    last_year: Year
    discount_rate: Rate | None = None  # constant, per year (default 3 %)
    discount_schedule: list[DiscountStep] = []  # declining rates (e.g. the Green Book's)
    future_scenario: str | None = None  # the risk.toml scenario reached at future_year
    future_year: Year | None = None
    time_exponent: Positive = 1.0
    co_benefit_values: dict[str, Finite] = {}  # region currency per unit, where agreed
    # region currency per unit of a people line, where agreed (deaths: a value of
    # statistical life); lines without one are reported beside the money
    unit_values: dict[str, NonNegative] = {}

    @model_validator(mode="after")
    def _years(self) -> AppraisalSettings:
        if self.last_year < self.first_year:
            raise ValueError(
                f"found last_year {self.last_year} before first_year {self.first_year}; "
                "expected an appraisal period of at least one year"
            )
        if self.discount_rate is not None and self.discount_schedule:
            raise ValueError("found both discount_rate and discount_schedule; expected one of them")
        starts = [step.from_year for step in self.discount_schedule]
        if starts and (starts[0] != 0 or any(b <= a for a, b in pairwise(starts))):
            raise ValueError(
                f"found discount_schedule from years {starts}; expected steps from year 0 "
                "on, in increasing order"
            )
        if (self.future_scenario is None) != (self.future_year is None):
            raise ValueError(
                "found only one of future_scenario and future_year; expected both or neither"
            )
        return self


def yearly_discount_rates(settings: AppraisalSettings) -> np.ndarray:
    """The discount rate of each year of the appraisal (first to last year): the constant
    rate, or each year's step of the schedule."""
    n_years = settings.last_year - settings.first_year + 1
    if not settings.discount_schedule:
        rate = DEFAULT_DISCOUNT_RATE if settings.discount_rate is None else settings.discount_rate
        return np.full(n_years, rate)
    starts = np.array([step.from_year for step in settings.discount_schedule])
    rates = np.array([step.rate for step in settings.discount_schedule])
    return rates[np.searchsorted(starts, np.arange(n_years), side="right") - 1]


class Range(_Strict):
    """A uniform range [low, high] an uncertain input is drawn from."""

    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high < self.low:
            raise ValueError(f"found low {self.low} above high {self.high}; expected low ≤ high")
        return self


class UncertaintySettings(_Strict):
    """The inputs drawn for each Latin-hypercube sample, each from a uniform range (any
    left out keeps its appraisal value)."""

    samples: Annotated[int, Field(ge=2, le=100_000)] = 200
    seed: int = 0
    damage_scale: Range | None = None  # every damage curve's MDD × k, at most 1
    damage_nodes: Annotated[int, Field(ge=2, le=9)] = 3  # scales computed exactly
    asset_value_scale: Range | None = None  # every money exposure's values × k
    effectiveness: Range | None = None  # each measure's physical effects' avoided impact × k
    discount_rate: Range | None = None  # a constant rate in place of the appraisal's
    future_weight: Range | None = None  # share of the change to the future scenario

    @model_validator(mode="after")
    def _ranges(self) -> UncertaintySettings:
        for name in ("damage_scale", "asset_value_scale", "effectiveness", "future_weight"):
            given = getattr(self, name)
            if given is not None and given.low < 0:
                raise ValueError(f"found {name}.low {given.low}; expected a factor ≥ 0")
        if self.discount_rate is not None and self.discount_rate.low <= -1:
            raise ValueError(
                f"found discount_rate.low {self.discount_rate.low}; expected a rate above −100 %"
            )
        return self


class MeasuresConfig(_Strict):
    appraisal: AppraisalSettings
    uncertainty: UncertaintySettings | None = None
    measures: list[Measure] = Field(min_length=1)


def load_measures(region: Region, risk: RiskConfig | None = None) -> MeasuresConfig:
    """Read and check ``measures.toml`` (against ``risk.toml``'s hazards, exposures and
    scenarios when given); raise :class:`InvalidRegionError` with every problem found."""
    problems = ProblemLog()
    config = read_measures(region, problems)
    if config is not None and risk is not None:
        _check_risk_references(config, risk, str(region.root / MEASURES_CONFIG_NAME), problems)
    if config is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return config


def _check_risk_references(
    config: MeasuresConfig, risk: RiskConfig, where: str, problems: ProblemLog
) -> None:
    """Every hazard, exposure and scenario a measure or the appraisal names is one of
    ``risk.toml``'s (a misspelt one would silently avoid nothing)."""
    known = {
        "hazard": sorted(h.id for h in risk.hazards),
        "exposure": sorted(e.id for e in risk.exposures),
    }
    scenarios = sorted(s.id for s in risk.scenarios)
    future = config.appraisal.future_scenario
    if future is not None and future not in scenarios:
        problems.error(
            "measures-config-reference",
            where,
            f"future_scenario {future!r}",
            f"a scenario of risk.toml: {', '.join(scenarios) or '(none)'}",
            field="appraisal.future_scenario",
        )
    for i, measure in enumerate(config.measures):
        for j, effect in enumerate(measure.effects):
            for key, ids in known.items():
                named = getattr(effect, key, None)
                if named is not None and named not in ids:
                    problems.error(
                        "measures-config-reference",
                        where,
                        f"{key} {named!r}",
                        f"a {key} of risk.toml: {', '.join(ids)}",
                        field=f"measures[{i}].effects[{j}].{key}",
                        features=[measure.id],
                    )


def read_measures(region: Region, problems: ProblemLog) -> MeasuresConfig | None:
    """Parse ``measures.toml``, adding its problems to ``problems``; None if it cannot be
    read."""
    path = region.root / MEASURES_CONFIG_NAME
    config = read_stage_config(
        path,
        MeasuresConfig,
        problems,
        prefix="measures-config",
        purpose="listing the candidate measures",
        doc=DOC,
        sections=("measures",),
    )
    if config is None:
        return None
    _check_references(config, region, str(path), problems)
    return None if problems.has_errors else config


def _check_references(
    config: MeasuresConfig, region: Region, where: str, problems: ProblemLog
) -> None:
    def error(found: str, expected: str, field: str, measure: str | None = None) -> None:
        problems.error(
            "measures-config-reference",
            where,
            found,
            expected,
            field=field,
            features=[measure] if measure else [],
        )

    parties = {p.id for p in region.parties}
    currency = region.settings.currency
    if currency in config.appraisal.unit_values:
        error(
            f"a value for {currency!r}, the region currency",
            "values for the units of people lines (deaths, people affected)",
            "appraisal.unit_values",
        )
    ids = [m.id for m in config.measures]
    for again in sorted({i for i in ids if ids.count(i) > 1}):
        error(f"id {again!r} twice", "one measure per id", "measures.id", again)
    for i, measure in enumerate(config.measures):
        named = [("proposed_by", [measure.proposed_by]), ("host", [measure.host])]
        for key, values in [*named, ("approvals", measure.approvals)]:
            for party in values:
                if party not in parties:
                    error(
                        f"party {party!r}",
                        f"one of {', '.join(sorted(parties))}",
                        f"measures[{i}].{key}",
                        measure.id,
                    )
        for needed in measure.requires:
            if needed not in ids or needed == measure.id:
                error(
                    f"requires {needed!r}",
                    "another measure of measures.toml",
                    f"measures[{i}].requires",
                    measure.id,
                )
        group = {m.id: m.alternatives for m in config.measures}
        for needed in measure.requires:
            if measure.alternatives is not None and group.get(needed) == measure.alternatives:
                error(
                    f"requires {needed!r}, an alternative to it (group {measure.alternatives!r})",
                    "a prerequisite that can be built with it",
                    f"measures[{i}].requires",
                    measure.id,
                )
        outside = [
            year
            for year in measure.construction_years
            if not config.appraisal.first_year <= year <= config.appraisal.last_year
        ]
        if outside:
            error(
                f"construction in {', '.join(map(str, outside))}",
                f"years within the appraisal, {config.appraisal.first_year}–"
                f"{config.appraisal.last_year} (its capital would be left out)",
                f"measures[{i}].construction_years",
                measure.id,
            )


def prerequisites(measure: Measure, config: MeasuresConfig) -> list[Measure]:
    """The measures ``measure`` requires, and those they require in turn, in the order of
    measures.toml."""
    by_id = {m.id: m for m in config.measures}
    needed: set[str] = set()
    waiting = list(measure.requires)
    while waiting:
        other = waiting.pop()
        if other not in needed and other != measure.id:
            needed.add(other)
            waiting += by_id[other].requires
    return [m for m in config.measures if m.id in needed]


def zone_files(region: Region, config: MeasuresConfig) -> list[Path]:
    """The files of the measures' zones and new facilities (for a run's provenance), each
    once."""
    paths = {
        region.path(zone.path)
        for measure in config.measures
        for effect in measure.effects
        if (zone := getattr(effect, "zone", None)) is not None and zone.path is not None
    } | {
        region.path(effect.new_facilities)
        for measure in config.measures
        for effect in measure.effects
        if isinstance(effect, PeopleEffect) and effect.new_facilities is not None
    }
    return sorted(paths)
