"""CLIMADA's measures from a table, for ``bordercompact impact --measures measures.csv``:
each measure applied to the plain-table impact as CLIMADA's ``Measure.calc_impact`` does,
and appraised between a present and a future year as CLIMADA's ``CostBenefit`` does.

The columns, the keys of ``measures.json`` and every definition are in
docs/commands/impact.md; how CLIMADA behaves, read from its source, and where bordercompact
differs on purpose, in docs/dev/climada-measures.md.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bordercompact.measures.effects import scaled_function, transferred_layer
from bordercompact.measures.value import present_value, time_weights, yearly_risk
from bordercompact.risk.engine import ImpactResult, compute_impact, party_codes
from bordercompact.risk.exposure import NO_CENTROID, Exposures
from bordercompact.risk.hazard import Hazard
from bordercompact.risk.metrics import expected_annual_impact
from bordercompact.risk.tables import PlainImpact
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

#: The columns of ``measures.csv``, CLIMADA's ``Measure`` attributes; only ``name`` is
#: required.
MEASURE_COLUMNS = (
    "name",
    "cost",
    "hazard_inten_imp_a",
    "hazard_inten_imp_b",
    "mdd_impact_a",
    "mdd_impact_b",
    "paa_impact_a",
    "paa_impact_b",
    "hazard_freq_cutoff",
    "exp_region_id",
    "risk_transf_attach",
    "risk_transf_cover",
    "risk_transf_cost_factor",
)
#: The value of an absent column or an empty cell: CLIMADA's defaults (``Measure.__init__``).
MEASURE_DEFAULTS = {
    "cost": 0.0,
    "hazard_inten_imp_a": 1.0,
    "hazard_inten_imp_b": 0.0,
    "mdd_impact_a": 1.0,
    "mdd_impact_b": 0.0,
    "paa_impact_a": 1.0,
    "paa_impact_b": 0.0,
    "hazard_freq_cutoff": 0.0,
    "risk_transf_attach": 0.0,
    "risk_transf_cover": 0.0,
    "risk_transf_cost_factor": 1.0,
}
#: Columns whose numbers must not be negative (a cost, a frequency, money).
NON_NEGATIVE = (
    "cost",
    "hazard_freq_cutoff",
    "risk_transf_attach",
    "risk_transf_cover",
    "risk_transf_cost_factor",
)
#: Separates several region ids in one ``exp_region_id`` cell.
REGION_SEPARATOR = ";"
#: Leaves a curve unchanged: (a, b) of CLIMADA's ``hazard_inten_imp``, ``mdd_impact``,
#: ``paa_impact``.
UNCHANGED = (1.0, 0.0)

#: Called as ``progress(done, total)`` after each measure of each scenario.
Progress = Callable[[int, int], None]


class MeasureTableError(ValueError):
    """A measure table, or a cost–benefit setting, that cannot be used as given."""


@dataclass(frozen=True)
class ClimadaMeasure:
    """One row of ``measures.csv``: CLIMADA's ``Measure`` attributes (money in the assets'
    currency, ``hazard_freq_cutoff`` in events per year, ``hazard_inten_imp_b`` in the
    hazard's intensity unit, the other (a, b) pairs dimensionless)."""

    name: str
    cost: float = 0.0
    hazard_inten_imp: tuple[float, float] = UNCHANGED
    mdd_impact: tuple[float, float] = UNCHANGED
    paa_impact: tuple[float, float] = UNCHANGED
    hazard_freq_cutoff: float = 0.0
    exp_region_id: tuple[str, ...] = ()  # empty: every asset
    risk_transf_attach: float = 0.0
    risk_transf_cover: float = 0.0
    risk_transf_cost_factor: float = 1.0
    origin: str = ""  # "measures.csv, line 3", for messages

    @property
    def changes_curves(self) -> bool:
        return (self.hazard_inten_imp, self.mdd_impact, self.paa_impact) != (UNCHANGED,) * 3

    @property
    def cuts_events(self) -> bool:
        return self.hazard_freq_cutoff != 0


