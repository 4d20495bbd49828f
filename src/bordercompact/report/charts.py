"""The report's charts, one function each: plain data frames and the words to write in
(already translated) in, an inline SVG out. Money arrives in its currency and is
divided by the value axis's scale here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bordercompact.report.figures import Axis, figure, svg_of

#: Hatching of the segments that are not the main case (benefit across the border,
#: operating costs, a share of the pooled reserve).
HATCH = "////"
#: Colours of funding sources in the payment schedule (ColorBrewer Set2 and Dark2).
SOURCE_COLOURS = (
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494",
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
)  # fmt: skip
#: SVI quintile 1 (least vulnerable) … 5 (most), and 0 (no index): light to dark purple.
QUINTILE_COLOURS = {
    1: "#f2f0f7",
    2: "#cbc9e2",
    3: "#9e9ac8",
    4: "#756bb1",
    5: "#54278f",
    0: "#bdbdbd",
}
NEUTRAL = "#7f7f7f"


def exceedance_curves(
    curves: pd.DataFrame,
    colours: Mapping[str, str],
    return_period: Axis,
    loss: Axis,
) -> str:
    """Loss against return period, one panel per party, one line per scenario: the
    first scenario solid, the others dashed.

    ``curves`` has columns ``party, scenario, return_period`` (years) and ``loss``
    (money, divided by ``loss.scale``); the return-period axis is logarithmic."""
    parties = list(dict.fromkeys(curves["party"]))
    scenarios = list(dict.fromkeys(curves["scenario"]))
    # the present solid, each future dashed a little longer
    styles: dict[str, tuple[float, tuple[float, ...]]] = {
        s: (0.0, ()) if k == 0 else (0.0, (4.0 + 2 * k, 2.0)) for k, s in enumerate(scenarios)
    }
    columns = min(len(parties), 3)
    rows = -(-len(parties) // columns)
    with figure(2.6 * rows + 0.6) as fig:
        grid = fig.subplots(rows, columns, squeeze=False)
        for k, party in enumerate(parties):
            ax = grid[k // columns][k % columns]
            for scenario in scenarios:
                line = curves[(curves["party"] == party) & (curves["scenario"] == scenario)]
                line = line.sort_values("return_period")
                ax.plot(
                    line["return_period"],
                    line["loss"] / loss.scale,
                    linestyle=styles[scenario],
                    marker="o",
                    markersize=3.5,
                    color=colours[party],
                )
            ax.set_xscale("log")
            periods = sorted(set(curves["return_period"]))
            ax.set_xticks(periods)
            ax.minorticks_off()
            ax.set_title(party)
            ax.set_ylim(bottom=0)
            return_period.apply(ax, "x")
            loss.apply(ax, "y")
        for k in range(len(parties), rows * columns):
            grid[k // columns][k % columns].set_visible(False)
        fig.legend(
            handles=[Line2D([], [], color="#333333", linestyle=styles[s]) for s in scenarios],
            labels=scenarios,
            loc="outside lower center",
            ncols=len(scenarios),
            frameon=False,
        )
        return svg_of(fig, "exceedance")


def benefits_by_party(
    benefits: pd.DataFrame,
    colours: Mapping[str, str],
    value: Axis,
    host_label: str,
    spillover_label: str,
) -> str:
    """One horizontal bar per measure, its benefit stacked by party (party colours); the
    part going to a party that does not host the measure is hatched, so that benefits
    across the border stand out. A negative benefit (a measure that adds to a party's
    losses) stacks to the left of zero.

    ``benefits`` has columns ``measure, party, host, benefit`` (money, divided by
    ``value.scale``), measures top to bottom in their order of appearance."""
    measures = list(dict.fromkeys(benefits["measure"]))
    parties = [p for p in colours if p in set(benefits["party"])]
    with figure(0.32 * len(measures) + 1.4) as fig:
        ax = fig.add_subplot()
        right = np.zeros(len(measures))
        left = np.zeros(len(measures))
        rows = {m: k for k, m in enumerate(measures)}
        for party in parties:
            own = benefits[benefits["party"] == party]
            for spills, group in own.groupby(own["host"] != party):
                where = group["measure"].map(rows).to_numpy()
                amount = group["benefit"].to_numpy(dtype=float) / value.scale
                _stack(ax, where, amount, right, left, colours[party], hatched=bool(spills))
        ax.set_yticks(range(len(measures)), measures)
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        value.apply(ax, "x")
        handles = [Patch(facecolor=colours[p], label=p) for p in parties] + [
            Patch(facecolor=NEUTRAL, label=host_label),
            Patch(facecolor=NEUTRAL, hatch=HATCH, edgecolor="white", label=spillover_label),
        ]
        fig.legend(
            handles=handles, loc="outside lower center", ncols=min(len(handles), 4), frameon=False
        )
        return svg_of(fig, "benefits")


def pareto_alternatives(
    alternatives: pd.DataFrame,
    equity: Axis,
    net_benefit: Axis,
    deal_label: str,
    alternative_label: str,
    frontier_label: str,
) -> str:
    """The alternatives as points (numbered by their ``label``), joint net benefit
    against equity share, the deal a star, and the frontier of the alternatives no
    other beats on both.

    ``alternatives`` has columns ``label, equity_share`` (0–1), ``joint_net_benefit``
    (money, divided by ``net_benefit.scale``) and ``deal`` (bool)."""
    x = alternatives["equity_share"].to_numpy(dtype=float) / equity.scale
    y = alternatives["joint_net_benefit"].to_numpy(dtype=float) / net_benefit.scale
    deal = alternatives["deal"].to_numpy(dtype=bool)
    with figure(4.2) as fig:
        ax = fig.add_subplot()
        front = _frontier(x, y)
        ax.plot(x[front], y[front], color="#999999", linestyle="--", linewidth=1, zorder=1)
        ax.scatter(x[~deal], y[~deal], s=36, color="#0072B2", zorder=2)
        ax.scatter(x[deal], y[deal], s=160, marker="*", color="#D55E00", zorder=3)
        for label, px, py, offset in zip(
            alternatives["label"], x, y, _label_offsets(x, y), strict=True
        ):
            ax.annotate(str(label), (px, py), xytext=offset, textcoords="offset points")
        ax.margins(x=0.12, y=0.12)
        equity.apply(ax, "x")
        net_benefit.apply(ax, "y")
        ax.legend(
            handles=[
                Line2D([], [], marker="*", markersize=11, color="#D55E00", linestyle=""),
                Line2D([], [], marker="o", markersize=5, color="#0072B2", linestyle=""),
                Line2D([], [], color="#999999", linestyle="--"),
            ],
            labels=[deal_label, alternative_label, frontier_label],
            loc="best",
        )
        return svg_of(fig, "pareto")


def source_colours(sources: Sequence[str]) -> dict[str, str]:
    """A colour for each funding source, the same in every party's schedule."""
    return {s: SOURCE_COLOURS[k % len(SOURCE_COLOURS)] for k, s in enumerate(sources)}


