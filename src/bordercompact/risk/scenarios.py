"""Future scenarios: changes of a hazard by return period, and exposure growth per party,
read from the region's tables (``docs/risk-config.md``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bordercompact.risk.hazard import Hazard
from bordercompact.risk.text_tables import first_line, read_table


class ScenarioError(ValueError):
    """A scenario table that cannot be used as given."""


@dataclass(frozen=True)
class HazardChange:
    """How one hazard changes, by return period (years), sorted by return period."""

    return_period: np.ndarray
    intensity_scale: np.ndarray
    intensity_shift: np.ndarray
    frequency_scale: np.ndarray

    def at(self, return_period: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(scale, shift, frequency scale) at each return period: linear in log(return
        period) between the table's rows, held beyond the first and the last."""
        where = np.log(np.asarray(return_period, dtype=np.float64))
        known = np.log(self.return_period)
        return (
            np.interp(where, known, self.intensity_scale),
            np.interp(where, known, self.intensity_shift),
            np.interp(where, known, self.frequency_scale),
        )

    def apply_to_values(self, values: np.ndarray, return_period: np.ndarray) -> np.ndarray:
        """``values · scale + shift`` at each value's return period."""
        scale, shift, _ = self.at(return_period)
        return np.asarray(values) * scale + shift


def event_return_periods(hazard: Hazard) -> np.ndarray:
    """Each event's return period (years): 1 / the summed frequency of the events at least
    as severe, severity being the sum of the event's intensities."""
    return severity_return_periods(
        np.asarray(hazard.intensity.sum(axis=1)).ravel(), hazard.frequency
    )


def severity_return_periods(severity: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    """The return period (years) of each event of the given ``severity``: 1 / the summed
    ``frequency`` (per year) of the events at least as severe; events of equal severity
    share the exceedance frequency of the last of them."""
    order = np.argsort(-severity, kind="stable")
    exceedance = np.empty(len(severity))
    exceedance[order] = np.cumsum(np.asarray(frequency, dtype=np.float64)[order])
    ties = pd.Series(exceedance).groupby(severity).transform("max").to_numpy()
    with np.errstate(divide="ignore"):
        return np.where(ties > 0, 1.0 / ties, np.inf)


def value_return_periods(values: np.ndarray, years: float) -> np.ndarray:
    """Return period (years) of each value of a record of ``years`` years: years / the
    number of values at least as large (Weibull-free empirical rank, as for the events)."""
    ordered = np.sort(values)
    at_least = len(values) - np.searchsorted(ordered, values, side="left")
    return years / at_least


def changed_daily_series(
    series: pd.Series, change: HazardChange, years: float
) -> tuple[pd.Series, pd.Series]:
    """A station's daily series under a scenario, and each day's frequency scale: every
    value changed at its return period among all the record's days
    (:func:`value_return_periods`); missing days stay missing."""
    known = series.notna().to_numpy()
    values = series.to_numpy(dtype=np.float64)
    scale, shift, frequency_scale = change.at(value_return_periods(values[known], years))
    changed = values.copy()
    changed[known] = values[known] * scale + shift
    factor = np.ones(len(values))
    factor[known] = frequency_scale
    return pd.Series(changed, index=series.index), pd.Series(factor, index=series.index)


def changed_hazard(hazard: Hazard, change: HazardChange, scenario: str) -> Hazard:
    """The hazard with its stored intensities changed, ``max(0, I · scale + shift)``, and
    its frequencies scaled, at each event's return period (:func:`event_return_periods`)."""
    period = event_return_periods(hazard)
    scale, shift, frequency_scale = change.at(period)
    counts = np.diff(hazard.intensity.indptr)
    data = np.maximum(
        hazard.intensity.data * np.repeat(scale, counts) + np.repeat(shift, counts), 0.0
    )
    intensity = sp.csr_matrix(
        (data, hazard.intensity.indices.copy(), hazard.intensity.indptr.copy()),
        shape=hazard.intensity.shape,
    )
    intensity.eliminate_zeros()
    return Hazard(
        haz_type=hazard.haz_type,
        units=hazard.units,
        centroids=hazard.centroids,
        event_id=hazard.event_id,
        frequency=hazard.frequency * frequency_scale,
        intensity=intensity,
        fraction=hazard.fraction,
        event_name=hazard.event_name,
        scenario=scenario,
        grid=hazard.grid,
    )


def read_hazard_changes(path: Path, hazards: Iterable[str]) -> dict[str, HazardChange]:
    """Per hazard id, its change: ``hazard,return_period,intensity_scale,intensity_shift,
    frequency_scale`` (missing cells 1, 0, 1)."""
    known = set(hazards)
    defaults = {"intensity_scale": 1.0, "intensity_shift": 0.0, "frequency_scale": 1.0}
    table = read_table(path, ["hazard"], {"return_period": None, **defaults}, ScenarioError)
    wrong = (table["return_period"] <= 0) | (table["intensity_scale"] < 0)
    wrong |= table["frequency_scale"] < 0
    if wrong.any():
        row = table.loc[first_line(wrong)]
        raise ScenarioError(
            f"{path}: line {row.name}: return period {row['return_period']:g}, "
            f"intensity_scale {row['intensity_scale']:g}, frequency_scale "
            f"{row['frequency_scale']:g}; expected a return period > 0 and scales >= 0"
        )
    changes = {}
    for hazard_id, rows in table.groupby("hazard", sort=True):
        if hazard_id not in known:
            raise ScenarioError(
                f"{path}: line {rows.index[0]}, column 'hazard': found {hazard_id!r}; expected one "
                f"of the hazards of risk.toml: {', '.join(sorted(known))}"
            )
        again = rows["return_period"].duplicated()
        if again.any():
            period = rows["return_period"].to_numpy()[np.argmax(again.to_numpy())]
            raise ScenarioError(
                f"{path}: line {first_line(again)}: hazard {hazard_id!r}, return period "
                f"{period:g} again; expected one row per return period"
            )
        rows = rows.sort_values("return_period")
        changes[str(hazard_id)] = HazardChange(
            *(rows[c].to_numpy(dtype=np.float64) for c in ["return_period", *defaults])
        )
    return changes


def read_exposure_growth(
    path: Path, parties: Iterable[str], exposures: Iterable[str]
) -> dict[tuple[str, str], float]:
    """Per (party, exposure), the factor its values grow by: ``party,exposure,value_factor``."""
    table = read_table(path, ["party", "exposure"], {"value_factor": None}, ScenarioError)
    known = {"party": set(parties), "exposure": set(exposures)}
    growth: dict[tuple[str, str], float] = {}
    for line, record in table.iterrows():
        for column, allowed in known.items():
            if record[column] not in allowed:
                raise ScenarioError(
                    f"{path}: line {line}, column {column!r}: found {record[column]!r}; "
                    f"expected one of {', '.join(sorted(allowed))}"
                )
        key = (str(record["party"]), str(record["exposure"]))
        if key in growth:
            raise ScenarioError(f"{path}: line {line}: {key} again; expected one row each")
        if record["value_factor"] < 0:
            raise ScenarioError(
                f"{path}: line {line}, column 'value_factor': found {record['value_factor']}; "
                "expected a factor >= 0"
            )
        growth[key] = float(record["value_factor"])
    return growth