def read_measures_csv(path: Path) -> tuple[ClimadaMeasure, ...]:
    """The measures of a CSV table with CLIMADA's measure columns (:data:`MEASURE_COLUMNS`,
    a header row, UTF-8). Absent columns and empty cells take CLIMADA's defaults
    (:data:`MEASURE_DEFAULTS`); ``exp_region_id`` holds one region id or several separated
    by ``;``. Lines are counted from the header (line 1)."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        columns = [c.strip() for c in next(reader, [])]
        unknown = [c for c in columns if c not in MEASURE_COLUMNS]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        found = ""
        if unknown or repeated:
            found = f"column(s) {', '.join(unknown or repeated)}{'' if unknown else ' twice'}"
        elif "name" not in columns:
            found = "no column name"
        if found:
            raise MeasureTableError(
                f"{path}: found {found}; expected the column name and any of "
                f"{', '.join(MEASURE_COLUMNS[1:])}, each once"
            )
        measures: list[ClimadaMeasure] = []
        line_of: dict[str, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                raise MeasureTableError(
                    f"{path}, line {line}: found {len(cells)} cells; "
                    f"expected {len(columns)}, one per column"
                )
            measure = _measure_of_row(
                dict(zip(columns, cells, strict=True)), f"{path}, line {line}"
            )
            if measure.name in line_of:
                raise MeasureTableError(
                    f"{path}, line {line}, column name: found {measure.name!r}, already the "
                    f"name on line {line_of[measure.name]}; expected a name used once"
                )
            line_of[measure.name] = line
            measures.append(measure)
    if not measures:
        raise MeasureTableError(f"{path}: found no measure; expected one row per measure")
    return tuple(measures)


def _measure_of_row(row: dict[str, str], origin: str) -> ClimadaMeasure:
    name = row.get("name", "").strip()
    if not name:
        raise MeasureTableError(f"{origin}, column name: found an empty cell; expected a name")
    number = {column: _number(row, column, origin) for column in MEASURE_DEFAULTS}
    if number["hazard_inten_imp_a"] <= 0:
        raise MeasureTableError(
            f"{origin}, column hazard_inten_imp_a: found {number['hazard_inten_imp_a']:g}; "
            "expected a number > 0 (it divides the intensity)"
        )
    regions = row.get("exp_region_id", "").split(REGION_SEPARATOR)
    return ClimadaMeasure(
        name=name,
        cost=number["cost"],
        hazard_inten_imp=(number["hazard_inten_imp_a"], number["hazard_inten_imp_b"]),
        mdd_impact=(number["mdd_impact_a"], number["mdd_impact_b"]),
        paa_impact=(number["paa_impact_a"], number["paa_impact_b"]),
        hazard_freq_cutoff=number["hazard_freq_cutoff"],
        exp_region_id=tuple(region_key(r) for r in regions if r.strip()),
        risk_transf_attach=number["risk_transf_attach"],
        risk_transf_cover=number["risk_transf_cover"],
        risk_transf_cost_factor=number["risk_transf_cost_factor"],
        origin=origin,
    )


def _number(row: dict[str, str], column: str, origin: str) -> float:
    """A cell's number: the column's default when absent or empty."""
    text = row.get(column, "").strip()
    if not text:
        return MEASURE_DEFAULTS[column]
    expected = "a number >= 0" if column in NON_NEGATIVE else "a number"
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (column in NON_NEGATIVE and value < 0):
        raise MeasureTableError(f"{origin}, column {column}: found {text!r}; expected {expected}")
    return value


def region_key(text: str) -> str:
    """A region id as compared: the text without surrounding blanks, and a whole number
    written without decimals ("756.0" is "756"), since CLIMADA's region ids are numbers
    that tables write either way."""
    text = text.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def read_region_ids(assets: Path) -> np.ndarray | None:
    """The ``region_id`` of each asset of an assets CSV (text, :func:`region_key`; empty
    for none), or None when the table has no such column."""
    table = pd.read_csv(
        assets, usecols=lambda c: c == "region_id", dtype=str, keep_default_na=False
    )
    if "region_id" not in table.columns:
        return None
    return np.array([region_key(r) for r in table["region_id"]], dtype=object)


@dataclass(frozen=True)
class MeasureTable:
    """The measures and the region of each asset they may be restricted to."""

    measures: tuple[ClimadaMeasure, ...]
    region_id: np.ndarray | None  # per asset; None: the assets have no region_id column

    def inside(self, measure: ClimadaMeasure, n_assets: int) -> np.ndarray:
        """Whether each asset lies in the measure's regions (all do without regions)."""
        if not measure.exp_region_id or self.region_id is None:
            return np.ones(n_assets, dtype=bool)
        return np.isin(self.region_id, measure.exp_region_id)


