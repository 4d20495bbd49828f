"""What the report's charts and maps share: matplotlib figures drawn without a GUI and
written as inline SVG (text kept as text, ids unique in the page), the party colours, and
value axes with their unit and locale-formatted ticks."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.typing import RcKeyType

#: Colour-blind-safe (Okabe & Ito 2008), one per party in the order of the run's parties.
PARTY_COLOURS = ("#E69F00", "#009E73", "#CC79A7", "#0072B2", "#F0E442", "#56B4E9", "#7F7F7F")
#: The report's type and line sizes (points), the same in every chart.
STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "svg.fonttype": "none",  # text stays text: searchable, translatable, small
    "text.parse_math": False,  # "$30K – $180K" is money, not TeX
}
#: Width of a chart or map (inches; SVG points are 1/72 inch).
WIDTH = 8.0
#: A group id matplotlib makes up (figure_1, axes_1, text_5, …): nothing refers to them
#: and several inline SVGs would repeat them, so they are dropped; ids we set are kept.
_MADE_UP_ID = re.compile(r'(<g\b[^>]*?)\s+id="(?!map-layer-)[^"]*"')
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)


def party_colours(parties: Sequence[str]) -> dict[str, str]:
    """A colour for each party, in the run's order of parties."""
    return {p: PARTY_COLOURS[k % len(PARTY_COLOURS)] for k, p in enumerate(parties)}


@contextmanager
def figure(height: float, width: float = WIDTH) -> Iterator[Figure]:
    """A figure in the report's style, not attached to any GUI; draw on it inside the
    block (the style applies to what is drawn there)."""
    with mpl.rc_context(STYLE):
        yield Figure(figsize=(width, height), layout="constrained")


def svg_of(figure: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: text as text, element ids
    made from ``name`` (so that charts on one page never share one), no metadata."""
    buffer = io.StringIO()
    with mpl.rc_context({**STYLE, "svg.hashsalt": name}):
        figure.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.05,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return _MADE_UP_ID.sub(r"\1", _PROLOGUE.sub("", buffer.getvalue(), count=1)).strip()


@dataclass(frozen=True)
class Axis:
    """A value axis: its label (with the unit), the divisor that brings the data to that
    unit, and how a tick's number is written in the report's locale with a number of
    decimals (as many as the ticks' spacing needs)."""

    label: str
    tick: Callable[[float, int], str]
    scale: float = 1.0

    def apply(self, axes: Axes, which: str) -> None:
        """Label the axes' ``which`` ("x" or "y") axis and format its ticks."""
        target = axes.xaxis if which == "x" else axes.yaxis
        target.set_label_text(self.label)

        def tick(value: float, _position: int | None) -> str:
            return self.tick(value, decimals_of(target.get_majorticklocs()))

        target.set_major_formatter(FuncFormatter(tick))


def decimals_of(ticks: Sequence[float] | np.ndarray) -> int:
    """The fewest decimals that tell ticks this far apart from each other (0.25 → 2)."""
    steps = np.diff(np.sort(np.asarray(ticks, dtype=float)))
    steps = steps[steps > 0]
    if not len(steps):
        return 0
    step = float(steps.min())
    for decimals in range(4):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return decimals
    return 4


class Layer(Artist):
    """Artists drawn as one SVG group ``<g id="map-layer-<name>">``, so that the page can
    show or hide a map layer by its id whatever matplotlib made of it."""

    def __init__(self, name: str, members: Iterable[Artist]) -> None:
        super().__init__()
        self.members = list(members)
        self.set_gid(f"map-layer-{name}")
        self.set_zorder(max((m.get_zorder() for m in self.members), default=1.0))

    def draw(self, renderer: RendererBase) -> None:
        renderer.open_group("layer", gid=self.get_gid())
        for member in self.members:
            member.draw(renderer)
        renderer.close_group("layer")


def as_layer(axes: Axes, name: str, draw: Callable[[], object]) -> Layer:
    """Call ``draw`` (which adds artists to ``axes``) and gather what it added into one
    :class:`Layer` drawn in their place."""
    before = set(axes.get_children())
    draw()
    added = [a for a in axes.get_children() if a not in before]
    for artist in added:
        # out of the axes' own drawing list, still drawn in the axes' coordinates
        artist.remove()
        artist.axes = axes
        artist.set_figure(axes.figure)
        artist.set_clip_path(axes.patch)
    layer = Layer(name, added)
    axes.add_artist(layer)
    return layer
