"""CLIMADA's measure columns and cost–benefit on a case small enough to check by hand.

Two assets under one damage curve MDR(h) = h / 4 (points 0, 2, 4 m; 1 above 4 m):
a1 (north, region 1, worth 100) at centroid 0 and a2 (south, region 2, worth 200) at
centroid 1, three floods:

    event  frequency  depth c0, c1  a1   a2   total
    e1     1/2        1,   1        25   50    75
    e2     1/8        2,   2        50  100   150
    e3     1/32       4,   0.5     100   25   125

Average annual impact: north 21.875, south 38.28125, total 60.15625. The frequencies are
powers of two, so that sums and comparisons with a cutoff are exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from bordercompact.measures.climada_table import (
    ClimadaMeasure,
    MeasureImpact,
    MeasureTable,
    MeasureTableError,
    Portfolio,
    appraise_measures,
    changed_function,
    climada_time_weights,
    cost_benefit_settings,
    measure_impact,
    measures_document,
    moved_intensity_nodes,
    protected_share,
    read_measure_table,
    read_measures_csv,
    risk_transfer_cover,
    write_measures_json,
)
from bordercompact.risk.engine import ImpactResult, compute_impact
from bordercompact.risk.exposure import Exposures
from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.vulnerability import ImpactFunc, ImpactFuncSet

FREQUENCY = np.array([0.5, 0.125, 0.03125])
DEPTH = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 0.5]])
REGION = np.array(["1", "2"], dtype=object)
NO_MEASURE_AAI = 60.15625


def curve() -> ImpactFunc:
    return ImpactFunc(
        "FL", 1, np.array([0.0, 2.0, 4.0]), np.array([0.0, 0.5, 1.0]), np.ones(3), name="depth"
    )


def portfolio() -> Portfolio:
    hazard = Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(np.arange(2), lat=np.zeros(2), lon=np.array([0.0, 0.01])),
        event_id=np.arange(1, 4),
        frequency=FREQUENCY,
        intensity=sp.csr_matrix(DEPTH),
    )
    exposures = Exposures(
        asset_id=np.array(["a1", "a2"], dtype=object),
        lat=np.zeros(2),
        lon=np.array([0.0, 0.01]),
        value=np.array([100.0, 200.0]),
        impf_id=np.array([1, 1]),
        party=np.array(["north", "south"], dtype=object),
    )
    return Portfolio(hazard, exposures, np.array([0, 1]), ImpactFuncSet([curve()]))


def baseline(case: Portfolio) -> ImpactResult:
    return compute_impact(case.hazard, case.exposures, case.functions, case.centroid)


def with_measure(**columns: object) -> MeasureImpact:
    measure = ClimadaMeasure(name="m", **columns)  # type: ignore[arg-type]
    case = portfolio()
    inside = MeasureTable((measure,), REGION).inside(measure, case.exposures.size)
    return measure_impact(measure, case, inside, baseline(case).at_event_by_party)


def test_the_hand_case_without_measures() -> None:
    result = baseline(portfolio())
    assert result.aai_agg == NO_MEASURE_AAI
    assert result.aai_by_party() == {"north": 21.875, "south": 38.28125}


# mdd_impact, paa_impact -----------------------------------------------------------------


@pytest.mark.parametrize("column", ["mdd_impact", "paa_impact"])
def test_mdd_and_paa_impact_scale_the_damage(column: str) -> None:
    halved = with_measure(**{column: (0.5, 0.0)})
    assert halved.aai_agg == pytest.approx(NO_MEASURE_AAI / 2)
    assert halved.risk_transf_aai == 0


def test_a_damage_ratio_above_one_is_cut_at_one_unlike_climada() -> None:
    # MDD × 1.5: points 0, 0.75, 1.5 → 0, 0.75, 1 (CLIMADA keeps 1.5)
    function = changed_function(curve(), ClimadaMeasure("m", mdd_impact=(1.5, 0.0)), 1001)
    np.testing.assert_allclose(function.mdd, [0, 0.75, 1])
    # e1: 0.375·(100+200) = 112.5; e2: 0.75·300 = 225; e3: 1·100 + 0.1875·200 = 137.5
    assert with_measure(mdd_impact=(1.5, 0.0)).aai_agg == pytest.approx(
        0.5 * 112.5 + 0.125 * 225 + 0.03125 * 137.5  # 88.671875; CLIMADA: 90.234375
    )


def test_a_curve_above_one_that_the_measure_leaves_alone_is_not_cut() -> None:
    above = ImpactFunc("FL", 1, np.array([0.0, 4.0]), np.array([0.0, 1.2]), np.ones(2))
    function = changed_function(above, ClimadaMeasure("m", paa_impact=(0.5, 0.0)), 1001)
    np.testing.assert_allclose(function.mdd, [0, 1.2])
    np.testing.assert_allclose(function.paa, [0.5, 0.5])


def test_a_change_that_damages_at_zero_intensity_is_refused() -> None:
    measure = ClimadaMeasure("worse", mdd_impact=(1.0, 0.1), origin="measures.csv, line 2")
    with pytest.raises(MeasureTableError, match=r"measures.csv, line 2: measure 'worse'.*MDR\(0\)"):
        changed_function(curve(), measure, 1001)


# hazard_inten_imp -----------------------------------------------------------------------


def test_an_intensity_shift_protects_by_its_units() -> None:
    # (1, −1): the curve moves 1 m to the right, MDR(h) = (h − 1) / 4
    np.testing.assert_allclose(moved_intensity_nodes(np.array([0, 2, 4]), 1, -1), [1, 3, 5])
    # e1: 0; e2: 0.25·300 = 75; e3: 0.75·100 + 0 = 75
    assert with_measure(hazard_inten_imp=(1.0, -1.0)).aai_agg == pytest.approx(
        0.125 * 75 + 0.03125 * 75
    )


def test_with_a_scale_other_than_one_the_shift_is_divided_by_it_as_in_climada() -> None:
    # (2, −2): points at 2·x + 2, so a depth h acts as (h − 2) / 2, not 2·h − 2
    np.testing.assert_allclose(moved_intensity_nodes(np.array([0, 2, 4]), 2, -2), [2, 6, 10])
    # only a1 in e3 is damaged: depth 4 acts as 1, MDR 0.25 → 25
    shifted = with_measure(hazard_inten_imp=(2.0, -2.0))
    assert shifted.aai_agg == pytest.approx(0.03125 * 25)  # 0.78125
    # reading it as 2·h − 2 would give e2: 0.5·300, e3: 1·100 → 21.875
    assert shifted.aai_agg != pytest.approx(0.125 * 150 + 0.03125 * 100)


def test_points_shifted_below_zero_collapse_onto_zero_as_in_climada() -> None:
    np.testing.assert_allclose(moved_intensity_nodes(np.array([0, 2, 4]), 1, 3), [0, 0, 1])


# hazard_freq_cutoff ---------------------------------------------------------------------


def test_a_cutoff_removes_the_events_more_frequent_than_it_ranked_by_impact() -> None:
    # ranked e2 (150), e3 (125), e1 (75): exceedance 1/8, 5/32, 21/32; cutoff 0.15
    # removes e3 and e1
    np.testing.assert_array_equal(
        protected_share(np.array([75.0, 150, 125]), FREQUENCY, 0.15), [1, 0, 1]
    )
    assert with_measure(hazard_freq_cutoff=0.15).aai_agg == pytest.approx(0.125 * 150)


def test_an_event_whose_exceedance_frequency_equals_the_cutoff_stays() -> None:
    assert with_measure(hazard_freq_cutoff=0.15625).aai_agg == pytest.approx(
        0.125 * 150 + 0.03125 * 125
    )


@pytest.mark.parametrize("cutoff", [0.65625, 1.0])
def test_a_cutoff_at_or_above_the_total_frequency_removes_nothing(cutoff: float) -> None:
    assert with_measure(hazard_freq_cutoff=cutoff).aai_agg == NO_MEASURE_AAI


def test_a_cutoff_below_the_most_damaging_events_frequency_keeps_it_at_the_cutoff() -> None:
    # CLIMADA removes every event (risk 0); here e2 still happens 1/16 a year
    np.testing.assert_array_equal(
        protected_share(np.array([75.0, 150, 125]), FREQUENCY, 0.0625), [1, 0.5, 1]
    )
    kept = with_measure(hazard_freq_cutoff=0.0625)
    assert kept.aai_agg == pytest.approx(0.0625 * 150)
    assert kept.aai_by_party() == pytest.approx({"north": 0.0625 * 50, "south": 0.0625 * 100})


def test_a_cutoff_of_zero_removes_nothing() -> None:
    assert not protected_share(np.array([75.0, 150, 125]), FREQUENCY, 0.0).any()


# exp_region_id --------------------------------------------------------------------------


def test_a_regional_measure_leaves_the_assets_outside_as_they_are() -> None:
    halved = with_measure(mdd_impact=(0.5, 0.0), exp_region_id=("1",))
    assert halved.aai_by_party() == pytest.approx({"north": 21.875 / 2, "south": 38.28125})


def test_a_regional_cutoff_ranks_the_events_by_the_impact_inside() -> None:
    # inside region 2 (a2): e2 100, e1 50, e3 25, exceedance 1/8, 5/8, 21/32: cutoff 0.63
    # removes e3 for a2 only (ranked on the portfolio it would remove e1)
    cut = with_measure(hazard_freq_cutoff=0.63, exp_region_id=("2",))
    assert cut.aai_by_party() == pytest.approx({"north": 21.875, "south": 0.125 * 100 + 0.5 * 50})


def test_several_regions_make_one_measure_act_on_each() -> None:
    both = with_measure(mdd_impact=(0.5, 0.0), exp_region_id=("1", "2"))
    assert both.aai_agg == pytest.approx(NO_MEASURE_AAI / 2)


# risk transfer --------------------------------------------------------------------------


def test_a_layer_takes_each_events_impact_above_the_attachment_up_to_the_cover() -> None:
    # layer: e1 0, e2 min(50, 30) = 30, e3 25, split pro rata (e2: 10 north, 20 south;
    # e3: 20 north, 5 south)
    layered = with_measure(risk_transf_attach=100.0, risk_transf_cover=30.0)
    assert layered.risk_transf_aai == pytest.approx(0.125 * 30 + 0.03125 * 25)  # 4.53125
    assert layered.aai_agg == pytest.approx(NO_MEASURE_AAI - 4.53125)
    assert layered.aai_by_party() == pytest.approx(
        {"north": 21.875 - 0.125 * 10 - 0.03125 * 20, "south": 38.28125 - 0.125 * 20 - 0.03125 * 5}
    )


def test_a_deductible_without_a_cover_transfers_everything_above_it_unlike_climada() -> None:
    # CLIMADA: cover 0 transfers nothing; here the cover is unlimited: e2 50, e3 25
    assert risk_transfer_cover(100.0, 0.0) == float("inf")
    layered = with_measure(risk_transf_attach=100.0)
    assert layered.risk_transf_aai == pytest.approx(0.125 * 50 + 0.03125 * 25)  # 7.03125
    assert layered.aai_agg == pytest.approx(0.5 * 75 + 0.125 * 100 + 0.03125 * 100)


def test_a_cover_without_an_attachment_is_a_first_loss_cover() -> None:
    layered = with_measure(risk_transf_cover=60.0)
    assert layered.risk_transf_aai == pytest.approx(60 * FREQUENCY.sum())  # 39.375


def test_attachment_and_cover_zero_transfer_nothing() -> None:
    assert risk_transfer_cover(0.0, 0.0) == 0
    assert with_measure().risk_transf_aai == 0
    assert with_measure().aai_agg == NO_MEASURE_AAI


# measures.csv ---------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_absent_columns_and_empty_cells_take_climadas_defaults(tmp_path: Path) -> None:
    table = write(tmp_path / "measures.csv", "name,cost,mdd_impact_a\nnothing,,\nhalf,5,0.5\n")
    nothing, half = read_measures_csv(table)
    assert nothing == ClimadaMeasure("nothing", origin=f"{table}, line 2")
    assert (half.cost, half.mdd_impact, half.paa_impact) == (5, (0.5, 0), (1, 0))
    assert (half.risk_transf_cost_factor, half.hazard_freq_cutoff) == (1, 0)


def test_every_column_is_read(tmp_path: Path) -> None:
    table = write(
        tmp_path / "measures.csv",
        "name,cost,hazard_inten_imp_a,hazard_inten_imp_b,mdd_impact_a,mdd_impact_b,"
        "paa_impact_a,paa_impact_b,hazard_freq_cutoff,exp_region_id,risk_transf_attach,"
        "risk_transf_cover,risk_transf_cost_factor\n"
        "all,1e6,1,-0.5,0.8,-0.05,0.9,0,0.1,756; 276.0 ,1000,5000,1.2\n",
    )
    (measure,) = read_measures_csv(table)
    assert measure == ClimadaMeasure(
        name="all",
        cost=1e6,
        hazard_inten_imp=(1, -0.5),
        mdd_impact=(0.8, -0.05),
        paa_impact=(0.9, 0),
        hazard_freq_cutoff=0.1,
        exp_region_id=("756", "276"),
        risk_transf_attach=1000,
        risk_transf_cover=5000,
        risk_transf_cost_factor=1.2,
        origin=f"{table}, line 2",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cost\n5\n", "found no column name; expected the column name and any of cost"),
        ("name,colour\nm,red\n", "found column(s) colour; expected the column name"),
        ("name,cost,cost\nm,1,2\n", "found column(s) cost twice; expected the column name"),
        ("name,cost\nm,lots\n", "line 2, column cost: found 'lots'; expected a number"),
        ("name,cost\nm,-5\n", "line 2, column cost: found '-5'; expected a number >= 0"),
        ("name,mdd_impact_b\nm,nan\n", "column mdd_impact_b: found 'nan'; expected a number"),
        ("name,hazard_inten_imp_a\nm,0\n", "column hazard_inten_imp_a: found 0; expected a "),
        ("name,cost\na,1\n\nb,2\na,3\n", "line 5, column name: found 'a', already the name "),
        ("name,cost\n,1\n", "line 2, column name: found an empty cell; expected a name"),
        ("name,cost\nm,1,2\n", "line 2: found 3 cells; expected 2, one per column"),
        ("name,cost\n", "found no measure; expected one row per measure"),
    ],
)
def test_a_bad_table_names_file_line_column_found_and_expected(
    tmp_path: Path, text: str, message: str
) -> None:
    table = write(tmp_path / "measures.csv", text)
    with pytest.raises(MeasureTableError) as error:
        read_measures_csv(table)
    assert str(error.value).startswith(str(table))
    assert message in str(error.value)


def test_region_ids_of_measures_are_checked_against_the_assets(tmp_path: Path) -> None:
    measures = write(tmp_path / "measures.csv", "name,exp_region_id\nlevee,756\n")
    assets = write(tmp_path / "assets.csv", "asset_id,region_id\na1,756.0\na2,\n")
    table = read_measure_table(measures, assets)
    np.testing.assert_array_equal(table.inside(table.measures[0], 2), [True, False])
    write(assets, "asset_id,region_id\na1,276\n")
    with pytest.raises(MeasureTableError, match=r"line 2, column exp_region_id: found '756'.*276"):
        read_measure_table(measures, assets)
    write(assets, "asset_id,value\na1,1\n")
    with pytest.raises(MeasureTableError, match="has no region_id column"):
        read_measure_table(measures, assets)


# cost–benefit ---------------------------------------------------------------------------

# Future: depths × 2 and values × 1.5. Without measures, e1: (50 + 100)·1.5 = 225,
# e2: (100 + 200)·1.5 = 450, e3: (100 + 50)·1.5 = 225; AAI 175.78125 (north 60.9375,
# south 114.84375). 2020–2022 at 25 %, linear: weights 0, 1/2, 1; discount 1, 1/1.25,
# 1/1.5625.
SETTINGS = {
    "future_intensity_factor": 2.0,
    "future_value_factor": 1.5,
    "present_year": 2020,
    "future_year": 2022,
    "discount_rate": 0.25,
    "time_exponent": 1.0,
}


def appraise(*measures: ClimadaMeasure, **settings: float) -> dict:
    case = portfolio()
    appraisal = appraise_measures(
        MeasureTable(measures, REGION),
        case,
        baseline(case),
        cost_benefit_settings(**(SETTINGS | settings)),  # type: ignore[arg-type]
    )
    return measures_document(appraisal)


def test_benefit_is_the_present_value_of_the_avoided_risk_between_present_and_future() -> None:
    document = appraise(ClimadaMeasure("half", cost=100.0, mdd_impact=(0.5, 0.0)))
    (half,) = document["measures"]
    benefit = half["cost_benefit"]
    assert benefit["risk_present"] == pytest.approx(60.15625 / 2)
    assert benefit["risk_future"] == pytest.approx(175.78125 / 2)
    # avoided: 30.078125, 58.984375, 87.890625 → 30.078125 + 47.1875 + 56.25
    assert benefit["benefit"] == pytest.approx(133.515625)
    assert benefit["cost_ben_ratio"] == pytest.approx(100 / 133.515625)
    # north: 10.9375, 20.703125, 30.46875; south: 19.140625, 38.28125, 57.421875
    assert benefit["benefit_by_party"] == pytest.approx(
        {"north": 10.9375 + 16.5625 + 19.5, "south": 19.140625 + 30.625 + 36.75}
    )
    assert benefit["risk_transf_npv"] == 0
    settings = document["cost_benefit"]
    assert settings["tot_climate_risk"] == pytest.approx(60.15625 + 94.375 + 112.5)
    assert (settings["risk_present"], settings["risk_future"]) == (60.15625, 175.78125)
    assert settings["present_year"] == 2020 and settings["time_exponent"] == 1


def test_the_time_exponent_bends_the_path_from_present_to_future() -> None:
    # weights 0, 1/4, 1: avoided 30.078125, 44.53125, 87.890625
    (half,) = appraise(ClimadaMeasure("half", mdd_impact=(0.5, 0.0)), time_exponent=2.0)["measures"]
    assert half["cost_benefit"]["benefit"] == pytest.approx(30.078125 + 35.625 + 56.25)


def test_risk_transfer_counts_as_benefit_and_its_expected_layer_as_cost() -> None:
    # present layer AAI 4.53125; future layers 30 in each event: 19.6875
    insurance = ClimadaMeasure(
        "insurance",
        cost=10.0,
        risk_transf_attach=100.0,
        risk_transf_cover=30.0,
        risk_transf_cost_factor=2.0,
    )
    (measure,) = appraise(insurance)["measures"]
    npv = 4.53125 + 12.109375 / 1.25 + 19.6875 / 1.5625  # 26.81875
    assert measure["cost_benefit"]["risk_transf_npv"] == pytest.approx(npv)
    assert measure["cost_benefit"]["benefit"] == pytest.approx(npv)
    assert measure["cost_benefit"]["cost_ben_ratio"] == pytest.approx((10 + 2 * npv) / npv)


def test_one_year_takes_the_future_where_climada_gives_nan() -> None:
    np.testing.assert_array_equal(climada_time_weights(1, 1.0), [1.0])
    (half,) = appraise(ClimadaMeasure("half", mdd_impact=(0.5, 0.0)), future_year=2020)["measures"]
    assert half["cost_benefit"]["benefit"] == pytest.approx(87.890625)


def test_a_time_exponent_of_zero_gives_every_year_the_future_as_climada() -> None:
    np.testing.assert_array_equal(climada_time_weights(3, 0.0), [1, 1, 1])
    np.testing.assert_allclose(climada_time_weights(5, 1.0), [0, 0.25, 0.5, 0.75, 1])
    (half,) = appraise(ClimadaMeasure("half", mdd_impact=(0.5, 0.0)), time_exponent=0.0)["measures"]
    assert half["cost_benefit"]["benefit"] == pytest.approx(87.890625 * (1 + 0.8 + 0.64))


def test_a_measure_without_benefit_has_no_ratio_and_the_json_says_null(tmp_path: Path) -> None:
    case = portfolio()
    appraisal = appraise_measures(
        MeasureTable((ClimadaMeasure("nothing", cost=5.0),), None),
        case,
        baseline(case),
        cost_benefit_settings(**SETTINGS),  # type: ignore[arg-type]
    )
    written = json.loads(write_measures_json(appraisal, tmp_path).read_text())
    (nothing,) = written["measures"]
    assert nothing["cost_benefit"]["cost_ben_ratio"] is None
    assert nothing["benefit_aai"] == 0 and nothing["aai_agg"] == NO_MEASURE_AAI
    assert written["no_measure"] == {
        "aai_agg": NO_MEASURE_AAI,
        "aai_by_party": {"north": 21.875, "south": 38.28125},
    }


def test_without_settings_there_is_no_cost_benefit() -> None:
    case = portfolio()
    appraisal = appraise_measures(
        MeasureTable((ClimadaMeasure("half", mdd_impact=(0.5, 0.0)),), None), case, baseline(case)
    )
    document = measures_document(appraisal)
    assert "cost_benefit" not in document and "cost_benefit" not in document["measures"][0]
    assert document["measures"][0]["benefit_aai"] == pytest.approx(NO_MEASURE_AAI / 2)


def test_some_settings_without_the_others_name_the_missing_ones() -> None:
    assert cost_benefit_settings() is None
    with pytest.raises(MeasureTableError, match="found no --future-value-factor, --time-exponent"):
        cost_benefit_settings(
            future_intensity_factor=1.1, present_year=2020, future_year=2050, discount_rate=0.02
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"future_year": 2019}, "--future-year: found 2019; expected a year not before"),
        ({"discount_rate": -1.0}, "--discount-rate: found -1.0; expected a rate above -1"),
        ({"time_exponent": -1.0}, "--time-exponent: found -1.0; expected a number >= 0"),
        ({"future_value_factor": float("inf")}, "--future-value-factor: found inf"),
    ],
)
def test_bad_settings_name_the_option(change: dict, message: str) -> None:
    with pytest.raises(MeasureTableError, match=message):
        cost_benefit_settings(**(SETTINGS | change))
