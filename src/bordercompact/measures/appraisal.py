"""What each measure is worth to each party: the impact it avoids on every risk line, now
and in the future scenario, and the present value of its benefits and costs.

Money: benefits are the avoided expected annual impact of the risk lines counted in the
region currency; lines of people (deaths, people affected) are reported as avoided per
year beside them. Before a deal shares the costs (the negotiation stage), each measure's
cost is borne by its host party.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bordercompact.equity.config import EquityConfig
from bordercompact.equity.distribution import (
    UNKNOWN_QUINTILE,
    concentration_index,
    share_to_most_vulnerable,
)
from bordercompact.equity.pipeline import EquityRun, per_zone
from bordercompact.measures.apply import (
    Resolved,
    ZoneHazard,
    ZoneReduction,
    ZoneVulnerability,
    avoided_impact,
)
from bordercompact.measures.effects import IntensityChange, transferred_layer
from bordercompact.measures.model import (
    AppraisalSettings,
    ExposureEffect,
    HazardEffect,
    Measure,
    MeasuresConfig,
    PeopleEffect,
    RiskTransferEffect,
    VulnerabilityEffect,
    yearly_discount_rates,
)
from bordercompact.measures.reach import FacilityReach
from bordercompact.measures.value import (
    AppraisalError,
    benefit_cost_ratio,
    discount_factors,
    net_present_value,
)
from bordercompact.measures.zones import inside, zone_polygons
from bordercompact.region.load import Region
from bordercompact.risk.pipeline import HARMONIZED, PRESENT, RiskLine, RiskRun

TOTAL = "total"


@dataclass(frozen=True)
class Outcome:
    """What one measure avoids on one risk line under one scenario, per year."""

    measure: str
    scenario: str
    hazard: str
    exposure: str
    result: str
    unit: str
    avoided_by_party: dict[str, float]
    touched_assets: int
    feature_id: np.ndarray = field(repr=False)  # the touched assets'
    lon: np.ndarray = field(repr=False)
    lat: np.ndarray = field(repr=False)
    avoided_eai: np.ndarray = field(repr=False)  # per touched asset, per year
    premium: float = 0.0  # per year, for an insurance layer (cost_factor × expected payout)
    households_displaced: float = 0.0  # by a buy-out, from the assets' households field


def line_effects(
    measure: Measure,
    line: RiskLine,
    region: Region,
    layers: dict[str, gpd.GeoDataFrame],
    reach: FacilityReach | None = None,
) -> list[Resolved]:
    """The measure's effects on one risk line, resolved to centroids and assets (people
    within reach of facilities by ``reach``, the region's access analysis)."""
    inputs = line.inputs
    lon, lat = inputs.exposures.lon, inputs.exposures.lat
    resolved: list[Resolved] = []
    for effect in measure.effects:
        if isinstance(effect, HazardEffect) and effect.hazard == line.hazard:
            polygon = zone_polygons(effect.zone, region, layers)
            centroids = inputs.hazard.centroids
            resolved.append(
                ZoneHazard(
                    inside(polygon, centroids.lon, centroids.lat),
                    IntensityChange(effect.scale, effect.shift, effect.up_to_return_period),
                )
            )
        elif (
            isinstance(effect, VulnerabilityEffect)
            and (effect.hazard, effect.exposure) == (line.hazard, line.exposure)
            and line.result == "impact"
        ):
            chosen = inside(zone_polygons(effect.zone, region, layers), lon, lat)
            if effect.classes:
                field = _class_field(line)
                chosen &= np.isin(line.assets.frame[field].astype(str).to_numpy(), effect.classes)
            resolved.append(
                ZoneVulnerability(
                    chosen,
                    (effect.mdd_scale, effect.mdd_shift),
                    (effect.paa_scale, effect.paa_shift),
                )
            )
        elif isinstance(effect, ExposureEffect) and effect.exposure == line.exposure:
            removed = inside(zone_polygons(effect.zone, region, layers), lon, lat)
            resolved.append(ZoneReduction(removed, 1.0, _households(effect, measure, line)))
        elif isinstance(effect, PeopleEffect) and (effect.hazard, effect.exposure) == (
            line.hazard,
            line.exposure,
        ):
            chosen = (
                np.ones(inputs.exposures.size, dtype=bool)
                if effect.zone is None
                else inside(zone_polygons(effect.zone, region, layers), lon, lat)
            )
            if effect.within_minutes_of is not None:
                if reach is None:
                    reach = FacilityReach(region, layers, None)
                party = inputs.exposures.party
                chosen &= reach.newly_within(effect, measure, lon, lat, party)
            resolved.append(ZoneReduction(chosen, effect.reduction))
    return resolved


def _class_field(line: RiskLine) -> str:
    """The field whose terms pick a line's damage curves (its by_field in risk.toml)."""
    impact = next(i for i in line.assets.spec.impacts if i.hazard == line.hazard)
    if impact.by_field is None:
        raise ValueError(
            f"risk.toml: exposure {line.exposure!r} picks one function for all assets; "
            "expected by_field for a measure that changes some classes only"
        )
    return impact.by_field


