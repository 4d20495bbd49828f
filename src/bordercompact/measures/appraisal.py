"""What each measure is worth to each party: the impact it avoids on every risk line, now
and in the future scenario, and the present value of its benefits and costs.

Money: benefits are the avoided expected annual impact of the risk lines counted in the
region currency, and of lines of people (deaths) at the appraisal's agreed value per
unit; lines without one (people affected) are reported as avoided per year beside them.
Before a deal shares the costs (the negotiation stage), each measure's capital and
running costs are borne by its host party, and an insurance layer's premium by the
parties it pays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from bordercompact.equity.distribution import (
    UNKNOWN_QUINTILE,
    concentration_index,
    share_to_most_vulnerable,
    split_by_party_and_quintile,
)
from bordercompact.equity.pipeline import EquityRun, per_zone
from bordercompact.measures.apply import (
    Resolved,
    ZoneHazard,
    ZoneReduction,
    ZoneVulnerability,
    avoided_impact,
)
from bordercompact.measures.effects import IntensityChange, changed_events, transferred_layer
from bordercompact.measures.model import (
    AppraisalSettings,
    ExposureEffect,
    HazardEffect,
    Measure,
    MeasuresConfig,
    PeopleEffect,
    RiskTransferEffect,
    VulnerabilityEffect,
    prerequisites,
    yearly_discount_rates,
)
from bordercompact.measures.reach import FacilityReach
from bordercompact.measures.value import (
    AppraisalError,
    benefit_cost_ratio,
    net_present_value,
    time_weights,
    year_rate_factors,
    yearly_risk,
)
from bordercompact.measures.zones import inside, zone_polygons
from bordercompact.region.load import Region
from bordercompact.risk.hazard import Hazard
from bordercompact.risk.pipeline import PRESENT, RiskLine

TOTAL = "total"


@dataclass(frozen=True)
class Insured:
    """The insurance layers of an outcome (per measure id) and the impact they pay on:
    the line's impact per event and party, less what the measures' effects avoid."""

    layers: tuple[tuple[str, RiskTransferEffect], ...]
    frequency: np.ndarray = field(repr=False)  # per event, per year
    before: np.ndarray = field(repr=False)  # events × parties: the line's impact
    change: np.ndarray = field(repr=False)  # events × parties: what the effects avoid


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
    # per year, (measure, party) → what the party pays for the measure's insurance layers:
    # cost_factor × the layers' expected payout to it
    premiums: dict[tuple[str, str], float] = field(default_factory=dict)
    # per party: households displaced by a buy-out (from the assets' households field)
    households_by_party: dict[str, float] = field(default_factory=dict)
    assets_removed: int = 0  # by buy-outs
    households_removed: np.ndarray | None = field(default=None, repr=False)  # per touched asset
    insured: Insured | None = field(default=None, repr=False)
    paid_by_party: dict[str, float] = field(default_factory=dict)  # by the layers, per year

    @property
    def premium(self) -> float:
        """The yearly premium of every insurance layer of the outcome's measures."""
        return sum(self.premiums.values())

    @property
    def households_displaced(self) -> float:
        return sum(self.households_by_party.values())


def set_label(ids: Iterable[str]) -> str:
    """How a set of measures is named in tables: its ids in order, joined by "+"."""
    return "+".join(sorted(ids))


