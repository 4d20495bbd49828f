"""The social vulnerability index follows the CDC/ATSDR rules: percentile ranks with ties
at the lowest rank, inverted variables, theme and overall ranks of sums, 90th-percentile
flags, and missing values left out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bordercompact.equity.svi import (
    SviError,
    Theme,
    parse_themes,
    percentile_rank,
    read_zone_table,
    social_vulnerability,
    svi_within_groups,
)


def test_percentile_rank_is_rank_minus_one_over_n_minus_one_with_ties_at_the_lowest() -> None:
    # values 10, 20, 20, 40, 50: ranks 1, 2, 2, 4, 5 → (r − 1)/4
    np.testing.assert_allclose(
        percentile_rank(np.array([10, 20, 20, 40, 50])), [0, 0.25, 0.25, 0.75, 1.0]
    )


def test_missing_values_are_left_out_of_the_ranking() -> None:
    # N = 3 known values: 5 → 0, 7 → 0.5, 9 → 1; the missing one stays missing
    rank = percentile_rank(np.array([9.0, np.nan, 5.0, 7.0]))
    np.testing.assert_allclose(rank, [1.0, np.nan, 0.0, 0.5])


# Five zones, two themes. poverty and no_vehicle: more is more vulnerable; income: more is
# less vulnerable (inverted); age_65 alone in its theme.
ZONES = pd.DataFrame(
    {
        "poverty": [10.0, 30.0, 20.0, 50.0, 40.0],
        "income": [60.0, 20.0, 40.0, 10.0, 30.0],
        "no_vehicle": [1.0, 5.0, 5.0, 9.0, 3.0],
        "age_65": [3.0, 1.0, 2.0, 5.0, 4.0],
    },
    index=["a", "b", "c", "d", "e"],
)
THEMES = [Theme("economy", ("poverty", "income", "no_vehicle")), Theme("age", ("age_65",))]


@pytest.fixture
def index() -> pd.DataFrame:
    return social_vulnerability(ZONES, THEMES, invert=["income"])


def test_variables_are_ranked_and_inverted_where_more_is_less_vulnerable(index) -> None:
    np.testing.assert_allclose(index["poverty_pr"], [0, 0.5, 0.25, 1, 0.75])
    # income ranked in reverse: the poorest zone (d, 10) is the most vulnerable
    np.testing.assert_allclose(index["income_pr"], [0, 0.75, 0.25, 1, 0.5])
    # no_vehicle: 1, 5, 5, 9, 3 → ranks 1, 3, 3, 5, 2 (ties share the lowest)
    np.testing.assert_allclose(index["no_vehicle_pr"], [0, 0.5, 0.5, 1, 0.25])


def test_a_theme_is_the_percentile_rank_of_the_sum_of_its_ranks(index) -> None:
    # sums: a 0, b 1.75, c 1.0, d 3.0, e 1.5 → ranks 1, 4, 2, 5, 3
    np.testing.assert_allclose(index["theme_economy_pr"], [0, 0.75, 0.25, 1, 0.5])
    np.testing.assert_allclose(index["theme_age_pr"], [0.5, 0, 0.25, 1, 0.75])


def test_the_svi_is_the_percentile_rank_of_the_sum_of_the_theme_sums(index) -> None:
    # economy sums 0, 1.75, 1.0, 3.0, 1.5 plus age ranks 0.5, 0, 0.25, 1, 0.75:
    # 0.5, 1.75, 1.25, 4.0, 2.25 → ranks 1, 3, 2, 5, 4
    np.testing.assert_allclose(index["svi"], [0, 0.5, 0.25, 1, 0.75])


def test_flags_mark_ranks_at_or_above_the_90th_percentile(index) -> None:
    # only zone d reaches 0.9 (it ranks 1.0 on every variable)
    assert index.loc["d", "flags"] == 4
    assert index.loc["d", "theme_economy_flags"] == 3
    assert (index.drop(index="d")["flags"] == 0).all()
    assert index["poverty_flag"].tolist() == [0, 0, 0, 1, 0]


def test_a_zone_missing_a_variable_keeps_its_average_in_the_theme() -> None:
    zones = ZONES.copy()
    zones.loc["b", "no_vehicle"] = np.nan
    index = social_vulnerability(zones, THEMES, invert=["income"])
    assert np.isnan(index.loc["b", "no_vehicle_pr"])
    assert pd.isna(index.loc["b", "no_vehicle_flag"])
    # no_vehicle among 4 zones: 1, 5, 9, 3 → a 0, c 2/3, d 1, e 1/3
    np.testing.assert_allclose(index["no_vehicle_pr"].drop("b"), [0, 2 / 3, 1, 1 / 3])
    # b: mean of poverty 0.5 and income 0.75, times 3 variables = 1.875
    sums = {"a": 0.0, "b": 1.875, "c": 0.25 + 0.25 + 2 / 3, "d": 3.0, "e": 0.75 + 0.5 + 1 / 3}
    np.testing.assert_allclose(
        index["theme_economy_pr"], percentile_rank(np.array(list(sums.values())))
    )


def test_a_zone_without_any_variable_of_a_theme_is_scored_on_the_others() -> None:
    zones = ZONES.copy()
    zones.loc["c", "age_65"] = np.nan
    index = social_vulnerability(zones, THEMES, invert=["income"])
    assert np.isnan(index.loc["c", "theme_age_pr"])
    assert index.loc["c", "themes_scored"] == 1
    # c's overall sum: its economy sum 1.0 times 2 themes = 2.0; the others as before:
    # a 0.5, b 1.75, d 4.0, e 2.25 → c ranks third of five
    np.testing.assert_allclose(index["svi"], [0, 0.25, 0.5, 1, 0.75])


def test_sums_equal_in_exact_arithmetic_tie() -> None:
    # 0.1 + 0.2 + 0.3 and 0.3 + 0.1 + 0.2 differ in the last bit as floats
    parts = np.array([[0.1, 0.2, 0.3], [0.3, 0.1, 0.2], [0.2, 0.3, 0.1], [0.0, 0.0, 0.0]])
    from bordercompact.equity.svi import scaled_sum

    np.testing.assert_allclose(percentile_rank(scaled_sum(parts)), [1 / 3, 1 / 3, 1 / 3, 0])


def test_the_index_can_be_ranked_within_each_party() -> None:
    party = pd.Series(["x", "x", "y", "y", "y"], index=ZONES.index)
    within = svi_within_groups(ZONES, party, THEMES, invert=["income"])
    # every party has its own most and least vulnerable zone
    for members in (["a", "b"], ["c", "d", "e"]):
        assert within.loc[members, "svi"].min() == 0.0
        assert within.loc[members, "svi"].max() == 1.0
    assert list(within.index) == list(ZONES.index)


@pytest.mark.parametrize(
    ("themes", "invert", "message"),
    [
        ([], [], "no theme"),
        ([Theme("t", ("poverty",)), Theme("t", ("income",))], [], "theme 't' twice"),
        ([Theme("t", ("poverty",)), Theme("u", ("poverty",))], [], "variable 'poverty' twice"),
        ([Theme("t", ("rent",))], [], "no column 'rent'"),
        ([Theme("t", ("poverty",))], ["income"], "inverted 'income'"),
    ],
)
def test_bad_themes_are_refused(themes, invert, message) -> None:
    with pytest.raises(SviError, match=message):
        social_vulnerability(ZONES, themes, invert)


def test_themes_are_parsed_from_name_equals_columns() -> None:
    assert parse_themes(["economy=poverty, income", "age=age_65"]) == [
        Theme("economy", ("poverty", "income")),
        Theme("age", ("age_65",)),
    ]
    with pytest.raises(SviError, match="expected NAME=COL1,COL2"):
        parse_themes(["economy"])


def test_a_zone_table_names_its_bad_cells(tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    themes = [Theme("economy", ("poverty",))]
    path.write_text("zone_id,poverty\nz1,3\nz2,\nz3,lots\n", encoding="utf-8")
    with pytest.raises(SviError, match=r"line 4, column 'poverty': found 'lots'"):
        read_zone_table(path, "zone_id", themes)
    path.write_text("zone_id,poverty\nz1,3\nz1,4\n", encoding="utf-8")
    with pytest.raises(SviError, match=r"line 3, column 'zone_id': repeated id 'z1'"):
        read_zone_table(path, "zone_id", themes)
    path.write_text("zone_id,poverty\nz1,3\nz2,\n", encoding="utf-8")
    table = read_zone_table(path, "zone_id", themes)
    assert np.isnan(table.loc["z2", "poverty"])


def test_a_region_index_says_which_variables_each_party_has() -> None:
    from bordercompact.equity.config import SviSpec, SviTheme, Variable
    from bordercompact.equity.svi import region_svi

    zones = pd.DataFrame(
        {
            "population": [100.0, 200.0, 100.0, 0.0],
            "poverty": [10.0, 60.0, 30.0, 0.0],
            "age_65_plus": [5.0, 20.0, np.nan, np.nan],  # the south publishes no ages
        }
    )
    party = pd.Series(["north", "north", "south", "south"])
    spec = SviSpec(
        variables={
            "poor": Variable(field="poverty", per="population"),
            "old": Variable(field="age_65_plus", per="population"),
        },
        themes=[
            SviTheme(name="economy", variables=["poor"]),
            SviTheme(name="age", variables=["old"]),
        ],
    )
    result, available = region_svi(zones, party, spec)
    assert available == {
        "north": {"economy": ["poor"], "age": ["old"]},
        "south": {"economy": ["poor"], "age": []},
    }
    # shares 0.1, 0.3, 0.3 and none (no people): ranks 0, 0.5, 0.5, missing
    np.testing.assert_allclose(result["poor_pr"], [0, 0.5, 0.5, np.nan])
    assert result["party"].tolist() == ["north", "north", "south", "south"]
    # the south's zone with people is scored on its economy theme alone; the empty one not
    assert result["svi"].isna().tolist() == [False, False, False, True]
    assert result["themes_scored"].tolist() == [2, 2, 1, 0]


def test_a_variable_of_a_field_the_zones_do_not_have_is_named() -> None:
    from bordercompact.equity.config import Variable
    from bordercompact.equity.svi import zone_variables

    zones = pd.DataFrame({"population": [10.0], "poverty": [2.0]})
    with pytest.raises(SviError, match=r"svi.variables.old.field: found 'age_75_plus'"):
        zone_variables(zones, {"old": Variable(field="age_75_plus", per="population")})
