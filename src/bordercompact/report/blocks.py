"""What a panel of the report is made of: paragraphs, charts and maps, tables, facts,
links and folded details, every word already in the page's language. The template
draws each kind of block one way (``templates/_blocks.html.j2``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from markupsafe import Markup


@dataclass(frozen=True)
class Text:
    """A paragraph (``css`` "note" for a stage that was not part of the run)."""

    kind: ClassVar[str] = "text"
    text: str
    css: str = ""


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str


@dataclass(frozen=True)
class Chart:
    """A chart (``<figure class="chart" id="chart-<name>">``) or a map (``class="map"``,
    ``id="map-<name>"``): its title, the SVG, the one-line reading aid under it and, for
    a map, the layers a reader may show or hide (id, label)."""

    kind: ClassVar[str] = "chart"
    name: str
    title: str
    svg: Markup
    reading_aid: str
    is_map: bool = False
    toggles: tuple[tuple[str, str], ...] = ()

    @property
    def element_id(self) -> str:
        return f"{'map' if self.is_map else 'chart'}-{self.name}"


@dataclass(frozen=True)
class Cell:
    """A table cell whose class marks it (``pass``, ``fail``, ``spillover`` …)."""

    text: str
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table; the columns in ``numeric`` are right-aligned."""

    kind: ClassVar[str] = "table"
    head: Sequence[str]
    rows: Sequence[Sequence[str | Cell]]
    numeric: frozenset[int] = frozenset()
    caption: str = ""


@dataclass(frozen=True)
class Facts:
    """Terms and their values (``<dl>``)."""

    kind: ClassVar[str] = "facts"
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Links:
    """Links (label, relative href, note) to files beside the report."""

    kind: ClassVar[str] = "links"
    items: list[tuple[str, str, str]]


@dataclass(frozen=True)
class Markdown:
    """HTML rendered from a Markdown file of the run (raw HTML in it is escaped)."""

    kind: ClassVar[str] = "markdown"
    html: Markup


@dataclass(frozen=True)
class Details:
    """Blocks folded under a summary line (``<details>``), open or closed."""

    kind: ClassVar[str] = "details"
    summary: str
    blocks: list[Block]
    open: bool = False


Block = Text | Heading | Chart | Table | Facts | Links | Markdown | Details


@dataclass(frozen=True)
class Panel:
    """One ``<section class="panel" id="<id>">`` of the report."""

    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
