"""Who bears a loss and who gains from a measure: any per-zone or per-asset quantity split by
party and social-vulnerability quintile, its concentration index, the share going to the most
vulnerable, and the profile of the households a measure or scenario displaces.

Every function takes a *quantity* as a per-unit total (the expected annual loss of a zone in
currency per year, the loss a measure avoids there, the people exposed there) and, where it
matters, *weights* as the unit's population (or households). A per-capita rate is then
quantity / weight; nothing here asks the caller to divide first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

#: Quintile given to units whose SVI is unknown (NaN).
UNKNOWN_QUINTILE = 0
#: Label of the row (or party) that sums every unit.
TOTAL = "total"
#: Lower edges of SVI quintiles 2…5 (quintile 1 starts at 0).
_QUINTILE_EDGES = np.array([0.2, 0.4, 0.6, 0.8])


def svi_quintile(svi: ArrayLike) -> np.ndarray:
    """SVI quintile of each unit: 1 (least vulnerable) … 5 (most vulnerable), 0 if unknown.

    Parameters
    ----------
    svi : array of float
        Social vulnerability as a percentile rank in [0, 1], the CDC/ATSDR convention
        (``RPL_THEMES``: 0 least, 1 most vulnerable). NaN means unknown; the CDC's missing
        value −999 must be turned into NaN by the caller.

    Returns
    -------
    np.ndarray of int, same shape as ``svi``

    Notes
    -----
    The cut rule is q = min(5, ⌊5·svi⌋ + 1), evaluated as q = 1 + #{c ∈ (0.2, 0.4, 0.6, 0.8) :
    svi ≥ c} so that the edges are exact in floating point: quintile k holds
    (k − 1)/5 ≤ svi < k/5, and quintile 5 holds 0.8 ≤ svi ≤ 1 (closed, so svi = 1 is in it).
    NaN gives :data:`UNKNOWN_QUINTILE` (0). The quintiles are of the SVI's own reference
    population (a nation or a state), not of the region: for the region's most vulnerable
    fifth see :func:`share_to_most_vulnerable`.

    References
    ----------
    Flanagan, B. E., Gregory, E. W., Hallisey, E. J., Heitgerd, J. L. & Lewis, B. (2011).
    A Social Vulnerability Index for Disaster Management. Journal of Homeland Security and
    Emergency Management 8(1). CDC/ATSDR SVI 2020 Documentation (percentile ranks 0–1).
    """
    values = np.asarray(svi, dtype=np.float64)
    known = ~np.isnan(values)
    outside = known & ((values < 0.0) | (values > 1.0))
    if outside.any():
        first = np.flatnonzero(outside.ravel())[0]
        raise ValueError(
            f"SVI must be a percentile rank in [0, 1] (or NaN for unknown); found "
            f"{float(values.ravel()[first])} at position {first} ({int(outside.sum())} value(s) "
            "out of range)."
        )
    quintile = 1 + np.searchsorted(_QUINTILE_EDGES, np.where(known, values, 0.0), side="right")
    return np.where(known, quintile, UNKNOWN_QUINTILE).astype(np.int64)


def split(quantity: ArrayLike, groups: ArrayLike | pd.DataFrame) -> pd.Series:
    """Sum of ``quantity`` per group label, plus a ``"total"`` row with the sum of all units.

    Parameters
    ----------
    quantity : array of float, one per unit
        A per-unit total (e.g. expected annual loss, currency per year); the result is in
        the same unit.
    groups : array of labels, one per unit, or a DataFrame of label columns
        One array (party, SVI quintile, …) gives one index level; a DataFrame (say with
        columns ``party`` and ``quintile``) gives a MultiIndex, one level per column, and
        the total row is keyed ``"total"`` on every level. Missing labels (NaN, None) form
        a group of their own, so the groups always add up to the total.

    Returns
    -------
    pd.Series
        Indexed by group label (sorted) then ``"total"``.
    """
    amounts = _as_quantity(quantity)
    if isinstance(groups, pd.DataFrame):
        keys = [groups[column].to_numpy() for column in groups.columns]
        names = [str(column) for column in groups.columns]
    else:
        keys = [np.asarray(groups)]
        names = [str(getattr(groups, "name", None) or "group")]
    for key, name in zip(keys, names, strict=True):
        _require_same_length(key, name, len(amounts))
    by_group = pd.Series(amounts).groupby(keys, dropna=False).sum()
    if len(keys) == 1:
        total_index: pd.Index = pd.Index([TOTAL])
    else:
        total_index = pd.MultiIndex.from_tuples([(TOTAL,) * len(keys)])
    total = pd.Series([amounts.sum()], index=total_index)
    result = pd.concat([by_group, total])
    result.index.names = names
    result.name = getattr(quantity, "name", None)
    return result


def split_by_party_and_quintile(
    quantity: ArrayLike,
    party: ArrayLike,
    svi: ArrayLike,
    weights: ArrayLike | None = None,
) -> pd.DataFrame:
    """A tidy table of ``quantity`` per party × SVI quintile, with its shares.

    Parameters
    ----------
    quantity : array of float, one per unit
        A per-unit total (e.g. expected annual loss in currency per year).
    party : array of labels, one per unit
        The party (jurisdiction) of each unit; ``"total"`` is reserved.
    svi : array of float, one per unit
        SVI percentile rank in [0, 1], NaN if unknown (see :func:`svi_quintile`).
    weights : array of float, one per unit, optional
        The unit's population (or households). When given, the table also says how many
        people each cell holds, so a cell's share of the quantity can be read against its
        share of the people.

    Returns
    -------
    pd.DataFrame
        Columns ``party, quintile, quantity, share, share_within_party`` and, with weights,
        ``weight, weight_share``. One row per party (sorted) and quintile 1…5, cells without
        units included with zeros, then quintile 0 if any SVI is unknown; then the same
        rows for party ``"total"`` (all parties together). ``share`` is the cell's share of
        the regional total, ``share_within_party`` its share of its party's total (NaN when
        that total is zero); ``weight_share`` is the cell's share of all weight.
    """
    amounts = _as_quantity(quantity)
    parties = np.asarray(party)
    _require_same_length(parties, "party", len(amounts))
    if (parties == TOTAL).any():
        raise ValueError(f"A party may not be named {TOTAL!r}: that label is kept for the sum.")
    quintile = svi_quintile(svi)
    _require_same_length(quintile, "svi", len(amounts))
    weight = None if weights is None else _as_weights(weights, len(amounts))

    levels = [1, 2, 3, 4, 5] + ([UNKNOWN_QUINTILE] if (quintile == UNKNOWN_QUINTILE).any() else [])
    units = pd.DataFrame({"party": parties, "quintile": quintile, "quantity": amounts})
    if weight is not None:
        units["weight"] = weight
    cells = pd.MultiIndex.from_product([sorted(pd.unique(parties)), levels])
    per_cell = units.groupby(["party", "quintile"]).sum().reindex(cells, fill_value=0.0)
    per_cell.index.names = ["party", "quintile"]
    all_parties = per_cell.groupby(level="quintile", sort=False).sum()
    all_parties.index = pd.MultiIndex.from_product([[TOTAL], all_parties.index])
    all_parties.index.names = ["party", "quintile"]
    table = pd.concat([per_cell, all_parties]).reset_index()

    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = table["quantity"] / amounts.sum()
        party_total = table.groupby("party", sort=False)["quantity"].transform("sum")
        table["share_within_party"] = table["quantity"] / party_total
        if weight is not None:
            table["weight_share"] = table["weight"] / weight.sum()
    columns = ["party", "quintile", "quantity", "share", "share_within_party"]
    if weight is not None:
        columns += ["weight", "weight_share"]
    return table[columns]


def fractional_rank(rank_variable: ArrayLike, weights: ArrayLike | None = None) -> np.ndarray:
    """Weighted fractional rank of each unit in (0, 1), from the lowest ``rank_variable`` up.

    Parameters
    ----------
    rank_variable : array of float, one per unit
        What units are ranked by (for equity, the SVI); must be finite.
    weights : array of float, one per unit, optional
        The unit's population; equal weights when omitted. Non-negative, positive sum.

    Notes
    -----
    Sorting units by ``rank_variable``, r_i = (Σ_{j before i} w_j + w_i / 2) / Σ_j w_j: the
    middle of the unit's slice of the ranked population (O'Donnell et al. 2008, ch. 8).
    Tied units form one slice and each gets that slice's middle, which is the weighted mean
    of the ranks they would get in any order among themselves, so the result does not
    depend on the order of the input. The weighted mean of r is then exactly ½.

    References
    ----------
    O'Donnell, O., van Doorslaer, E., Wagstaff, A. & Lindelow, M. (2008). Analyzing Health
    Equity Using Household Survey Data, ch. 8. Washington, DC: The World Bank.
    """
    ranks = _as_finite(rank_variable, "rank_variable")
    weight = _as_weights(weights, len(ranks))
    tie_group, weight_below, group_weight = _ranked_slices(ranks, weight)
    group_rank = (weight_below + group_weight / 2.0) / weight.sum()
    return group_rank[tie_group]


def concentration_index(
    quantity: ArrayLike, rank_variable: ArrayLike, weights: ArrayLike | None = None
) -> float:
    """Concentration index of ``quantity`` over units ranked by ``rank_variable`` (no unit).

    **Sign convention.** Units are ranked from the lowest ``rank_variable`` to the highest;
    ranked by SVI, that is from the least to the most vulnerable, and **C > 0 means the
    quantity is concentrated among the more vulnerable**: for a loss, the vulnerable bear
    more than their share of the people; for a benefit (an avoided loss), the measure is
    pro-vulnerable. C < 0 is the reverse, C = 0 an equal per-capita distribution.

    Parameters
    ----------
    quantity : array of float, one per unit
        A per-unit **total** (e.g. a zone's expected annual loss, currency per year), not a
        rate. With population weights the index is that of the per-capita rate
        h_i = quantity_i / weight_i over the people of the region.
    rank_variable : array of float, one per unit
        The SVI (or any finite ranking variable; higher = more vulnerable for the sign
        convention above to read as stated).
    weights : array of float, one per unit, optional
        The unit's population (or households). Without weights every unit counts as one,
        and the index is over units (zones or assets), not people.

    Returns
    -------
    float
        C in [−1, 1] for a non-negative quantity; for n units of equal weight its extremes
        are ±(n − 1)/n, everything in the single most (least) vulnerable unit. With negative
        entries (a measure that raises the loss somewhere) C is still defined but not
        bounded. NaN when the quantity sums to zero.

    Notes
    -----
    C = 2·cov_w(h, r) / μ_w, with r the weighted fractional rank of :func:`fractional_rank`
    (tied units share their mean rank), h the per-capita rate, μ_w = Σ q_i / Σ w_i its
    weighted mean and cov_w the population-weighted covariance. Because the weighted mean
    of r is ½ this is computed as C = (2 / Σ q_i) · Σ q_i (r_i − ½), which needs no
    division by the weights: a unit with zero weight holds its quantity at its point in the
    ranking. Duplicating a unit (same rank, same quantity, same weight) is the same as one
    unit with twice the weight and twice the quantity.

    References
    ----------
    Kakwani, N., Wagstaff, A. & van Doorslaer, E. (1997). Socioeconomic inequalities in
    health: Measurement, computation, and statistical inference. Journal of Econometrics
    77(1), 87–103. O'Donnell, O., van Doorslaer, E., Wagstaff, A. & Lindelow, M. (2008).
    Analyzing Health Equity Using Household Survey Data, ch. 8. The World Bank.
    """
    amounts = _as_quantity(quantity)
    ranks = _as_finite(rank_variable, "rank_variable")
    _require_same_length(ranks, "rank_variable", len(amounts))
    rank = fractional_rank(ranks, weights)
    total = amounts.sum()
    if total == 0.0:
        return float("nan")
    return float(2.0 * np.dot(amounts, rank - 0.5) / total)


def share_to_most_vulnerable(
    quantity: ArrayLike,
    svi: ArrayLike,
    weights: ArrayLike | None = None,
    top: float = 0.2,
) -> float:
    """Share of ``quantity`` that goes to the region's most vulnerable ``top`` fraction.

    Parameters
    ----------
    quantity : array of float, one per unit
        A per-unit total (e.g. avoided loss, currency per year).
    svi : array of float, one per unit
        The SVI (any finite ranking variable, higher = more vulnerable).
    weights : array of float, one per unit, optional
        The unit's population. With weights, the group is the most vulnerable ``top`` of
        the **people** of the region; without, the most vulnerable ``top`` of the **units**
        (each unit counting as one).
    top : float, default 0.2
        The fraction of the region (people or units) that counts as most vulnerable, in
        (0, 1]; 0.2 is the issue's "most vulnerable 20 %".

    Returns
    -------
    float
        Σ_i f_i q_i / Σ_i q_i, with f_i the fraction of unit i inside the group; NaN when the
        quantity sums to zero.

    Notes
    -----
    Units are taken from the most vulnerable down until their weight reaches ``top`` of
    the total. The unit on the boundary is split: the fraction f of its weight that falls
    inside the group brings the same fraction f of its quantity (the quantity is taken as
    spread evenly over the unit's people). Units tied on SVI are one block and are split
    together, so the result does not depend on the order of the input. The group is
    relative to the region; SVI quintile 5 (:func:`svi_quintile`) is relative to the SVI's
    reference population and generally holds a different share of the region.
    """
    if not 0.0 < top <= 1.0:
        raise ValueError(f"'top' must be a fraction in (0, 1]; got {top!r}.")
    amounts = _as_quantity(quantity)
    ranks = _as_finite(svi, "svi")
    _require_same_length(ranks, "svi", len(amounts))
    weight = _as_weights(weights, len(amounts))
    tie_group, weight_below, group_weight = _ranked_slices(ranks, weight)
    weight_above = weight.sum() - weight_below - group_weight
    room = top * weight.sum() - weight_above
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = np.where(group_weight > 0, room / group_weight, (room > 0).astype(np.float64))
    fraction_inside = np.clip(inside, 0.0, 1.0)[tie_group]
    total = amounts.sum()
    if total == 0.0:
        return float("nan")
    return float(np.dot(fraction_inside, amounts) / total)


@dataclass(frozen=True)
class DisplacementProfile:
    """Households a measure or scenario removes or relocates, and who they are.

    ``by_quintile`` is indexed by SVI quintile (1…5, then 0 for unknown SVI if any unit
    has it) with columns ``households`` (displaced), ``share`` (of the displaced) and
    ``share_of_all_households`` (the quintile's share of all households, to compare with).
    The mean SVIs are household-weighted over the units whose SVI is known; NaN when there
    are no such households.
    """

    households_displaced: float
    by_quintile: pd.DataFrame
    mean_svi_displaced: float
    mean_svi_all: float


def displacement_profile(
    households: ArrayLike, svi: ArrayLike, removed: ArrayLike
) -> DisplacementProfile:
    """Number of households displaced and their SVI profile.

    Parameters
    ----------
    households : array of float, one per unit
        Households in each unit (zone or building), before the measure.
    svi : array of float, one per unit
        SVI percentile rank in [0, 1], NaN if unknown (see :func:`svi_quintile`).
    removed : array of bool or float, one per unit
        Which units the measure or scenario removes or relocates: a boolean mask, or the
        fraction of each unit's households displaced, in [0, 1].

    Returns
    -------
    DisplacementProfile
        Displaced households d_i = households_i · removed_i, their total, their split by
        SVI quintile (count and share) and their mean SVI against that of all households.
    """
    household_count = _as_nonnegative(households, "households")
    n = len(household_count)
    fraction = _as_finite(removed, "removed")
    _require_same_length(fraction, "removed", n, of="households")
    if ((fraction < 0.0) | (fraction > 1.0)).any():
        raise ValueError("'removed' must be a boolean mask or fractions in [0, 1].")
    svi_values = np.asarray(svi, dtype=np.float64)
    quintile = svi_quintile(svi_values)
    _require_same_length(quintile, "svi", n, of="households")
    displaced = household_count * fraction

    levels = [1, 2, 3, 4, 5] + ([UNKNOWN_QUINTILE] if (quintile == UNKNOWN_QUINTILE).any() else [])
    by_quintile = pd.DataFrame(
        {
            "households": split(displaced, quintile).drop(TOTAL),
            "all_households": split(household_count, quintile).drop(TOTAL),
        }
    ).reindex(levels, fill_value=0.0)
    by_quintile.index.name = "quintile"
    with np.errstate(invalid="ignore", divide="ignore"):
        by_quintile["share"] = by_quintile["households"] / displaced.sum()
        by_quintile["share_of_all_households"] = (
            by_quintile["all_households"] / household_count.sum()
        )
    known = quintile != UNKNOWN_QUINTILE
    return DisplacementProfile(
        households_displaced=float(displaced.sum()),
        by_quintile=by_quintile[["households", "share", "share_of_all_households"]],
        mean_svi_displaced=_weighted_mean(svi_values[known], displaced[known]),
        mean_svi_all=_weighted_mean(svi_values[known], household_count[known]),
    )


def _ranked_slices(ranks: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, ...]:
    """Units ranked in tie groups: each unit's group, and per group (ascending) the weight
    ranked below it and its own weight."""
    values, tie_group = np.unique(ranks, return_inverse=True)
    group_weight = np.bincount(tie_group, weights=weight, minlength=len(values))
    return tie_group, np.cumsum(group_weight) - group_weight, group_weight


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = weights.sum()
    return float(np.dot(values, weights) / total) if total > 0 else float("nan")


def _as_finite(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"'{name}' must be one-dimensional (one value per unit).")
    bad = ~np.isfinite(array)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"'{name}' must be finite; found {float(array[first])} at position {first} "
            f"({int(bad.sum())} value(s) not finite)."
        )
    return array


def _as_quantity(quantity: ArrayLike) -> np.ndarray:
    return _as_finite(quantity, "quantity")


def _as_nonnegative(values: ArrayLike, name: str) -> np.ndarray:
    array = _as_finite(values, name)
    negative = array < 0.0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise ValueError(
            f"'{name}' must not be negative; found {float(array[first])} at position {first}."
        )
    return array


def _as_weights(weights: ArrayLike | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    array = _as_nonnegative(weights, "weights")
    _require_same_length(array, "weights", n)
    if array.sum() <= 0.0:
        raise ValueError("'weights' must have a positive sum.")
    return array


def _require_same_length(values: np.ndarray, name: str, n: int, of: str = "quantity") -> None:
    if len(values) != n:
        raise ValueError(
            f"'{name}' has {len(values)} values but '{of}' has {n}; expected one per unit."
        )
