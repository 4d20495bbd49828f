"""The region's finance set-up (``finance.toml`` beside ``region.toml``): each party's
budget cycle and capital and operating budgets per fiscal year, the funding sources, and
the pooled reserve to compare with each party keeping its own."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bordercompact.finance.sources import Source
from bordercompact.region.load import Region, read_stage_config
from bordercompact.region.problems import InvalidRegionError, ProblemLog

FINANCE_CONFIG_NAME = "finance.toml"
DOC = "docs/finance-config.md"

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Level = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartyFinance(_Strict):
    id: str
    cycle: Literal["annual", "biennial"] = "annual"
    # per fiscal year (named by the year it ends in), in the party's currency; one amount
    # for every year, or per year; none: no limit
    capital_budget: Money | dict[int, Money] | None = None
    operating_budget: Money | dict[int, Money] | None = None


class Layer(_Strict):
    """A parametric layer as catastrophe pools write them: pays ``ceding`` of the loss
    between ``attachment`` and ``exhaustion`` (region currency, per party and year)."""

    attachment: Money
    exhaustion: Money
    ceding: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 1.0


class Replenishment(_Strict):
    rule: Literal["fixed", "top_up"] = "fixed"
    amount: Money = 0.0  # fixed: paid in every year; top_up: at most this a year


class ReserveSettings(_Strict):
    hazard: str  # the risk lines of risk.toml whose losses the reserve pays
    exposure: str
    years: Annotated[int, Field(ge=1000)] = 100_000
    seed: int = 0
    return_period: Annotated[float, Field(gt=1)] = 100.0  # pays losses up to the 1-in-T
    cover: Annotated[float, Field(gt=0, le=1)] = 1.0  # share of those losses it pays
    levels: list[Level] = [0.99, 0.995]  # VaR and TVaR levels for the capital
    layer: Layer | None = None
    replenishment: Replenishment = Replenishment()
    horizon_years: Annotated[int, Field(ge=1)] = 10


class FinanceSettings(_Strict):
    objective: Literal["own_outlay", "preference"] = "own_outlay"
    discount_rate: Annotated[float, Field(gt=-1, allow_inf_nan=False)] | None = None


class FinanceConfig(_Strict):
    finance: FinanceSettings = FinanceSettings()
    parties: list[PartyFinance] = []
    sources: list[Source] = Field(min_length=1)
    reserve: ReserveSettings | None = None

    def party(self, party: str) -> PartyFinance:
        return next((p for p in self.parties if p.id == party), PartyFinance(id=party))


def load_finance(region: Region) -> FinanceConfig:
    """Read and check ``finance.toml``; raise :class:`InvalidRegionError` with every
    problem found."""
    problems = ProblemLog()
    path = region.root / FINANCE_CONFIG_NAME
    config = read_stage_config(
        path,
        FinanceConfig,
        problems,
        prefix="finance-config",
        purpose="listing the funding sources and the reserve",
        doc=DOC,
        sections=("sources",),
    )
    if config is not None:
        parties = sorted(p.id for p in region.parties)
        for i, party in enumerate(config.parties):
            if party.id not in parties:
                problems.error(
                    "finance-config-reference",
                    str(path),
                    f"party {party.id!r}",
                    f"a party of region.toml: {', '.join(parties)}",
                    field=f"parties[{i}].id",
                )
        for i, source in enumerate(config.sources):
            for key, named in (
                ("party", [source.party]),
                ("eligible_parties", source.eligible_parties),
            ):
                unknown = [p for p in named if p is not None and p not in parties]
                if unknown:
                    problems.error(
                        "finance-config-reference",
                        str(path),
                        f"{key} {', '.join(map(repr, unknown))}",
                        f"parties of region.toml: {', '.join(parties)}",
                        field=f"sources[{i}].{key}",
                        features=[source.id],
                    )
        ids = [s.id for s in config.sources]
        for again in sorted({i for i in ids if ids.count(i) > 1}):
            problems.error(
                "finance-config-reference",
                str(path),
                f"source id {again!r} twice",
                "one source per id",
                field="sources.id",
                features=[again],
            )
    if config is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return config