def line_effects(
    measure: Measure,
    line: RiskLine,
    region: Region,
    layers: dict[str, gpd.GeoDataFrame],
    reach: FacilityReach | None = None,
    design_hazard: Hazard | None = None,
) -> list[Resolved]:
    """The measure's effects on one risk line, resolved to centroids and assets (people
    within reach of facilities by ``reach``, the region's access analysis; the events a
    design return period covers by ``design_hazard``, the present event set of the
    line's hazard, on which the measure is built)."""
    inputs = line.inputs
    lon, lat = inputs.exposures.lon, inputs.exposures.lat
    resolved: list[Resolved] = []
    for effect in measure.effects:
        if isinstance(effect, HazardEffect) and effect.hazard == line.hazard:
            polygon = zone_polygons(effect.zone, region, layers)
            centroids = inputs.hazard.centroids
            within = inside(polygon, centroids.lon, centroids.lat)
            change = IntensityChange(effect.scale, effect.shift, effect.up_to_return_period)
            events = changed_events(inputs.hazard, within, change, design_hazard=design_hazard)
            resolved.append(ZoneHazard(within, change, events))
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
            resolved.append(
                ZoneReduction(removed, 1.0, _households(effect, measure, line), bought_out=True)
            )
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
                    raise AppraisalError(
                        f"measures.toml: measure {measure.id!r} acts within reach of "
                        f"{effect.within_minutes_of!r} facilities; expected the region's "
                        "access analysis (equity.toml) to appraise it"
                    )
                party = inputs.exposures.party
                chosen &= reach.newly_within(
                    effect.within_minutes_of, effect.new_facilities, measure, lon, lat, party
                )
            resolved.append(ZoneReduction(chosen, effect.reduction))
    return resolved


def _class_field(line: RiskLine) -> str:
    """The field whose terms pick a line's damage curves (its by_field in risk.toml)."""
    impact = next(i for i in line.assets.spec.impacts if i.hazard == line.hazard)
    if impact.by_field is None:
        raise AppraisalError(
            f"risk.toml: exposure {line.exposure!r} picks one function for all assets; "
            "expected by_field for a measure that changes some classes only"
        )
    return impact.by_field


def line_outcome(
    measures: list[Measure],
    line: RiskLine,
    effects: list[Resolved],
    by_centroid: sp.csc_matrix | None = None,
) -> Outcome | None:
    """What a set of measures avoids together on one risk line (``effects``: all of their
    effects resolved on it, :func:`line_effects`; ``by_centroid``: the line's intensity by
    centroid, for speed); None if they do not act on it."""
    transfers = [
        (measure.id, e)
        for measure in measures
        for e in measure.effects
        if isinstance(e, RiskTransferEffect)
        and (e.hazard, e.exposure) == (line.hazard, line.exposure)
        and line.result == "impact"
    ]
    if not effects and not transfers:
        return None
    return _outcome(set_label(m.id for m in measures), line, effects, transfers, by_centroid)


def _outcome(
    label: str,
    line: RiskLine,
    effects: list[Resolved],
    transfers: list[tuple[str, RiskTransferEffect]],
    by_centroid: sp.csc_matrix | None = None,
) -> Outcome:
    """What measures avoid on ``line``: the impact their effects avoid on the assets they
    touch, then what their insurance layers (per measure id) pay of the impact that
    remains."""
    exposures = line.inputs.exposures
    parties = list(line.impact.parties)
    change = np.zeros_like(line.impact.at_event_by_party)
    avoided_by_party = dict.fromkeys(parties, 0.0)
    mask = np.zeros(exposures.size, dtype=bool)
    avoided_eai = np.zeros(0)
    if effects:
        avoided = avoided_impact(line.inputs, effects, by_centroid=by_centroid)
        mask = avoided.touched
        avoided_eai = avoided.before.eai_exp - avoided.after.eai_exp
        avoided_by_party.update(avoided.avoided_by_party())
        by_event = avoided.before.at_event_by_party - avoided.after.at_event_by_party
        for column, party in enumerate(avoided.before.parties):
            change[:, parties.index(party)] = by_event[:, column]
    households_by_party: dict[str, float] = {}
    bought = np.zeros(exposures.size, dtype=bool)
    removed_households = np.zeros(exposures.size)
    for e in effects:
        if isinstance(e, ZoneReduction) and e.bought_out:
            bought |= e.assets
            if e.households is not None:
                removed_households = np.where(e.assets, e.households, removed_households)
                counted = pd.Series(e.households[e.assets]).groupby(exposures.party[e.assets])
                for owner, households in counted.sum().items():
                    key = str(owner)
                    households_by_party[key] = households_by_party.get(key, 0.0) + households
    insured: Insured | None = None
    paid_by_party: dict[str, float] = {}
    premiums: dict[tuple[str, str], float] = {}
    if transfers:
        insured = Insured(
            tuple(transfers), line.impact.frequency, line.impact.at_event_by_party, change
        )
        paid, premiums = layer_payouts(insured.before - change, insured, parties)
        paid_by_party = dict(zip(parties, paid.tolist(), strict=True))
        for party, amount in paid_by_party.items():
            avoided_by_party[party] += amount
    return Outcome(
        measure=label,
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
        premiums=premiums,
        households_by_party=households_by_party,
        assets_removed=int(bought.sum()),
        households_removed=removed_households[mask] if households_by_party else None,
        insured=insured,
        paid_by_party=paid_by_party,
    )


