"""The region's risk set-up (``risk.toml`` beside ``region.toml``): hazards, exposures,
each party's own methodology, and future scenarios. Documented in ``docs/risk-config.md``.

Field rules are checked by pydantic; rules that relate sections to each other (a hazard
an exposure names must exist, a party must be one of the region's) in
:func:`read_risk_config`, which reports every problem at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bordercompact.region.kinds import KINDS, Role
from bordercompact.region.load import Region, read_stage_config
from bordercompact.region.problems import InvalidRegionError, ProblemLog

RISK_CONFIG_NAME = "risk.toml"
DOC = "docs/risk-config.md"
#: The scenario every run computes; futures are named in ``[[scenarios]]``.
PRESENT = "present"

Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskSettings(_Strict):
    return_periods: list[Positive] = Field(default=[10.0, 50.0, 100.0, 250.0], min_length=1)
    max_distance_km: Positive = 1.0
    functions: str | None = None


class HandFlood(_Strict):
    """River flood modelled from height above nearest drainage (see :mod:`.flood`)."""

    hand: str
    return_periods: list[Annotated[float, Field(gt=1, allow_inf_nan=False)]] = Field(min_length=1)
    gumbel_location_m3s: Finite
    gumbel_scale_m3s: Positive
    rating_coefficient: Positive
    rating_exponent: Positive
    reference_discharge_m3s: NonNegative = 0.0
    max_hand_m: Positive | None = None

    @model_validator(mode="after")
    def _increasing(self) -> HandFlood:
        if any(b <= a for a, b in zip(self.return_periods, self.return_periods[1:], strict=False)):
            raise ValueError(
                f"found return_periods {self.return_periods}; expected strictly increasing years"
            )
        return self


class DailySeries(_Strict):
    """Hot days from a station's daily series (see :mod:`.heat`)."""

    path: str
    date_column: str
    value_column: str
    threshold: Finite
    terrain: str
    block: Annotated[int, Field(ge=1)] = 1
    station_elevation_m: Finite | None = None
    lapse_rate_per_km: Finite = 6.5


class ReturnPeriodMaps(_Strict):
    maps: str


class EventRasters(_Strict):
    events: str


class HazardTables(_Strict):
    centroids: str
    events: str
    intensity: str


class ClimadaFile(_Strict):
    path: str


SOURCES = ("hand_flood", "daily_series", "return_period_maps", "rasters", "tables", "climada_hdf5")


class HazardSpec(_Strict):
    id: Identifier
    haz_type: Annotated[str, Field(pattern=r"^[A-Z0-9]{1,4}$")]
    unit: str
    name: dict[str, str] = {}
    hand_flood: HandFlood | None = None
    daily_series: DailySeries | None = None
    return_period_maps: ReturnPeriodMaps | None = None
    rasters: EventRasters | None = None
    tables: HazardTables | None = None
    climada_hdf5: ClimadaFile | None = None

    @model_validator(mode="after")
    def _one_source(self) -> HazardSpec:
        given = [s for s in SOURCES if getattr(self, s) is not None]
        if len(given) != 1:
            raise ValueError(
                f"found {len(given)} sources ({', '.join(given) or 'none'}); expected exactly "
                f"one of {', '.join(SOURCES)}"
            )
        return self

    @property
    def source(self) -> str:
        return next(s for s in SOURCES if getattr(self, s) is not None)


class FunctionChoice(_Strict):
    """Which impact function each asset gets: one for all, or by a field's term."""

    impact_function: int | None = None
    by_field: str | None = None
    impact_functions: dict[str, int] = {}
    default_function: int | None = None

    @model_validator(mode="after")
    def _one_way(self) -> FunctionChoice:
        if (self.impact_function is None) == (self.by_field is None):
            raise ValueError(
                "found "
                + ("both impact_function and by_field" if self.by_field else "neither")
                + "; expected either impact_function (one id for all assets) or by_field "
                "with impact_functions (term → id)"
            )
        if (
            self.by_field is not None
            and not self.impact_functions
            and self.default_function is None
        ):
            raise ValueError(
                f"found by_field {self.by_field!r} without impact_functions or "
                "default_function; expected the id of each term"
            )
        return self


class ImpactSpec(FunctionChoice):
    hazard: str
    result: Literal["impact", "affected"] = "impact"


class ExposureSpec(_Strict):
    id: Identifier
    kind: Literal["assets", "population_zones", "facilities"]
    datasets: list[str] | None = None
    value: str
    unit: str
    value_factor: NonNegative = 1.0
    value_factor_by_party: dict[str, NonNegative] = {}
    synthetic: str = ""
    name: dict[str, str] = {}
    deductible_share: Share | None = None
    cover_share: Share | None = None
    impacts: list[ImpactSpec] = Field(min_length=1)

    @property
    def insured(self) -> bool:
        return self.deductible_share is not None or self.cover_share is not None


class MethodologyImpact(FunctionChoice):
    exposure: str
    hazard: str


class Methodology(_Strict):
    party: str
    name: dict[str, str] = {}
    functions: str
    impacts: list[MethodologyImpact] = Field(min_length=1)


class Scenario(_Strict):
    id: Identifier
    name: dict[str, str] = {}
    hazard_changes: str | None = None
    exposure_growth: str | None = None


