"""Sets of measures built together: computed exactly (all their effects applied at once,
the engine re-run where they touch), each set once, and the measures that interact.

Measures of different interaction groups add up; within a group, a set's worth is its own
computation (a levee makes the floodproofing behind it worth less).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bordercompact.equity.config import EquityConfig
from bordercompact.measures.apply import Resolved, intensity_by_centroid
from bordercompact.measures.appraisal import (
    TOTAL,
    Outcome,
    line_effects,
    line_outcome,
    set_value,
)
from bordercompact.measures.model import MeasuresConfig
from bordercompact.measures.reach import FacilityReach
from bordercompact.measures.value import AppraisalError
from bordercompact.region.load import Region
from bordercompact.risk.pipeline import HARMONIZED, PRESENT, RiskLine, RiskRun


class MeasureSets:
    """The outcomes and worth of any set of a region's measures, on the harmonized risk
    lines of the present and the appraisal's future scenario. Each set is computed once
    per scenario (cached by the set and the scenario), each measure's effects resolved
    once per line."""

    def __init__(
        self,
        config: MeasuresConfig,
        region: Region,
        layers: dict[str, gpd.GeoDataFrame],
        risk: RiskRun,
        equity: EquityConfig | None = None,
    ) -> None:
        self.config = config
        self.parties = [p.id for p in region.parties]
        self.currency = region.settings.currency
        self._region, self._layers = region, layers
        self._measures = {m.id: m for m in config.measures}
        self._scenarios = [PRESENT] + [
            s for s in [config.appraisal.future_scenario] if s is not None and s != PRESENT
        ]
        self._lines = [
            line
            for line in risk.lines
            if line.methodology == HARMONIZED and line.scenario in self._scenarios
        ]
        self._reach = FacilityReach(region, layers, equity)
        # the present event set of each hazard: measures are built for its design events
        self._design = {h: hazard for (s, h), hazard in risk.hazards.items() if s == PRESENT}
        self._effects: dict[tuple[str, int], list[Resolved]] = {}
        self._by_centroid: dict[int, sp.csc_matrix] = {}  # per line, built when first needed
        self._outcomes: dict[tuple[frozenset[str], str], list[Outcome]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # a saved run's checkpoint leaves out the hazards' by-centroid copies (the largest
        # part, rebuilt in milliseconds when a set needs them)
        return {**vars(self), "_by_centroid": {}}

    @property
    def region(self) -> Region:
        return self._region

    @property
    def region_root(self) -> Path:
        return self._region.root

    @property
    def lines(self) -> list[RiskLine]:
        """The risk lines the measures are computed on (harmonized; present and future)."""
        return list(self._lines)

    def with_risk(self, risk: RiskRun) -> MeasureSets:
        """The same measures on another run of the same lines (e.g. with scaled damage
        curves): the resolved effects and the road network are shared, the outcomes not."""
        other = copy.copy(self)
        other._lines = [
            line
            for line in risk.lines
            if line.methodology == HARMONIZED and line.scenario in self._scenarios
        ]
        if [(x.scenario, x.key) for x in other._lines] != [
            (x.scenario, x.key) for x in self._lines
        ]:
            raise AppraisalError("a risk run of other lines; expected the same lines in order")
        other._outcomes = {}
        other._by_centroid = {}  # another run's hazards may differ: not shared
        return other

    @property
    def computed(self) -> int:
        """How many (set, scenario) computations the cache holds."""
        return len(self._outcomes)

    def outcomes(self, ids: Iterable[str], scenario: str | None = None) -> list[Outcome]:
        """What the measures ``ids`` avoid together, per risk line they act on, under one
        scenario (both the present and the future one without)."""
        chosen = frozenset(ids)
        unknown = sorted(chosen - set(self._measures))
        if unknown:
            raise AppraisalError(
                f"measures {', '.join(map(repr, unknown))}; expected measures of measures.toml"
            )
        scenarios = self._scenarios if scenario is None else [scenario]
        found = []
        for name in scenarios:
            if (chosen, name) not in self._outcomes:
                self._outcomes[(chosen, name)] = self._computed(chosen, name)
            found += self._outcomes[(chosen, name)]
        return found

    def _computed(self, chosen: frozenset[str], scenario: str) -> list[Outcome]:
        measures = [self._measures[i] for i in sorted(chosen)]
        found = []
        for index, line in enumerate(self._lines):
            if line.scenario != scenario:
                continue
            effects = [e for m in measures for e in self._line_effects(m.id, index)]
            if effects and index not in self._by_centroid:
                self._by_centroid[index] = intensity_by_centroid(line.inputs)
            outcome = line_outcome(measures, line, effects, self._by_centroid.get(index))
            if outcome is not None:
                found.append(outcome)
        return found

    def _line_effects(self, measure_id: str, index: int) -> list[Resolved]:
        key = (measure_id, index)
        if key not in self._effects:
            self._effects[key] = line_effects(
                self._measures[measure_id],
                self._lines[index],
                self._region,
                self._layers,
                self._reach,
                self._design.get(self._lines[index].hazard),
            )
        return self._effects[key]

    def single_outcomes(self) -> list[Outcome]:
        """Every measure alone, in the order of measures.toml."""
        return [o for m in self.config.measures for o in self.outcomes([m.id])]

    def value(self, ids: Iterable[str]) -> pd.DataFrame:
        """What the measures ``ids`` built together are worth, per party and in total
        (:func:`bordercompact.measures.appraisal.set_value`)."""
        measures = [self._measures[i] for i in sorted(set(ids))]
        return pd.DataFrame(
            set_value(measures, self.config.appraisal, self.outcomes, self.parties, self.currency)
        )

    def pairs(self) -> pd.DataFrame:
        """Every pair of interacting measures that can be built together (not alternatives
        of one group): their benefit together and apart per party, and the difference
        (``interaction``, negative when together they avoid less than the sum)."""
        alternatives = {m.id: m.alternatives for m in self.config.measures}
        rows = []
        for group in interaction_groups(self.single_outcomes()):
            for a, b in combinations(group, 2):
                if alternatives[a] is not None and alternatives[a] == alternatives[b]:
                    continue
                together = self.value([a, b]).set_index("party")["benefit"]
                apart = (
                    self.value([a]).set_index("party")["benefit"]
                    + self.value([b]).set_index("party")["benefit"]
                )
                for party in [TOTAL, *self.parties]:
                    rows.append(
                        {
                            "measure_a": a,
                            "measure_b": b,
                            "party": party,
                            "benefit_together": float(together[party]),
                            "benefit_apart": float(apart[party]),
                            "interaction": float(together[party] - apart[party]),
                        }
                    )
        return pd.DataFrame(
            rows,
            columns=[
                "measure_a",
                "measure_b",
                "party",
                "benefit_together",
                "benefit_apart",
                "interaction",
            ],
        )


def interaction_groups(outcomes: list[Outcome]) -> list[list[str]]:
    """The measures that interact, in groups: two measures interact when they touch a
    common asset of a risk line (overlapping footprints, a levee and the floodproofing
    behind it), or when one insures a risk line the other acts on (the layer pays on the
    impact the other leaves); the relation is carried through (a touches b, b touches c).
    Measures of different groups add up; a group's subsets must be computed together.
    Sorted by the groups' first measure.

    Computed as the connected parts of a graph of measures, (line, asset) pairs and
    insured lines, each measure linked to what it touches."""
    measures = sorted({o.measure for o in outcomes})
    position = {m: i for i, m in enumerate(measures)}
    lines = {(o.scenario, o.hazard, o.exposure) for o in outcomes}
    line_code = {line: i for i, line in enumerate(sorted(lines))}
    insured = {line_code[(o.scenario, o.hazard, o.exposure)] for o in outcomes if o.premiums}
    owner, touched, on_insured = [], [], []
    for outcome in outcomes:
        line = line_code[(outcome.scenario, outcome.hazard, outcome.exposure)]
        owner.append(np.full(len(outcome.feature_id), position[outcome.measure]))
        touched.append(f"{line}\x1f" + pd.Series(outcome.feature_id, dtype=str))
        if line in insured:
            on_insured.append((position[outcome.measure], line))
    assets, asset_code = np.unique(
        pd.concat(touched, ignore_index=True).to_numpy(dtype=str)
        if touched
        else np.empty(0, dtype=str),
        return_inverse=True,
    )
    n_measures = len(measures)
    line_nodes = n_measures + len(assets)
    rows = np.concatenate([*owner, [m for m, _ in on_insured]]).astype(np.int64)
    cols = np.concatenate(
        [n_measures + asset_code, [line_nodes + line for _, line in on_insured]]
    ).astype(np.int64)
    size = line_nodes + len(line_code)
    links = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    _, label = connected_components(links, directed=False)
    groups: dict[int, list[str]] = {}
    for measure, group in zip(measures, label[:n_measures], strict=True):
        groups.setdefault(int(group), []).append(measure)
    return sorted(groups.values())
