"""A small, valid region written by code, in each party's own conventions.

Two cities on either side of a river along x = 500,000 m (UTM 14N): ``north`` (US, files
in Texas South US feet, USD 2019, °F, English labels) and ``south`` (MX, UTM metres, MXN
2020, Spanish labels), plus ``authority``, a non-territorial river authority. Tests copy
it and break one thing at a time (see ``tests/harmonize/test_broken_inputs.py``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, Polygon

from tests.rasters import write_geotiff

ANALYSIS_CRS = "EPSG:32614"
US_CRS = "EPSG:2279"  # NAD83 / Texas South (ftUS)
BORDER_X = 500_000.0
Y0, Y1 = 3_040_000.0, 3_046_000.0

MANIFEST = """\
[region]
name = "Mini"
crs = "EPSG:32614"
currency = "USD"
price_year = 2023
languages = ["en", "es"]
border_tolerance_m = 5.0
exchange_rates = "money/exchange_rates.csv"
price_indices = "money/price_indices.csv"

[[parties]]
id = "north"
name = {{ en = "North City", es = "Ciudad Norte" }}
country = "US"
currency = "USD"
fiscal_year_start = "10-01"
languages = ["en"]

[[parties]]
id = "south"
name = {{ en = "South City", es = "Ciudad Sur" }}
country = "MX"
currency = "MXN"
fiscal_year_start = "01-01"
languages = ["es"]

[[parties]]
id = "authority"
name = {{ en = "River Authority", es = "Autoridad del Río" }}
country = "US"
currency = "USD"
fiscal_year_start = "10-01"
languages = ["en", "es"]

[[datasets]]
id = "north-boundary"
party = "north"
kind = "boundary"
path = "north/limits.gpkg"
layer = "limits"
id_field = "CITY_ID"

[[datasets]]
id = "south-boundary"
party = "south"
kind = "boundary"
path = "south/limite.geojson"
id_field = "CVE"

[[datasets]]
id = "north-buildings"
party = "north"
kind = "assets"
path = "north/buildings.csv"
crs = "{us_crs}"
x_field = "X_FT"
y_field = "Y_FT"
id_field = "BLDG_ID"
currency = "USD"
price_year = 2019
[datasets.fields]
value = "REPL_COST"
occupancy = "OCC_TYPE"
floor_area = "SQFT"
first_floor_height = "FFH_FT"
[datasets.units]
floor_area = "ft**2"
first_floor_height = "ft"
[datasets.vocabulary.occupancy]
"Single Family" = "RES1"
"Retail" = "COM1"

[[datasets]]
id = "south-buildings"
party = "south"
kind = "assets"
path = "south/edificios.gpkg"
layer = "edificios"
id_field = "CLAVE"
currency = "MXN"
price_year = 2020
[datasets.fields]
value = "VALOR"
occupancy = "USO"
[datasets.vocabulary.occupancy]
"Casa" = "RES1"
"Comercio" = "COM1"

[[datasets]]
id = "north-zones"
party = "north"
kind = "population_zones"
path = "north/zones.gpkg"
layer = "zones"
id_field = "GEOID"
currency = "USD"
price_year = 2019
[datasets.fields]
population = "TOT_POP"
age_65_plus = "AGE65UP"
households = "HH"
no_vehicle = "NO_VEH"
median_income = "MED_INC"
land_area = "AREA_AC"
surface_temperature = "LST_F"
name = "NAME"
[datasets.units]
land_area = "acre"
surface_temperature = "degF"
[datasets.languages]
name = "en"

[[datasets]]
id = "authority-facilities"
party = "authority"
kind = "facilities"
path = "authority/facilities.geojson"
id_field = "id"
[datasets.fields]
category = "category"
name = "name"
[datasets.vocabulary.category]
"Pump station" = "pumping_station"
"Gauge" = "river_gauge"
[datasets.languages]
name = "en"

[[datasets]]
id = "north-roads"
party = "north"
kind = "network"
path = "north/roads.gpkg"
layer = "roads"
id_field = "SEG_ID"
[datasets.fields]
category = "CLASS"
speed_limit = "SPEED_MPH"
bridge = "BRIDGE"
[datasets.units]
speed_limit = "mph"
[datasets.vocabulary.category]
"Arterial" = "primary"
"Local" = "residential"

