"""Risk metrics from event impacts and event frequencies, as CLIMADA defines them."""

from __future__ import annotations

import numpy as np

#: Return periods (years) reported by default.
DEFAULT_RETURN_PERIODS = (10.0, 50.0, 100.0, 250.0)


def expected_annual_impact(event_impacts: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    """Expected annual impact, Σ_e f_e · impact_e (impact units per year).

    ``event_impacts`` is events × anything (events × assets gives CLIMADA's ``eai_exp``;
    a vector of event totals gives ``aai_agg``); ``frequency`` is per year, one per event.
    Summed in float64.

    Reference: CLIMADA ``Impact.eai_exp`` / ``Impact.aai_agg``
    (climada/engine/impact_calc.py, ``eai_exp_from_mat``, ``aai_agg_from_eai_exp``).
    """
    return np.tensordot(
        np.asarray(frequency, dtype=np.float64),
        np.asarray(event_impacts, dtype=np.float64),
        axes=(0, 0),
    )


def exceedance_curve(at_event: np.ndarray, frequency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The impact exceedance curve: (return periods in years, impacts), ascending.

    Events are sorted by impact, largest first; the exceedance frequency of the k-th is
    the sum of the frequencies of the k largest events, its return period the inverse.
    Reference: CLIMADA ``Impact.calc_freq_curve`` (climada/engine/impact.py).
    """
    order = np.argsort(at_event, kind="stable")[::-1]
    exceedance_frequency = np.cumsum(np.asarray(frequency, dtype=np.float64)[order])
    with np.errstate(divide="ignore"):
        return_period = 1.0 / exceedance_frequency[::-1]
    return return_period, np.asarray(at_event, dtype=np.float64)[order][::-1]


def impact_at_return_periods(
    at_event: np.ndarray, frequency: np.ndarray, return_periods: np.ndarray | tuple[float, ...]
) -> np.ndarray:
    """Impact at each return period, linearly interpolated on the exceedance curve in
    return-period space; beyond the curve's ends the end values are kept (NumPy ``interp``).

    Without events, nothing happens at any return period (zeros).

    Reference: CLIMADA ``Impact.calc_freq_curve(return_per)`` (climada/engine/impact.py).
    """
    if len(at_event) == 0:
        return np.zeros(len(return_periods))
    return_period, impact = exceedance_curve(at_event, frequency)
    return np.interp(np.asarray(return_periods, dtype=np.float64), return_period, impact)
