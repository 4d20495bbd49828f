"""The maps: the border found where two parties' outlines meet, geometry simplified to
about a point of the drawing, each layer one addressable group, loss classes of about as
many zones each."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from bordercompact.report import maps

CRS = "EPSG:32614"
COLOURS = {"north": "#E69F00", "south": "#009E73"}
WORDS = {"parties": "Party", "border": "Border", "rivers": "Rivers", "facilities": "Facility"}


def two_cities(gap: float = 0.0) -> gpd.GeoDataFrame:
    """North east of x = 0, south west of it, ``gap`` metres apart, 4 km tall."""
    return gpd.GeoDataFrame(
        {"party": ["north", "south"]},
        geometry=[box(gap, 0, 3000, 4000), box(-3000, 0, 0, 4000)],
        crs=CRS,
    )


def test_the_border_is_the_outline_two_parties_share_within_the_tolerance() -> None:
    border = maps.shared_borders(two_cities(gap=3.0), tolerance=5.0)
    assert list(border["parties"]) == ["north–south"]
    assert border.geometry.iloc[0].length == pytest.approx(4000, rel=0.01)
    assert maps.shared_borders(two_cities(gap=50.0), tolerance=5.0).empty


def test_the_region_map_has_a_group_per_layer() -> None:
    rivers = gpd.GeoDataFrame(geometry=[LineString([(0, -500), (0, 4500)])], crs=CRS)
    facilities = gpd.GeoDataFrame(
        {"category": ["hospital", "shelter"]}, geometry=[Point(100, 100), Point(-100, 200)], crs=CRS
    )
    layers = maps.region_layers(two_cities(), ["north", "south"], 5.0, rivers, facilities)
    svg = maps.region_map(layers, COLOURS, WORDS)
    for layer in ("parties", "border", "rivers", "facilities"):
        assert svg.count(f'<g id="map-layer-{layer}">') == 1
    assert "Facility: hospital" in svg and "Party: north" in svg
    assert "1 km" in svg  # the scale bar


def test_geometry_is_simplified_to_about_a_point() -> None:
    detailed = gpd.GeoDataFrame(
        {"party": ["north"]}, geometry=[Point(0, 0).buffer(5000, quad_segs=20_000)], crs=CRS
    )
    assert len(detailed.geometry.iloc[0].exterior.coords) > 30_000
    layers = maps.region_layers(detailed, ["north"], 5.0)
    svg = maps.region_map(layers, COLOURS, WORDS)
    assert len(svg) < 60_000


def test_a_choropleth_colours_each_zone_by_its_class() -> None:
    layers = maps.region_layers(two_cities(), ["north", "south"], 5.0)
    zones = gpd.GeoDataFrame(
        {"class": [0, 1, 2]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(-1000, 0, 0, 1000)],
        crs=CRS,
    )
    classes = [("none", "#f7f7f7"), ("up to $1K", "#fcae91"), ("$1K – $5K", "#de2d26")]
    svg = maps.choropleth(layers, zones, classes, "eal", "USD a year")
    assert svg.count('<g id="map-layer-eal">') == 1
    texts = {t.strip() for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)}
    assert {"none", "up to $1K", "$1K – $5K", "USD a year"} <= texts


def test_loss_classes_hold_about_as_many_zones_each() -> None:
    values = np.array([0.0, 0.0, 1.0, 2.0, 3.0, 40.0, 50.0, 600.0, 700.0, 8000.0, np.nan])
    breaks = maps.quantile_breaks(values, classes=4)
    assert breaks[-1] == 8000.0
    assert breaks == sorted(breaks)
    found = maps.classify(values, breaks)
    assert list(found[:2]) == [0, 0]  # no loss
    assert found[-1] == -1  # no value
    counts = np.bincount(found[2:-1])[1:]
    assert counts.max() - counts.min() <= 1


def test_no_loss_anywhere_gives_no_classes() -> None:
    assert maps.quantile_breaks(np.zeros(5)) == []
