"""Money over time for appraisal: discounting with a constant rate or a declining-rate
schedule, the yearly risk between the present and a future scenario, and present values.

Yearly amounts are indexed by year ``t = 0 … n − 1`` from the appraisal's first year;
amounts of year 0 are not discounted.
"""

from __future__ import annotations

import numpy as np


class AppraisalError(ValueError):
    """An appraisal setting that cannot be used as given."""


def discount_factors(rates: np.ndarray) -> np.ndarray:
    """The factor of each year, D_0 = 1 and D_t = Π_{s<t} 1/(1 + r_s), for the yearly
    discount rates ``rates`` (one per year; the last one is not used). A constant rate r
    gives D_t = (1 + r)^−t; a declining schedule (e.g. HM Treasury's Green Book, 3.5 %
    for years 0–30, then 3.0 %) discounts each year at its own rate.

    Reference: HM Treasury (2022), *The Green Book*, annex A6 (discounting); CLIMADA's
    ``DiscRates.net_present_value`` applies the same recursion.
    """
    yearly = np.asarray(rates, dtype=np.float64)
    if yearly.ndim != 1 or yearly.size == 0:
        raise AppraisalError(f"discount rates of shape {yearly.shape}; expected one per year")
    if np.any(~np.isfinite(yearly)) or np.any(yearly <= -1):
        bad = int(np.argmax(~np.isfinite(yearly) | (yearly <= -1)))
        raise AppraisalError(
            f"discount rate of year {bad}: {yearly[bad]}; expected a finite rate above −100 %"
        )
    return np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + yearly[:-1]))])


def year_rate_factors(rates: np.ndarray) -> np.ndarray:
    """The factor of each year when each year's rate discounts it from the year before,
    D_0 = 1 and D_t = D_{t−1} / (1 + r_t), as the Green Book's tables apply a declining
    schedule (3.5 % for years 1–30, 3.0 % from year 31: D_31 = D_30 / 1.03). A constant
    rate gives (1 + r)^−t, as :func:`discount_factors`; the first year's rate is not used.

    Reference: HM Treasury (2022), *The Green Book*, annex A6, table 8.
    """
    yearly = np.asarray(rates, dtype=np.float64)
    if yearly.ndim != 1 or yearly.size == 0:
        raise AppraisalError(f"discount rates of shape {yearly.shape}; expected one per year")
    return discount_factors(np.append(yearly[1:], yearly[-1]))


def present_value(amounts: np.ndarray, rates: np.ndarray) -> float:
    """Σ_t amount_t · D_t (:func:`discount_factors`), the amounts in the money of year 0."""
    values = np.asarray(amounts, dtype=np.float64)
    factors = discount_factors(rates)
    if values.shape != factors.shape:
        raise AppraisalError(f"{values.size} yearly amounts for {factors.size} yearly rates")
    return float(values @ factors)


def time_weights(n_years: int, exponent: float = 1.0) -> np.ndarray:
    """How far each year is from the present (0) to the future scenario (1):
    w_t = (t / (n − 1))^p, linear for p = 1 (CLIMADA's cost–benefit ``imp_time_depen``)."""
    if n_years < 1:
        raise AppraisalError(f"{n_years} years; expected at least one")
    if not np.isfinite(exponent) or exponent <= 0:
        raise AppraisalError(f"time exponent {exponent}; expected a number > 0")
    if n_years == 1:
        return np.zeros(1)
    return (np.arange(n_years) / (n_years - 1)) ** exponent


def yearly_risk(present: float, future: float, weights: np.ndarray) -> np.ndarray:
    """The risk of each year between the present and the future scenario's:
    R_t = R_present + (R_future − R_present) · w_t."""
    return present + (future - present) * np.asarray(weights, dtype=np.float64)


def net_present_value(benefit: float, cost: float) -> float:
    """NPV = PV(benefits) − PV(costs), in the money of the first year."""
    return benefit - cost


def benefit_cost_ratio(benefit: float, cost: float) -> float:
    """BCR = PV(benefits) / PV(costs); infinite for a free measure with benefits, NaN for
    a free one without."""
    if cost == 0:
        return float("inf") if benefit > 0 else float("nan")
    return benefit / cost