def read_measure_table(measures: Path, assets: Path) -> MeasureTable:
    """The measures of ``measures`` with the region ids of ``assets``, checked against
    each other: a measure with ``exp_region_id`` needs a ``region_id`` column in the
    assets, and each of its ids must be one of an asset."""
    table = MeasureTable(read_measures_csv(measures), read_region_ids(assets))
    known = set() if table.region_id is None else set(table.region_id) - {""}
    for measure in table.measures:
        if measure.exp_region_id and table.region_id is None:
            raise MeasureTableError(
                f"{measure.origin}, column exp_region_id: found "
                f"{REGION_SEPARATOR.join(measure.exp_region_id)!r}; expected no region, since "
                f"{assets} has no region_id column (add one to restrict measures to regions)"
            )
        missing = [r for r in measure.exp_region_id if r not in known]
        if missing:
            raise MeasureTableError(
                f"{measure.origin}, column exp_region_id: found {missing[0]!r}; expected a "
                f"region_id of {assets} ({', '.join(sorted(known)[:10])}"
                f"{', …' if len(known) > 10 else ''})"
            )
    return table


# The measure's effects, one formula each ----------------------------------------------


def moved_intensity_nodes(intensity: np.ndarray, scale: float, shift: float) -> np.ndarray:
    """The intensity points of a damage curve under CLIMADA's ``hazard_inten_imp`` (a, b):
    x' = max(x · a − b, 0) (hazard's intensity unit).

    The changed curve f'(h) = f((h + b) / a) acts as if the intensity were (h + b) / a,
    *not* a · h + b: with a ≠ 1 the shift is divided by a. (1, −1) protects by one unit;
    (2, −2) makes h = 4 act as 1, where a reading of a · h + b would give 6.

    Reference: CLIMADA ``Measure._change_imp_func`` (climada/entity/measures/base.py).
    """
    return np.maximum(np.asarray(intensity, dtype=np.float64) * scale - shift, 0.0)


def changed_function(function: ImpactFunc, measure: ClimadaMeasure, impf_id: int) -> ImpactFunc:
    """The damage curve with the measure in place, under a new id: its intensity points
    moved (:func:`moved_intensity_nodes`), MDD' = max(MDD · a + b, 0) and
    PAA' = max(PAA · a + b, 0) at each point as CLIMADA (:func:`scaled_function`), and
    then, unlike CLIMADA, at most 1 at each point (a ratio above 1 is not a damage; a curve
    above 1 that the measure does not change stays as it is). Between points the curve is
    the straight line between the changed points, as in CLIMADA.

    A change that makes the curve damage at intensity 0 is refused: intensities that are
    not stored are zero, so every asset would be damaged by every event (CLIMADA then
    evaluates the whole events × centroids matrix).
    """
    scaled = scaled_function(function, measure.mdd_impact, measure.paa_impact, impf_id)
    changed = replace(
        scaled,
        intensity=moved_intensity_nodes(function.intensity, *measure.hazard_inten_imp),
        mdd=scaled.mdd if measure.mdd_impact == UNCHANGED else np.minimum(scaled.mdd, 1.0),
        paa=scaled.paa if measure.paa_impact == UNCHANGED else np.minimum(scaled.paa, 1.0),
    )
    if not changed.harmless_at_zero:
        raise MeasureTableError(
            f"{measure.origin}: measure {measure.name!r} makes impact function "
            f"{function.haz_type} {function.impf_id} damage at intensity 0 "
            f"(MDR(0) = {changed.mdr(np.zeros(1))[0]:g}); expected a change that leaves "
            "MDR(0) = 0, since intensities that are not stored are zero"
        )
    return changed


