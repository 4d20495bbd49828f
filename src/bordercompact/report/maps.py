"""The report's maps: the region (parties, the border between them, rivers, facilities)
and choropleths of the population zones, drawn with geopandas as inline SVG, every
geometry simplified to about a point of the drawing first, each layer one SVG group
``map-layer-<name>`` that the page can show or hide."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely.geometry import box

from bordercompact.report.figures import as_layer, figure, svg_of

#: Width of the map's frame (inches); the legend stands to its right.
MAP_WIDTH = 5.6
#: Points per inch of the SVG: geometries are simplified to about one of them.
POINTS_PER_INCH = 72
BORDER_COLOUR = "#b2182b"
RIVER_COLOUR = "#4a90d9"
OUTLINE_COLOUR = "#555555"
NO_DATA_COLOUR = "#e0e0e0"
FACILITY_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
FACILITY_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#333333")


@dataclass(frozen=True)
class RegionLayers:
    """The harmonized layers as the maps draw them: in the analysis CRS, simplified,
    rivers clipped to the parties' extent."""

    parties: gpd.GeoDataFrame  # party, geometry: one (multi)polygon per party
    border: gpd.GeoDataFrame  # parties ("a–b"), geometry: the lines two parties share
    rivers: gpd.GeoDataFrame | None
    facilities: gpd.GeoDataFrame | None  # category, geometry (points)
    tolerance: float  # of the simplification, in CRS units

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = self.parties.total_bounds
        return float(minx), float(miny), float(maxx), float(maxy)

    @property
    def metric(self) -> bool:
        """Whether the CRS counts in metres (then the maps get a scale bar)."""
        crs = self.parties.crs
        return bool(crs is not None and crs.is_projected and crs.axis_info[0].unit_name == "metre")


def region_layers(
    boundary: gpd.GeoDataFrame,
    parties: Sequence[str],
    border_tolerance: float,
    hydrography: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
) -> RegionLayers:
    """The layers to draw: ``boundary`` dissolved per party (in the order of
    ``parties``), the border where two parties' outlines run within ``border_tolerance``
    (CRS units, the region's tolerance) of each other, the rivers and facilities."""
    dissolved = boundary[["party", "geometry"]].dissolve("party")
    dissolved.index = dissolved.index.astype(str)
    ordered = [p for p in parties if p in dissolved.index]
    dissolved = dissolved.loc[ordered].rename_axis("party").reset_index()
    minx, miny, maxx, maxy = dissolved.total_bounds
    tolerance = max(maxx - minx, maxy - miny) / (MAP_WIDTH * POINTS_PER_INCH)
    border = shared_borders(dissolved, max(border_tolerance, tolerance))
    frame = box(minx, miny, maxx, maxy).buffer(tolerance * 20)
    rivers = None
    if hydrography is not None and len(hydrography):
        rivers = _simplified(gpd.clip(hydrography[["geometry"]], frame), tolerance)
    points = None
    if facilities is not None and len(facilities):
        points = facilities[["category", "geometry"]].copy()
        points["category"] = points["category"].fillna("—").astype(str)
    return RegionLayers(
        parties=_simplified(dissolved, tolerance),
        border=_simplified(border, tolerance),
        rivers=rivers,
        facilities=points,
        tolerance=tolerance,
    )


