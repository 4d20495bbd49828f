"""The social vulnerability index (SVI) of a region's zones, by the CDC/ATSDR method.

Reference: Flanagan, B. E., Gregory, E. W., Hallisey, E. J., Heitgerd, J. L., Lewis, B.
(2011). A Social Vulnerability Index for Disaster Management. Journal of Homeland Security
and Emergency Management 8(1), doi:10.2202/1547-7355.1792; and CDC/ATSDR, *SVI 2020
Documentation* (Agency for Toxic Substances and Disease Registry, 2022), "Methods":

1. each variable is ranked across all zones, PR = (rank − 1) / (N − 1), ties sharing the
   lowest rank, N the zones with a value; a variable where a higher value means *less*
   vulnerable (per-capita income) is ranked in reverse;
2. a zone's theme score is the sum of its variables' ranks; the theme's percentile is
   the percentile rank of that sum;
3. the overall SVI is the percentile rank of the sum of the theme sums;
4. a variable is flagged where its rank is at or above the 90th percentile (PR ≥ 0.9);
   a theme's flags are the count of its flagged variables, the zone's flags their total.

Missing values (CDC: −999) are left out of that variable's ranking. Where a zone misses
some variables of a theme, its theme sum is the mean of the ranks it has times the
theme's number of variables (the missing ones count as the zone's average, not as least
vulnerable); a zone that misses every variable of a theme has no score for that theme,
and its overall sum is, in the same way, the mean of its theme sums times the number of
themes (``themes_scored`` says on how many it rests). Only a zone without any variable
has no index (NaN). This extends the CDC method, which has every variable everywhere,
to parties whose censuses publish different variables.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bordercompact.equity.config import SviSpec, Variable
from bordercompact.risk.text_tables import first_line, read_table

#: A variable is flagged at or above this percentile rank (CDC: the 90th percentile).
FLAG_AT = 0.9


class SviError(ValueError):
    """A zone table or theme definition the index cannot be computed from."""


def scaled_sum(parts: np.ndarray) -> np.ndarray:
    """Per row, the sum of its parts (columns) where some are missing (NaN): the mean of
    the known ones times the number of parts, so that a missing part counts as the row's
    average; NaN where none is known. Rounded to 10 decimals, so that sums equal in exact
    arithmetic tie (0.1 + 0.2 + 0.3 and 0.3 + 0.1 + 0.2 differ in the last bit)."""
    with warnings.catch_warnings():  # a row without any known part: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.round(np.nanmean(parts, axis=1) * parts.shape[1], 10)


def percentile_rank(values: np.ndarray | pd.Series) -> np.ndarray:
    """PR = (rank − 1) / (N − 1) of each value among the non-missing ones, ties sharing
    the lowest rank (CDC/ATSDR SVI); NaN stays NaN. One value alone ranks 0."""
    series = pd.Series(np.asarray(values, dtype=np.float64))
    rank = series.rank(method="min", na_option="keep").to_numpy()
    known = int(series.notna().sum())
    if known <= 1:
        return np.where(series.notna(), 0.0, np.nan)
    return (rank - 1.0) / (known - 1.0)


@dataclass(frozen=True)
class Theme:
    """A theme of the index and the variables (columns) it sums."""

    name: str
    variables: tuple[str, ...]


def social_vulnerability(
    zones: pd.DataFrame,
    themes: Sequence[Theme],
    invert: Sequence[str] = (),
) -> pd.DataFrame:
    """The SVI of each zone (one row per zone, same index as ``zones``) with the columns
    ``<variable>_pr``, ``<variable>_flag``, ``theme_<name>_pr``, ``theme_<name>_flags``,
    ``svi`` and ``flags``. ``invert`` names the variables where higher means less
    vulnerable. Values are numbers or NaN (missing)."""
    _check_themes(zones, themes, invert)
    out = pd.DataFrame(index=zones.index)
    theme_sums = []
    for theme in themes:
        ranks: list[np.ndarray] = []
        for variable in theme.variables:
            values = zones[variable].to_numpy(dtype=np.float64)
            rank = percentile_rank(-values if variable in invert else values)
            out[f"{variable}_pr"] = rank
            flag = pd.Series(rank >= FLAG_AT, index=zones.index, dtype="Int64")
            out[f"{variable}_flag"] = flag.mask(np.isnan(rank))
            ranks.append(rank)
        theme_sum = scaled_sum(np.column_stack(ranks))
        theme_sums.append(theme_sum)
        out[f"theme_{theme.name}_pr"] = percentile_rank(theme_sum)
        flagged = np.column_stack([out[f"{v}_flag"].fillna(0) for v in theme.variables])
        out[f"theme_{theme.name}_flags"] = flagged.sum(axis=1).astype(np.int64)
    scored = np.column_stack(theme_sums)
    out["svi"] = percentile_rank(scaled_sum(scored))
    out["themes_scored"] = np.isfinite(scored).sum(axis=1)
    out["flags"] = out[[f"theme_{t.name}_flags" for t in themes]].sum(axis=1).astype(np.int64)
    return out


def svi_within_groups(
    zones: pd.DataFrame, groups: pd.Series, themes: Sequence[Theme], invert: Sequence[str] = ()
) -> pd.DataFrame:
    """The index ranked within each group (each party) instead of region-wide: every
    zone's ranks are among the zones of its own group."""
    parts = [
        social_vulnerability(zones.loc[members], themes, invert)
        for _, members in zones.groupby(groups, sort=True).groups.items()
    ]
    return pd.concat(parts).loc[zones.index]