def payment_schedules(
    schedules: Mapping[str, tuple[pd.DataFrame, Axis]],
    colours: Mapping[str, str],
    year: str,
    operating_label: str,
) -> str:
    """Each party's payments per fiscal year, one panel per party (titled with it) on
    its own money axis, one bar a year stacked by funding source (``colours``) and kind
    (operating costs hatched); money received (a negative amount) stacks below zero.

    ``schedules`` maps a party to its payments, columns ``fiscal_year, source, kind``
    (``capital``, ``operating``) and ``amount`` (the party's currency, divided by the
    axis's scale), and to that axis."""
    frames = [payments for payments, _ in schedules.values()]
    first = min(int(p["fiscal_year"].min()) for p in frames)
    last = max(int(p["fiscal_year"].max()) for p in frames)
    years = np.arange(first, last + 1)
    sources = list(dict.fromkeys(s for p in frames for s in p["source"]))
    with figure(2.3 * len(schedules) + 0.9) as fig:
        grid = fig.subplots(len(schedules), 1, sharex=True, squeeze=False)
        for ax, (party, (payments, amount)) in zip(grid[:, 0], schedules.items(), strict=True):
            up = np.zeros(len(years))
            down = np.zeros(len(years))
            for (source, kind), group in payments.groupby(["source", "kind"], sort=False):
                by_year = group.groupby("fiscal_year")["amount"].sum() / amount.scale
                _stack(
                    ax,
                    by_year.index.to_numpy() - first,
                    by_year.to_numpy(dtype=float),
                    up,
                    down,
                    colours[str(source)],
                    hatched=kind == "operating",
                    horizontal=False,
                )
            ax.set_title(party)
            ax.axhline(0, color="#333333", linewidth=0.8)
            ax.grid(axis="x", visible=False)
            amount.apply(ax, "y")
        bottom = grid[-1, 0]
        fives = years[years % 5 == 0]
        bottom.set_xticks(fives - first, [str(y) for y in fives])
        bottom.set_xlim(-0.7, len(years) - 0.3)
        bottom.set_xlabel(year)
        handles = [Patch(facecolor=colours[s]) for s in sources]
        handles.append(Patch(facecolor=NEUTRAL, hatch=HATCH, edgecolor="white"))
        fig.legend(
            handles=handles,
            labels=[*sources, operating_label],
            loc="outside lower center",
            ncols=3,
            frameon=False,
        )
        return svg_of(fig, "schedule")