[[datasets]]
id = "authority-dem"
party = "authority"
kind = "terrain"
path = "authority/dem.tif"
[datasets.units]
value = "m"
"""

EXCHANGE_RATES = """\
from_currency,to_currency,year,rate,source
USD,MXN,2023,17.76,Banco de México FIX annual average (rounded)
"""

PRICE_INDICES = """\
country,year,index,source
US,2019,255.657,US BLS CPI-U annual average
US,2023,304.702,US BLS CPI-U annual average
MX,2020,106.4,INEGI INPC annual average (rounded)
MX,2023,128.6,INEGI INPC annual average (rounded)
"""


def write_mini_region(root: Path) -> Path:
    """Write the valid mini region into ``root`` and return ``root``."""
    for folder in ("north", "south", "authority", "money"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "region.toml").write_text(MANIFEST.format(us_crs=US_CRS), encoding="utf-8")
    (root / "money" / "exchange_rates.csv").write_text(EXCHANGE_RATES, encoding="utf-8")
    (root / "money" / "price_indices.csv").write_text(PRICE_INDICES, encoding="utf-8")

    north_land = Polygon(
        [(BORDER_X, Y0), (BORDER_X + 3000, Y0), (BORDER_X + 3000, Y1), (BORDER_X, Y1)]
    )
    south_land = Polygon(
        [(BORDER_X - 3000, Y0), (BORDER_X, Y0), (BORDER_X, Y1), (BORDER_X - 3000, Y1)]
    )
    gpd.GeoDataFrame(
        {"CITY_ID": ["N1"], "NAME": ["North City"]}, geometry=[north_land], crs=ANALYSIS_CRS
    ).to_crs(US_CRS).to_file(root / "north/limits.gpkg", layer="limits")
    gpd.GeoDataFrame(
        {"CVE": ["S1"], "NOMBRE": ["Ciudad Sur"]}, geometry=[south_land], crs=ANALYSIS_CRS
    ).to_crs("EPSG:4326").to_file(root / "south/limite.geojson")

    rng = np.random.default_rng(7)
    n = 40
    points = gpd.GeoSeries(
        gpd.points_from_xy(
            BORDER_X + rng.uniform(100, 2900, n), rng.uniform(Y0 + 100, Y1 - 100, n)
        ),
        crs=ANALYSIS_CRS,
    ).to_crs(US_CRS)
    pd.DataFrame(
        {
            "BLDG_ID": [f"B{i:04d}" for i in range(n)],
            "X_FT": points.x.round(2),
            "Y_FT": points.y.round(2),
            "OCC_TYPE": ["Single Family" if i % 4 else "Retail" for i in range(n)],
            "REPL_COST": rng.uniform(150_000, 400_000, n).round(0),
            "SQFT": rng.uniform(900, 3000, n).round(0),
            "FFH_FT": rng.uniform(0.5, 3, n).round(1),
        }
    ).to_csv(root / "north/buildings.csv", index=False)

    gpd.GeoDataFrame(
        {
            "CLAVE": [f"E{i:04d}" for i in range(n)],
            "USO": ["Casa" if i % 5 else "Comercio" for i in range(n)],
            "VALOR": rng.uniform(600_000, 2_500_000, n).round(0),
        },
        geometry=gpd.points_from_xy(
            BORDER_X - rng.uniform(100, 2900, n), rng.uniform(Y0 + 100, Y1 - 100, n)
        ),
        crs=ANALYSIS_CRS,
    ).to_file(root / "south/edificios.gpkg", layer="edificios")

    zones = [
        Polygon(
            [
                (BORDER_X + x, Y0 + y),
                (BORDER_X + x + 1500, Y0 + y),
                (BORDER_X + x + 1500, Y0 + y + 3000),
                (BORDER_X + x, Y0 + y + 3000),
            ]
        )
        for x in (0, 1500)
        for y in (0, 3000)
    ]
    gpd.GeoDataFrame(
        {
            "GEOID": ["480010001", "480010002", "480010003", "480010004"],
            "NAME": ["Old Town", "Riverside", "Heights", "Mesa"],
            "TOT_POP": [1200, 800, 1500, 950],
            "AGE65UP": [300, 90, 200, 150],
            "HH": [450, 300, 600, 350],
            "NO_VEH": [80, 20, 45, 30],
            "MED_INC": [38_000.0, 52_000.0, 61_000.0, 45_000.0],
            "AREA_AC": [1111.97] * 4,
            "LST_F": [100.0, 95.0, 92.5, 98.6],
        },
        geometry=zones,
        crs=ANALYSIS_CRS,
    ).to_crs(US_CRS).to_file(root / "north/zones.gpkg", layer="zones")

    gpd.GeoDataFrame(
        {
            "id": ["P1", "G1"],
            "name": ["Main pump station", "River gauge 1"],
            "category": ["Pump station", "Gauge"],
        },
        geometry=[Point(BORDER_X + 50, Y0 + 2000), Point(BORDER_X - 40, Y0 + 4000)],
        crs=ANALYSIS_CRS,
    ).to_crs("EPSG:4326").to_file(root / "authority/facilities.geojson")

    gpd.GeoDataFrame(
        {
            "SEG_ID": [1, 2, 3],
            "CLASS": ["Arterial", "Local", "Local"],
            "SPEED_MPH": [45, 25, 25],
            "BRIDGE": ["Y", "N", "N"],
        },
        geometry=[
            LineString([(BORDER_X - 200, Y0 + 3000), (BORDER_X + 1000, Y0 + 3000)]),
            LineString([(BORDER_X + 1000, Y0 + 3000), (BORDER_X + 1000, Y0 + 5000)]),
            LineString([(BORDER_X + 1000, Y0 + 3000), (BORDER_X + 2500, Y0 + 3000)]),
        ],
        crs=ANALYSIS_CRS,
    ).to_crs(US_CRS).to_file(root / "north/roads.gpkg", layer="roads")

    elevation = np.linspace(100, 140, 60 * 60, dtype="float32").reshape(60, 60)
    write_geotiff(
        root / "authority/dem.tif",
        elevation,
        from_origin(BORDER_X - 3000, Y1, 100, 100),
        ANALYSIS_CRS,
        nodata=-9999.0,
    )
    return root


def edit_manifest(root: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in the region's manifest; fails loudly if ``old`` is not there."""
    path = root / "region.toml"
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise AssertionError(f"{old!r} not in the mini manifest")
    path.write_text(text.replace(textwrap.dedent(old), new, count), encoding="utf-8")