def shared_borders(parties: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """The lines where two parties meet: the part of one party's outline lying within
    ``tolerance`` of the other party's area, for every pair of parties that meet.

    ``parties`` has one row per party (``party``, polygon geometry); the result one row
    per pair (``parties`` "a–b", line geometry)."""
    found = []
    for (_, a), (_, b) in itertools.combinations(parties.iterrows(), 2):
        shared = a.geometry.boundary.intersection(b.geometry.buffer(tolerance))
        if not shared.is_empty and shared.length > 0:
            found.append({"parties": f"{a['party']}–{b['party']}", "geometry": shared})
    return gpd.GeoDataFrame(found, columns=["parties", "geometry"], crs=parties.crs)


def region_map(layers: RegionLayers, colours: Mapping[str, str], words: Mapping[str, str]) -> str:
    """The region: each party's area in its colour, the border, rivers and facilities
    (one marker per category), with a legend and a scale bar. ``words`` gives the legend
    headings ``parties``, ``border``, ``rivers``, ``facilities``."""
    with _map_frame(layers) as (fig, ax):
        parties = layers.parties
        fills = [colours[p] for p in parties["party"]]
        as_layer(
            ax,
            "parties",
            lambda: parties.plot(ax=ax, color=fills, alpha=0.3, edgecolor=fills, linewidth=1.0),
        )
        handles: list[Patch | Line2D] = [
            Patch(facecolor=c, alpha=0.5, edgecolor=c, label=p)
            for p, c in zip(parties["party"], fills, strict=True)
        ]
        labels = [words["parties"] + ": " + str(p) for p in parties["party"]]
        if layers.rivers is not None and len(layers.rivers):
            rivers = layers.rivers
            as_layer(
                ax,
                "rivers",
                lambda: rivers.plot(
                    ax=ax, color=RIVER_COLOUR, edgecolor=RIVER_COLOUR, linewidth=1.1, zorder=2
                ),
            )
            handles.append(Line2D([], [], color=RIVER_COLOUR, linewidth=1.5))
            labels.append(words["rivers"])
        if len(layers.border):
            as_layer(
                ax,
                "border",
                lambda: layers.border.plot(
                    ax=ax, color=BORDER_COLOUR, linewidth=2.4, linestyle=(0, (4, 1.5)), zorder=3
                ),
            )
            handles.append(Line2D([], [], color=BORDER_COLOUR, linewidth=2.4, linestyle="--"))
            labels.append(words["border"])
        if layers.facilities is not None and len(layers.facilities):
            handles_labels = _facilities(ax, layers.facilities, words["facilities"])
            handles += handles_labels[0]
            labels += handles_labels[1]
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        return svg_of(fig, "map-region")


def choropleth(
    layers: RegionLayers,
    zones: gpd.GeoDataFrame,
    classes: Sequence[tuple[str, str]],
    name: str,
    legend_title: str,
) -> str:
    """The zones coloured by class, the parties' outlines and the border on top.

    ``zones`` has a ``class`` column (an index into ``classes``, pairs of legend label
    and colour) and the zones' geometry; the zones form the layer ``map-layer-<name>``."""
    drawn = _simplified(zones[["class", "geometry"]], layers.tolerance)
    fills = [classes[int(k)][1] for k in drawn["class"]]
    with _map_frame(layers) as (fig, ax):
        as_layer(
            ax,
            name,
            lambda: drawn.plot(ax=ax, color=fills, edgecolor="white", linewidth=0.15),
        )
        layers.parties.boundary.plot(ax=ax, color=OUTLINE_COLOUR, linewidth=0.7, zorder=2)
        if len(layers.border):
            layers.border.plot(
                ax=ax, color=BORDER_COLOUR, linewidth=1.6, linestyle=(0, (4, 1.5)), zorder=3
            )
        used = sorted(set(int(k) for k in drawn["class"]))
        ax.legend(
            [Patch(facecolor=classes[k][1], edgecolor="#999999") for k in used],
            [classes[k][0] for k in used],
            title=legend_title,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            alignment="left",
        )
        return svg_of(fig, f"map-{name}")


def quantile_breaks(values: np.ndarray, classes: int = 5) -> list[float]:
    """Upper bounds of ``classes`` classes of the positive values holding about as many
    zones each, rounded to two significant digits (repeated bounds merged); the last is
    the largest value."""
    positive = np.sort(values[np.isfinite(values) & (values > 0)])
    if not len(positive):
        return []
    cuts = np.quantile(positive, np.arange(1, classes) / classes)
    rounded = [float(f"{c:.2g}") for c in cuts]
    bounds = sorted({b for b in rounded if 0 < b < positive[-1]})
    return [*bounds, float(positive[-1])]


def classify(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Class of each value: 0 for zero (or less), k for the k-th bound of ``breaks`` it
    does not exceed, -1 for a missing value."""
    found = np.searchsorted(np.asarray(breaks), values, side="left") + 1
    found = np.minimum(found, len(breaks))
    found = np.where(values > 0, found, 0)
    return np.where(np.isfinite(values), found, -1)


@contextmanager
def _map_frame(layers: RegionLayers) -> Iterator[tuple[Figure, Axes]]:
    """A figure with one axes framed on the region, without ticks, with a scale bar
    when the CRS counts in metres."""
    minx, miny, maxx, maxy = layers.bounds
    aspect = (maxy - miny) / max(maxx - minx, 1e-9)
    with figure(min(max(MAP_WIDTH * aspect, 3.5), 8.0), width=MAP_WIDTH + 2.6) as fig:
        ax = fig.add_subplot()
        margin = 0.02 * max(maxx - minx, maxy - miny)
        ax.set_xlim(minx - margin, maxx + margin)
        ax.set_ylim(miny - margin, maxy + margin)
        ax.set_aspect("equal")
        ax.set_axis_off()
        if layers.metric:
            _scale_bar(ax, maxx - minx, (minx, miny))
        yield fig, ax


def _facilities(
    ax: Axes, facilities: gpd.GeoDataFrame, heading: str
) -> tuple[list[Patch | Line2D], list[str]]:
    """Facilities, one marker and colour per category (most frequent first), as the
    layer ``facilities``; the legend's handles and labels."""
    categories = list(facilities["category"].value_counts().index)
    markers, colours = len(FACILITY_MARKERS), len(FACILITY_COLOURS)
    # colours shift by one each round of markers: no two of 49 categories look alike
    styles = {
        c: (FACILITY_MARKERS[k % markers], FACILITY_COLOURS[(k + k // markers) % colours])
        for k, c in enumerate(categories)
    }

    def draw() -> None:
        for category in categories:
            marker, colour = styles[category]
            points = facilities[facilities["category"] == category]
            ax.scatter(
                points.geometry.x,
                points.geometry.y,
                marker=marker,
                s=22,
                color=colour,
                edgecolor="white",
                linewidth=0.5,
                zorder=4,
            )

    as_layer(ax, "facilities", draw)
    handles: list[Patch | Line2D] = [
        Line2D([], [], marker=m, color=c, markeredgecolor="white", linestyle="", markersize=6)
        for m, c in (styles[c] for c in categories)
    ]
    return handles, [f"{heading}: {c}" for c in categories]


def _scale_bar(ax: Axes, width: float, origin: tuple[float, float]) -> None:
    """A bar of a round number of kilometres, about a fifth of the map's width, in its
    lower left corner."""
    target = width / 5
    magnitude = 10 ** np.floor(np.log10(target))
    length = max(s * magnitude for s in (1, 2, 5) if s * magnitude <= target)
    x, y = origin
    ax.plot([x, x + length], [y, y], color="black", linewidth=2.5, solid_capstyle="butt", zorder=5)
    kilometres = length / 1000
    text = f"{kilometres:g} km" if kilometres >= 1 else f"{length:g} m"
    ax.annotate(text, (x + length / 2, y), xytext=(0, 3), textcoords="offset points", ha="center")


def _simplified(layer: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """The layer with its geometries simplified to ``tolerance`` and empty ones left out."""
    drawn = layer.copy()
    drawn["geometry"] = drawn.geometry.simplify(tolerance, preserve_topology=True)
    return drawn[~drawn.geometry.is_empty & drawn.geometry.notna()].reset_index(drop=True)
