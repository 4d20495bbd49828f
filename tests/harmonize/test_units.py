"""Unit conversion: known values for every conversion the parties' files need."""

from __future__ import annotations

import numpy as np
import pytest

from bordercompact.harmonize.units import UnitError, target_unit, unit_conversion


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (100.0, "degF", "degC", 37.7778),
        (32.0, "degF", "degC", 0.0),
        (-40.0, "degF", "degC", -40.0),
        (1.0, "ft", "m", 0.3048),
        (1.0, "survey_foot", "m", 1200 / 3937),
        (1.0, "ft**2", "m**2", 0.09290304),
        (1.0, "acre", "ha", 0.40468726),  # pint's acre is the US survey acre
        (1.0, "mph", "m/s", 0.44704),
        (36.0, "km/h", "m/s", 10.0),
        (1.0, "ha", "m**2", 10_000.0),
        (1.0, "inch", "m", 0.0254),
    ],
)
def test_conversion_matches_published_value(
    value: float, source: str, target: str, expected: float
) -> None:
    converted = unit_conversion(source, target).apply(np.array([value]))[0]
    assert converted == pytest.approx(expected, abs=1e-4)


def test_temperature_conversion_is_affine_and_says_so() -> None:
    conversion = unit_conversion("degF", "degC")
    assert conversion.scale == pytest.approx(5 / 9)
    assert conversion.offset == pytest.approx(-160 / 9)
    assert "−" in conversion.formula


def test_field_with_a_canonical_unit_goes_to_it() -> None:
    assert target_unit("ft**2", "m**2") == "m**2"
    assert target_unit("acre", "ha") == "ha"


def test_unknown_field_goes_to_the_si_unit_of_its_dimension() -> None:
    assert target_unit("ft", None) == "m"
    assert target_unit("degF", None) == "degC"
    assert target_unit("mph", None) == "m/s"
    assert target_unit("gallon", None) == "m**3"


def test_unit_of_the_wrong_dimension_is_refused() -> None:
    with pytest.raises(UnitError, match="dimension"):
        target_unit("ft", "m**2")


def test_unit_pint_does_not_know_is_refused() -> None:
    with pytest.raises(UnitError, match="not a unit pint knows"):
        target_unit("furlongs_per_fortnightz", None)
