"""Reading cells as the party wrote them: one way to turn ids, labels and flags into text,
whatever type the file's driver gave the column."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Largest magnitude at which every whole float is exactly an integer (2**53).
EXACT_FLOAT_INTEGER = 2.0**53


def cell_text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text (pandas ``string``), with empty cells missing.

    Whole numbers read as floats — an integer column with a null in a GeoPackage or a CSV —
    are written as integers (``11``, not ``11.0``), as the party typed them.
    """
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        text = values.astype("string")
        whole = (
            np.isfinite(numbers)
            & (numbers == np.round(numbers))
            & (np.abs(numbers) < EXACT_FLOAT_INTEGER)
        )
        if whole.any():
            text = text.copy()
            text[whole] = numbers[whole].astype(np.int64).astype(str)
        return text
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def blank_cells(values: pd.Series) -> np.ndarray:
    """Mask of missing cells: null, NaN, or text that is empty or only white space."""
    blank = values.isna().to_numpy(dtype=bool, copy=True)
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        blank = blank | values.astype("string").str.strip().fillna("").eq("").to_numpy(bool)
    return blank
