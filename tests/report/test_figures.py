"""Figures as inline SVG: text kept as text, matplotlib's own group ids dropped, the ids
we give kept, layers gathered into one group each, ticks with just enough decimals."""

from __future__ import annotations

import re

import pytest

from bordercompact.report.figures import (
    Axis,
    as_layer,
    decimals_of,
    figure,
    party_colours,
    svg_of,
)


def test_the_svg_is_an_element_with_text_and_no_made_up_ids() -> None:
    with figure(2.0, width=3.0) as fig:
        ax = fig.add_subplot()
        ax.plot([1, 2], [3, 4])
        ax.set_xlabel("Return period (years)")
        svg = svg_of(fig, "test")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<text" in svg and "Return period (years)" in svg  # not paths
    assert not re.search(r'<g id="(figure|axes|patch|text|line2d)_\d+"', svg)


def test_money_with_dollar_signs_is_not_typeset_as_maths() -> None:
    with figure(2.0, width=3.0) as fig:
        ax = fig.add_subplot()
        ax.set_title("$30K – $180K")
        svg = svg_of(fig, "dollars")
    assert "$30K – $180K" in svg


def test_a_layer_is_one_group_with_its_id_whatever_was_drawn() -> None:
    with figure(2.0, width=3.0) as fig:
        ax = fig.add_subplot()

        def draw() -> None:
            ax.plot([0, 1], [0, 1])
            ax.fill([0, 1, 1], [0, 0, 1])

        as_layer(ax, "rivers", draw)
        svg = svg_of(fig, "layer")
    assert svg.count('id="map-layer-rivers"') == 1
    group = svg[svg.index('<g id="map-layer-rivers">') :]
    assert group.count("<path") >= 2


def test_two_figures_never_share_a_clip_path_id() -> None:
    def drawn(name: str) -> set[str]:
        with figure(2.0, width=3.0) as fig:
            fig.add_subplot().plot([0, 1], [0, 1])
            return set(re.findall(r'<clipPath id="([^"]+)"', svg_of(fig, name)))

    assert drawn("one").isdisjoint(drawn("two"))


@pytest.mark.parametrize(
    ("ticks", "decimals"),
    [([0, 20, 40], 0), ([0, 0.5, 1.0], 1), ([0, 0.025, 0.05], 3), ([10, 50, 100, 250], 0)],
)
def test_ticks_get_the_decimals_their_spacing_needs(ticks: list[float], decimals: int) -> None:
    assert decimals_of(ticks) == decimals


def test_an_axis_writes_its_ticks_with_the_locale_function() -> None:
    with figure(2.0, width=3.0) as fig:
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 0.5])
        Axis("Share (%)", lambda value, decimals: f"<{value:.{decimals}f}>").apply(ax, "y")
        svg = svg_of(fig, "ticks")
    assert "Share (%)" in svg and "&lt;0.5&gt;" in svg


def test_each_party_keeps_its_colour() -> None:
    colours = party_colours(["north", "south", "authority"])
    assert len(set(colours.values())) == 3
    assert party_colours(["north", "south"])["south"] == colours["south"]
