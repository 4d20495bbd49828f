"""What can be chosen: for each group of interacting measures, the subsets that can be
built together (one of each group of alternatives; a measure with the prerequisites of its
group), each computed jointly (:class:`bordercompact.measures.combinations.MeasureSets`)
and valued per party. Measures of different groups add up, so a portfolio is one option
per group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from bordercompact.equity.distribution import svi_quintile
from bordercompact.equity.pipeline import EquityRun, per_zone
from bordercompact.equity.svi import percentile_rank
from bordercompact.measures.appraisal import TOTAL, money_per_unit, set_value
from bordercompact.measures.combinations import MeasureSets, interaction_groups
from bordercompact.measures.model import Measure, Zone
from bordercompact.measures.zones import zone_polygons
from bordercompact.region.load import Region
from bordercompact.risk.pipeline import PRESENT, Progress

#: The SVI quintile of a party's most vulnerable census zones (:func:`own_quintile`).
MOST_VULNERABLE = 5


@dataclass(frozen=True)
class Option:
    """A subset of one group of interacting measures, built together."""

    group: int
    measures: frozenset[str]
    benefit: dict[str, float]  # per party, present value (region currency)
    cost: float  # present value of all its costs
    cost_by_host: dict[str, float]  # per party, before a deal (hosts and the insured)
    cost_per_year: np.ndarray = field(repr=False)  # nominal, per year of the appraisal
    households: dict[str, float] = field(default_factory=dict)  # displaced, per party
    avoided_now: dict[str, float] = field(default_factory=dict)  # money a year, present
    avoided_vulnerable: dict[str, float] = field(default_factory=dict)  # of it, in Q5 zones

    @property
    def net_benefit(self) -> float:
        return sum(self.benefit.values()) - self.cost


@dataclass
class OptionTable:
    """Every option of every group, and what is known of each measure."""

    parties: list[str]
    years: np.ndarray  # calendar years of the appraisal
    groups: list[list[str]]
    options: list[Option]
    measures: dict[str, Measure]
    notes: list[str] = field(default_factory=list)


def group_subsets(
    group: list[str], measures: dict[str, Measure], limit: int
) -> list[frozenset[str]]:
    """The non-empty subsets of a group that can be built together: at most one measure of
    each group of alternatives, and with each member's prerequisites that belong to the
    group. Smallest first; at most ``limit`` of them (the larger ones are left out)."""
    found: list[frozenset[str]] = []
    members = set(group)
    for size in range(1, len(group) + 1):
        for chosen in combinations(group, size):
            subset = frozenset(chosen)
            alternatives = [measures[m].alternatives for m in subset if measures[m].alternatives]
            if len(alternatives) != len(set(alternatives)):
                continue
            needed = {r for m in subset for r in measures[m].requires if r in members}
            if not needed <= subset:
                continue
            found.append(subset)
            if len(found) >= limit:
                return found
    return found


def option_table(
    sets: MeasureSets,
    equity: EquityRun | None,
    limit: int = 4096,
    progress: Progress | None = None,
) -> OptionTable:
    """Every buildable subset of every interaction group, computed jointly and valued per
    party (benefits and costs as present values; the nominal cost of each year; the
    households displaced per party; the avoided impact now, and of it what goes to each
    party's most vulnerable quintile of census zones when ``equity`` is given);
    ``progress`` follows the options computed."""
    config = sets.config
    measures = {m.id: m for m in config.measures}
    acting = {o.measure for o in sets.single_outcomes()}
    groups = interaction_groups(sets.single_outcomes()) + [
        [m.id] for m in config.measures if m.id not in acting
    ]
    options: list[Option] = []
    notes: list[str] = []
    subsets_of_groups = [group_subsets(group, measures, limit) for group in groups]
    total = sum(map(len, subsets_of_groups))
    for index, (group, subsets) in enumerate(zip(groups, subsets_of_groups, strict=True)):
        if len(subsets) >= limit:
            notes.append(
                f"group {', '.join(group)}: only the {limit} smallest of its subsets offered "
                "(max_group_options)"
            )
        for subset in subsets:
            options.append(_option(index, subset, sets, measures, equity))
            if progress:
                progress(len(options), total, "computing the portfolios' options")
    years = np.arange(config.appraisal.first_year, config.appraisal.last_year + 1)
    return OptionTable(sets.parties, years, groups, options, measures, notes)


def _option(
    group: int,
    subset: frozenset[str],
    sets: MeasureSets,
    measures: dict[str, Measure],
    equity: EquityRun | None,
) -> Option:
    settings = sets.config.appraisal
    chosen = [measures[m] for m in sorted(subset)]
    rows = {
        r["party"]: r
        for r in set_value(chosen, settings, sets.outcomes, sets.parties, sets.currency)
    }
    present = [o for o in sets.outcomes(subset, PRESENT)]
    households: dict[str, float] = {}
    for exposure in {o.exposure for o in present}:
        most = max(
            (o for o in present if o.exposure == exposure),
            key=lambda o: o.households_displaced,
        )
        for party, count in most.households_by_party.items():
            households[party] = households.get(party, 0.0) + count
    avoided_now = {p: 0.0 for p in sets.parties}
    vulnerable = {p: 0.0 for p in sets.parties}
    for outcome in present:
        value = money_per_unit(outcome.unit, settings, sets.currency)
        if value == 0:
            continue
        for party, amount in outcome.avoided_by_party.items():
            avoided_now[party] += value * amount
        if equity is not None and outcome.avoided_eai.size:
            zones = equity.zones
            gains = value * per_zone(
                outcome.avoided_eai, outcome.feature_id, outcome.lon, outcome.lat, zones
            )
            most_vulnerable = own_quintile(zones) == MOST_VULNERABLE
            by_party = pd.Series(gains[most_vulnerable]).groupby(
                zones["party"].astype(str).to_numpy()[most_vulnerable]
            )
            for owner, amount in by_party.sum().items():
                vulnerable[str(owner)] = vulnerable.get(str(owner), 0.0) + float(amount)
    return Option(
        group=group,
        measures=subset,
        benefit={p: float(rows[p]["benefit"]) for p in sets.parties},
        cost=float(rows[TOTAL]["cost"]),
        cost_by_host={p: float(rows[p]["cost"]) for p in sets.parties},
        cost_per_year=np.asarray(rows[TOTAL]["cost_per_year"], dtype=float),
        households=households,
        avoided_now=avoided_now,
        avoided_vulnerable=vulnerable,
    )


def own_quintile(zones: pd.DataFrame) -> np.ndarray:
    """Each census zone's SVI quintile among its own party's zones (a party's most
    vulnerable fifth, whatever the other side's index): the index re-ranked within the
    party (:func:`percentile_rank`), then cut into quintiles (:func:`svi_quintile`)."""
    ranks = zones.groupby(zones["party"].astype(str))["svi"].transform(
        lambda svi: pd.Series(percentile_rank(svi.to_numpy()), index=svi.index)
    )
    return svi_quintile(ranks.to_numpy())


def measures_in_zone(
    table: OptionTable, zone: Zone, region: Region, layers: dict[str, gpd.GeoDataFrame]
) -> set[str]:
    """The measures that act inside a zone: one of their effects' zones meets it."""
    polygon = zone_polygons(zone, region, layers)
    found = set()
    for measure in table.measures.values():
        for effect in measure.effects:
            where = getattr(effect, "zone", None)
            if where is not None and shapely.intersects(
                polygon, zone_polygons(where, region, layers)
            ):
                found.add(measure.id)
    return found
