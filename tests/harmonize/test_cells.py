"""Cells read as the party wrote them, whatever type the driver gave the column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bordercompact.harmonize.cells import blank_cells, cell_text


def test_whole_floats_keep_their_integer_spelling() -> None:
    # an integer column with a null comes back from GDAL or a CSV as floats
    text = cell_text(pd.Series([11.0, np.nan, 21.0, 2.5, 1e20]))
    assert list(text.fillna("<NA>")) == ["11", "<NA>", "21", "2.5", "1e+20"]


def test_text_is_trimmed_and_empty_cells_are_missing() -> None:
    text = cell_text(pd.Series([" Casa ", "", "   ", None, "007"]))
    assert list(text.fillna("<NA>")) == ["Casa", "<NA>", "<NA>", "<NA>", "007"]


def test_blank_cells_are_null_nan_or_white_space() -> None:
    assert list(blank_cells(pd.Series(["a", " ", None, ""]))) == [False, True, True, True]
    assert list(blank_cells(pd.Series([1.0, np.nan]))) == [False, True]