class RiskConfig(_Strict):
    settings: RiskSettings = RiskSettings()
    hazards: list[HazardSpec] = Field(min_length=1)
    exposures: list[ExposureSpec] = Field(min_length=1)
    methodologies: list[Methodology] = []
    scenarios: list[Scenario] = []

    def hazard(self, hazard_id: str) -> HazardSpec:
        return next(h for h in self.hazards if h.id == hazard_id)

    def exposure(self, exposure_id: str) -> ExposureSpec:
        return next(e for e in self.exposures if e.id == exposure_id)


def load_risk_config(region: Region) -> RiskConfig:
    """Read and check ``risk.toml`` of ``region``; raise :class:`InvalidRegionError` with
    every problem found."""
    problems = ProblemLog()
    config = read_risk_config(region, problems)
    if config is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return config


def read_risk_config(region: Region, problems: ProblemLog) -> RiskConfig | None:
    """Parse ``risk.toml``, adding its problems to ``problems``; None when it cannot be read."""
    path = region.root / RISK_CONFIG_NAME
    config = read_stage_config(
        path,
        RiskConfig,
        problems,
        prefix="risk-config",
        purpose="naming the region's hazards and exposures",
        doc=DOC,
        sections=("hazards", "exposures", "scenarios"),
    )
    if config is None:
        return None
    _check_references(config, region, str(path), problems)
    return None if problems.has_errors else config


def _check_references(config: RiskConfig, region: Region, where: str, problems: ProblemLog) -> None:
    def error(found: str, expected: str, field: str, feature: str | None = None) -> None:
        problems.error(
            "risk-config-reference",
            where,
            found,
            expected,
            field=field,
            features=[feature] if feature else [],
        )

    for section, ids in (
        ("hazards", [h.id for h in config.hazards]),
        ("exposures", [e.id for e in config.exposures]),
        ("scenarios", [s.id for s in config.scenarios]),
    ):
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            error(f"id {duplicate!r} twice", "one entry per id", f"{section}.id", duplicate)
    hazards = {h.id for h in config.hazards}
    exposures = {e.id: e for e in config.exposures}
    parties = {p.id for p in region.parties}
    datasets = {d.id: d.kind for d in region.datasets}
    for i, exposure in enumerate(config.exposures):
        for dataset in exposure.datasets or []:
            if datasets.get(dataset) != exposure.kind:
                error(
                    f"dataset {dataset!r}"
                    + (f" of kind {datasets[dataset]!r}" if dataset in datasets else ""),
                    f"a dataset of kind {exposure.kind!r} in region.toml",
                    f"exposures[{i}].datasets",
                    exposure.id,
                )
        spec = KINDS[exposure.kind].field(exposure.value)
        currency = region.settings.currency
        if spec is not None and spec.role is Role.MONEY and exposure.unit != currency:
            error(
                f"unit {exposure.unit!r} for the money field {exposure.value!r}",
                f"{currency!r}: harmonized money is in the region currency",
                f"exposures[{i}].unit",
                exposure.id,
            )
        for party in exposure.value_factor_by_party:
            if party not in parties:
                error(
                    f"party {party!r}",
                    f"one of {', '.join(sorted(parties))}",
                    f"exposures[{i}].value_factor_by_party",
                    exposure.id,
                )
        lines = [(impact.hazard, impact.result) for impact in exposure.impacts]
        for hazard, result in sorted({line for line in lines if lines.count(line) > 1}):
            error(
                f"two impacts of hazard {hazard!r} with result {result!r}",
                "one impact per hazard and result (each is a risk line of its own)",
                f"exposures[{i}].impacts",
                exposure.id,
            )
        for j, impact in enumerate(exposure.impacts):
            if impact.hazard not in hazards:
                error(
                    f"hazard {impact.hazard!r}",
                    f"one of the hazards: {', '.join(sorted(hazards))}",
                    f"exposures[{i}].impacts[{j}].hazard",
                    exposure.id,
                )
    for i, method in enumerate(config.methodologies):
        if method.party not in parties:
            error(
                f"party {method.party!r}",
                f"one of {', '.join(sorted(parties))}",
                f"methodologies[{i}].party",
            )
        for j, own in enumerate(method.impacts):
            line = exposures.get(own.exposure)
            if line is None or own.hazard not in {k.hazard for k in line.impacts}:
                error(
                    f"exposure {own.exposure!r} × hazard {own.hazard!r}",
                    "a risk line of [[exposures]] (an exposure and one of its impacts' hazards)",
                    f"methodologies[{i}].impacts[{j}]",
                    method.party,
                )
    for scenario in config.scenarios:
        if scenario.id == PRESENT:
            error(
                f"scenario id {PRESENT!r}",
                "another id: the present is always computed",
                "scenarios.id",
                PRESENT,
            )


def input_files(region: Region, config: RiskConfig) -> list[Path]:
    """Every file ``risk.toml`` names (for the provenance of a run), ``risk.toml`` first."""
    paths = [region.root / RISK_CONFIG_NAME]
    named: list[str | None] = [config.settings.functions]
    for hazard in config.hazards:
        source = getattr(hazard, hazard.source)
        named += [v for k, v in source.model_dump().items() if k in _PATH_KEYS]
    named += [m.functions for m in config.methodologies]
    named += [s.hazard_changes for s in config.scenarios] + [
        s.exposure_growth for s in config.scenarios
    ]
    return paths + [region.path(p) for p in named if p]


_PATH_KEYS = {"hand", "path", "terrain", "maps", "events", "centroids", "intensity"}