def protected_share(at_event: np.ndarray, frequency: np.ndarray, cutoff: float) -> np.ndarray:
    """Per event, the share of its frequency in which CLIMADA's ``hazard_freq_cutoff``
    (events per year) removes its hazard: 1 for the events whose exceedance frequency is
    above the cutoff, 0 for the others.

    Events are ranked by impact ``at_event``, largest first (ties: the later event first);
    an event's exceedance frequency is the sum of its own frequency and those of the events
    ranked before it. A cutoff of 0 removes nothing, nor does one at or above the total
    frequency. Unlike CLIMADA, which then removes every event, a cutoff below the
    frequency of the most damaging event keeps that event for a frequency equal to the
    cutoff (share 1 − cutoff / its frequency): a protection standard rarer than the event
    set resolves still fails in the rarest events, which the set's most damaging event
    stands for.

    Reference: CLIMADA ``Measure._cutoff_hazard_damage`` (climada/entity/measures/base.py).
    """
    share = np.zeros(len(at_event))
    if cutoff == 0 or len(at_event) == 0:
        return share
    order = np.argsort(at_event, kind="stable")[::-1]
    exceedance = np.cumsum(np.asarray(frequency, dtype=np.float64)[order])
    share[order] = exceedance > cutoff
    if exceedance[0] > cutoff:
        share[order[0]] = 1.0 - cutoff / exceedance[0]
    return share


def risk_transfer_cover(attachment: float, cover: float) -> float:
    """The cover of the measure's risk-transfer layer (money per event): as given, and
    unlimited for an attachment without a cover (0), which CLIMADA reads as a cover of 0
    that transfers nothing. Attachment and cover 0: no transfer."""
    return math.inf if attachment > 0 and cover == 0 else cover


# The measure on the portfolio -----------------------------------------------------------


@dataclass(frozen=True)
class Portfolio:
    """What the measures act on: the hazard, the assets on their centroids (without
    insurance terms: measures act on the whole impact) and the damage curves."""

    hazard: Hazard
    exposures: Exposures
    centroid: np.ndarray  # per asset, index into the centroids or NO_CENTROID
    functions: ImpactFuncSet

    @property
    def parties(self) -> tuple[str, ...]:
        return party_codes(self.exposures.party)[0]


def plain_portfolio(run: PlainImpact) -> Portfolio:
    """What the measures of ``bordercompact impact`` act on: the plain command's own
    inputs (assets on their given centroid, else the nearest within the distance), the
    assets' insurance terms left out."""
    return Portfolio(
        run.hazard,
        replace(run.exposures, deductible=None, cover=None),
        run.centroid,
        run.functions,
    )


@dataclass(frozen=True)
class MeasureImpact:
    """The impact with a measure in place (region currency), per occurrence and party: the
    residual after risk transfer and the transferred layer. An occurrence is an event, or,
    with a cutoff, the part of an event's frequency in which the measure protects (a second
    row of the event, with the protected assets' impact removed)."""

    parties: tuple[str, ...]
    frequency: np.ndarray  # per occurrence, per year
    residual_by_party: np.ndarray  # occurrences × parties
    transferred_by_party: np.ndarray  # occurrences × parties

    @classmethod
    def without_measure(
        cls, parties: tuple[str, ...], frequency: np.ndarray, at_event_by_party: np.ndarray
    ) -> MeasureImpact:
        return cls(parties, frequency, at_event_by_party, np.zeros_like(at_event_by_party))

    @property
    def aai_agg(self) -> float:
        """Residual average annual impact, Σ f · residual (per year)."""
        return float(expected_annual_impact(self.residual_by_party.sum(axis=1), self.frequency))

    def aai_by_party(self) -> dict[str, float]:
        per_party = expected_annual_impact(self.residual_by_party, self.frequency)
        return {p: float(v) for p, v in zip(self.parties, per_party, strict=True)}

    @property
    def risk_transf_aai(self) -> float:
        """Average annual transferred impact, Σ f · layer (per year)."""
        return float(expected_annual_impact(self.transferred_by_party.sum(axis=1), self.frequency))