def reserve_comparison(
    reserve: pd.DataFrame,
    colours: Mapping[str, str],
    amount: Axis,
    alone_label: str,
    pooled_label: str,
) -> str:
    """Per party two bars: the reserve it would hold alone and its share of the pooled
    reserve; the last pair (``party`` None) the sum of the reserves alone and the pooled
    one, whose difference is what pooling saves.

    ``reserve`` has columns ``party, label, alone, pooled`` (money, divided by
    ``amount.scale``); ``label`` names the pair on the axis."""
    with figure(3.4, width=6.5) as fig:
        ax = fig.add_subplot()
        positions = np.arange(len(reserve))
        for k, pair in enumerate(reserve.to_dict("records")):
            colour = colours.get(str(pair["party"]), NEUTRAL)
            ax.bar(k - 0.2, float(pair["alone"]) / amount.scale, width=0.38, color=colour)
            ax.bar(
                k + 0.2,
                float(pair["pooled"]) / amount.scale,
                width=0.38,
                color=colour,
                hatch=HATCH,
                edgecolor="white",
                linewidth=0,
            )
        ax.set_xticks(positions, list(reserve["label"]))
        ax.grid(axis="x", visible=False)
        amount.apply(ax, "y")
        ax.legend(
            handles=[
                Patch(facecolor=NEUTRAL),
                Patch(facecolor=NEUTRAL, hatch=HATCH, edgecolor="white"),
            ],
            labels=[alone_label, pooled_label],
            loc="best",
        )
        return svg_of(fig, "reserve")


def quintile_shares(
    shares: pd.DataFrame,
    quintile_labels: Mapping[int, str],
    share: Axis,
    name: str,
) -> str:
    """One bar per row (``label``), 100 % wide, split by SVI quintile from the least
    vulnerable (light) to the most (dark); a first row of the population's own split
    lets each bar be compared with an even spread of benefit per person.

    ``shares`` has columns ``label, quintile`` (1–5, 0 without an index) and ``share``
    (0–1 within the row)."""
    labels = list(dict.fromkeys(shares["label"]))
    quintiles = [q for q in QUINTILE_COLOURS if q in set(shares["quintile"])]
    with figure(0.3 * len(labels) + 1.5) as fig:
        ax = fig.add_subplot()
        rows = {label: k for k, label in enumerate(labels)}
        left = np.zeros(len(labels))
        for quintile in quintiles:
            part = shares[shares["quintile"] == quintile]
            where = part["label"].map(rows).to_numpy()
            width = part["share"].to_numpy(dtype=float) / share.scale
            ax.barh(
                where,
                width,
                left=left[where],
                color=QUINTILE_COLOURS[quintile],
                edgecolor="white",
                linewidth=0.5,
                height=0.7,
            )
            left[where] += width
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        share.apply(ax, "x")
        fig.legend(
            handles=[Patch(facecolor=QUINTILE_COLOURS[q], edgecolor="#999999") for q in quintiles],
            labels=[quintile_labels[q] for q in quintiles],
            loc="outside lower center",
            ncols=3,
            frameon=False,
        )
        return svg_of(fig, name)


