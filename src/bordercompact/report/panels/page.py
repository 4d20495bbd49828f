"""What every panel shares: the page (its run, language, words, formats and party
colours), money and share axes in a readable unit, and the few tables and names
several panels use."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from bordercompact.report.blocks import Block, Cell, Table, Text
from bordercompact.report.figures import Axis, party_colours
from bordercompact.report.i18n import Messages, ReportFormats
from bordercompact.report.results import RunResults

#: Longest table shown open; longer ones are folded.
OPEN_ROWS = 12


@dataclass(frozen=True)
class Page:
    """One report page: its run, its language's words and formats, the party colours,
    and where the run dir lies seen from the report's folder (for links)."""

    run: RunResults
    language: str
    _: Messages
    fmt: ReportFormats
    link_base: str

    @property
    def colours(self) -> dict[str, str]:
        return party_colours(self.run.parties)

    @property
    def currency(self) -> str:
        return self.run.currency

    def money(self, value: float, currency: str | None = None) -> str:
        """Money in the page's locale, short (the region's currency unless given)."""
        if not math.isfinite(value):
            return "—"
        return self.fmt.money_short(value, currency or self.currency)

    def percent(self, value: float, digits: int = 1) -> str:
        """A share (0–1) as a percentage in the page's locale."""
        if not math.isfinite(value):
            return "—"
        return self.fmt.percent(value, digits)

    def money_axis(
        self, label: Callable[[str], str], values: Iterable[float], currency: str
    ) -> Axis:
        """A money axis: the values' magnitude picks the unit (million USD …), which
        ``label`` puts into the axis label."""
        _ = self._
        largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
        if largest >= 1e9:
            scale, unit = 1e9, _("billion %(currency)s", currency=currency)
        elif largest >= 1e6:
            scale, unit = 1e6, _("million %(currency)s", currency=currency)
        elif largest >= 1e3:
            scale, unit = 1e3, _("thousand %(currency)s", currency=currency)
        else:
            scale, unit = 1.0, currency
        return Axis(label(unit), self.fmt.decimal, scale)

    def percent_axis(self, label: str) -> Axis:
        """A share axis in per cent (data 0–1)."""
        return Axis(label, self.fmt.decimal, 0.01)

    def missing(self, sentence: str) -> list[Block]:
        """The blocks of a panel whose stage was not part of the run."""
        return [Text(sentence, css="note")]

    def href(self, relative: str) -> str:
        """A link to a file of the run (path relative to the run dir)."""
        return str(PurePosixPath(self.link_base) / relative)


def number(value: Any) -> float:
    """A number of a JSON document, NaN where the document has none (null)."""
    return float("nan") if value is None else float(value)


def quintile_labels(page: Page) -> dict[int, str]:
    """The SVI quintiles' names, 0 being zones without an index."""
    _ = page._
    return {
        1: _("Q1 (least vulnerable)"),
        2: "Q2",
        3: "Q3",
        4: "Q4",
        5: _("Q5 (most vulnerable)"),
        0: _("no index"),
    }


def checks_table(page: Page, checks: Sequence[tuple[str, str, bool, str]], where: str) -> Table:
    """Checks as a table: each check's name, where it applies (the ``where`` column:
    a party, an article), passed or failed, and what it found."""
    _ = page._
    rows: list[list[str | Cell]] = [
        [name, place, Cell(_("passed"), "pass") if ok else Cell(_("failed"), "fail"), detail]
        for name, place, ok, detail in checks
    ]
    return Table([_("Check"), where, _("Result"), _("Detail")], rows)
