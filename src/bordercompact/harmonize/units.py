"""Unit conversion with pint: every quantity ends up in the canonical (SI) unit of its field."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pint

from bordercompact.harmonize.log import DatasetLog
from bordercompact.region.kinds import FieldSpec
from bordercompact.region.manifest import Dataset
from bordercompact.region.problems import ProblemLog

#: SI unit of each dimension, for fields the dataset kind does not know.
SI_UNIT_OF_DIMENSION = {
    "[length]": "m",
    "[length] ** 2": "m**2",
    "[length] ** 3": "m**3",
    "[temperature]": "degC",
    "[length] / [time]": "m/s",
    "[mass]": "kg",
    "[time]": "s",
    "[length] ** 3 / [time]": "m**3/s",
    "[mass] / [length] ** 3": "kg/m**3",
}


class UnitError(ValueError):
    """A unit pint does not know, or one of the wrong dimension."""

    code = "unit-dimension"


class UnknownUnitError(UnitError):
    code = "unknown-unit"


@cache
def registry() -> pint.UnitRegistry:
    # Temperatures arrive as absolute readings (°F, °C), so offset units must convert
    # as points on the scale, not as differences.
    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def parse_unit(text: str) -> pint.Unit:
    try:
        return registry().Unit(text)
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        TypeError,
    ) as exc:
        raise UnknownUnitError(f"{text!r} is not a unit pint knows ({exc})") from None
    except AssertionError:
        raise UnknownUnitError(f"{text!r} is not a unit pint knows") from None


def target_unit(source: str, canonical: str | None) -> str:
    """The unit a field in ``source`` units is harmonized to.

    ``canonical`` is the unit the dataset kind fixes for the field; the source unit must
    then have its dimension. Without one, the SI unit of the source's dimension is used.
    """
    unit = parse_unit(source)
    if canonical is not None:
        if unit.dimensionality != parse_unit(canonical).dimensionality:
            raise UnitError(
                f"{source!r} has dimension {unit.dimensionality}, "
                f"but the field is measured in {canonical!r} "
                f"({parse_unit(canonical).dimensionality})"
            )
        return canonical
    dimension = str(unit.dimensionality)
    if dimension == "dimensionless":
        return source
    try:
        return SI_UNIT_OF_DIMENSION[dimension]
    except KeyError:
        return str(registry().Quantity(1, unit).to_base_units().units)


@dataclass(frozen=True)
class UnitConversion:
    """``target = source × scale + offset``: pint's conversions are all of this form
    (the offset is non-zero only between temperature scales such as °F and °C)."""

    source: str
    target: str
    scale: float
    offset: float

    @property
    def formula(self) -> str:
        if self.offset == 0:
            return f"× {self.scale:.10g}"
        sign = "+" if self.offset > 0 else "−"
        return f"× {self.scale:.10g} {sign} {abs(self.offset):.10g}"

    def apply(self, values: np.ndarray) -> np.ndarray:
        return values * self.scale + self.offset


def unit_conversion(source: str, target: str) -> UnitConversion:
    """The affine map from ``source`` to ``target`` units, read off pint at two points."""
    quantity = registry().Quantity
    source_unit, target_unit_ = parse_unit(source), parse_unit(target)
    try:
        at_zero = quantity(0.0, source_unit).to(target_unit_).magnitude
        at_one = quantity(1.0, source_unit).to(target_unit_).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitError(str(exc)) from None
    return UnitConversion(source, target, float(at_one - at_zero), float(at_zero))


def declared_conversion(
    spec: FieldSpec,
    column: str,
    dataset: Dataset,
    manifest: str,
    problems: ProblemLog,
    entry: DatasetLog,
) -> UnitConversion | None:
    """The conversion of a field from the unit its dataset declares to its canonical unit,
    written into the harmonization log; None (with the problem reported) when the unit is
    missing, unknown to pint, or of the wrong dimension."""
    declared = dataset.units.get(spec.name)
    where = {"field": f"datasets.{dataset.id}.units", "features": [dataset.id]}
    if declared is None:
        problems.error(
            "missing-unit",
            manifest,
            f"no unit for {spec.name!r} (column {column!r})",
            f"units.{spec.name} = its unit (e.g. '{spec.unit or 'm'}')",
            **where,
        )
        return None
    try:
        target = target_unit(declared, spec.unit)
        conversion = unit_conversion(declared, target)
    except UnitError as exc:
        problems.error(
            exc.code,
            manifest,
            str(exc),
            f"a unit of {spec.name} pint knows"
            + (f", convertible to {spec.unit}" if spec.unit else ""),
            field=f"datasets.{dataset.id}.units.{spec.name}",
            features=[dataset.id],
        )
        return None
    entry.units.append(
        {
            "field": spec.name,
            "column": column,
            "from": declared,
            "to": target,
            "scale": conversion.scale,
            "offset": conversion.offset,
            "formula": conversion.formula,
        }
    )
    return conversion