def measure_impact(
    measure: ClimadaMeasure,
    portfolio: Portfolio,
    inside: np.ndarray,
    at_event_by_party: np.ndarray,
    *,
    client: Any = None,
) -> MeasureImpact:
    """The impact with ``measure`` in place on the assets ``inside`` its regions, as
    CLIMADA's ``Measure.calc_impact``: changed curves, then the cutoff ranked by the impact
    inside the regions, then the risk-transfer layer on the portfolio's impact per event,
    split among the parties in proportion to their impact in the event.
    ``at_event_by_party`` is the impact without the measure (events × parties), used as
    it is when the measure changes no curve and its cutoff, if any, acts on every asset.
    """
    if needs_engine(measure, inside):
        inside_part, outside_part = _impact_inside_and_outside(portfolio, measure, inside, client)
    else:
        inside_part, outside_part = at_event_by_party, np.zeros_like(at_event_by_party)
    frequency = portfolio.hazard.frequency
    share = protected_share(inside_part.sum(axis=1), frequency, measure.hazard_freq_cutoff)
    by_party = np.concatenate([inside_part + outside_part, outside_part])
    layer = transferred_layer(
        by_party,
        measure.risk_transf_attach,
        risk_transfer_cover(measure.risk_transf_attach, measure.risk_transf_cover),
    )
    return MeasureImpact(
        portfolio.parties,
        np.concatenate([frequency * (1.0 - share), frequency * share]),
        by_party - layer,
        layer,
    )


def needs_engine(measure: ClimadaMeasure, inside: np.ndarray) -> bool:
    """Whether the measure's impact needs a run of the engine: it changes curves, or cuts
    events for only some assets (its impact inside and outside its regions then differ
    from the impact without it)."""
    return measure.changes_curves or (measure.cuts_events and not inside.all())


