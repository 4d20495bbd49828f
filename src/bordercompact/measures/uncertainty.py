"""How sure the appraisal is: the worth of measures to each party over Latin-hypercube
samples of the uncertain inputs, and which inputs matter.

Each sample draws, from the uniform ranges of ``[uncertainty]`` in ``measures.toml``:

- ``damage_scale`` k: every damage curve's MDD × k, at most 1 (CLIMADA's ``unsequa``
  convention). Computed exactly at ``damage_nodes`` scales evenly over the range (and at
  1, the appraisal's own run): the risk lines are re-run with the scaled curves and the
  measures re-computed on them; a sample between two scales takes the straight line
  between their results (exact at the nodes; the cap at 1 makes the result a curve
  between them).
- ``asset_value_scale`` v: the values of the exposures counted in money × v. Impacts are
  linear in values, so every effect's avoided impact scales by v exactly; insurance
  layers are recomputed on the scaled impact (their attachment and cover stay).
- ``effectiveness`` e, one draw per measure: the impact its physical effects (hazard,
  vulnerability, exposure, people) avoid × e; insurance pays as contracted. A set of
  measures takes, for each party, the average of its members' draws weighted by what
  each avoids alone for that party.
- ``discount_rate`` r: a constant rate in place of the appraisal's.
- ``future_weight`` f: how much of the change from the present to the future scenario
  happens, future' = present + f · (future − present) (0: the climate stays as now).

Reference: McKay, Beckman and Conover (1979), "A comparison of three methods for
selecting values of input variables in the analysis of output from a computer code",
*Technometrics* 21(2), 239–245 (Latin hypercube sampling; scipy.stats.qmc).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc, spearmanr

from bordercompact.measures.appraisal import (
    TOTAL,
    Outcome,
    layer_payouts,
    set_label,
    set_value,
)
from bordercompact.measures.combinations import MeasureSets
from bordercompact.measures.model import (
    AppraisalSettings,
    UncertaintySettings,
    prerequisites,
)
from bordercompact.measures.value import AppraisalError
from bordercompact.risk.engine import compute_impact
from bordercompact.risk.pipeline import PRESENT, RiskRun
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

#: The inputs drawn once per sample; ``effectiveness`` is drawn once per measure.
SHARED_INPUTS = ("damage_scale", "asset_value_scale", "discount_rate", "future_weight")
EFFECTIVENESS = "effectiveness"


def latin_hypercube(settings: UncertaintySettings, measures: list[str]) -> pd.DataFrame:
    """One row per sample, one column per drawn input (``effectiveness:<measure>`` per
    measure), each stratified over its range (McKay et al. 1979), seeded."""
    ranges = {
        name: (given.low, given.high)
        for name in SHARED_INPUTS
        if (given := getattr(settings, name)) is not None
    }
    if settings.effectiveness is not None:
        span = (settings.effectiveness.low, settings.effectiveness.high)
        ranges |= {f"{EFFECTIVENESS}:{m}": span for m in measures}
    if not ranges:
        raise AppraisalError(
            "measures.toml: [uncertainty] draws no input; expected at least one of "
            f"{', '.join((*SHARED_INPUTS, EFFECTIVENESS))}"
        )
    unit = qmc.LatinHypercube(d=len(ranges), seed=settings.seed).random(settings.samples)
    low, high = np.array(list(ranges.values())).T
    return pd.DataFrame(low + unit * (high - low), columns=list(ranges))


def damage_scaled_function(function: ImpactFunc, scale: float) -> ImpactFunc:
    """The curve with MDD' = min(MDD · scale, 1) (CLIMADA ``unsequa``'s MDD factor)."""
    return replace(function, mdd=np.minimum(function.mdd * scale, 1.0))


def damage_scaled_run(
    risk: RiskRun, lines: Iterable[Any], scale: float, client: Any = None
) -> RiskRun:
    """The risk run of ``lines`` with every damage curve scaled (:func:`damage_scaled_function`)
    and their impacts computed again."""
    scaled = []
    for line in lines:
        inputs = replace(
            line.inputs,
            functions=ImpactFuncSet(
                damage_scaled_function(f, scale) for f in line.inputs.functions
            ),
        )
        impact = compute_impact(
            inputs.hazard, inputs.exposures, inputs.functions, inputs.centroid, client=client
        )
        scaled.append(replace(line, inputs=inputs, impact=impact))
    return replace(risk, lines=scaled)


def damage_nodes(settings: UncertaintySettings) -> np.ndarray:
    """The damage scales computed exactly: evenly over the range, and 1 (the appraisal's
    own run) where the range holds it."""
    if settings.damage_scale is None:
        return np.ones(1)
    low, high = settings.damage_scale.low, settings.damage_scale.high
    nodes = np.linspace(low, high, settings.damage_nodes)
    return np.unique(np.append(nodes, 1.0) if low <= 1.0 <= high else nodes)


class UncertainValues:
    """The worth of any set of measures to each party in each sample."""

    def __init__(
        self,
        sets: MeasureSets,
        risk: RiskRun,
        settings: UncertaintySettings,
        client: Any = None,
    ) -> None:
        self.sets = sets
        self.samples = latin_hypercube(settings, [m.id for m in sets.config.measures])
        self.nodes = damage_nodes(settings)
        self._at = {
            float(node): sets
            if node == 1.0
            else sets.with_risk(damage_scaled_run(risk, sets.lines, float(node), client))
            for node in self.nodes
        }

    def values(self, ids: Iterable[str]) -> pd.DataFrame:
        """Per sample and party (and ``total``): ``benefit``, ``cost`` and ``npv`` of the
        measures ``ids`` built together (present values, region currency)."""
        chosen = sorted(set(ids))
        measures = [m for m in self.sets.config.measures if m.id in chosen]
        rows = []
        columns = list(self.samples.columns)
        for index, drawn_values in enumerate(self.samples.itertuples(index=False)):
            drawn = dict(zip(columns, map(float, drawn_values), strict=True))
            settings = _settings(self.sets.config.appraisal, drawn)
            for row in set_value(
                measures,
                settings,
                self._outcomes_with(drawn),
                self.sets.parties,
                self.sets.currency,
            ):
                rows.append(
                    {
                        "measure": set_label(chosen),
                        "sample": index,
                        "party": row["party"],
                        "benefit": row["benefit"],
                        "cost": row["cost"],
                        "npv": row["npv"],
                    }
                )
        return pd.DataFrame(rows)

    def measure_values(self, measure_id: str) -> pd.DataFrame:
        """Per sample and party: what one measure is worth on top of the measures it
        requires (as :func:`bordercompact.measures.appraisal.appraise` values it)."""
        config = self.sets.config
        measure = next(m for m in config.measures if m.id == measure_id)
        given = [m.id for m in prerequisites(measure, config)]
        values = self.values([*given, measure_id])
        if given:
            before = self.values(given).set_index(["sample", "party"])
            values = values.set_index(["sample", "party"])
            values[["benefit", "cost"]] -= before[["benefit", "cost"]]
            values["npv"] = values["benefit"] - values["cost"]
            values = values.reset_index()
        return values.assign(measure=measure_id)

    def _outcomes_with(self, drawn: dict[str, float]) -> Callable[[frozenset[str]], list[Outcome]]:
        return lambda working: self._sampled(working, drawn)

    def _sampled(self, working: frozenset[str], drawn: dict[str, float]) -> list[Outcome]:
        """The outcomes of a set of measures with one sample's inputs."""
        scale = drawn.get("damage_scale", 1.0)
        low, high, t = _bracket(self.nodes, scale)
        at_low, at_high = self._at[low].outcomes(working), self._at[high].outcomes(working)
        value_scale = drawn.get("asset_value_scale", 1.0)
        sampled = []
        for lo, hi in zip(at_low, at_high, strict=True):
            money = lo.unit == self.sets.currency
            sampled.append(
                _sampled_outcome(
                    lo,
                    hi,
                    t,
                    value_scale if money else 1.0,
                    self._effectiveness(working, lo, drawn),
                )
            )
        return _moved_to_future(sampled, drawn.get("future_weight", 1.0))

    def _effectiveness(
        self, working: frozenset[str], outcome: Outcome, drawn: dict[str, float]
    ) -> np.ndarray:
        """The set's effectiveness on a line, per party (in the outcome's order): its
        members' draws weighted by the impact each avoids alone there for the party (the
        plain mean where none avoids any), so that a member that does nothing for a
        party does not change what the others do for it."""
        draws = {m: drawn.get(f"{EFFECTIVENESS}:{m}", 1.0) for m in sorted(working)}
        n_parties = len(outcome.avoided_by_party)
        if len(draws) == 1:
            return np.full(n_parties, next(iter(draws.values())))
        alone = np.zeros((len(draws), n_parties))
        for row, member in enumerate(draws):
            for o in self.sets.outcomes([member], outcome.scenario):
                if (o.hazard, o.exposure, o.result) == (
                    outcome.hazard,
                    outcome.exposure,
                    outcome.result,
                ):
                    alone[row] += _effects_avoided(o)
        values = np.array(list(draws.values()))
        weight = alone.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = values @ alone / weight
        return np.where(weight > 0, weighted, values.mean())


