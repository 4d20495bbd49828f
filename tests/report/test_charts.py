"""Each chart from a small table: its labels and units as text in the SVG, the cross-border
part of a benefit hatched, money received stacked below zero, the frontier of the
alternatives found."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from bordercompact.report import charts
from bordercompact.report.figures import Axis

COLOURS = {"north": "#E69F00", "south": "#009E73"}


def plain(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def texts(svg: str) -> list[str]:
    return [html.unescape(t).strip() for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


def test_exceedance_curves_have_a_panel_per_party_and_a_line_per_scenario() -> None:
    curves = pd.DataFrame(
        [
            (party, scenario, period, loss * (2 if scenario == "future" else 1))
            for party in ("north", "south")
            for scenario in ("present", "future")
            for period, loss in ((10, 1e6), (100, 4e6))
        ],
        columns=["party", "scenario", "return_period", "loss"],
    )
    svg = charts.exceedance_curves(
        curves,
        COLOURS,
        Axis("Return period (years)", plain),
        Axis("Loss (million USD)", plain, 1e6),
    )
    found = texts(svg)
    assert {"north", "south", "present", "future"} <= set(found)
    assert found.count("Return period (years)") == 2
    assert found.count("Loss (million USD)") == 2
    assert "8" in found  # the future 100-year loss, in millions


def benefits(spill: float) -> pd.DataFrame:
    """A levee hosted by north that may spill ``spill`` to south, and a wall of south."""
    return pd.DataFrame(
        {
            "measure": ["levee", "levee", "wall", "wall"],
            "party": ["north", "south", "north", "south"],
            "host": ["north", "north", "south", "south"],
            "benefit": [5e6, spill, 0.0, 2e6],
        }
    )


def hatched_colours(svg: str) -> set[str]:
    """The fill colours of the SVG's hatch patterns."""
    patterns = re.findall(r"<pattern\b.*?</pattern>", svg, re.DOTALL)
    return {c for p in patterns for c in re.findall(r'fill="(#[0-9a-f]{6})"', p)}


def test_benefit_across_the_border_is_hatched_in_the_receiving_party_colour() -> None:
    axis = Axis("Benefit, present value (million USD)", plain, 1e6)
    crossing = charts.benefits_by_party(benefits(3e6), COLOURS, axis, "host", "across")
    at_home = charts.benefits_by_party(benefits(0.0), COLOURS, axis, "host", "across")
    assert COLOURS["south"].lower() in hatched_colours(crossing)
    assert COLOURS["south"].lower() not in hatched_colours(at_home)
    assert {"levee", "wall", "host", "across"} <= set(texts(crossing))


def test_a_benefit_below_zero_stacks_left_of_the_axis() -> None:
    table = benefits(0.0).assign(benefit=[5e6, -2e6, 0.0, 2e6])
    svg = charts.benefits_by_party(
        table, COLOURS, Axis("Benefit (million USD)", plain, 1e6), "host", "across"
    )
    assert "-2" in texts(svg) or "−2" in texts(svg)


def test_the_frontier_keeps_the_alternatives_nothing_beats_on_both_aims() -> None:
    x = np.array([0.30, 0.34, 0.36, 0.33])
    y = np.array([840.0, 800.0, 760.0, 790.0])  # the last is beaten by the second
    assert list(charts._frontier(x, y)) == [0, 1, 2]


def test_the_pareto_chart_numbers_the_alternatives_and_marks_the_deal() -> None:
    alternatives = pd.DataFrame(
        {
            "label": ["1", "2", "3"],
            "equity_share": [0.33, 0.35, 0.36],
            "joint_net_benefit": [8.4e8, 8.0e8, 7.5e8],
            "deal": [True, False, False],
        }
    )
    svg = charts.pareto_alternatives(
        alternatives,
        Axis("Equity share (%)", plain, 0.01),
        Axis("Joint net benefit (million USD)", plain, 1e6),
        "the deal",
        "an alternative",
        "frontier",
    )
    assert {"1", "2", "3", "the deal", "Equity share (%)"} <= set(texts(svg))


def test_each_party_pays_on_its_own_axis_and_money_received_is_below_zero() -> None:
    south = pd.DataFrame(
        {
            "fiscal_year": [2026, 2026, 2027],
            "source": ["budget", "transfer", "transfer"],
            "kind": ["capital", "capital", "operating"],
            "amount": [3e6, -1e6, -2e6],
        }
    )
    north = pd.DataFrame(
        {"fiscal_year": [2027], "source": ["grant"], "kind": ["capital"], "amount": [5e3]}
    )
    svg = charts.payment_schedules(
        {
            "south": (south, Axis("Payments (million MXN)", plain, 1e6)),
            "north": (north, Axis("Payments (thousand USD)", plain, 1e3)),
        },
        charts.source_colours(["budget", "transfer", "grant"]),
        "Fiscal year",
        "operation and maintenance (hatched)",
    )
    found = texts(svg)
    assert {"south", "north", "budget", "transfer", "grant", "Fiscal year"} <= set(found)
    assert {"Payments (million MXN)", "Payments (thousand USD)"} <= set(found)
    assert "-2" in found or "−2" in found  # south's axis reaches below zero


def test_the_reserve_chart_pairs_each_party_with_its_pooled_share() -> None:
    reserve = pd.DataFrame(
        {
            "party": ["north", "south", None],
            "label": ["north", "south", "all parties"],
            "alone": [10e6, 5e6, 15e6],
            "pooled": [8e6, 4e6, 12e6],
        }
    )
    svg = charts.reserve_comparison(
        reserve, COLOURS, Axis("Reserve (million USD)", plain, 1e6), "alone", "pooled"
    )
    assert {"north", "south", "all parties", "alone", "pooled"} <= set(texts(svg))


def test_shares_by_quintile_name_each_quintile() -> None:
    shares = pd.DataFrame(
        {
            "label": ["population"] * 5 + ["levee"] * 2,
            "quintile": [1, 2, 3, 4, 5, 4, 5],
            "share": [0.2] * 5 + [0.25, 0.75],
        }
    )
    names = {1: "Q1 (least vulnerable)", 2: "Q2", 3: "Q3", 4: "Q4", 5: "Q5 (most vulnerable)"}
    svg = charts.quintile_shares(shares, names, Axis("Share (%)", plain, 0.01), "quintiles")
    assert {"population", "levee", "Q1 (least vulnerable)", "Q5 (most vulnerable)"} <= set(
        texts(svg)
    )


def test_access_gaps_show_each_party_and_the_open_to_all_mark() -> None:
    access = pd.DataFrame(
        {
            "label": ["cooling · all-open", "cooling · all-open"],
            "party": ["north", "south"],
            "share_beyond": [0.8, 0.6],
            "share_beyond_open": [0.7, np.nan],
        }
    )
    svg = charts.access_gaps(access, COLOURS, Axis("Share (%)", plain, 0.01), "open to all")
    assert {"cooling · all-open", "north", "south", "open to all"} <= set(texts(svg))