def _impact_inside_and_outside(
    portfolio: Portfolio, measure: ClimadaMeasure, inside: np.ndarray, client: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Per event and party, the impact of the assets inside the measure's regions with its
    curves, and of those outside with theirs (events × parties each), in one run of the
    engine: it splits the impact by the assets' party labels, here each party twice
    (label 2 · party + 1 inside, 2 · party outside)."""
    exposures, hazard = portfolio.exposures, portfolio.hazard
    functions, impf_id = _measure_functions(portfolio, measure, inside)
    parties, party = party_codes(exposures.party)
    label = (2 * party + inside).astype(str)
    result = compute_impact(
        hazard,
        replace(exposures, party=label, impf_id=impf_id),
        functions,
        portfolio.centroid,
        client=client,
    )
    parts = np.zeros((2, hazard.size, len(parties)))  # outside, inside
    for column, text in enumerate(result.parties):
        parts[int(text) % 2, :, int(text) // 2] += result.at_event_by_party[:, column]
    return parts[1], parts[0]


def _measure_functions(
    portfolio: Portfolio, measure: ClimadaMeasure, inside: np.ndarray
) -> tuple[ImpactFuncSet, np.ndarray]:
    """The curves with the measure's changed ones added under new ids, and each asset's
    curve id: the changed one for the assets inside (CLIMADA adds 1000 to the ids)."""
    impf_id = portfolio.exposures.impf_id
    if not measure.changes_curves:
        return portfolio.functions, impf_id
    haz_type = portfolio.hazard.haz_type
    ids = [f.impf_id for f in portfolio.functions if f.haz_type == haz_type]
    offset = max(ids) - min(ids) + 1  # beyond every id of the hazard type
    changing = inside & (portfolio.centroid != NO_CENTROID)
    changed = [
        changed_function(portfolio.functions.get(haz_type, int(i)), measure, int(i) + offset)
        for i in np.unique(impf_id[changing])
    ]
    return (
        ImpactFuncSet([*portfolio.functions, *changed]),
        np.where(changing, impf_id + offset, impf_id),
    )


# Cost–benefit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CostBenefitSettings:
    """The future and the appraisal period of CLIMADA's ``CostBenefit.calc``: the future
    hazard is the present one's intensities × ``future_intensity_factor``, the future
    assets the present values × ``future_value_factor``; years ``present_year`` to
    ``future_year`` (both included), discounted at ``discount_rate`` a year (0.02 = 2 %),
    the risk moving between them with ``time_exponent`` (CLIMADA's ``imp_time_depen``)."""

    future_intensity_factor: float
    future_value_factor: float
    present_year: int
    future_year: int
    discount_rate: float
    time_exponent: float

    def __post_init__(self) -> None:
        for name in ("future_intensity_factor", "future_value_factor", "time_exponent"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise MeasureTableError(f"--{_flag(name)}: found {value}; expected a number >= 0")
        if not math.isfinite(self.discount_rate) or self.discount_rate <= -1:
            raise MeasureTableError(
                f"--discount-rate: found {self.discount_rate}; expected a rate above -1 "
                "(0.02 is 2 % a year)"
            )
        if self.future_year < self.present_year:
            raise MeasureTableError(
                f"--future-year: found {self.future_year}; expected a year not before "
                f"--present-year {self.present_year}"
            )

    @property
    def n_years(self) -> int:
        return self.future_year - self.present_year + 1

    def npv(self, present: float, future: float) -> float:
        """Present value (in the money of ``present_year``) of a yearly amount moving from
        ``present`` to ``future``: Σ_t (present + (future − present) · w_t) / (1 + R)^t,
        t = 0 … n − 1, with the weights of :func:`climada_time_weights`.

        Reference: CLIMADA ``CostBenefit._cost_ben_one`` and
        ``DiscRates.net_present_value`` (year 0 not discounted, the last year's rate unused).
        """
        weights = climada_time_weights(self.n_years, self.time_exponent)
        return present_value(
            yearly_risk(present, future, weights), np.full(self.n_years, self.discount_rate)
        )


def _flag(name: str) -> str:
    return name.replace("_", "-")


def cost_benefit_settings(
    future_intensity_factor: float | None = None,
    future_value_factor: float | None = None,
    present_year: int | None = None,
    future_year: int | None = None,
    discount_rate: float | None = None,
    time_exponent: float | None = None,
) -> CostBenefitSettings | None:
    """The settings when all are given, None when none is; else an error naming the
    missing ones (as the options of ``bordercompact impact``)."""
    given = {
        "future_intensity_factor": future_intensity_factor,
        "future_value_factor": future_value_factor,
        "present_year": present_year,
        "future_year": future_year,
        "discount_rate": discount_rate,
        "time_exponent": time_exponent,
    }
    missing = [f"--{_flag(name)}" for name, value in given.items() if value is None]
    if len(missing) == len(given):
        return None
    if missing:
        raise MeasureTableError(
            f"the cost–benefit needs all of {', '.join(f'--{_flag(n)}' for n in given)}; "
            f"found no {', '.join(missing)}"
        )
    return CostBenefitSettings(**given)  # type: ignore[arg-type]


def climada_time_weights(n_years: int, exponent: float) -> np.ndarray:
    """How far each year t = 0 … n − 1 is from the present (0) to the future (1):
    w_t = (t / (n − 1))^P (:func:`time_weights`), all ones for P = 0 as in CLIMADA, and 1
    for a single year (n = 1), where CLIMADA's 0/0 gives NaN.

    Reference: CLIMADA ``CostBenefit._time_dependency_array``.
    """
    if exponent == 0 or n_years == 1:
        return np.ones(n_years)
    return time_weights(n_years, exponent)


def cost_benefit_ratio(
    cost: float, cost_factor: float, risk_transf_npv: float, benefit: float
) -> float | None:
    """CLIMADA's ``cost_ben_ratio``: (cost + cost_factor · NPV(transferred risk)) /
    benefit, the cost undiscounted and counted once; None when the benefit is 0 (CLIMADA:
    inf or NaN). Its inverse is the benefit–cost ratio.

    Reference: CLIMADA ``CostBenefit._cost_ben_one``.
    """
    if benefit == 0:
        return None
    return (cost + cost_factor * risk_transf_npv) / benefit


@dataclass(frozen=True)
class CostBenefit:
    """A measure's appraisal (money of the present year; risks per year)."""

    risk_present: float  # residual aai_agg under the present
    risk_future: float  # and under the future
    benefit: float  # NPV of the avoided risk
    benefit_by_party: dict[str, float]
    risk_transf_npv: float  # NPV of the transferred risk
    cost_ben_ratio: float | None


def measure_cost_benefit(
    measure: ClimadaMeasure,
    settings: CostBenefitSettings,
    no_measure: tuple[MeasureImpact, MeasureImpact],
    with_measure: tuple[MeasureImpact, MeasureImpact],
) -> CostBenefit:
    """The benefit of a measure, NPV of the avoided risk (present, future) =
    (no measure − measure) in each, and its cost–benefit ratio (:func:`cost_benefit_ratio`).
    The transferred layer counts as avoided, and its expected value × the cost factor as
    cost, as in CLIMADA."""
    (none_present, none_future), (present, future) = no_measure, with_measure
    benefit = settings.npv(
        none_present.aai_agg - present.aai_agg, none_future.aai_agg - future.aai_agg
    )
    before = none_present.aai_by_party(), none_future.aai_by_party()
    after = present.aai_by_party(), future.aai_by_party()
    risk_transf_npv = settings.npv(present.risk_transf_aai, future.risk_transf_aai)
    return CostBenefit(
        risk_present=present.aai_agg,
        risk_future=future.aai_agg,
        benefit=benefit,
        benefit_by_party={
            p: settings.npv(before[0][p] - after[0][p], before[1][p] - after[1][p])
            for p in present.parties
        },
        risk_transf_npv=risk_transf_npv,
        cost_ben_ratio=cost_benefit_ratio(
            measure.cost, measure.risk_transf_cost_factor, risk_transf_npv, benefit
        ),
    )


def future_portfolio(portfolio: Portfolio, settings: CostBenefitSettings) -> Portfolio:
    """The portfolio under the future: intensities × the intensity factor, asset values ×
    the value factor."""
    hazard = portfolio.hazard
    return replace(
        portfolio,
        hazard=replace(
            hazard,
            intensity=sp.csr_matrix(hazard.intensity * settings.future_intensity_factor),
            scenario="future",
        ),
        exposures=replace(
            portfolio.exposures,
            value=portfolio.exposures.value * settings.future_value_factor,
        ),
    )


# The whole table --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureAppraisal:
    """Every measure's impact, present (and future with cost–benefit settings)."""

    measures: tuple[ClimadaMeasure, ...]
    no_measure: MeasureImpact
    present: tuple[MeasureImpact, ...]  # one per measure
    settings: CostBenefitSettings | None = None
    no_measure_future: MeasureImpact | None = None
    future: tuple[MeasureImpact, ...] = ()

    def cost_benefit(self) -> list[CostBenefit]:
        """Each measure's :class:`CostBenefit` (none without settings)."""
        if self.settings is None or self.no_measure_future is None:
            return []
        return [
            measure_cost_benefit(
                measure,
                self.settings,
                (self.no_measure, self.no_measure_future),
                (present, future),
            )
            for measure, present, future in zip(
                self.measures, self.present, self.future, strict=True
            )
        ]

    @property
    def tot_climate_risk(self) -> float | None:
        """NPV of the risk without measures, moving from present to future (CLIMADA's
        ``tot_climate_risk``)."""
        if self.settings is None or self.no_measure_future is None:
            return None
        return self.settings.npv(self.no_measure.aai_agg, self.no_measure_future.aai_agg)


def appraise_measures(
    table: MeasureTable,
    portfolio: Portfolio,
    baseline: ImpactResult,
    settings: CostBenefitSettings | None = None,
    *,
    client: Any = None,
    progress: Progress | None = None,
) -> MeasureAppraisal:
    """Each measure of ``table`` on ``portfolio``, against ``baseline``, the impact without
    measures already computed (ground-up); with ``settings`` also under the future. The
    engine runs once per measure and scenario where the measure changes curves or cuts
    events inside regions, and once more for the future without measures."""
    if baseline.parties != portfolio.parties:
        raise MeasureTableError(
            f"an impact without measures for parties {baseline.parties}; expected "
            f"{portfolio.parties}, those of the assets"
        )
    scenarios = [(portfolio, baseline.at_event_by_party)]
    if settings is not None:
        future = future_portfolio(portfolio, settings)
        scenarios.append((future, _at_event_by_party(future, client)))
    insides = [table.inside(m, portfolio.exposures.size) for m in table.measures]
    impacts: list[tuple[MeasureImpact, ...]] = []
    for scenario, at_event_by_party in scenarios:
        per_measure = []
        for measure, inside in zip(table.measures, insides, strict=True):
            per_measure.append(
                measure_impact(measure, scenario, inside, at_event_by_party, client=client)
            )
            if progress is not None:
                done = len(impacts) * len(table.measures) + len(per_measure)
                progress(done, len(scenarios) * len(table.measures))
        impacts.append(tuple(per_measure))
    no_measure = [
        MeasureImpact.without_measure(
            scenario.parties, scenario.hazard.frequency, at_event_by_party
        )
        for scenario, at_event_by_party in scenarios
    ]
    return MeasureAppraisal(
        measures=table.measures,
        no_measure=no_measure[0],
        present=impacts[0],
        settings=settings,
        no_measure_future=no_measure[1] if settings is not None else None,
        future=impacts[1] if settings is not None else (),
    )


def _at_event_by_party(portfolio: Portfolio, client: Any) -> np.ndarray:
    return compute_impact(
        portfolio.hazard,
        portfolio.exposures,
        portfolio.functions,
        portfolio.centroid,
        client=client,
    ).at_event_by_party


def measures_document(appraisal: MeasureAppraisal) -> dict[str, Any]:
    """``measures.json`` (keys and units in docs/commands/impact.md); a ``cost_ben_ratio``
    of None (JSON null) means a benefit of 0."""
    benefits = appraisal.cost_benefit()
    measures = []
    for i, (measure, impact) in enumerate(zip(appraisal.measures, appraisal.present, strict=True)):
        entry: dict[str, Any] = {
            "name": measure.name,
            "cost": measure.cost,
            "aai_agg": impact.aai_agg,
            "aai_by_party": impact.aai_by_party(),
            "benefit_aai": appraisal.no_measure.aai_agg - impact.aai_agg,
            "risk_transf_aai": impact.risk_transf_aai,
        }
        if benefits:
            entry["cost_benefit"] = asdict(benefits[i])
        measures.append(entry)
    document: dict[str, Any] = {
        "measures": measures,
        "no_measure": {
            "aai_agg": appraisal.no_measure.aai_agg,
            "aai_by_party": appraisal.no_measure.aai_by_party(),
        },
    }
    if appraisal.settings is not None and appraisal.no_measure_future is not None:
        document["cost_benefit"] = {
            **asdict(appraisal.settings),
            "risk_present": appraisal.no_measure.aai_agg,
            "risk_future": appraisal.no_measure_future.aai_agg,
            "tot_climate_risk": appraisal.tot_climate_risk,
        }
    return document


def write_measures_json(appraisal: MeasureAppraisal, out_dir: Path) -> Path:
    """Write ``measures.json`` (no NaN or infinity: JSON has none)."""
    path = out_dir / "measures.json"
    text = json.dumps(measures_document(appraisal), indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
