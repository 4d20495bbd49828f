"""The shipped impact functions reproduce their published sources."""

from __future__ import annotations

import numpy as np
import pytest

from bordercompact.risk.functions import (
    emanuel_usa_mdd,
    heat_attributable_fraction,
    jrc_flood_function,
    shipped_impact_functions,
)
from bordercompact.risk.vulnerability import ImpactFunctionError


def _ids(haz_type: str) -> set[int]:
    return {f.impf_id for f in shipped_impact_functions() if f.haz_type == haz_type}


def test_shipped_set_holds_16_jrc_one_wind_and_two_heat_curves() -> None:
    assert len(shipped_impact_functions()) == 19
    # 6 residential, 5 commercial (none for Africa), 5 industrial (none for Oceania).
    jrc_ids = {101, 102, 103, 104, 105, 106, 201, 202, 203, 204, 206, 301, 302, 303, 304, 305}
    assert _ids("FL") == jrc_ids
    assert _ids("TC") == {1}
    assert _ids("HW") == {1, 2}


def test_jrc_europe_residential_matches_published_table() -> None:
    # Huizinga et al. (2017), EUR 28552 EN, Europe, residential buildings: damage factor
    # 0.40 at 1 m and 0.75 at 3 m of water (CLIMADA from_jrc_region_sector id 31).
    europe = jrc_flood_function("residential", "Europe")
    assert europe.impf_id == 101 and europe.haz_type == "FL"
    assert europe.mdr(np.array([1.0, 3.0])) == pytest.approx([0.40, 0.75], abs=1e-12)


@pytest.mark.parametrize(
    ("sector", "continent", "depth_m", "published"),
    [
        # JRC values as given to three decimals in CLIMADA Petals river_flood.py.
        ("residential", "North America", 0.5, 0.443),
        ("residential", "Oceania", 1.5, 0.715),
        ("commercial", "Central & South America", 1.0, 0.84),
        ("commercial", "Asia", 6.0, 1.0),
        ("industrial", "Asia", 4.0, 0.909),
        ("industrial", "Africa", 2.0, 0.494),
        ("industrial", "Europe", 1.0, 0.27),
    ],
)
def test_jrc_curves_match_published_values(
    sector: str, continent: str, depth_m: float, published: float
) -> None:
    curve = jrc_flood_function(sector, continent)
    assert curve.mdr(np.array([depth_m]))[0] == pytest.approx(published, abs=1e-12)


def test_jrc_north_american_zero_depth_damage_sits_at_five_centimetres() -> None:
    # JRC's North American residential curve has 0.202 at 0 m (basements); as in
    # CLIMADA it is placed at 0.05 m so that a dry asset takes no damage.
    america = jrc_flood_function("residential", "North America")
    assert america.mdr(np.array([0.0, 0.05])) == pytest.approx([0.0, 0.202], abs=1e-12)


def test_mdr_is_linear_between_points_and_constant_outside() -> None:
    europe = jrc_flood_function("residential", "Europe")
    # 2.5 m is halfway between 0.60 (2 m) and 0.75 (3 m); 0.275 m halfway between
    # 0 (0.05 m) and 0.25 (0.5 m); beyond 12 m and below 0 m the end values hold.
    depths = np.array([2.5, 0.275, 20.0, -1.0])
    assert europe.mdr(depths) == pytest.approx([0.675, 0.125, 1.0, 0.0], abs=1e-12)


def test_jrc_cells_missing_in_the_original_are_refused() -> None:
    with pytest.raises(ImpactFunctionError, match="no commercial curve for Africa"):
        jrc_flood_function("commercial", "Africa")
    with pytest.raises(ImpactFunctionError, match="no industrial curve for Oceania"):
        jrc_flood_function("industrial", "Oceania")


@pytest.mark.parametrize(
    "spelling", ["Central & South America", "central and south america", "South America"]
)
def test_jrc_continent_spellings_find_the_same_curve(spelling: str) -> None:
    assert jrc_flood_function("Commercial", spelling).impf_id == 203


def test_unknown_sector_or_continent_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="residential, commercial, industrial"):
        jrc_flood_function("transport", "Europe")
    with pytest.raises(ValueError, match="Unknown JRC continent 'Antarctica'"):
        jrc_flood_function("residential", "Antarctica")


def _emanuel(v: float) -> float:
    """CLIMADA's from_emanuel_usa with its defaults, written out."""
    v_n = max(v - 25.7, 0.0) / (74.7 - 25.7)
    return v_n**3 / (1 + v_n**3)


def test_emanuel_function_at_threshold_half_damage_and_100_ms() -> None:
    speeds = np.array([25.7, 74.7, 100.0])
    expected = [0.0, 0.5, _emanuel(100.0)]
    assert emanuel_usa_mdd(speeds) == pytest.approx(expected, abs=1e-12)
    wind = shipped_impact_functions().get("TC", 1)
    assert wind.mdr(speeds) == pytest.approx(expected, abs=1e-9)
    assert expected[2] == pytest.approx(0.777105, abs=1e-6)


def test_emanuel_table_follows_the_formula_between_its_points() -> None:
    wind = shipped_impact_functions().get("TC", 1)
    speeds = np.linspace(0.0, 120.0, 24001)
    assert np.abs(wind.mdr(speeds) - emanuel_usa_mdd(speeds)).max() < 1e-4
    assert wind.intensity_unit == "m/s"


def test_emanuel_rejects_shape_parameters_out_of_range() -> None:
    with pytest.raises(ValueError, match="v_half"):
        emanuel_usa_mdd(np.array([50.0]), v_thresh=30.0, v_half=30.0)
    with pytest.raises(ValueError, match="scale"):
        emanuel_usa_mdd(np.array([50.0]), scale=1.5)


@pytest.mark.parametrize(
    ("impf_id", "threshold", "increase_per_degc"),
    [(1, 29.4, 0.0312), (2, 23.3, 0.0184)],  # Baccini et al. (2008), abstract
)
def test_heat_curve_is_attributable_fraction_above_baccini_threshold(
    impf_id: int, threshold: float, increase_per_degc: float
) -> None:
    heat = shipped_impact_functions().get("HW", impf_id)
    temperatures = np.array([threshold - 5.0, threshold, threshold + 1.0, threshold + 10.0])
    relative_risk = (1 + increase_per_degc) ** np.array([0.0, 0.0, 1.0, 10.0])
    expected = (relative_risk - 1) / relative_risk
    assert heat.mdr(temperatures) == pytest.approx(expected, abs=1e-9)
    assert heat_attributable_fraction(temperatures, threshold, increase_per_degc) == (
        pytest.approx(expected, abs=1e-12)
    )
    assert heat.intensity_unit == "degC"


def test_flood_and_wind_curves_do_no_damage_at_zero_intensity() -> None:
    for curve in shipped_impact_functions():
        if curve.haz_type in ("FL", "TC"):
            assert curve.harmless_at_zero, (curve.haz_type, curve.impf_id)


def test_every_curve_has_a_source_a_unit_and_paa_one() -> None:
    for curve in shipped_impact_functions():
        assert curve.source and curve.source != "nan", (curve.haz_type, curve.impf_id)
        assert curve.intensity_unit in {"m", "m/s", "degC"}
        assert np.all(curve.paa == 1.0)
        assert np.all(curve.mdd <= 1.0)
