"""Published impact functions shipped with bordercompact (flood, wind, heat), and the
formulas the tabulated wind and heat curves were computed from.

The tables live in ``bordercompact/data/impact_functions/``; its README cites every
number's source and states what each curve's impact means.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from bordercompact.risk.vulnerability import (
    ImpactFunc,
    ImpactFuncSet,
    ImpactFunctionError,
    read_impact_functions_csv,
)

SHIPPED = "bordercompact.data.impact_functions"

#: Hazard type of the JRC flood curves (CLIMADA's own JRC curves use "RF").
FLOOD_HAZARD_TYPE = "FL"

#: JRC building classes: the hundreds digit of a flood curve's ``impf_id``.
JRC_SECTORS = {"residential": 100, "commercial": 200, "industrial": 300}

#: JRC continents: the last two digits of a flood curve's ``impf_id``.
JRC_CONTINENTS = {
    "Europe": 1,
    "North America": 2,
    "Central & South America": 3,
    "Asia": 4,
    "Africa": 5,
    "Oceania": 6,
}


def _continent_key(name: str) -> str:
    key = name.lower()
    for dropped in (" ", "&", "and", "-", "_"):
        key = key.replace(dropped, "")
    return key


# Continent names as accepted, compared after _continent_key; "South America" is
# CLIMADA's name for JRC's "Central & South America".
_CONTINENT_NAMES = {_continent_key(name): name for name in JRC_CONTINENTS} | {
    "southamerica": "Central & South America"
}


def shipped_impact_functions() -> ImpactFuncSet:
    """Every impact function shipped in ``bordercompact/data/impact_functions/*.csv``.

    Returns
    -------
    ImpactFuncSet
        The JRC flood curves (haz_type ``"FL"``), the Emanuel (2011) wind curve
        (``"TC"``) and the Baccini et al. (2008) heat curves (``"HW"``), each with its
        ``source`` filled. See the data folder's README for ids and meanings.
    """
    functions: list[ImpactFunc] = []
    for entry in sorted(resources.files(SHIPPED).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv"):
            with resources.as_file(entry) as path:
                functions.extend(read_impact_functions_csv(path))
    return ImpactFuncSet(functions)


def jrc_flood_function(sector: str, continent: str) -> ImpactFunc:
    """The JRC global flood depth–damage curve of one building class on one continent.

    Parameters
    ----------
    sector : str
        ``"residential"``, ``"commercial"`` or ``"industrial"`` (any case).
    continent : str
        ``"Europe"``, ``"North America"``, ``"Central & South America"`` (also
        ``"South America"``, CLIMADA's name), ``"Asia"``, ``"Africa"`` or ``"Oceania"``.

    Returns
    -------
    ImpactFunc
        Water depth (m) → damage fraction (MDD), PAA = 1; haz_type ``"FL"``,
        ``impf_id`` = 100·class + continent (e.g. 101 residential Europe).

    Raises
    ------
    ValueError
        For an unknown sector or continent, and (as ``ImpactFunctionError``) for the two
        cells the JRC database leaves empty: commercial Africa and industrial Oceania.

    References
    ----------
    Huizinga, J., de Moel, H., Szewczyk, W. (2017). Global flood depth-damage
    functions: Methodology and the database with guidelines. EUR 28552 EN, JRC105688.
    doi:10.2760/16510
    """
    sector_key = sector.strip().lower()
    if sector_key not in JRC_SECTORS:
        raise ValueError(
            f"Unknown JRC building class {sector!r}; expected one of {', '.join(JRC_SECTORS)}."
        )
    continent_name = _CONTINENT_NAMES.get(_continent_key(continent))
    if continent_name is None:
        raise ValueError(
            f"Unknown JRC continent {continent!r}; expected one of {', '.join(JRC_CONTINENTS)}."
        )
    impf_id = JRC_SECTORS[sector_key] + JRC_CONTINENTS[continent_name]
    try:
        return shipped_impact_functions().get(FLOOD_HAZARD_TYPE, impf_id)
    except ImpactFunctionError:
        raise ImpactFunctionError(
            f"The JRC database (Huizinga et al. 2017) publishes no {sector_key} curve "
            f"for {continent_name}."
        ) from None


def emanuel_usa_mdd(
    wind_speed: np.ndarray,
    v_thresh: float = 25.7,
    v_half: float = 74.7,
    scale: float = 1.0,
) -> np.ndarray:
    """Mean damage degree of buildings at a wind speed, Emanuel's (2011) sigmoid.

    Parameters
    ----------
    wind_speed : array-like
        Wind speed in m/s (CLIMADA's TC hazard: 1-minute sustained wind at 10 m).
    v_thresh : float, default 25.7
        Wind speed (m/s) below which there is no damage (Emanuel 2011).
    v_half : float, default 74.7
        Wind speed (m/s) at which half the maximum damage is reached; CLIMADA's default,
        v_thresh + 49 m/s.
    scale : float, default 1.0
        Linear scaling of the MDD, 0 < scale ≤ 1.

    Returns
    -------
    numpy.ndarray
        MDD (fraction 0–1), same shape as ``wind_speed``.

    Notes
    -----
    v_n = max(v − v_thresh, 0) / (v_half − v_thresh);  MDD = scale · v_n³ / (1 + v_n³),
    exactly as CLIMADA's ``ImpfTropCyclone.from_emanuel_usa``
    (climada/entity/impact_funcs/trop_cyclone.py), whose PAA is 1.

    References
    ----------
    Emanuel, K. (2011). Global warming effects on U.S. hurricane damage. Weather,
    Climate, and Society 3(4), 261–268. doi:10.1175/WCAS-D-11-00007.1
    """
    if v_half <= v_thresh:
        raise ValueError(f"v_half ({v_half} m/s) must be above v_thresh ({v_thresh} m/s).")
    if v_thresh < 0:
        raise ValueError(f"Negative v_thresh ({v_thresh} m/s) is not physically possible.")
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1]; got {scale}.")
    v_n = np.maximum(np.asarray(wind_speed, dtype=np.float64) - v_thresh, 0.0) / (v_half - v_thresh)
    return scale * v_n**3 / (1.0 + v_n**3)


def heat_attributable_fraction(
    temperature: np.ndarray, threshold: float, increase_per_degc: float
) -> np.ndarray:
    """Fraction of deaths attributable to heat under a log-linear threshold model.

    Parameters
    ----------
    temperature : array-like
        Daily temperature in °C, in the metric the coefficients were estimated on
        (Baccini et al. 2008: daily maximum apparent temperature).
    threshold : float
        Temperature (°C) above which mortality rises.
    increase_per_degc : float
        Relative increase in mortality per 1 °C above the threshold, as a fraction
        (3.12 % → 0.0312).

    Returns
    -------
    numpy.ndarray
        Attributable fraction AF = (RR − 1)/RR (0 at or below the threshold), same shape
        as ``temperature``.

    Notes
    -----
    RR(T) = (1 + increase_per_degc) ** max(T − threshold, 0), so
    AF(T) = 1 − (1 + increase_per_degc) ** −max(T − threshold, 0). AF is the share of
    the deaths that occur on such a day which would not have occurred at the threshold
    temperature; applied to the deaths expected *without* heat it gives (RR − 1)/RR of
    them, which is less than the excess RR − 1 by the factor RR.
    """
    if increase_per_degc < 0:
        raise ValueError(f"Negative increase_per_degc ({increase_per_degc}) is not a heat effect.")
    excess = np.maximum(np.asarray(temperature, dtype=np.float64) - threshold, 0.0)
    return 1.0 - (1.0 + increase_per_degc) ** -excess
