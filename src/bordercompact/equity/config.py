"""The region's equity set-up (``equity.toml`` beside ``region.toml``): which census
variables make the social vulnerability index, and which facilities people must reach.
Documented in ``docs/equity-config.md``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bordercompact.region.load import Region, read_stage_config
from bordercompact.region.problems import InvalidRegionError, ProblemLog

EQUITY_CONFIG_NAME = "equity.toml"
DOC = "docs/equity-config.md"

Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variable(_Strict):
    """One variable of the index: a harmonized zone field, as a share of another one
    (``per``) or as it is; ``invert`` where more means less vulnerable."""

    field: str
    per: str | None = None
    invert: bool = False


class SviTheme(_Strict):
    name: Identifier
    variables: list[str] = Field(min_length=1)


class SviSpec(_Strict):
    ranking: Literal["region", "party"] = "region"
    variables: dict[Identifier, Variable] = Field(min_length=1)
    themes: list[SviTheme] = Field(min_length=1)


class FacilityKind(_Strict):
    id: Identifier
    categories: list[str] = Field(min_length=1)
    mode: Literal["drive", "walk"] = "drive"  # walk: every link at the walking speed
    restricted: bool = False  # only the residents of the facility's own party may use it
    capacity_field: str | None = None
    catchment_minutes: Positive | None = None  # for the 2SFCA ratio, with a capacity
    threshold_minutes: Positive | None = None  # beyond it, people count as without access

    @model_validator(mode="after")
    def _catchment_with_capacity(self) -> FacilityKind:
        if (self.capacity_field is None) != (self.catchment_minutes is None):
            raise ValueError(
                "found only one of capacity_field and catchment_minutes; expected both "
                "(for the two-step floating catchment area ratio) or neither"
            )
        return self


class CrossingScenario(_Strict):
    id: Identifier
    closed: list[str] = Field(min_length=1)  # crossing ids (feature ids of the links)


class AccessSpec(_Strict):
    threshold_minutes: Positive = 15.0
    default_speed_kmh: Positive = 30.0  # links without a speed limit
    walking_speed_kmh: Positive = 4.5
    crossing_delay_minutes: NonNegative = 0.0  # every crossing's wait (border control)
    crossing_delays: dict[str, NonNegative] = {}  # per crossing, replacing the default
    facilities: list[FacilityKind] = Field(min_length=1)
    scenarios: list[CrossingScenario] = []


class EquityConfig(_Strict):
    svi: SviSpec
    access: AccessSpec | None = None


def load_equity_config(region: Region) -> EquityConfig:
    """Read and check ``equity.toml``; raise :class:`InvalidRegionError` with every problem."""
    problems = ProblemLog()
    config = read_equity_config(region, problems)
    if config is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return config


def read_equity_config(region: Region, problems: ProblemLog) -> EquityConfig | None:
    """Parse ``equity.toml``, adding its problems to ``problems``; None if it cannot be read."""
    path = region.root / EQUITY_CONFIG_NAME
    config = read_stage_config(
        path,
        EquityConfig,
        problems,
        prefix="equity-config",
        purpose="naming the index's variables and the facilities",
        doc=DOC,
    )
    if config is None:
        return None
    _check_references(config, str(path), problems)
    return None if problems.has_errors else config


def _check_references(config: EquityConfig, where: str, problems: ProblemLog) -> None:
    def error(found: str, expected: str, field: str) -> None:
        problems.error("equity-config-reference", where, found, expected, field=field)

    used = [v for t in config.svi.themes for v in t.variables]
    for i, theme in enumerate(config.svi.themes):
        for name in theme.variables:
            if name not in config.svi.variables:
                error(
                    f"variable {name!r}",
                    f"one of svi.variables: {', '.join(config.svi.variables)}",
                    f"svi.themes[{i}].variables",
                )
    for name in sorted({v for v in used if used.count(v) > 1}):
        error(f"variable {name!r} in two themes", "each variable in one theme", "svi.themes")