def layer_payouts(
    remaining: np.ndarray, insured: Insured, parties: list[str]
) -> tuple[np.ndarray, dict[tuple[str, str], float]]:
    """What the insurance layers pay a year per party on the ``remaining`` impact (events ×
    ``parties``), each layer on what the ones before it leave, and each party's yearly
    premium per measure: the cost factor × the expected payout of the measure's layers to
    that party (each party buys the cover it receives)."""
    left = remaining.copy()
    paid = np.zeros(left.shape[1])
    premiums: dict[tuple[str, str], float] = {}
    for measure_id, transfer in insured.layers:
        layer = transferred_layer(left, transfer.attachment, transfer.cover)
        payout = insured.frequency @ layer  # per party and year
        paid += payout
        for party, amount in zip(parties, payout.tolist(), strict=True):
            key = (measure_id, party)
            premiums[key] = premiums.get(key, 0.0) + transfer.cost_factor * amount
        left -= layer
    return paid, premiums


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


def yearly_capital(measure: Measure, settings: AppraisalSettings) -> np.ndarray:
    """Per year of the appraisal: the capital cost spread evenly over the construction
    years (region currency, nominal)."""
    years = np.arange(settings.first_year, settings.last_year + 1)
    building = np.isin(years, measure.construction_years)
    return np.where(building, measure.capital_cost / len(set(measure.construction_years)), 0.0)


def yearly_operating(measure: Measure, settings: AppraisalSettings) -> np.ndarray:
    """Per year of the appraisal: the operation and maintenance cost while the measure
    works (region currency, nominal)."""
    return active_years(measure, settings) * measure.annual_cost


def yearly_costs(measure: Measure, settings: AppraisalSettings) -> np.ndarray:
    """Per year of the appraisal: capital (:func:`yearly_capital`) and operation and
    maintenance (:func:`yearly_operating`)."""
    return yearly_capital(measure, settings) + yearly_operating(measure, settings)


def scenario_weights(settings: AppraisalSettings) -> np.ndarray:
    """Per year, how far the risk has moved from the present to the future scenario:
    ((year − first) / (future year − first))^p (:func:`time_weights`, CLIMADA's cost–benefit
    time dependence), held at 1 after the future year; 0 throughout without a future
    scenario."""
    n_years = settings.last_year - settings.first_year + 1
    if settings.future_year is None:
        return np.zeros(n_years)
    span = settings.future_year - settings.first_year
    if span <= 0:
        return np.ones(n_years)
    toward = time_weights(span + 1, settings.time_exponent)
    return np.concatenate([toward, np.ones(max(n_years - span - 1, 0))])[:n_years]


