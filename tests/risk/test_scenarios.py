"""Future scenarios: a hazard's change by return period, the events' return periods, the
changed event set, and the scenario tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from bordercompact.risk.hazard import Centroids, Hazard
from bordercompact.risk.scenarios import (
    HazardChange,
    ScenarioError,
    changed_daily_series,
    changed_hazard,
    event_return_periods,
    read_exposure_growth,
    read_hazard_changes,
    value_return_periods,
)

# 10-year events unchanged, 100-year events 20 % stronger, 1 m deeper and twice as frequent
TWO_ROWS = HazardChange(
    return_period=np.array([10.0, 100.0]),
    intensity_scale=np.array([1.0, 1.2]),
    intensity_shift=np.array([0.0, 1.0]),
    frequency_scale=np.array([1.0, 2.0]),
)
HEADER = "hazard,return_period,intensity_scale,intensity_shift,frequency_scale\n"


def uniform_change(scale: float, shift: float, frequency_scale: float = 1.0) -> HazardChange:
    """The same change at every return period (a table of one row)."""
    return HazardChange(
        np.array([10.0]), np.array([scale]), np.array([shift]), np.array([frequency_scale])
    )


def hazard_of(intensity: np.ndarray, frequency: list[float]) -> Hazard:
    matrix = sp.csr_matrix(np.asarray(intensity, dtype=np.float64))
    n_events, n_centroids = matrix.shape
    return Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(
            np.arange(n_centroids), np.full(n_centroids, 47.5), np.linspace(7.5, 7.6, n_centroids)
        ),
        event_id=np.arange(1, n_events + 1),
        frequency=np.array(frequency, dtype=np.float64),
        intensity=matrix,
    )


def random_hazard(seed: int) -> Hazard:
    """Six events on eight centroids, about half the cells dry."""
    rng = np.random.default_rng(seed)
    intensity = rng.uniform(0.0, 4.0, (6, 8)) * (rng.uniform(size=(6, 8)) < 0.5)
    return hazard_of(intensity, list(rng.uniform(0.001, 0.2, 6)))


def write(tmp_path: Path, text: str, name: str = "changes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_change_at_a_tabulated_return_period_is_its_row() -> None:
    scale, shift, frequency_scale = TWO_ROWS.at(np.array([10.0, 100.0]))
    np.testing.assert_allclose(scale, [1.0, 1.2])
    np.testing.assert_allclose(shift, [0.0, 1.0])
    np.testing.assert_allclose(frequency_scale, [1.0, 2.0])


def test_the_change_between_rows_is_linear_in_log_return_period() -> None:
    # 50 years lies log10(50) − 1 = 0.69897 of the way from 10 to 100 in log:
    # scale 1 + 0.2 · 0.69897 = 1.139794, shift 0.69897, frequency scale 1.69897
    scale, shift, frequency_scale = TWO_ROWS.at(np.array([50.0]))
    assert scale == pytest.approx([1.139794], rel=1e-6)
    assert shift == pytest.approx([0.69897], rel=1e-5)
    assert frequency_scale == pytest.approx([1.69897], rel=1e-5)


def test_the_change_halfway_in_log_is_the_mean_of_its_rows() -> None:
    # √(10 · 100) = 31.62 years is halfway between 10 and 100 in log
    scale, shift, _ = TWO_ROWS.at(np.array([np.sqrt(1000.0)]))
    assert scale == pytest.approx([1.1])
    assert shift == pytest.approx([0.5])


def test_the_change_is_held_beyond_the_first_and_last_rows() -> None:
    scale, shift, frequency_scale = TWO_ROWS.at(np.array([2.0, 1000.0, np.inf]))
    np.testing.assert_allclose(scale, [1.0, 1.2, 1.2])
    np.testing.assert_allclose(shift, [0.0, 1.0, 1.0])
    np.testing.assert_allclose(frequency_scale, [1.0, 2.0, 2.0])


def test_values_are_changed_at_their_return_period() -> None:
    # 2 m at 10 years: 2 · 1 + 0; 2 m at 100 years: 2 · 1.2 + 1
    changed = TWO_ROWS.apply_to_values(np.array([2.0, 2.0]), np.array([10.0, 100.0]))
    assert changed == pytest.approx([2.0, 3.4])


def test_event_return_periods_by_hand() -> None:
    # severities 6, 1, 3 (sums of intensity) with frequencies 0.01, 0.1, 0.05:
    # the worst is exceeded 0.01/yr → 100 yr; then 0.01 + 0.05 → 16.7 yr; then 0.16 → 6.25 yr
    hazard = hazard_of(np.array([[2.0, 4.0], [1.0, 0.0], [0.0, 3.0]]), [0.01, 0.1, 0.05])
    assert event_return_periods(hazard) == pytest.approx([100.0, 6.25, 1 / 0.06])


def test_events_of_equal_severity_share_the_larger_exceedance() -> None:
    # severities 5, 2, 2: the two of severity 2 are exceeded 0.05 + 0.1 + 0.1 = 0.25/yr
    hazard = hazard_of(np.array([[5.0], [2.0], [2.0]]), [0.05, 0.1, 0.1])
    assert event_return_periods(hazard) == pytest.approx([20.0, 4.0, 4.0])


def test_an_event_set_that_never_happens_has_infinite_return_periods() -> None:
    hazard = hazard_of(np.array([[1.0], [2.0]]), [0.0, 0.0])
    np.testing.assert_array_equal(event_return_periods(hazard), [np.inf, np.inf])


@pytest.mark.parametrize("seed", range(5))
def test_more_severe_events_never_have_shorter_return_periods(seed: int) -> None:
    hazard = random_hazard(seed)
    severity = np.asarray(hazard.intensity.sum(axis=1)).ravel()
    period = event_return_periods(hazard)
    order = np.argsort(severity)
    assert np.all(np.diff(period[order]) >= 0)
    # the mildest event is exceeded by every event
    assert period[order[0]] == pytest.approx(1.0 / hazard.frequency.sum())


def test_value_return_periods_by_hand() -> None:
    # 4 years of record: 3 is reached twice (4/2), 2 three times (4/3), 1 by all four (4/4)
    periods = value_return_periods(np.array([3.0, 1.0, 3.0, 2.0]), 4.0)
    assert periods == pytest.approx([2.0, 1.0, 2.0, 4 / 3])


def test_a_changed_hazard_by_hand() -> None:
    # I · 2 − 1.5: 1 → 0.5, 2 → 2.5, 0.5 → −0.5 → 0 and dropped; frequencies tripled
    hazard = hazard_of(np.array([[1.0, 0.0, 2.0], [0.5, 0.0, 0.0]]), [0.01, 0.1])
    changed = changed_hazard(hazard, uniform_change(2.0, -1.5, 3.0), "future")
    np.testing.assert_allclose(changed.intensity.toarray(), [[0.5, 0.0, 2.5], [0.0, 0.0, 0.0]])
    assert changed.intensity.nnz == 2
    assert changed.frequency == pytest.approx([0.03, 0.3])
    assert changed.scenario == "future"
    np.testing.assert_array_equal(changed.event_id, hazard.event_id)
    assert changed.centroids is hazard.centroids


def test_a_changed_hazard_takes_each_events_change_at_its_return_period() -> None:
    # severities 3 and 1 with frequencies 0.01 and 0.09: 100 yr and 10 yr
    hazard = hazard_of(np.array([[3.0], [1.0]]), [0.01, 0.09])
    changed = changed_hazard(hazard, TWO_ROWS, "future")
    # 3 · 1.2 + 1 = 4.6 at 100 yr; 1 · 1 + 0 = 1 at 10 yr; frequencies × 2 and × 1
    np.testing.assert_allclose(changed.intensity.toarray(), [[4.6], [1.0]])
    assert changed.frequency == pytest.approx([0.02, 0.09])


def test_a_shift_changes_only_the_stored_intensities() -> None:
    # the dry cell is not stored, so a positive shift leaves it dry
    hazard = hazard_of(np.array([[1.0, 0.0]]), [0.1])
    changed = changed_hazard(hazard, uniform_change(1.0, 0.5), "future")
    np.testing.assert_allclose(changed.intensity.toarray(), [[1.5, 0.0]])


@pytest.mark.parametrize("seed", range(5))
def test_scale_1_and_shift_0_change_nothing(seed: int) -> None:
    hazard = random_hazard(seed)
    changed = changed_hazard(hazard, uniform_change(1.0, 0.0), "same")
    assert (changed.intensity != hazard.intensity).nnz == 0
    np.testing.assert_array_equal(changed.frequency, hazard.frequency)


@pytest.mark.parametrize("seed", range(5))
def test_a_larger_shift_never_lowers_an_intensity(seed: int) -> None:
    hazard = random_hazard(seed)
    rng = np.random.default_rng(100 + seed)
    scale = rng.uniform(0.0, 2.0)
    low = rng.uniform(-3.0, 1.0)
    high = low + rng.uniform(0.0, 2.0)
    lower = changed_hazard(hazard, uniform_change(scale, low), "low").intensity.toarray()
    higher = changed_hazard(hazard, uniform_change(scale, high), "high").intensity.toarray()
    assert np.all(higher >= lower)
    assert np.all(lower >= 0)


@pytest.mark.parametrize("seed", range(5))
def test_a_changed_hazard_never_stores_a_zero_or_negative_intensity(seed: int) -> None:
    hazard = random_hazard(seed)
    changed = changed_hazard(hazard, uniform_change(0.5, -1.0), "drier")
    assert np.all(changed.intensity.data > 0)


def test_hazard_changes_are_read_by_hazard_sorted_with_defaults_for_empty_cells(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        HEADER + "river-flood,100,1.2,,\nriver-flood,10,,0.5,\nheat,1,,,2\n",
    )
    changes = read_hazard_changes(path, ["river-flood", "heat", "storm"])
    assert set(changes) == {"river-flood", "heat"}
    flood = changes["river-flood"]
    np.testing.assert_array_equal(flood.return_period, [10.0, 100.0])
    np.testing.assert_array_equal(flood.intensity_scale, [1.0, 1.2])
    np.testing.assert_array_equal(flood.intensity_shift, [0.5, 0.0])
    np.testing.assert_array_equal(flood.frequency_scale, [1.0, 1.0])
    heat = changes["heat"]
    np.testing.assert_array_equal(
        [heat.intensity_scale, heat.intensity_shift, heat.frequency_scale], [[1.0], [0.0], [2.0]]
    )


def test_hazard_changes_without_the_optional_columns_take_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "hazard,return_period,intensity_shift\nheat,10,1.5\n")
    heat = read_hazard_changes(path, ["heat"])["heat"]
    assert (heat.intensity_scale[0], heat.intensity_shift[0], heat.frequency_scale[0]) == (
        1.0,
        1.5,
        1.0,
    )


def test_an_unknown_hazard_names_its_line_and_the_known_hazards(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,10,1,0,1\nflod,10,1,0,1\n")
    with pytest.raises(ScenarioError) as caught:
        read_hazard_changes(path, ["heat", "river-flood"])
    assert str(caught.value).startswith(f"{path}: line 3, column 'hazard': found 'flod'")
    assert "heat, river-flood" in str(caught.value)


def test_a_return_period_given_twice_for_a_hazard_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,10,1,0,1\nheat,50,1,0,1\nheat,10,2,0,1\n")
    with pytest.raises(ScenarioError, match=r"line 4: hazard 'heat', return period 10 again"):
        read_hazard_changes(path, ["heat"])


def test_a_return_period_given_twice_names_the_line_of_the_second(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,10,1,0,1\nheat,50,1,0,1\nheat,10,2,0,1\n")
    with pytest.raises(ScenarioError, match=r"line 4"):
        read_hazard_changes(path, ["heat"])


def test_a_negative_scale_names_its_line_and_values(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,10,1,0,1\nheat,100,-0.5,0,1\n")
    with pytest.raises(ScenarioError) as caught:
        read_hazard_changes(path, ["heat"])
    message = str(caught.value)
    assert message.startswith(f"{path}: line 3:")
    assert "intensity_scale -0.5" in message
    assert "scales >= 0" in message


def test_a_negative_frequency_scale_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,10,1,0,-1\n")
    with pytest.raises(ScenarioError, match=r"line 2: .*frequency_scale -1"):
        read_hazard_changes(path, ["heat"])


def test_a_non_positive_return_period_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,0,1,0,1\n")
    with pytest.raises(ScenarioError, match=r"line 2: return period 0"):
        read_hazard_changes(path, ["heat"])


def test_a_non_numeric_cell_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,10,1,0,1\nheat,100,1,warm,1\n")
    with pytest.raises(ScenarioError) as caught:
        read_hazard_changes(path, ["heat"])
    assert str(caught.value) == (
        f"{path}: line 3, column 'intensity_shift': found 'warm'; expected a number"
    )


def test_a_bad_cell_below_a_blank_line_names_its_own_line(tmp_path: Path) -> None:
    # line 1 header, line 2 a row, line 3 blank, line 4 the bad cell
    path = write(tmp_path, HEADER + "heat,10,1,0,1\n\nheat,100,1,warm,1\n")
    with pytest.raises(ScenarioError, match=r"line 4, column 'intensity_shift'"):
        read_hazard_changes(path, ["heat"])


def test_an_empty_return_period_is_an_error_not_a_default(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "heat,,1,0,1\n")
    with pytest.raises(ScenarioError, match=r"line 2, column 'return_period': found ''"):
        read_hazard_changes(path, ["heat"])


def test_a_table_without_the_return_period_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "hazard,intensity_scale\nheat,1.1\n")
    with pytest.raises(ScenarioError, match=r"no column 'return_period'"):
        read_hazard_changes(path, ["heat"])


def test_an_empty_hazard_changes_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(
        ScenarioError, match="the file is empty; expected a CSV table with a header"
    ):
        read_hazard_changes(path, ["heat"])


def test_a_table_with_only_its_header_changes_nothing(tmp_path: Path) -> None:
    assert read_hazard_changes(write(tmp_path, HEADER), ["heat"]) == {}


GROWTH_HEADER = "party,exposure,value_factor\n"


def test_exposure_growth_is_read_by_party_and_exposure(tmp_path: Path) -> None:
    path = write(tmp_path, GROWTH_HEADER + "north,buildings,1.25\n south , people ,0.9\n")
    growth = read_exposure_growth(path, ["north", "south"], ["buildings", "people"])
    assert growth == {("north", "buildings"): 1.25, ("south", "people"): 0.9}


def test_an_unknown_party_names_its_line_and_the_parties(tmp_path: Path) -> None:
    path = write(tmp_path, GROWTH_HEADER + "north,buildings,1.25\neast,buildings,1.1\n")
    with pytest.raises(ScenarioError) as caught:
        read_exposure_growth(path, ["north", "south"], ["buildings"])
    assert str(caught.value) == (
        f"{path}: line 3, column 'party': found 'east'; expected one of north, south"
    )


def test_an_unknown_exposure_names_its_line_and_the_exposures(tmp_path: Path) -> None:
    path = write(tmp_path, GROWTH_HEADER + "north,bridges,1.1\n")
    with pytest.raises(ScenarioError, match=r"line 2, column 'exposure': found 'bridges'"):
        read_exposure_growth(path, ["north"], ["buildings", "people"])


def test_a_party_and_exposure_given_twice_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GROWTH_HEADER + "north,buildings,1.1\nnorth,buildings,1.2\n")
    with pytest.raises(ScenarioError, match=r"line 3: \('north', 'buildings'\) again"):
        read_exposure_growth(path, ["north"], ["buildings"])


def test_a_negative_growth_factor_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GROWTH_HEADER + "north,buildings,-0.1\n")
    with pytest.raises(ScenarioError, match=r"line 2, column 'value_factor': found -0.1"):
        read_exposure_growth(path, ["north"], ["buildings"])


def test_an_empty_growth_factor_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, GROWTH_HEADER + "north,buildings,\n")
    with pytest.raises(ScenarioError, match=r"line 2, column 'value_factor': found ''"):
        read_exposure_growth(path, ["north"], ["buildings"])


def test_a_daily_series_changes_each_day_at_its_own_return_period() -> None:
    # 4 days in a record of 2 years: the warmest day has return period 2/1 = 2 years, the
    # second 2/2 = 1, the third 2/3, the coolest 2/4 = 0.5 (every day is ranked, hot or not)
    series = pd.Series(
        [30.0, np.nan, 10.0, 20.0, 40.0], index=pd.date_range("2001-01-01", periods=5)
    )
    change = HazardChange(
        return_period=np.array([1.0, 2.0]),
        intensity_scale=np.array([1.0, 1.0]),
        intensity_shift=np.array([1.0, 3.0]),
        frequency_scale=np.array([1.0, 2.0]),
    )
    changed, frequency = changed_daily_series(series, change, years=2.0)
    # held below 1 year (+1), +1 at 1 year, +3 at 2 years
    np.testing.assert_allclose(changed.to_numpy(), [31.0, np.nan, 11.0, 21.0, 43.0])
    np.testing.assert_allclose(frequency.to_numpy(), [1.0, 1.0, 1.0, 1.0, 2.0])