def access_gaps(
    access: pd.DataFrame,
    colours: Mapping[str, str],
    share: Axis,
    open_label: str,
) -> str:
    """Per facility and crossing scenario (``label``), one bar per party: the share of
    its people beyond the travel-time threshold with each party's facilities as set; a
    black tick where the share would be with every facility open to all.

    ``access`` has columns ``label, party, share_beyond`` and ``share_beyond_open``
    (0–1, NaN when not computed)."""
    labels = list(dict.fromkeys(access["label"]))
    parties = [p for p in colours if p in set(access["party"])]
    height = 0.8 / max(len(parties), 1)
    with figure(0.5 * len(labels) * max(len(parties), 1) * 0.6 + 1.4) as fig:
        ax = fig.add_subplot()
        rows = {label: k for k, label in enumerate(labels)}
        for j, party in enumerate(parties):
            own = access[access["party"] == party]
            where = own["label"].map(rows).to_numpy() - 0.4 + height * (j + 0.5)
            ax.barh(
                where,
                own["share_beyond"].to_numpy(dtype=float) / share.scale,
                height=height * 0.92,
                color=colours[party],
            )
            ax.scatter(
                own["share_beyond_open"].to_numpy(dtype=float) / share.scale,
                where,
                marker="|",
                s=90,
                color="black",
                zorder=3,
            )
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        share.apply(ax, "x")
        handles: list[Artist] = [Patch(facecolor=colours[p]) for p in parties]
        handles.append(Line2D([], [], marker="|", markersize=10, color="black", linestyle=""))
        fig.legend(
            handles=handles,
            labels=[*parties, open_label],
            loc="outside lower center",
            ncols=min(len(handles), 4),
            frameon=False,
        )
        return svg_of(fig, "access")


def _stack(
    ax: Axes,
    where: np.ndarray,
    amount: np.ndarray,
    up: np.ndarray,
    down: np.ndarray,
    colour: str,
    *,
    hatched: bool,
    horizontal: bool = True,
) -> None:
    """Bars at ``where`` stacked on ``up`` (positive amounts) or under ``down``
    (negative ones), both updated; zero amounts draw nothing."""
    drawn = amount != 0
    where, amount = where[drawn], amount[drawn]
    positive = amount > 0
    base = np.where(positive, up[where], down[where])
    style: dict[str, Any] = {"color": colour, "linewidth": 0}
    if hatched:
        style |= {"hatch": HATCH, "edgecolor": "white"}
    if horizontal:
        ax.barh(where, amount, left=base, height=0.7, **style)
    else:
        ax.bar(where, amount, bottom=base, width=0.8, **style)
    np.add.at(up, where[positive], amount[positive])
    np.add.at(down, where[~positive], amount[~positive])


def _label_offsets(x: np.ndarray, y: np.ndarray) -> list[tuple[float, float]]:
    """Where each point's label goes (points from it): right and up, unless an earlier
    point lies within 3 % of the axes' range, then around it in turn."""
    around = [(5.0, 4.0), (-12.0, 4.0), (5.0, -12.0), (-12.0, -12.0)]
    spread_x = max(float(np.ptp(x)), 1e-12)
    spread_y = max(float(np.ptp(y)), 1e-12)
    offsets = []
    for k in range(len(x)):
        near = sum(
            abs(x[j] - x[k]) < 0.03 * spread_x and abs(y[j] - y[k]) < 0.03 * spread_y
            for j in range(k)
        )
        offsets.append(around[near % len(around)])
    return offsets


def _frontier(x: np.ndarray, y: np.ndarray) -> Sequence[int]:
    """Indices of the points no other point beats on both x and y, by increasing x."""
    order = np.argsort(x)
    kept = [
        int(i)
        for i in order
        if not any((x[j] >= x[i]) & (y[j] >= y[i]) & ((x[j] > x[i]) | (y[j] > y[i])) for j in order)
    ]
    return kept