def _settings(appraisal: AppraisalSettings, drawn: dict[str, float]) -> AppraisalSettings:
    if "discount_rate" not in drawn:
        return appraisal
    return appraisal.model_copy(
        update={"discount_rate": drawn["discount_rate"], "discount_schedule": []}
    )


def _bracket(nodes: np.ndarray, value: float) -> tuple[float, float, float]:
    """The two nodes around ``value`` and its position between them (0 to 1)."""
    if len(nodes) == 1:
        return float(nodes[0]), float(nodes[0]), 0.0
    upper = int(np.clip(np.searchsorted(nodes, value), 1, len(nodes) - 1))
    low, high = float(nodes[upper - 1]), float(nodes[upper])
    return low, high, float(np.clip((value - low) / (high - low), 0.0, 1.0))


def _effects_avoided(outcome: Outcome) -> np.ndarray:
    """Per party (in the outcome's order): what the physical effects avoid, without the
    insurance payouts."""
    return np.array(
        [v - outcome.paid_by_party.get(p, 0.0) for p, v in outcome.avoided_by_party.items()]
    )


def _sampled_outcome(
    lo: Outcome, hi: Outcome, t: float, value_scale: float, effectiveness: np.ndarray
) -> Outcome:
    """One line's outcome at a damage scale between two computed ones (``t`` of the way),
    with values × ``value_scale`` and the effects' avoided impact × ``effectiveness`` (per
    party)."""
    parties = list(lo.avoided_by_party)
    effects = ((1 - t) * _effects_avoided(lo) + t * _effects_avoided(hi)) * value_scale
    effects *= effectiveness
    avoided = dict(zip(parties, effects.tolist(), strict=True))
    premiums: dict[tuple[str, str], float] = {}
    if lo.insured is not None and hi.insured is not None:
        before = ((1 - t) * lo.insured.before + t * hi.insured.before) * value_scale
        change = ((1 - t) * lo.insured.change + t * hi.insured.change) * value_scale
        line_parties = list(lo.paid_by_party)
        paid, premiums = layer_payouts(before - change * effectiveness, lo.insured, line_parties)
        for party, amount in zip(line_parties, paid.tolist(), strict=True):
            avoided[party] = avoided.get(party, 0.0) + amount
    return replace(lo, avoided_by_party=avoided, premiums=premiums)


