"""Dataset kinds: what a party's file can be, and the canonical fields each kind knows.

Adding a kind is adding one :class:`DatasetKind` to :data:`KINDS`; the manifest, the
validation and the harmonization all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What the values of a field are, which decides how they are checked and converted."""

    COUNT = "count"  # people, households, units: finite, >= 0
    MONEY = "money"  # converted to the region currency and price year; >= 0
    QUANTITY = "quantity"  # has a physical unit; converted with pint
    CATEGORY = "category"  # label mapped to a shared vocabulary term
    TEXT = "text"  # free text, tagged with its language
    FLAG = "flag"  # true/false
    INTEGER = "integer"  # a year, a number of storeys
    REFERENCE = "reference"  # an id of another feature (a network node)
    ATTRIBUTE = "attribute"  # a field the kind does not know, carried through unchanged


@dataclass(frozen=True)
class FieldSpec:
    name: str
    role: Role
    required: bool = False
    unit: str | None = None  # canonical unit of a QUANTITY
    vocabulary: str | None = None  # shared vocabulary of a CATEGORY
    nonnegative: bool = True
    at_most: str | None = None  # a count that cannot exceed another (age_65_plus <= population)


@dataclass(frozen=True)
class DatasetKind:
    name: str
    description: str
    geometries: frozenset[str]  # shapely geometry families; {"raster"} for rasters
    fields: tuple[FieldSpec, ...] = ()
    inside_party: bool = False  # features must lie inside their party's boundary

    @property
    def is_raster(self) -> bool:
        return "raster" in self.geometries

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)


POINT, LINE, POLYGON = "Point", "LineString", "Polygon"

_NAME = FieldSpec("name", Role.TEXT)

KINDS: dict[str, DatasetKind] = {
    kind.name: kind
    for kind in (
        DatasetKind(
            "boundary",
            "a party's territory (one or more polygons)",
            frozenset({POLYGON}),
            (_NAME,),
        ),
        DatasetKind(
            "assets",
            "buildings and other assets with a replacement value",
            frozenset({POINT, POLYGON}),
            (
                FieldSpec("value", Role.MONEY, required=True),
                FieldSpec("occupancy", Role.CATEGORY, required=True, vocabulary="occupancy"),
                FieldSpec("contents_value", Role.MONEY),
                FieldSpec("floor_area", Role.QUANTITY, unit="m**2"),
                FieldSpec("stories", Role.INTEGER),
                FieldSpec("first_floor_height", Role.QUANTITY, unit="m", nonnegative=False),
                FieldSpec("year_built", Role.INTEGER),
                FieldSpec("occupants", Role.COUNT),
                _NAME,
            ),
            inside_party=True,
        ),
        DatasetKind(
            "population_zones",
            "census zones with the population and its characteristics",
            frozenset({POLYGON}),
            (
                FieldSpec("population", Role.COUNT, required=True),
                FieldSpec("households", Role.COUNT),
                FieldSpec("age_65_plus", Role.COUNT, at_most="population"),
                FieldSpec("age_under_5", Role.COUNT, at_most="population"),
                FieldSpec("poverty", Role.COUNT, at_most="population"),
                FieldSpec("disability", Role.COUNT, at_most="population"),
                FieldSpec("limited_language", Role.COUNT, at_most="population"),
                FieldSpec("minority", Role.COUNT, at_most="population"),
                FieldSpec("no_vehicle", Role.COUNT, at_most="households"),
                FieldSpec("renter_households", Role.COUNT, at_most="households"),
                FieldSpec("median_income", Role.MONEY),
                FieldSpec("land_area", Role.QUANTITY, unit="ha"),
                FieldSpec("surface_temperature", Role.QUANTITY, unit="degC", nonnegative=False),
                _NAME,
            ),
            inside_party=True,
        ),
        DatasetKind(
            "facilities",
            "services and critical infrastructure (hospitals, shelters, substations …)",
            frozenset({POINT, POLYGON}),
            (
                FieldSpec("category", Role.CATEGORY, required=True, vocabulary="facility"),
                _NAME,
                FieldSpec("capacity", Role.COUNT),
                FieldSpec("beds", Role.COUNT),
                FieldSpec("value", Role.MONEY),
            ),
            inside_party=True,
        ),
        DatasetKind(
            "network",
            "links of a road, rail or utility network",
            frozenset({LINE}),
            (
                FieldSpec("category", Role.CATEGORY, required=True, vocabulary="network"),
                _NAME,
                FieldSpec("speed_limit", Role.QUANTITY, unit="m/s"),
                FieldSpec("lanes", Role.INTEGER),
                FieldSpec("bridge", Role.FLAG),
                FieldSpec("from_node", Role.REFERENCE),
                FieldSpec("to_node", Role.REFERENCE),
            ),
        ),
        DatasetKind(
            "hydrography",
            "rivers, channels and water bodies",
            frozenset({LINE, POLYGON}),
            (_NAME, FieldSpec("width", Role.QUANTITY, unit="m")),
        ),
        DatasetKind(
            "terrain",
            "a digital terrain model (raster of elevations)",
            frozenset({"raster"}),
            (FieldSpec("value", Role.QUANTITY, unit="m", nonnegative=False),),
        ),
        DatasetKind(
            "hazard",
            "a hazard intensity raster (depth, temperature, wind speed …)",
            frozenset({"raster"}),
            (FieldSpec("value", Role.QUANTITY, nonnegative=False),),
        ),
    )
}


def geometry_family(geom_type: str) -> str:
    """``MultiPolygon`` → ``Polygon``: the family a kind's allowed geometries are named by."""
    return geom_type.removeprefix("Multi")
