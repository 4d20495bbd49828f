"""Small CSV tables of the risk set-up (station series, scenario tables) read as text, each
row labelled with its line in the file so that errors can name it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def read_text_csv(path: Path, error: type[ValueError]) -> pd.DataFrame:
    """Every cell as stripped text (empty cells ""), blank lines left out, the index the
    row's line number in the file (the header is line 1); ``error`` for an unreadable
    or empty file, naming it."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        raise error(f"{path}: the file is empty; expected a CSV table with a header") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot be read as CSV ({exc}); expected a CSV file") from exc
    table.columns = [str(c).strip() for c in table.columns]
    table.index = pd.RangeIndex(2, len(table) + 2)
    table = table.apply(lambda column: column.str.strip())
    return table[(table != "").any(axis=1)]


def first_line(flags: pd.Series) -> int:
    """The line of the first row flagged True in a column of :func:`read_text_csv`'s table."""
    return int(flags.index.to_numpy()[np.argmax(flags.to_numpy())])


def read_table(
    path: Path, text: list[str], numbers: dict[str, float | None], error: type[ValueError]
) -> pd.DataFrame:
    """A CSV with the ``text`` columns and the ``numbers`` columns (their default for an
    empty cell, or None where a number is required), indexed by line; ``error`` names the
    file, the line and the column of a missing column or a cell that is not a number."""
    table = read_text_csv(path, error)
    required = text + [c for c, default in numbers.items() if default is None]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise error(
            f"{path}: no column {', '.join(map(repr, missing))}; expected the columns "
            f"{','.join(text + list(numbers))}"
        )
    for column, default in numbers.items():
        cells = table[column] if column in table else pd.Series("", index=table.index)
        values = pd.to_numeric(cells.where(cells != "", None), errors="coerce")
        bad = (values.isna() & ((cells != "") | (default is None))) | ~np.isfinite(values.fillna(0))
        if bad.any():
            line = first_line(bad)
            raise error(
                f"{path}: line {line}, column {column!r}: found {cells[line]!r}; expected a number"
            )
        table[column] = values.fillna(default if default is not None else np.nan)
    return table