def climate_outcomes(sets: MeasureSets, weight: float) -> Callable[[frozenset[str]], list[Outcome]]:
    """The outcomes of sets of measures with the future scenario moved to present +
    ``weight`` · (future − present): 0 the climate of today, 1 the scenario, 1.5 half as
    much change again."""
    return lambda working: _moved_to_future(sets.outcomes(working), weight)


def _moved_to_future(outcomes: list[Outcome], weight: float) -> list[Outcome]:
    """The future scenario's outcomes moved to present + ``weight`` · (future − present),
    line by line."""
    if weight == 1.0:
        return outcomes
    present = {(o.hazard, o.exposure, o.result): o for o in outcomes if o.scenario == PRESENT}
    moved = []
    for outcome in outcomes:
        now = present.get((outcome.hazard, outcome.exposure, outcome.result))
        if outcome.scenario == PRESENT:
            moved.append(outcome)
            continue
        base_avoided = now.avoided_by_party if now is not None else {}
        base_premiums = now.premiums if now is not None else {}
        moved.append(
            replace(
                outcome,
                avoided_by_party={
                    p: base_avoided.get(p, 0.0) + weight * (v - base_avoided.get(p, 0.0))
                    for p, v in outcome.avoided_by_party.items()
                },
                premiums={
                    m: base_premiums.get(m, 0.0) + weight * (v - base_premiums.get(m, 0.0))
                    for m, v in outcome.premiums.items()
                },
            )
        )
    return moved


def npv_distribution(values: pd.DataFrame) -> pd.DataFrame:
    """Per measure and party: the mean, 5th, 50th and 95th percentile of the NPV over the
    samples, the probability of a loss (NPV < 0), and the mean and 5th/95th percentile of
    the benefit."""
    grouped = values.groupby(["measure", "party"], sort=False)
    return grouped.agg(
        npv_mean=("npv", "mean"),
        npv_p05=("npv", lambda x: float(np.percentile(x, 5))),
        npv_p50=("npv", "median"),
        npv_p95=("npv", lambda x: float(np.percentile(x, 95))),
        probability_of_loss=("npv", lambda x: float((x < 0).mean())),
        benefit_mean=("benefit", "mean"),
        benefit_p05=("benefit", lambda x: float(np.percentile(x, 5))),
        benefit_p95=("benefit", lambda x: float(np.percentile(x, 95))),
    ).reset_index()


def rank_sensitivity(values: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Per measure and input: Spearman's rank correlation between the input and the
    measure's total NPV over the samples (a measure's own effectiveness only; NaN where
    an input or the NPV does not vary)."""
    total = values[values["party"] == TOTAL]
    rows = []
    for measure, rows_of in total.groupby("measure", sort=False):
        npv = rows_of.sort_values("sample")["npv"].to_numpy()
        for column in samples.columns:
            name, _, owner = column.partition(":")
            if owner and owner != measure:
                continue
            drawn = samples[column].to_numpy()
            varies = np.ptp(drawn) > 0 and np.ptp(npv) > 0
            rows.append(
                {
                    "measure": measure,
                    "input": name,
                    "spearman": float(spearmanr(drawn, npv).statistic) if varies else np.nan,
                }
            )
    return pd.DataFrame(rows, columns=["measure", "input", "spearman"])