def measure_outcomes(
    config: MeasuresConfig,
    region: Region,
    layers: dict[str, gpd.GeoDataFrame],
    risk: RiskRun,
    equity: EquityConfig | None = None,
) -> list[Outcome]:
    """Every measure on every harmonized risk line it touches, for the present and the
    appraisal's future scenario (``equity``: the access analysis of measures that act on
    the people within reach of facilities)."""
    scenarios = {PRESENT, config.appraisal.future_scenario} - {None}
    reach = FacilityReach(region, layers, equity)
    outcomes = []
    for measure in config.measures:
        for line in risk.lines:
            if line.methodology != HARMONIZED or line.scenario not in scenarios:
                continue
            effects = line_effects(measure, line, region, layers, reach)
            transfers = [
                e
                for e in measure.effects
                if isinstance(e, RiskTransferEffect)
                and (e.hazard, e.exposure) == (line.hazard, line.exposure)
                and line.result == "impact"
            ]
            if not effects and not transfers:
                continue
            outcomes.append(_outcome(measure, line, effects, transfers))
    return outcomes


def _outcome(
    measure: Measure, line: RiskLine, effects: list[Resolved], transfers: list[RiskTransferEffect]
) -> Outcome:
    """What ``measure`` avoids on ``line``: the impact its effects avoid on the assets they
    touch, then what its insurance layers pay of the impact that remains."""
    exposures = line.inputs.exposures
    parties = list(line.impact.parties)
    remaining = line.impact.at_event_by_party.copy()
    avoided_by_party = dict.fromkeys(parties, 0.0)
    mask = np.zeros(exposures.size, dtype=bool)
    avoided_eai = np.zeros(0)
    if effects:
        avoided = avoided_impact(line.inputs, effects)
        mask = avoided.touched
        avoided_eai = avoided.before.eai_exp - avoided.after.eai_exp
        avoided_by_party.update(avoided.avoided_by_party())
        change = avoided.before.at_event_by_party - avoided.after.at_event_by_party
        for column, party in enumerate(avoided.before.parties):
            remaining[:, parties.index(party)] -= change[:, column]
    households = sum(
        float(e.households[e.assets].sum())
        for e in effects
        if isinstance(e, ZoneReduction) and e.households is not None
    )
    premium = 0.0
    for transfer in transfers:
        layer = transferred_layer(remaining, transfer.attachment, transfer.cover)
        paid = line.impact.frequency @ layer  # per party and year
        for party, amount in zip(parties, paid, strict=True):
            avoided_by_party[party] += float(amount)
        premium += transfer.cost_factor * float(paid.sum())
        remaining -= layer
    return Outcome(
        measure=measure.id,
        scenario=line.scenario,
        hazard=line.hazard,
        exposure=line.exposure,
        result=line.result,
        unit=line.unit,
        avoided_by_party=avoided_by_party,
        touched_assets=int(mask.sum()),
        feature_id=exposures.asset_id[mask],
        lon=exposures.lon[mask],
        lat=exposures.lat[mask],
        avoided_eai=avoided_eai,
        premium=premium,
        households_displaced=households,
    )


def _households(effect: ExposureEffect, measure: Measure, line: RiskLine) -> np.ndarray | None:
    """The households of each asset of a buy-out's exposure (its ``households_field``),
    or None when the buy-out does not count them."""
    field = effect.households_field
    if field is None:
        return None
    if field not in line.assets.frame:
        raise AppraisalError(
            f"measures.toml: measure {measure.id!r}: households_field {field!r} is not a "
            f"field of exposure {line.exposure!r}"
        )
    return pd.to_numeric(line.assets.frame[field], errors="coerce").fillna(0.0).to_numpy()


def active_years(measure: Measure, settings: AppraisalSettings) -> np.ndarray:
    """Per year of the appraisal, whether the measure works: from the year after its
    construction ends, for its lifetime."""
    years = np.arange(settings.first_year, settings.last_year + 1)
    start = max(measure.construction_years) + 1
    return (years >= start) & (years < start + measure.lifetime_years)


def yearly_costs(measure: Measure, settings: AppraisalSettings) -> np.ndarray:
    """Per year of the appraisal: the capital cost spread evenly over the construction
    years, and the yearly cost while the measure works (region currency)."""
    years = np.arange(settings.first_year, settings.last_year + 1)
    building = np.isin(years, measure.construction_years)
    return (
        np.where(building, measure.capital_cost / len(set(measure.construction_years)), 0.0)
        + active_years(measure, settings) * measure.annual_cost
    )


def scenario_weights(settings: AppraisalSettings) -> np.ndarray:
    """Per year, how far the risk has moved from the present to the future scenario:
    ((year − first) / (future year − first))^p, held at 1 after the future year
    (CLIMADA's cost–benefit time dependence); 0 throughout without a future scenario."""
    years = np.arange(settings.first_year, settings.last_year + 1)
    if settings.future_year is None or settings.future_year <= settings.first_year:
        return np.zeros(len(years)) if settings.future_year is None else np.ones(len(years))
    span = settings.future_year - settings.first_year
    return np.clip((years - settings.first_year) / span, 0.0, 1.0) ** settings.time_exponent