def parse_themes(definitions: Sequence[str]) -> list[Theme]:
    """Themes written ``NAME=COL1,COL2,…`` (the ``--theme`` option)."""
    themes = []
    for text in definitions:
        name, _, columns = text.partition("=")
        variables = tuple(c.strip() for c in columns.split(",") if c.strip())
        if not name.strip() or not variables:
            raise SviError(f"theme {text!r}; expected NAME=COL1,COL2,… with at least one column")
        themes.append(Theme(name.strip(), variables))
    return themes


def _check_themes(zones: pd.DataFrame, themes: Sequence[Theme], invert: Sequence[str]) -> None:
    if not themes:
        raise SviError("no theme; expected at least one theme of variables")
    names = [t.name for t in themes]
    variables = [v for t in themes for v in t.variables]
    for label, items in (("theme", names), ("variable", variables)):
        again = sorted({i for i in items if items.count(i) > 1})
        if again:
            raise SviError(f"{label} {again[0]!r} twice; expected each {label} once")
    missing = [v for v in variables if v not in zones.columns]
    if missing:
        raise SviError(
            f"no column {', '.join(map(repr, missing))}; expected the columns the themes name "
            f"among {', '.join(map(str, zones.columns))}"
        )
    stray = [v for v in invert if v not in variables]
    if stray:
        raise SviError(f"inverted {', '.join(map(repr, stray))}; expected variables of a theme")


def themes_available(
    themes: Sequence[Theme], available: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, list[str]]]:
    """Which variables of each theme each party has (``available``: party → its
    variables), for the report: party → theme → variables present."""
    return {
        party: {t.name: [v for v in t.variables if v in set(have)] for t in themes}
        for party, have in available.items()
    }


def read_zone_table(path: Path, id_column: str, themes: Sequence[Theme]) -> pd.DataFrame:
    """A zone table for the plain calculator: the id column (unique, never empty) and the
    themes' variables as numbers, empty cells missing; indexed by zone id. Errors name the
    file, the line (header = line 1), the column, what was found and what was expected."""
    variables = [v for t in themes for v in t.variables]
    table = read_table(path, [id_column], dict.fromkeys(variables, np.nan), SviError)
    ids = table[id_column]
    for problem, rows in (("empty", ids == ""), ("repeated", ids.duplicated())):
        if rows.any():
            line = first_line(rows)
            raise SviError(
                f"{path}: line {line}, column {id_column!r}: {problem} id "
                f"{ids[line]!r}; expected one row per zone with a unique id"
            )
    return table.set_index(id_column)[variables]


def svi_columns(themes: Sequence[Theme]) -> list[str]:
    """The output columns of the plain calculator, in order."""
    columns = []
    for theme in themes:
        for variable in theme.variables:
            columns += [f"{variable}_pr", f"{variable}_flag"]
        columns += [f"theme_{theme.name}_pr", f"theme_{theme.name}_flags"]
    return [*columns, "svi", "flags"]


def write_svi_csv(result: pd.DataFrame, themes: Sequence[Theme], id_column: str, out: Path) -> None:
    """The index as CSV (missing values empty), written aside and renamed when complete."""
    staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        result[svi_columns(themes)].rename_axis(id_column).to_csv(staging)
        staging.replace(out)
    finally:
        staging.unlink(missing_ok=True)


def zone_variables(zones: pd.DataFrame, variables: Mapping[str, Variable]) -> pd.DataFrame:
    """The index's variables of harmonized census zones: each a field as it is or as a
    share of another (poverty per person, no vehicle per household); a share of nothing
    (a zone without people) is missing. Fields are the layer's canonical ones or those
    a party's dataset carries through (``region.toml``)."""
    out = pd.DataFrame(index=zones.index)
    for name, variable in variables.items():
        for key in ("field", "per"):
            column = getattr(variable, key)
            if column is not None and column not in zones.columns:
                raise SviError(
                    f"equity.toml: svi.variables.{name}.{key}: found {column!r}; expected a "
                    "field of the harmonized population_zones layer: "
                    + ", ".join(c for c in zones.columns if c != "geometry")
                )
        value = pd.to_numeric(zones[variable.field], errors="coerce").astype(np.float64)
        if variable.per is not None:
            base = pd.to_numeric(zones[variable.per], errors="coerce").astype(np.float64)
            value = value / base.where(base > 0)
        out[name] = value
    return out


def region_svi(
    zones: pd.DataFrame, party: pd.Series, spec: SviSpec
) -> tuple[pd.DataFrame, dict[str, dict[str, list[str]]]]:
    """The index of a region's harmonized census zones as ``spec`` (equity.toml) says,
    ranked region-wide or within each party, with the ``party`` of each zone; and which
    variables each party's zones have,
    per theme (a party whose census lacks a variable has it missing in every zone)."""
    values = zone_variables(zones, spec.variables)
    themes = [Theme(t.name, tuple(t.variables)) for t in spec.themes]
    invert = [name for name, v in spec.variables.items() if v.invert]
    if spec.ranking == "party":
        result = svi_within_groups(values, party, themes, invert)
    else:
        result = social_vulnerability(values, themes, invert)
    result.insert(0, "party", party.to_numpy())
    have = {
        str(p): [c for c in values.columns if values.loc[members, c].notna().any()]
        for p, members in values.groupby(party, observed=True).groups.items()
    }
    return result, themes_available(themes, have)