def appraise(
    config: MeasuresConfig,
    outcomes_of: Callable[[frozenset[str]], list[Outcome]],
    parties: list[str],
    currency: str,
) -> pd.DataFrame:
    """Per measure and party (and ``total``): :func:`set_value` of each measure, on top of
    the measures it requires (:func:`prerequisites`; ``on_top_of`` names them): a
    measure that needs another is worth what it adds to it, and costs its own costs."""
    rows = []
    for measure in config.measures:
        given = prerequisites(measure, config)
        alone = set_value([*given, measure], config.appraisal, outcomes_of, parties, currency)
        if given:
            before = set_value(given, config.appraisal, outcomes_of, parties, currency)
            alone = [_added(row, base) for row, base in zip(alone, before, strict=True)]
        for row in alone:
            row.update(
                measure=measure.id,
                host=measure.host,
                on_top_of="+".join(m.id for m in given),
            )
        rows += alone
    return pd.DataFrame(rows).drop(columns="cost_per_year")


def _added(row: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """What a set's row adds to the row of the set without one measure: the differences
    of its present values and yearly amounts, and the NPV and BCR of those."""
    added = dict(row)
    for key in (
        "benefit",
        "cost",
        "cost_per_year",
        "avoided_per_year_present",
        "avoided_per_year_future",
        "co_benefit_value",
    ):
        added[key] = row[key] - base[key]
    added["npv"] = net_present_value(added["benefit"], added["cost"])
    added["bcr"] = benefit_cost_ratio(added["benefit"], added["cost"])
    return added


def set_value(
    measures: list[Measure],
    settings: AppraisalSettings,
    outcomes_of: Callable[[frozenset[str]], list[Outcome]],
    parties: list[str],
    currency: str,
) -> list[dict[str, Any]]:
    """What a set of measures built together is worth, per party and in ``total``: the
    present value of the avoided impact in money (``benefit``; each year, of the measures
    working that year, computed together by ``outcomes_of``), of the costs (``cost``: each
    measure's to its host, before a deal shares them; insurance premiums included),
    ``npv`` and ``bcr``, the nominal cost of each year (``cost_per_year``, an array), the
    avoided impact in money per year of the whole set now and in
    the future scenario, and (``total`` row) the present value of the co-benefits the
    manifest prices (``co_benefit_value``, not in the NPV). Lines of people count in money
    at the appraisal's ``unit_values`` (a value of statistical life for deaths) where
    given; otherwise they are only in the outcomes."""
    factors = year_rate_factors(yearly_discount_rates(settings))
    weights = scenario_weights(settings)
    working = {m.id: active_years(m, settings) for m in measures}
    every = frozenset(working)
    each_year = [frozenset(i for i, on in working.items() if on[t]) for t in range(len(weights))]
    avoided: dict[tuple[frozenset[str], str], tuple[float, float]] = {}  # (set, party)
    # (set, (measure, party)) → the party's premium for the measure's layers
    premiums: dict[tuple[frozenset[str], Any], tuple[float, float]] = {}
    for working_set in {*each_year, every} - {frozenset()}:
        found = outcomes_of(working_set)
        money = [o for o in found if o.unit == currency]
        valued = [(o, money_per_unit(o.unit, settings, currency)) for o in found]
        for party in [TOTAL, *parties]:
            avoided[(working_set, party)] = (
                _avoided(valued, PRESENT, party),
                _avoided(valued, settings.future_scenario, party),
            )
        for measure_id in working_set:
            for party in parties:
                key = (measure_id, party)
                premiums[(working_set, key)] = (
                    sum(o.premiums.get(key, 0.0) for o in money if o.scenario == PRESENT),
                    sum(
                        o.premiums.get(key, 0.0)
                        for o in money
                        if o.scenario == settings.future_scenario
                    ),
                )

    def yearly(values: dict[tuple[frozenset[str], Any], tuple[float, float]], key: Any) -> Any:
        now, later = np.array([values.get((s, key), (0.0, 0.0)) for s in each_year]).T
        return yearly_risk(now, later, weights)

    cost_to: dict[str, np.ndarray] = {p: np.zeros(len(weights)) for p in parties}
    for measure in measures:
        cost_to[measure.host] = cost_to.get(measure.host, 0.0) + yearly_costs(measure, settings)
        for party in parties:
            cost_to[party] = cost_to[party] + yearly(premiums, (measure.id, party))
    cost_to[TOTAL] = sum(cost_to.values(), np.zeros(len(weights)))
    co_benefits = sum(
        float(active @ factors)
        * sum(
            amount * settings.co_benefit_values.get(name, 0.0)
            for name, amount in measure.co_benefits.items()
        )
        for measure, active in zip(measures, working.values(), strict=True)
    )
    rows = []
    for party in [TOTAL, *parties]:
        benefit = float(yearly(avoided, party) @ factors)
        their_cost = float(cost_to.get(party, np.zeros(len(weights))) @ factors)
        now, later = avoided.get((every, party), (0.0, 0.0))
        rows.append(
            {
                "measure": set_label(working),
                "party": party,
                "host": "+".join(sorted({m.host for m in measures})),
                "benefit": benefit,
                "cost": their_cost,
                "npv": net_present_value(benefit, their_cost),
                "bcr": benefit_cost_ratio(benefit, their_cost),
                "avoided_per_year_present": now,
                "avoided_per_year_future": later,
                "co_benefit_value": co_benefits if party == TOTAL else 0.0,
                # nominal, per year of the appraisal (for budgets; not in appraisal.csv)
                "cost_per_year": cost_to.get(party, np.zeros(len(weights))),
            }
        )
    return rows


def money_per_unit(unit: str, settings: AppraisalSettings, currency: str) -> float:
    """What one unit of a risk line's impact is worth in the region currency: 1 for money,
    the appraisal's ``unit_values`` for others (e.g. deaths), 0 where none is agreed."""
    return 1.0 if unit == currency else settings.unit_values.get(unit, 0.0)


def _avoided(outcomes: list[tuple[Outcome, float]], scenario: str | None, party: str) -> float:
    """The avoided impact in money per year of ``outcomes`` (each with its money per unit)
    under ``scenario`` (0 without one), for a party or in total."""
    return sum(
        value
        * (
            sum(o.avoided_by_party.values())
            if party == TOTAL
            else o.avoided_by_party.get(party, 0.0)
        )
        for o, value in outcomes
        if scenario is not None and o.scenario == scenario and value != 0
    )


def gains_by_quintile(outcomes: list[Outcome], equity: EquityRun) -> pd.DataFrame:
    """Who gains from each measure by social vulnerability, per present risk line: its
    avoided impact per year summed per census zone, split by party and SVI quintile
    (:func:`split_by_party_and_quintile`, with each cell's share of the people), and for
    a buy-out the households it displaces, split the same way (``what``)."""
    zones = equity.zones
    party = zones["party"].astype(str).to_numpy()
    svi, people = zones["svi"].to_numpy(), zones["population"].to_numpy()
    tables = []
    for outcome in outcomes:
        if outcome.scenario != PRESENT:
            continue
        where = (outcome.feature_id, outcome.lon, outcome.lat, zones)
        amounts = {"avoided": (per_zone(outcome.avoided_eai, *where), outcome.unit)}
        if outcome.households_removed is not None:
            displaced = per_zone(outcome.households_removed, *where)
            amounts["households displaced"] = (displaced, "households")
        for what, (per_zone_amount, unit) in amounts.items():
            table = split_by_party_and_quintile(per_zone_amount, party, svi, weights=people)
            tables.append(
                table.rename(columns={"weight": "people", "weight_share": "people_share"}).assign(
                    measure=outcome.measure,
                    hazard=outcome.hazard,
                    exposure=outcome.exposure,
                    what=what,
                    unit=unit,
                )
            )
    if not tables:
        return pd.DataFrame()
    table = pd.concat(tables, ignore_index=True)
    first = ["measure", "hazard", "exposure", "what", "unit"]
    return table[first + [c for c in table.columns if c not in first]]


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
