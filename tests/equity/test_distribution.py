"""Who bears a loss, who gains from a measure: splits, concentration index, share to the most
vulnerable and displacement, each checked on distributions worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bordercompact.equity.distribution import (
    TOTAL,
    UNKNOWN_QUINTILE,
    concentration_index,
    displacement_profile,
    fractional_rank,
    share_to_most_vulnerable,
    split,
    split_by_party_and_quintile,
    svi_quintile,
)

# --- SVI quintiles ---------------------------------------------------------------------------


def test_quintile_edges_belong_to_the_upper_quintile_and_one_is_quintile_five() -> None:
    svi = [0.0, 0.1999, 0.2, 0.3999, 0.4, 0.6, 0.7999, 0.8, 0.95, 1.0]
    assert svi_quintile(np.array(svi)).tolist() == [1, 1, 2, 2, 3, 4, 4, 5, 5, 5]


def test_unknown_svi_is_quintile_zero() -> None:
    assert svi_quintile(np.array([np.nan, 0.5])).tolist() == [UNKNOWN_QUINTILE, 3]


def test_svi_outside_zero_one_names_value_and_position() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\].*-999.0 at position 1"):
        svi_quintile(np.array([0.5, -999.0]))


# --- split -----------------------------------------------------------------------------------


def test_split_by_party_sums_each_party_and_the_total() -> None:
    loss = np.array([10.0, 20.0, 5.0, 65.0])
    result = split(loss, np.array(["CH", "FR", "CH", "DE"]))
    assert result.to_dict() == {"CH": 15.0, "DE": 65.0, "FR": 20.0, TOTAL: 100.0}
    assert result.drop(TOTAL).sum() == result[TOTAL] == loss.sum()


def test_split_by_party_and_quintile_columns_gives_a_multiindex_with_a_total_key() -> None:
    loss = np.array([1.0, 2.0, 3.0, 4.0])
    groups = pd.DataFrame({"party": ["A", "A", "B", "B"], "quintile": [1, 5, 5, 5]})
    result = split(loss, groups)
    assert list(result.index.names) == ["party", "quintile"]
    assert result[("A", 5)] == 2.0
    assert result[("B", 5)] == 7.0
    assert result[(TOTAL, TOTAL)] == 10.0


def test_split_keeps_units_without_a_label_so_groups_add_up_to_the_total() -> None:
    result = split(np.array([1.0, 2.0, 4.0]), np.array(["A", None, "A"], dtype=object))
    assert result.drop(TOTAL).sum() == result[TOTAL] == 7.0


def test_split_rejects_labels_of_another_length() -> None:
    with pytest.raises(ValueError, match="'group' has 2 values but 'quantity' has 3"):
        split(np.ones(3), np.array(["A", "B"]))


# --- split by party and quintile -------------------------------------------------------------


def _two_party_table() -> pd.DataFrame:
    # A: a least-vulnerable zone (loss 10, 100 people) and a most-vulnerable one (30, 50);
    # B: a quintile-5 zone (60, 50) and a zone of unknown SVI without loss (0, 20).
    return split_by_party_and_quintile(
        quantity=np.array([10.0, 30.0, 60.0, 0.0]),
        party=np.array(["A", "A", "B", "B"]),
        svi=np.array([0.1, 0.9, 0.85, np.nan]),
        weights=np.array([100.0, 50.0, 50.0, 20.0]),
    )


def test_party_quintile_table_lists_every_cell_then_the_total_party() -> None:
    table = _two_party_table()
    assert list(table.columns) == [
        "party",
        "quintile",
        "quantity",
        "share",
        "share_within_party",
        "weight",
        "weight_share",
    ]
    assert table["party"].tolist() == ["A"] * 6 + ["B"] * 6 + [TOTAL] * 6
    assert table["quintile"].tolist() == [1, 2, 3, 4, 5, UNKNOWN_QUINTILE] * 3


def test_party_quintile_table_values_by_hand() -> None:
    cell = _two_party_table().set_index(["party", "quintile"])
    assert cell.loc[("A", 5), "quantity"] == 30.0
    assert cell.loc[("A", 5), "share"] == pytest.approx(0.30)
    assert cell.loc[("A", 5), "share_within_party"] == pytest.approx(30.0 / 40.0)
    assert cell.loc[("A", 3), "quantity"] == 0.0
    assert cell.loc[(TOTAL, 5), "quantity"] == 90.0
    assert cell.loc[(TOTAL, 5), "share"] == pytest.approx(0.90)
    assert cell.loc[(TOTAL, 5), "weight_share"] == pytest.approx(100.0 / 220.0)
    assert cell.loc[("B", UNKNOWN_QUINTILE), "weight"] == 20.0


def test_party_quintile_shares_add_up_to_one_for_the_parties_and_for_the_total_rows() -> None:
    table = _two_party_table()
    by_party = table[table["party"] != TOTAL]
    region = table[table["party"] == TOTAL]
    assert by_party["share"].sum() == pytest.approx(1.0)
    assert region["share"].sum() == pytest.approx(1.0)
    assert region["weight_share"].sum() == pytest.approx(1.0)
    assert by_party.groupby("party")["share_within_party"].sum().tolist() == pytest.approx(
        [1.0, 1.0]
    )


def test_party_quintile_table_without_weights_has_no_weight_columns_nor_unknown_row() -> None:
    table = split_by_party_and_quintile(np.array([1.0, 3.0]), ["A", "B"], np.array([0.1, 0.9]))
    assert "weight" not in table.columns
    assert sorted(set(table["quintile"])) == [1, 2, 3, 4, 5]


def test_a_party_may_not_be_called_total() -> None:
    with pytest.raises(ValueError, match="may not be named 'total'"):
        split_by_party_and_quintile(np.ones(2), ["A", TOTAL], np.array([0.1, 0.9]))


# --- fractional rank and concentration index -------------------------------------------------


def test_fractional_rank_is_the_middle_of_each_units_slice_of_the_population() -> None:
    # weights 1, 2, 1 (total 4), ranked as given: slices [0,1], [1,3], [3,4] → middles / 4
    rank = fractional_rank(np.array([0.1, 0.5, 0.9]), np.array([1.0, 2.0, 1.0]))
    assert rank.tolist() == pytest.approx([0.125, 0.5, 0.875])


def test_tied_units_share_their_mean_fractional_rank() -> None:
    # the two tied units hold slice [0, 2] of 3 units; the third holds [2, 3]
    rank = fractional_rank(np.array([0.3, 0.7, 0.3]))
    assert rank.tolist() == pytest.approx([1 / 3, 5 / 6, 1 / 3])


def test_equal_per_capita_loss_has_zero_concentration() -> None:
    people = np.array([120.0, 40.0, 300.0, 75.0])
    loss = 3.5 * people  # per zone, the same per person everywhere
    svi = np.array([0.9, 0.1, 0.5, 0.3])
    assert concentration_index(loss, svi, people) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n", [2, 5, 10])
def test_everything_in_the_most_vulnerable_unit_gives_n_minus_one_over_n(n: int) -> None:
    # C = (2/Q)·Q·(r_top − ½) with r_top = (n − ½)/n
    loss = np.zeros(n)
    loss[-1] = 7.0
    svi = np.linspace(0.0, 1.0, n)
    assert concentration_index(loss, svi) == pytest.approx((n - 1) / n)


@pytest.mark.parametrize("n", [2, 5, 10])
def test_everything_in_the_least_vulnerable_unit_gives_minus_n_minus_one_over_n(n: int) -> None:
    loss = np.zeros(n)
    loss[0] = 7.0
    svi = np.linspace(0.0, 1.0, n)
    assert concentration_index(loss, svi) == pytest.approx(-(n - 1) / n)


def test_linear_gradient_toward_the_vulnerable_by_hand() -> None:
    # h = 1, 2, 3, 4 at r = 1/8, 3/8, 5/8, 7/8; μ = 2.5;
    # cov = ¼·(1.5·3/8 + 0.5·1/8 + 0.5·1/8 + 1.5·3/8) = 5/16; C = 2·(5/16)/2.5 = 1/4,
    # which is (n − 1)/(3n) for h_i = i.
    loss = np.array([1.0, 2.0, 3.0, 4.0])
    svi = np.array([0.1, 0.4, 0.6, 0.9])
    assert concentration_index(loss, svi) == pytest.approx(0.25)
    assert concentration_index(loss[::-1], svi) == pytest.approx(-0.25)


def test_concentration_matches_its_covariance_definition_with_population_weights() -> None:
    rng = np.random.default_rng(3)
    people = rng.uniform(10.0, 500.0, 12)
    loss = rng.uniform(0.0, 1e6, 12)
    svi = rng.uniform(0.0, 1.0, 12)
    per_capita = loss / people
    rank = fractional_rank(svi, people)
    mean = np.average(per_capita, weights=people)
    covariance = np.average(
        (per_capita - mean) * (rank - np.average(rank, weights=people)), weights=people
    )
    assert concentration_index(loss, svi, people) == pytest.approx(2.0 * covariance / mean)


def test_concentration_does_not_change_when_the_quantity_is_scaled() -> None:
    loss = np.array([3.0, 0.0, 8.0, 1.0, 5.0])
    svi = np.array([0.2, 0.9, 0.4, 0.7, 0.1])
    people = np.array([10.0, 20.0, 5.0, 40.0, 25.0])
    assert concentration_index(1e6 * loss, svi, people) == pytest.approx(
        concentration_index(loss, svi, people)
    )


def test_duplicating_a_unit_equals_doubling_its_weight() -> None:
    # A unit is (svi, per-unit total, people): two copies of (0.5, 2, 1) are one (0.5, 4, 2).
    duplicated = concentration_index(np.array([1.0, 2.0, 2.0, 3.0]), np.array([0.1, 0.5, 0.5, 0.9]))
    doubled = concentration_index(
        np.array([1.0, 4.0, 3.0]), np.array([0.1, 0.5, 0.9]), np.array([1.0, 2.0, 1.0])
    )
    # by hand: r = 1/8, 1/2, 7/8; C = (2/8)·(1·(−3/8) + 4·0 + 3·(3/8)) = 3/16
    assert duplicated == pytest.approx(doubled)
    assert doubled == pytest.approx(3 / 16)


def test_tied_units_are_interchangeable_and_input_order_does_not_matter() -> None:
    svi = np.array([0.3, 0.3, 0.7])
    # all on a tied unit: C = 2·(1/3 − 1/2) = −1/3, whichever of the two holds it
    assert concentration_index(np.array([1.0, 0.0, 0.0]), svi) == pytest.approx(-1 / 3)
    assert concentration_index(np.array([0.0, 1.0, 0.0]), svi) == pytest.approx(-1 / 3)
    loss = np.array([2.0, 5.0, 1.0])
    order = np.array([2, 0, 1])
    assert concentration_index(loss[order], svi[order]) == pytest.approx(
        concentration_index(loss, svi)
    )


def test_population_weights_make_the_index_per_person() -> None:
    # the vulnerable zone bears 3× the loss but has 3× the people: nobody bears more per head
    assert concentration_index(
        np.array([100.0, 300.0]), np.array([0.1, 0.9]), np.array([1000.0, 3000.0])
    ) == pytest.approx(0.0, abs=1e-12)
    # counted per zone instead, the loss leans to the vulnerable zone: C = 2·(1/4)·(300−100)/400
    assert concentration_index(np.array([100.0, 300.0]), np.array([0.1, 0.9])) == pytest.approx(
        0.25
    )


def test_concentration_of_nothing_is_nan() -> None:
    assert math.isnan(concentration_index(np.zeros(3), np.array([0.1, 0.5, 0.9])))


def test_concentration_needs_a_known_rank_for_every_unit() -> None:
    with pytest.raises(
        ValueError, match=r"'rank_variable' must be finite; found nan at position 1"
    ):
        concentration_index(np.ones(3), np.array([0.1, np.nan, 0.9]))


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="'weights' must not be negative"):
        concentration_index(np.ones(2), np.array([0.1, 0.9]), np.array([1.0, -1.0]))


# --- share to the most vulnerable ------------------------------------------------------------


def test_share_to_most_vulnerable_fifth_of_zones_without_weights() -> None:
    # ten zones: the two most vulnerable hold 9 + 10 of 55
    loss = np.arange(1.0, 11.0)
    svi = np.linspace(0.05, 0.95, 10)
    assert share_to_most_vulnerable(loss, svi) == pytest.approx(19 / 55)


def test_share_without_weights_splits_the_boundary_zone() -> None:
    # four zones: the most vulnerable 20 % is 0.8 of the top zone
    svi = np.array([0.1, 0.3, 0.6, 0.9])
    assert share_to_most_vulnerable(np.array([0.0, 0.0, 0.0, 10.0]), svi) == pytest.approx(0.8)
    assert share_to_most_vulnerable(np.ones(4), svi) == pytest.approx(0.2)


def test_share_with_weights_is_of_people_and_splits_the_boundary_zone() -> None:
    # 100 people; the most vulnerable 20 are the 10 of zone A and 10 of the 40 of zone B
    loss = np.array([30.0, 80.0, 10.0])
    svi = np.array([0.9, 0.6, 0.2])
    people = np.array([10.0, 40.0, 50.0])
    assert share_to_most_vulnerable(loss, svi, people) == pytest.approx((30.0 + 20.0) / 120.0)


def test_share_with_weights_inside_one_large_zone() -> None:
    # the top 20 of 100 people are 20 of the 50 in the most vulnerable zone: 0.4 of its 100
    loss = np.array([100.0, 50.0, 10.0])
    svi = np.array([0.9, 0.5, 0.1])
    people = np.array([50.0, 30.0, 20.0])
    assert share_to_most_vulnerable(loss, svi, people) == pytest.approx(40.0 / 160.0)


def test_share_splits_tied_zones_on_the_boundary_together() -> None:
    # five zones, the top two tied: the top 20 % (one zone) takes half of each
    svi = np.array([0.9, 0.9, 0.5, 0.3, 0.1])
    assert share_to_most_vulnerable(np.array([4.0, 0.0, 1.0, 1.0, 1.0]), svi) == pytest.approx(
        2 / 7
    )
    assert share_to_most_vulnerable(np.array([0.0, 4.0, 1.0, 1.0, 1.0]), svi) == pytest.approx(
        2 / 7
    )


def test_an_equal_per_capita_quantity_gives_the_group_its_population_share() -> None:
    people = np.array([120.0, 40.0, 300.0, 75.0])
    svi = np.array([0.9, 0.1, 0.5, 0.3])
    assert share_to_most_vulnerable(2.0 * people, svi, people, top=0.3) == pytest.approx(0.3)


def test_share_top_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match=r"'top' must be a fraction in \(0, 1\]"):
        share_to_most_vulnerable(np.ones(2), np.array([0.1, 0.9]), top=20)


# --- displacement ----------------------------------------------------------------------------

HOUSEHOLDS = np.array([100.0, 50.0, 200.0, 40.0])
SVI = np.array([0.1, 0.5, 0.9, np.nan])


def test_displacement_profile_of_removed_zones_by_hand() -> None:
    profile = displacement_profile(HOUSEHOLDS, SVI, np.array([False, True, True, False]))
    assert profile.households_displaced == 250.0
    table = profile.by_quintile
    assert table.index.tolist() == [1, 2, 3, 4, 5, UNKNOWN_QUINTILE]
    assert table["households"].tolist() == [0.0, 0.0, 50.0, 0.0, 200.0, 0.0]
    assert table["share"].tolist() == pytest.approx([0.0, 0.0, 0.2, 0.0, 0.8, 0.0])
    assert table["share_of_all_households"].tolist() == pytest.approx(
        [100 / 390, 0.0, 50 / 390, 0.0, 200 / 390, 40 / 390]
    )
    assert profile.mean_svi_displaced == pytest.approx((50 * 0.5 + 200 * 0.9) / 250)
    assert profile.mean_svi_all == pytest.approx((100 * 0.1 + 50 * 0.5 + 200 * 0.9) / 350)


def test_displacement_profile_with_fractions_of_each_zone() -> None:
    profile = displacement_profile(HOUSEHOLDS, SVI, np.array([0.5, 0.0, 0.25, 1.0]))
    assert profile.households_displaced == 140.0
    assert profile.by_quintile.loc[[1, 5, UNKNOWN_QUINTILE], "households"].tolist() == [
        50.0,
        50.0,
        40.0,
    ]
    assert profile.mean_svi_displaced == pytest.approx(0.5)


def test_no_displacement_has_zero_households_and_undefined_profile() -> None:
    profile = displacement_profile(HOUSEHOLDS, SVI, np.zeros(4, dtype=bool))
    assert profile.households_displaced == 0.0
    assert profile.by_quintile["share"].isna().all()
    assert math.isnan(profile.mean_svi_displaced)


def test_displaced_fraction_must_be_between_zero_and_one() -> None:
    with pytest.raises(ValueError, match=r"'removed' must be a boolean mask or fractions"):
        displacement_profile(HOUSEHOLDS, SVI, np.array([0.0, 1.5, 0.0, 0.0]))