def appraise(
    config: MeasuresConfig, outcomes: list[Outcome], parties: list[str], currency: str
) -> pd.DataFrame:
    """Per measure and party (and ``total``): the present value of the avoided impact in
    money (``benefit``), of the costs (``cost``: the host's, before a deal shares them),
    ``npv`` and ``bcr``, the avoided impact in money per year now and in the future
    scenario, and (``total`` row) the present value of the co-benefits the manifest prices
    (``co_benefit_value``, not in the NPV). Lines of people are in the outcomes."""
    settings = config.appraisal
    factors = discount_factors(yearly_discount_rates(settings))
    weights = scenario_weights(settings)
    rows = []
    for measure in config.measures:
        active = active_years(measure, settings)
        cost = float(yearly_costs(measure, settings) @ factors)
        money = [o for o in outcomes if o.measure == measure.id and o.unit == currency]
        co_benefits = sum(
            amount * settings.co_benefit_values.get(name, 0.0)
            for name, amount in measure.co_benefits.items()
        )
        premium_now = sum(o.premium for o in money if o.scenario == PRESENT)
        premium_later = sum(o.premium for o in money if o.scenario == settings.future_scenario)
        if settings.future_scenario is None:
            premium_later = premium_now
        premiums = (premium_now + (premium_later - premium_now) * weights) * active
        measure_cost = cost + float(premiums @ factors)
        for party in [TOTAL, *parties]:
            now = _avoided(money, PRESENT, party)
            later = _avoided(money, settings.future_scenario, party)
            benefit = float(((now + (later - now) * weights) * active) @ factors)
            their_cost = measure_cost if party in (TOTAL, measure.host) else 0.0
            rows.append(
                {
                    "measure": measure.id,
                    "party": party,
                    "host": measure.host,
                    "benefit": benefit,
                    "cost": their_cost,
                    "npv": net_present_value(benefit, their_cost),
                    "bcr": benefit_cost_ratio(benefit, their_cost),
                    "avoided_per_year_present": now,
                    "avoided_per_year_future": later,
                    "co_benefit_value": float(co_benefits * active @ factors)
                    if party == TOTAL
                    else 0.0,
                }
            )
    return pd.DataFrame(rows)


def _avoided(outcomes: list[Outcome], scenario: str | None, party: str) -> float:
    """The avoided impact per year of ``outcomes`` under ``scenario`` (0 without one), for a
    party or in total."""
    return sum(
        sum(o.avoided_by_party.values()) if party == TOTAL else o.avoided_by_party.get(party, 0.0)
        for o in outcomes
        if scenario is not None and o.scenario == scenario
    )


def benefit_distribution(outcomes: list[Outcome], equity: EquityRun) -> pd.DataFrame:
    """Who gains from each measure, per present risk line: its avoided impact summed per
    census zone, with its concentration index over people ranked from least to most
    vulnerable (positive: the gains go mostly to the more vulnerable) and the share going
    to the most vulnerable 20 % of people."""
    zones = equity.zones
    known = zones["quintile"].to_numpy() != UNKNOWN_QUINTILE
    people = zones["population"].to_numpy()
    rows = []
    for outcome in outcomes:
        if outcome.scenario != PRESENT:
            continue
        gains = per_zone(outcome.avoided_eai, outcome.feature_id, outcome.lon, outcome.lat, zones)
        index, share = float("nan"), float("nan")
        if gains[known].sum() > 0 and (people[known] > 0).any():
            svi = zones["svi"].to_numpy()[known]
            index = concentration_index(gains[known], svi, people[known])
            share = share_to_most_vulnerable(gains[known], svi, people[known])
        rows.append(
            {
                "measure": outcome.measure,
                "hazard": outcome.hazard,
                "exposure": outcome.exposure,
                "result": outcome.result,
                "unit": outcome.unit,
                "avoided_in_zones": float(gains.sum()),
                "concentration_index": index,
                "share_most_vulnerable_20pct": share,
            }
        )
    return pd.DataFrame(rows)


def interaction_groups(outcomes: list[Outcome]) -> list[list[str]]:
    """The measures that interact, in groups: two measures interact when they touch a
    common asset of a risk line (overlapping footprints, a levee and the floodproofing
    behind it), and the relation is carried through (a touches b, b touches c). Measures
    of different groups add up; a group's subsets must be computed together. Sorted by
    the groups' first measure."""
    measures = sorted({o.measure for o in outcomes})
    position = {m: i for i, m in enumerate(measures)}
    owners: dict[tuple[str, str, str, str], list[int]] = {}
    for outcome in outcomes:
        for asset in outcome.feature_id:
            key = (outcome.scenario, outcome.hazard, outcome.exposure, str(asset))
            owners.setdefault(key, []).append(position[outcome.measure])
    rows, cols = [], []
    for sharing in owners.values():
        rows += sharing[:-1]
        cols += sharing[1:]
    links = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(measures),) * 2)
    _, label = connected_components(links, directed=False)
    groups: dict[int, list[str]] = {}
    for measure, group in zip(measures, label, strict=True):
        groups.setdefault(int(group), []).append(measure)
    return sorted(groups.values())
