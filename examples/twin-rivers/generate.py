"""Generate the synthetic "Twin Rivers" example region for bordercompact.

Twin Rivers is fictional: two border cities on a meandering river (the US-Mexico
border) in a 16 km x 16 km box centred on lon -99.5, lat 27.5.

* ``riverton``   - City of Riverton (US), north-east bank. EPSG:2279 (NAD83 / Texas South,
  US survey feet), USD at 2019 prices, sq ft, feet, acres, degF, mph, English labels.
* ``ribera``     - Ciudad Ribera (MX), south-west bank. EPSG:6372 (Mexico ITRF2008 / LCC,
  metres), MXN at 2020 prices, m2, metres, hectares, degC, km/h, Spanish labels and
  Spanish column names.
* ``commission`` - Twin Rivers Binational Water Commission, non-territorial: the river,
  the international bridges, pumping stations, gauges and the terrain model, in
  EPSG:4326 lon/lat, USD at 2022 prices, metres, English labels.

Everything is built once in the analysis CRS (EPSG:32614, metres) from one seeded
``numpy.random.Generator`` and only then converted to each party's own CRS, units,
currency, column names and labels, because the point of the example is that
bordercompact has to undo all of that. The two city boundaries are built from the same
river centre-line vertices, so the only mismatch along the border is floating-point
round-off from the datum/projection round trips.

Beside the region it writes its risk set-up (``risk.toml``, docs/risk-config.md): the
height above the river (``commission/hand.tif``) for a screening river-flood model, a
weather station's daily maximum temperatures, Ribera's own flood damage curves and the
tables of one future scenario. They come from a second generator, seeded ``seed + 1``,
so that adding them left every earlier file unchanged.

The hand-written ``region.toml`` beside this file is the manifest of the region's data,
``risk.toml`` (written here) names the risk files, and ``README.md`` describes every file
and field.

Usage::

    .venv/bin/python examples/twin-rivers/generate.py [--seed 20261127] [--out DIR]

The output depends only on the seed. GDAL would stamp the current date into the
GeoPackage ``gpkg_contents`` table and the shapefile's DBF header; both are pinned to
``FIXED_DATE`` so that re-running gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
from pyproj import Geod, Transformer
from rasterio.features import rasterize, shapes
from rasterio.transform import from_origin
from scipy.ndimage import distance_transform_edt
from scipy.signal import lfilter
from shapely.geometry import LineString, Polygon

from bordercompact.harmonize.vocab import shipped_vocabularies
from bordercompact.risk.flood import gumbel_discharge, rating_stage
from bordercompact.risk.functions import heat_attributable_fraction

DEFAULT_SEED = 20261127
FIXED_DATE = "2026-11-27"  # written where GDAL would otherwise write "today"

ANALYSIS_CRS = "EPSG:32614"  # WGS 84 / UTM 14N: the region's analysis CRS
PARTY_CRS = {"riverton": "EPSG:2279", "ribera": "EPSG:6372", "commission": "EPSG:4326"}
SIDE = {"riverton": +1.0, "ribera": -1.0}  # sign of the river's left normal (NE bank = +)

CENTRE_LONLAT = (-99.5, 27.5)
HALF_SIZE_M = 8000.0  # the box is 16 km x 16 km
RIVER_WIDTH_M = 85.0
RIVER_STEP_M = 25.0  # vertex spacing of the centre line
BUILDING_SETBACK_M = 100.0  # riparian strip/levee: no buildings closer to the centre line
ROAD_SETBACK_M = 90.0  # no street nodes closer; bridges span the rest
BLOCK_M = 250.0  # street-grid spacing
N_BUILDINGS = {"riverton": 26_000, "ribera": 24_000}
N_ZONES = {"riverton": 160, "ribera": 160}

M2_PER_ACRE = 4046.8564224
DEM_RES_DEG = 1.5 / 3600.0  # 1.5 arc-seconds, about 45 m
NODATA = -9999.0

# --------------------------------------------------------------------------------------
# Party vocabularies. Each occupancy class: label, how many (``count`` exact, or ``share``
# of what remains), where it stands, floor area (median, log-sd, min, max) in the party's
# area unit, replacement cost per unit area at the party's price year, the fraction of
# that cost lost in the most deprived areas (cheaper finishes), contents/structure ratio
# (Hazus defaults), stories and their probabilities, first-floor-height range in the
# party's length unit, earliest year built, and for multi-unit housing the floor area per
# dwelling.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OccClass:
    label: str
    place: str  # "residential" | "commercial" | "industrial"
    area: tuple[float, float, float, float]
    cost: float
    discount: float
    contents: float
    stories: tuple[tuple[int, ...], tuple[float, ...]]
    ffh: tuple[float, float]
    count: int = 0
    share: float = 0.0
    first_year: int = 1890
    dwellings: bool = False  # counts toward households
    unit_area: float = 0.0  # > 0: floor area per dwelling unit (apartments)


# fmt: off
US_CLASSES = [  # sq ft, USD 2019, ft
    OccClass("Single Family", "residential", (1750, 0.30, 700, 5000), 142, 0.30, 0.5,
             ((1, 2), (0.82, 0.18)), (0.5, 1.5), share=0.78, dwellings=True),
    OccClass("Mobile Home", "residential", (1000, 0.20, 600, 1800), 62, 0.15, 0.5,
             ((1,), (1.0,)), (2.0, 3.5), share=0.06, first_year=1960, dwellings=True),
    OccClass("Multi Family", "residential", (9000, 0.70, 2400, 120000), 145, 0.25, 0.5,
             ((2, 3, 4), (0.6, 0.3, 0.1)), (0.5, 1.5), share=0.06, dwellings=True,
             unit_area=950),
    OccClass("Retail", "commercial", (6000, 0.90, 1200, 150000), 120, 0.20, 1.0,
             ((1, 2), (0.85, 0.15)), (0.5, 1.0), share=0.05),
    OccClass("Office", "commercial", (9000, 0.90, 1500, 200000), 165, 0.20, 1.0,
             ((1, 2, 3, 4, 6), (0.4, 0.3, 0.15, 0.1, 0.05)), (0.5, 1.0), share=0.02),
    OccClass("Warehouse", "industrial", (25000, 0.80, 4000, 400000), 70, 0.10, 1.0,
             ((1,), (1.0,)), (0.5, 1.0), share=0.02),
    OccClass("Light Industrial", "industrial", (20000, 0.80, 4000, 250000), 95, 0.10, 1.5,
             ((1, 2), (0.8, 0.2)), (0.5, 1.0), share=0.01),
    OccClass("Hospital", "commercial", (180000, 0.40, 60000, 500000), 420, 0.0, 1.5,
             ((3, 4, 6, 8), (0.3, 0.3, 0.25, 0.15)), (1.0, 2.0), count=4),
    OccClass("School", "residential", (60000, 0.50, 15000, 250000), 210, 0.0, 1.0,
             ((1, 2, 3), (0.55, 0.35, 0.1)), (0.5, 1.5), count=55),
    OccClass("Church", "residential", (7000, 0.60, 1500, 40000), 150, 0.10, 1.0,
             ((1,), (1.0,)), (0.5, 1.5), count=110),
    OccClass("Government", "commercial", (20000, 0.70, 3000, 150000), 185, 0.0, 1.0,
             ((1, 2, 3, 4), (0.4, 0.3, 0.2, 0.1)), (0.5, 1.5), count=35),
    OccClass("Fire/Police", "residential", (9000, 0.40, 4000, 30000), 230, 0.0, 1.5,
             ((1, 2), (0.6, 0.4)), (0.5, 1.5), count=14),
]

MX_CLASSES = [  # m2, MXN 2020, m
    OccClass("Casa habitación", "residential", (105, 0.35, 45, 600), 11000, 0.35, 0.5,
             ((1, 2), (0.7, 0.3)), (0.15, 0.6), share=0.60, dwellings=True),
    OccClass("Vivienda de interés social", "residential", (48, 0.15, 32, 75), 8500, 0.10, 0.5,
             ((1, 2), (0.75, 0.25)), (0.15, 0.4), share=0.22, first_year=1975,
             dwellings=True),
    OccClass("Departamentos", "residential", (900, 0.60, 250, 12000), 12500, 0.20, 0.5,
             ((2, 3, 4, 5), (0.4, 0.35, 0.15, 0.1)), (0.15, 0.6), share=0.04,
             dwellings=True, unit_area=75),
    OccClass("Comercio", "commercial", (180, 0.90, 30, 15000), 12000, 0.30, 1.0,
             ((1, 2), (0.75, 0.25)), (0.10, 0.4), share=0.08),
    OccClass("Oficinas", "commercial", (600, 0.90, 80, 20000), 14500, 0.20, 1.0,
             ((1, 2, 3, 4, 6), (0.4, 0.3, 0.15, 0.1, 0.05)), (0.10, 0.4), share=0.015),
    OccClass("Bodega", "industrial", (1500, 0.90, 200, 40000), 6500, 0.10, 1.0,
             ((1,), (1.0,)), (0.10, 0.4), share=0.02),
    OccClass("Industria ligera", "industrial", (4000, 0.80, 500, 40000), 8500, 0.10, 1.5,
             ((1, 2), (0.85, 0.15)), (0.10, 0.4), share=0.02),
    OccClass("Industria pesada", "industrial", (12000, 0.70, 2000, 80000), 10500, 0.0, 1.5,
             ((1,), (1.0,)), (0.10, 0.4), share=0.004),
    OccClass("Hospital", "commercial", (12000, 0.50, 3000, 45000), 32000, 0.0, 1.5,
             ((2, 3, 4, 6), (0.3, 0.3, 0.25, 0.15)), (0.30, 0.8), count=5),
    OccClass("Escuela", "residential", (2500, 0.50, 600, 12000), 10000, 0.10, 1.0,
             ((1, 2, 3), (0.5, 0.4, 0.1)), (0.15, 0.5), count=70),
    OccClass("Templo", "residential", (450, 0.60, 100, 3000), 11000, 0.10, 1.0,
             ((1,), (1.0,)), (0.20, 0.6), count=90),
    OccClass("Gobierno", "commercial", (1500, 0.70, 200, 15000), 13000, 0.0, 1.0,
             ((1, 2, 3), (0.5, 0.35, 0.15)), (0.20, 0.6), count=40),
]

# Street classes per party: label, speed (party unit), lane choices.
ROAD_CLASSES = {
    "riverton": {"motorway": ("Interstate", 65, (6,)), "arterial": ("Arterial", 45, (4, 6)),
                 "collector": ("Collector", 35, (2, 4)), "local": ("Local", 30, (2,))},
    "ribera": {"motorway": ("Autopista", 80, (4,)), "arterial": ("Avenida principal", 60, (4, 6)),
               "collector": ("Avenida secundaria", 50, (2, 4)), "local": ("Calle local", 30, (2,))},
}
MOTORWAY_NAME = {"riverton": "I-47", "ribera": "Autopista Ribera–Monterrey"}
GRID_ROTATION_DEG = {"riverton": 0.0, "ribera": 25.0}  # the older Mexican grid is skewed
NODE_ID_BASE = {"riverton": 100_000, "ribera": 200_000}  # globally unique node ids

US_STREETS = [
    "Mesquite", "Santa Maria", "San Bernardo", "Convent", "Flores", "Salinas", "Zaragoza",
    "Lincoln", "Washington", "Travis", "Victoria", "Guadalupe", "Hidalgo", "Matamoros",
    "Moctezuma", "Bartlett", "McPherson", "Springfield", "Arkansas", "Louisiana", "Cedar",
    "Willow", "Pecan", "Elm", "Palo Blanco", "Ash", "Brandon", "Clark", "Del Mar", "Shiloh",
    "Loma Vista", "Wyoming", "Nebraska", "Dakota", "Ohio", "Kansas", "Tilden", "Logan",
    "Meadow", "Cherry Hill", "Seymour", "Galveston", "Juarez", "Market", "Sanchez", "Aldama",
    "Garden", "Bustamante", "Piedra", "Guatemala", "Vidaurri", "Santa Ursula", "Hendricks",
    "Tejas", "Jarvis", "Malinche", "Sierra Vista", "Country Club", "Lake Shore", "Riverside",
    "Anna", "Hillside", "Orchard", "Sunset", "Magnolia", "Laurel", "Bluebonnet", "Yucca",
    "Huisache", "Ebony", "Cactus", "Prairie", "Chaparral", "Jacaman", "Calton", "Plum",
    "Saunders", "Taylor", "Monterrey", "Coahuila", "Frost", "Harrison", "Monroe", "Madison",
]
MX_STREETS_U = [
    "Hidalgo", "Morelos", "Juárez", "Guerrero", "Allende", "Aldama", "Matamoros", "Abasolo",
    "Madero", "Zaragoza", "Ocampo", "Victoria", "Bravo", "Galeana", "Mina", "Degollado",
    "Arteaga", "Comonfort", "Obregón", "Carranza", "Zapata", "Villa", "Cuauhtémoc", "Reforma",
    "Independencia", "Constitución", "Revolución", "Colón", "Pino Suárez", "Lerdo de Tejada",
    "Iturbide", "Nezahualcóyotl", "Ignacio Ramírez", "Leona Vicario", "Josefa Ortiz",
    "Sor Juana", "Belisario Domínguez", "Lázaro Cárdenas", "Ruiz Cortines", "Venustiano Carranza",
    "Mariano Escobedo", "Guadalupe Victoria", "Nicolás Bravo", "Francisco Javier Mina",
    "Melchor Ocampo", "Gómez Farías", "Santos Degollado", "Jiménez", "Dr. Mier", "Padre Mier",
    "Emiliano Carranza", "Héroes de Nacataz", "Maclovio Herrera", "Ejército Nacional",
    "Luis Donaldo Colosio", "Tecnológico", "Universidad", "Insurgentes", "Vicente Suárez",
    "Juan Escutia", "Fernando Montes de Oca", "Agustín Melgar", "Juan de la Barrera",
    "Francisco Márquez", "Niños Héroes", "Montemayor", "González", "Canales", "Treviño",
    "Garza", "Salinas", "Cavazos", "Longoria", "Villarreal", "Elizondo", "De la Fuente",
    "Benavides", "Ramos Arizpe", "Madero Sur", "Anáhuac", "Ayuntamiento", "Paseo Colón",
    "Río Bravo", "Río Conchos", "Río Salado", "Río San Juan",
]
MX_STREETS_V = [
    "Tamaulipas", "Nuevo León", "Coahuila", "Chihuahua", "Sonora", "Durango", "Zacatecas",
    "Jalisco", "Michoacán", "Oaxaca", "Puebla", "Veracruz", "Yucatán", "Campeche", "Tabasco",
    "Chiapas", "Sinaloa", "Nayarit", "Colima", "Querétaro", "Hidalgo Norte", "Tlaxcala",
    "Morelos Sur", "Aguascalientes", "Guanajuato", "San Luis Potosí", "Baja California",
    "Quintana Roo", "Pino", "Nogal", "Mezquite", "Sauce", "Álamo", "Ébano", "Huizache",
    "Encino", "Cedro", "Olivo", "Laurel", "Naranjo", "Limón", "Fresno", "Ciprés", "Palma",
    "Magnolia", "Jacaranda", "Bugambilia", "Azalea", "Tulipán", "Gardenia", "Dalia",
    "Orquídea", "Violeta", "Margarita", "Girasol", "Rosa", "Clavel", "Lirio", "Nardo",
    "Jazmín", "Amapola", "Gladiola", "Camelia", "Azucena", "Alcatraz", "Begonia", "Petunia",
    "Hortensia", "Lila", "Tabachín", "Framboyán", "Roble", "Sabino", "Ahuehuete", "Anacahuita",
    "Retama", "Palo Verde", "Granado", "Durazno", "Manzano", "Guayabo", "Aguacate", "Mango",
    "Nopal", "Maguey", "Biznaga",
]

# Facilities: party label, shared term (for the README/manifest), count, how to place.
FACILITY_PLAN = {
    "riverton": [
        ("Hospital", 3, "core"), ("Clinic", 8, "population"), ("School", 30, "population"),
        ("Emergency Shelter", 6, "population"), ("Cooling Center", 6, "population"),
        ("Fire Station", 7, "spread"), ("Police Station", 3, "spread"),
        ("Nursing Home", 3, "population"),
        ("Electric Substation", 4, "spread"), ("Water Treatment Plant", 2, "upstream"),
        ("Wastewater Treatment Plant", 2, "downstream"),
    ],
    "ribera": [
        ("Hospital", 3, "core"), ("Clínica", 10, "population"), ("Escuela", 36, "population"),
        ("Refugio temporal", 6, "population"), ("Centro de enfriamiento", 5, "population"),
        ("Estación de bomberos", 5, "spread"), ("Comandancia de policía", 3, "spread"),
        ("Asilo de ancianos", 2, "population"),
        ("Subestación eléctrica", 4, "spread"), ("Planta potabilizadora", 2, "upstream"),
        ("Planta de tratamiento de aguas residuales", 2, "downstream"),
    ],
}
# Ribera keeps its utilities in a separate layer with a money field; Riverton keeps them
# in the one facilities file.
MX_INFRA_TYPES = {"Subestación eléctrica", "Planta potabilizadora",
                  "Planta de tratamiento de aguas residuales"}

# People the facility takes in at once (students, shelter spaces, patients...; 0 where
# that makes no sense, as for fire stations and utilities) and beds: "all" = one per
# place, a range, or none.
FACILITY_CAPACITY = {
    "Hospital": (60, 320, "all"), "Clinic": (30, 80, (0, 6)), "Clínica": (30, 80, (0, 6)),
    "Emergency Shelter": (150, 900, None), "Refugio temporal": (100, 600, None),
    "Cooling Center": (40, 250, None), "Centro de enfriamiento": (40, 200, None),
    "Nursing Home": (60, 160, "all"), "Asilo de ancianos": (40, 120, "all"),
}
# Schools: enrolment by the level in the school's name.
SCHOOL_CAPACITY = {
    "Elementary": (350, 800), "Middle": (600, 1200), "High": (1200, 2600),
    "Jardín": (80, 250), "Primaria": (250, 700), "Secundaria": (400, 1000),
    "Preparatoria": (600, 1600),
}
# Replacement values, in the party's currency at its price year. Riverton values every
# facility (USD 2019); Ribera only its utilities (MXN 2020, layer "infraestructura").
FACILITY_VALUE = {
    "riverton": {
        "Hospital": (80e6, 260e6), "Clinic": (2e6, 8e6), "School": (12e6, 70e6),
        "Emergency Shelter": (5e6, 25e6), "Cooling Center": (2e6, 10e6),
        "Fire Station": (3e6, 8e6), "Police Station": (5e6, 15e6), "Nursing Home": (8e6, 20e6),
        "Electric Substation": (8e6, 25e6), "Water Treatment Plant": (40e6, 120e6),
        "Wastewater Treatment Plant": (30e6, 100e6)},
    "ribera": {
        "Subestación eléctrica": (80e6, 250e6), "Planta potabilizadora": (300e6, 900e6),
        "Planta de tratamiento de aguas residuales": (200e6, 700e6)},
}

US_PEOPLE = [
    "Lincoln", "Washington", "Jefferson", "Sam Houston", "Stephen F. Austin", "Lamar", "Bowie",
    "Crockett", "Travis", "Lorenzo de Zavala", "Benavides", "Kennedy", "Roosevelt", "Eisenhower",
    "Franklin", "Hamilton", "Madison", "Monroe", "Jose A. Navarro", "Juan Seguin", "Cesar Chavez",
    "Dolores Huerta", "Sor Juana", "Ruiz", "Garcia", "Trevino", "Villarreal", "Rodriguez",
    "Gonzalez", "Salinas", "Cuellar", "Martin", "Nixon", "Alexander", "Barbara Jordan",
    "Sally Ride", "Amelia Earhart", "Helen Keller", "Clara Barton", "Thurgood Marshall",
    "Hector P. Garcia", "Emma Tenayuca", "Santa Rita", "Las Palmas", "Mesquite Park",
    "Heights", "Riverside", "Northtown", "Del Mar", "Eastwoods",
]
MX_PEOPLE = [
    "Benito Juárez", "Miguel Hidalgo", "José María Morelos", "Vicente Guerrero", "Ignacio Allende",
    "Josefa Ortiz de Domínguez", "Leona Vicario", "Sor Juana Inés de la Cruz", "Niños Héroes",
    "Emiliano Zapata", "Francisco I. Madero", "Venustiano Carranza", "Lázaro Cárdenas",
    "Gabriela Mistral", "Justo Sierra", "José Vasconcelos", "Ignacio Zaragoza",
    "Mariano Escobedo", "Guadalupe Victoria", "Lucio Blanco", "Alfonso Reyes", "Octavio Paz",
    "Amado Nervo", "Rosario Castellanos", "Jaime Torres Bodet", "Cuauhtémoc", "Nezahualcóyotl",
    "Ricardo Flores Magón", "Belisario Domínguez", "Melchor Ocampo", "Valentín Gómez Farías",
    "Francisco Villa", "Álvaro Obregón", "Carmen Serdán", "Hermanos Serdán",
    "Héroes de la Independencia", "Revolución Mexicana", "Constitución de 1917",
    "Margarita Maza", "Elena Garro", "Frida Kahlo", "Diego Rivera", "Juan Rulfo",
]
FIXED_NAMES = {
    "Hospital@riverton": ["Riverton Regional Medical Center", "Doctors Hospital of Riverton",
                          "St. Agnes Memorial Hospital"],
    "Clinic": ["Eastside Community Health Clinic", "Northtown Family Clinic",
               "Riverton Heights Medical Clinic", "Gateway Community Health Center",
               "Del Mar Urgent Care", "Southside Family Health Center",
               "Las Palmas Pediatric Clinic", "Riverton VA Outpatient Clinic"],
    "Emergency Shelter": ["Riverton Civic Center", "Northtown Recreation Center",
                          "Riverton Convention Center", "Heights Community Center",
                          "First Baptist Church Fellowship Hall", "Fairgrounds Exhibit Hall"],
    "Cooling Center": ["Riverton Main Library", "Santo Niño Branch Library",
                       "Northtown Senior Center", "Eastside Recreation Center",
                       "Heights Branch Library", "Las Palmas Recreation Center"],
    "Police Station": ["Riverton Police Headquarters", "Riverton Police North Substation",
                       "Riverton Police East Substation"],
    "Nursing Home": ["Mesquite Gardens Nursing and Rehabilitation", "Sunset Haven Care Center",
                     "Rio Vista Senior Living"],
    "Electric Substation": ["North Riverton Substation", "East Loop Substation",
                            "Heights Substation", "Airport Substation"],
    "Water Treatment Plant": ["Jefferson Street Water Treatment Plant",
                              "Northwest Water Treatment Plant"],
    "Wastewater Treatment Plant": ["South Riverton Wastewater Treatment Plant",
                                   "Mesquite Creek Wastewater Treatment Plant"],
    "Hospital@ribera": [
        "Hospital General de Ciudad Ribera", "Hospital General de Zona No. 11 (IMSS)",
        "Hospital Materno Infantil de Ribera"],
    "Clínica": [
        "Centro de Salud Urbano Colonia Centro", "Unidad de Medicina Familiar No. 34 (IMSS)",
        "Unidad de Medicina Familiar No. 45 (IMSS)", "Clínica Hospital ISSSTE Ribera",
        "Centro de Salud Colonia Hidalgo", "Centro de Salud Colonia Las Palmas",
        "Centro de Salud Colonia Buenavista", "Centro de Salud Colonia Solidaridad",
        "Centro de Salud Colonia Voluntad y Trabajo", "Cruz Roja Mexicana, Delegación Ribera"],
    "Refugio temporal": [
        "Albergue Gimnasio Municipal", "Refugio Temporal DIF Ribera",
        "Albergue Escuela Secundaria Técnica No. 3", "Refugio Temporal Centro Cívico",
        "Albergue Parroquia San José", "Refugio Temporal Colonia Hidalgo"],
    "Centro de enfriamiento": [
        "Biblioteca Pública Municipal", "Centro Comunitario Colonia Las Palmas",
        "Casa de la Cultura de Ribera", "Centro de Desarrollo Comunitario Sur",
        "Unidad Deportiva Norte"],
    "Comandancia de policía": [
        "Comandancia Central de Policía", "Comandancia de Policía Poniente",
        "Comandancia de Policía Sur"],
    "Asilo de ancianos": [
        "Asilo de Ancianos San Vicente de Paúl", "Casa Hogar del Adulto Mayor DIF"],
    "Subestación eléctrica": [
        "Subestación Ribera Norte", "Subestación Ribera Poniente",
        "Subestación Parque Industrial", "Subestación Las Torres"],
    "Planta potabilizadora": ["Planta Potabilizadora El Centenario", "Planta Potabilizadora Sur"],
    "Planta de tratamiento de aguas residuales": [
        "Planta de Tratamiento de Aguas Residuales Oriente",
        "Planta de Tratamiento de Aguas Residuales Sur"],
}

# International bridges: position along the river (fraction of its length), commission
# label, lanes, speed (km/h). Bridge III carries the motorways of both cities.
BRIDGES = [
    (0.47, "International Bridge I (Old Town)", "Arterial", 4, 40),
    (0.56, "International Bridge II (Friendship Bridge)", "Arterial", 4, 50),
    (0.28, "International Bridge III (Commerce Bridge)", "Highway", 8, 60),
]
MOTORWAY_BRIDGE = 2  # index into BRIDGES
# fmt: on


# --------------------------------------------------------------------------------------
# Geometry of the region
# --------------------------------------------------------------------------------------


@dataclass
class Frame:
    box: Polygon
    river: LineString  # centre line from the west edge (NW) to the south edge (SE)
    cities: dict[str, Polygon]
    channel: Polygon  # the wetted channel (river.buffer(width/2)) inside the box


def make_box() -> Polygon:
    """The 16 km box in EPSG:32614, centred (to 10 m) on lon -99.5, lat 27.5."""
    to_utm = Transformer.from_crs("EPSG:4326", ANALYSIS_CRS, always_xy=True)
    xc, yc = (round(v, -1) for v in to_utm.transform(*CENTRE_LONLAT))
    return shapely.box(xc - HALF_SIZE_M, yc - HALF_SIZE_M, xc + HALF_SIZE_M, yc + HALF_SIZE_M)


def resample_by_length(pts: np.ndarray, step: float) -> np.ndarray:
    """Evenly spaced vertices along a polyline, keeping both end points exactly."""
    cum = np.r_[0.0, np.cumsum(np.hypot(*np.diff(pts, axis=0).T))]
    t = np.linspace(0.0, cum[-1], math.ceil(cum[-1] / step) + 1)
    out = np.column_stack([np.interp(t, cum, pts[:, 0]), np.interp(t, cum, pts[:, 1])])
    out[0], out[-1] = pts[0], pts[-1]
    return out


def make_river(rng: np.random.Generator, box: Polygon) -> LineString:
    """A meandering centre line from the west edge near the NW corner to the south edge
    near the SE corner.

    The line is an offset curve over a straight NW-SE axis: a sum of three sine waves
    tapered to zero at both ends so that the end points sit exactly on the box edges.
    Being a graph over its axis it cannot self-intersect; a draw that leaves the box is
    redrawn (deterministically, from the same generator).
    """
    xmin, ymin, xmax, ymax = box.bounds
    a = np.array([xmin, ymax - 1000.0])
    b = np.array([xmax - 1000.0, ymin])
    normal = np.array([1.0, 1.0]) / math.sqrt(2.0)  # towards the NE (Riverton) bank
    s = np.linspace(0.0, 1.0, 4001)[:, None]
    while True:
        amps = np.array([600.0, 250.0, 90.0]) * rng.uniform(0.8, 1.2, 3)
        freqs = np.array([4.0, 9.0, 17.0]) * rng.uniform(0.85, 1.15, 3)
        phases = rng.uniform(0.0, 2.0 * math.pi, 3)
        waves = (amps * np.sin(2 * math.pi * freqs * s + phases)).sum(1)
        offset = np.sin(math.pi * s[:, 0]) * waves
        pts = a + s * (b - a) + offset[:, None] * normal
        pts[-1] = b  # sin(pi) is 1e-16, not 0
        line = LineString(resample_by_length(pts, RIVER_STEP_M))
        # the river must cross the box once, touching its edge only at the two ends
        if box.covers(line) and len(shapely.get_parts(line.intersection(box.exterior))) == 2:
            return line


def make_frame(rng: np.random.Generator) -> Frame:
    """Box, river and the two cities. Both city rings reuse the very same centre-line
    vertices, so the border matches exactly in the analysis CRS."""
    box = make_box()
    river = make_river(rng, box)
    xmin, ymin, xmax, ymax = box.bounds
    line = np.asarray(river.coords)
    ne = Polygon(np.vstack([line, [[xmax, ymin], [xmax, ymax], [xmin, ymax]]]))
    sw = Polygon(np.vstack([line, [[xmin, ymin]]]))
    orient = shapely.geometry.polygon.orient
    cities = {"riverton": orient(ne), "ribera": orient(sw)}
    assert all(c.is_valid for c in cities.values())
    channel = river.buffer(RIVER_WIDTH_M / 2, cap_style="flat").intersection(box)
    return Frame(box, river, cities, channel)


def river_point(river: LineString, frac: float) -> tuple[np.ndarray, np.ndarray]:
    """Point at a fraction of the river's length and the unit normal towards the NE bank
    (from the tangent over +-300 m, so that small wiggles do not tilt it)."""
    d = frac * river.length
    p, a, b = (
        np.array(river.interpolate(x).coords[0])
        for x in (d, max(d - 300, 0), min(d + 300, river.length))
    )
    t = (b - a) / np.hypot(*(b - a))
    return p, np.array([-t[1], t[0]])


def contains(region, xy: np.ndarray) -> np.ndarray:
    return shapely.contains_xy(region, xy[:, 0], xy[:, 1])


# --------------------------------------------------------------------------------------
# City plans: where the people, the jobs and the poverty are
# --------------------------------------------------------------------------------------


@dataclass
class CityPlan:
    party: str
    city: Polygon
    land: Polygon  # where buildings may stand
    core: np.ndarray  # the old riverside centre
    subcentres: np.ndarray
    parks: np.ndarray  # industrial parks
    motorway_dir: np.ndarray  # unit vector from bridge III into the city along the grid
    core_weight: float
    periphery_weight: float
    bumps: tuple[np.ndarray, np.ndarray, np.ndarray] = field(repr=False)

    def deprivation(self, xy: np.ndarray) -> np.ndarray:
        """Latent deprivation in [0, 1]: high in the old core and (in Ribera above all) on
        the unserviced periphery, plus smooth seeded bumps so that neighbouring zones are
        alike. Drives income, poverty, renting, building quality, household size."""
        r = np.hypot(*(xy - self.core).T)
        centres, sigmas, amps = self.bumps
        d2 = ((xy[:, None, :] - centres[None]) ** 2).sum(-1)
        noise = (amps * np.exp(-d2 / (2 * sigmas**2))).sum(1)
        raw = (
            0.2
            + self.core_weight * np.exp(-((r / 2200) ** 2))
            + self.periphery_weight * np.clip((r - 3500) / 5000, 0, 1)
            + noise
        )
        return np.clip(raw, 0.0, 1.0)

    def old_age(self, xy: np.ndarray) -> np.ndarray:
        """In [0, 1]: how much of the old town a place is (older housing and residents)."""
        return np.exp(-((np.hypot(*(xy - self.core).T) / 3000) ** 2))


def grid_axes(party: str) -> tuple[np.ndarray, np.ndarray]:
    th = math.radians(GRID_ROTATION_DEG[party])
    return np.array([math.cos(th), math.sin(th)]), np.array([-math.sin(th), math.cos(th)])


def away_from_river(party: str, normal_ne: np.ndarray) -> np.ndarray:
    """The grid direction (+-u, +-v) that leads most directly away from the river."""
    u, v = grid_axes(party)
    dirs = np.array([u, -u, v, -v])
    return dirs[np.argmax(dirs @ (SIDE[party] * normal_ne))]


def make_plans(rng: np.random.Generator, frame: Frame) -> dict[str, CityPlan]:
    plans = {}
    p_core, n_core = river_point(frame.river, 0.5)
    p_m, n_m = river_point(frame.river, BRIDGES[MOTORWAY_BRIDGE][0])
    for party, city in frame.cities.items():
        side = SIDE[party]
        land = city.difference(frame.river.buffer(BUILDING_SETBACK_M)).intersection(
            frame.box.buffer(-20.0)
        )
        shapely.prepare(land)
        core = p_core + side * 1000.0 * n_core  # old town: 1 km from the old bridges
        assert contains(land, core[None])[0]
        # suburban subcentres 3-7 km from the core, anywhere on this bank
        subs = []
        while len(subs) < 3:
            q = rng.uniform(frame.box.bounds[:2], frame.box.bounds[2:])
            if contains(land, q[None])[0] and 3000 < np.hypot(*(q - core)) < 7000:
                subs.append(q)
        # industrial parks along the motorway from bridge III, 2.5 and 4.5 km out
        mdir = away_from_river(party, n_m)
        start = p_m + side * 300.0 * n_m
        parks = np.array([start + 2500.0 * mdir, start + 4500.0 * mdir])
        parks = parks[contains(land, parks)]
        centres = rng.uniform(frame.box.bounds[:2], frame.box.bounds[2:], (8, 2))
        bumps = (centres, rng.uniform(700, 2000, 8), rng.uniform(-0.25, 0.25, 8))
        weights = {"riverton": (0.55, 0.15), "ribera": (0.35, 0.55)}[party]
        plans[party] = CityPlan(
            party, city, land, core, np.array(subs), parks, mdir, *weights, bumps
        )
    return plans


def sample_points(
    rng: np.random.Generator, n: int, mixture: list, region, bounds: tuple
) -> np.ndarray:
    """n points from a mixture of (weight, centre, sigma) Gaussians - centre None means
    uniform over bounds - keeping only those inside region (rejection sampling)."""
    weights = np.array([w for w, _, _ in mixture], dtype=float)
    weights /= weights.sum()
    out, have = [], 0
    while have < n:
        m = 2 * (n - have) + 100
        comp = rng.choice(len(mixture), size=m, p=weights)
        xy = np.empty((m, 2))
        for k, (_, centre, sigma) in enumerate(mixture):
            sel = comp == k
            if centre is None:
                xy[sel] = rng.uniform(bounds[:2], bounds[2:], (sel.sum(), 2))
            else:
                xy[sel] = centre + rng.normal(0.0, sigma, (sel.sum(), 2))
        xy = xy[contains(region, xy)]
        out.append(xy)
        have += len(xy)
    return np.vstack(out)[:n]


def placement_mixture(plan: CityPlan, place: str) -> list:
    subs = [(1.0 / len(plan.subcentres), c) for c in plan.subcentres]
    if place == "residential":
        return (
            [(0.30, plan.core, 1500.0)]
            + [(0.45 * w, c, 1000.0) for w, c in subs]
            + [(0.25, None, 0.0)]
        )
    if place == "commercial":
        return (
            [(0.45, plan.core, 900.0)]
            + [(0.40 * w, c, 700.0) for w, c in subs]
            + [(0.15, None, 0.0)]
        )
    if not len(plan.parks):  # both park sites fell outside the city: scatter industry
        return [(1.0, None, 0.0)]
    parks = [(0.75 / len(plan.parks), c, 700.0) for c in plan.parks]
    return [*parks, (0.25, None, 0.0)]


# --------------------------------------------------------------------------------------
# Buildings
# --------------------------------------------------------------------------------------


def make_buildings(
    rng: np.random.Generator,
    plan: CityPlan,
    classes: list[OccClass],
    n_total: int,
    bounds: tuple,
    last_year: int,
) -> pd.DataFrame:
    """Building points with attributes in the party's own units and prices.

    Returns one row per building: x, y (analysis CRS), label, area, stories, ffh, year,
    value, contents, units (dwelling units, 0 for non-residential), dep (latent
    deprivation at the building, kept for the census aggregation).
    """
    fixed = sum(c.count for c in classes)
    shares = np.array([c.share for c in classes])
    counts = rng.multinomial(n_total - fixed, shares / shares.sum()) + [c.count for c in classes]
    parts = []
    for cls, n in zip(classes, counts, strict=True):
        xy = sample_points(rng, int(n), placement_mixture(plan, cls.place), plan.land, bounds)
        dep, old = plan.deprivation(xy), plan.old_age(xy)
        med, sd, lo, hi = cls.area
        # bigger houses in better-off areas; everything else just log-normal
        scale = (1.15 - 0.3 * dep) if cls.dwellings and not cls.unit_area else 1.0
        area = np.clip(med * scale * rng.lognormal(0.0, sd, n), lo, hi).round()
        value = area * cls.cost * (1 - cls.discount * dep) * rng.lognormal(0.0, 0.12, n)
        # the old town is old: year built rises with distance from the core
        year = 1925 + 90 * (1 - old) + rng.normal(0, 10, n)
        year = np.clip(year, cls.first_year, last_year).round().astype(int)
        ffh = rng.uniform(*cls.ffh, n)
        if cls.dwellings and cls.label in ("Single Family", "Multi Family"):
            ffh = np.where(year < 1960, ffh + 1.5, ffh)  # pier-and-beam before slabs
        units = (
            np.maximum(2, area // cls.unit_area)
            if cls.unit_area
            else np.full(n, 1 if cls.dwellings else 0)
        )
        parts.append(
            pd.DataFrame(
                {
                    "x": xy[:, 0],
                    "y": xy[:, 1],
                    "label": cls.label,
                    "area": area.astype(int),
                    "stories": rng.choice(cls.stories[0], size=n, p=cls.stories[1]),
                    "ffh": ffh,
                    "year": year,
                    "value": value,
                    "contents": value * cls.contents,
                    "units": units.astype(int),
                    "dep": dep,
                }
            )
        )
    # interleave the classes: ids in real inventories do not follow occupancy
    df = pd.concat(parts, ignore_index=True)
    return df.iloc[rng.permutation(len(df))].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Census zones
# --------------------------------------------------------------------------------------


def kmeans(rng: np.random.Generator, xy: np.ndarray, k: int, iters: int = 12) -> np.ndarray:
    """Plain Lloyd iterations; used to make population-balanced zones and to spread fire
    stations and substations over the built-up area."""
    centres = xy[rng.choice(len(xy), size=k, replace=False)]
    for _ in range(iters):
        d2 = ((xy[:, None, :] - centres[None]) ** 2).sum(-1)
        lab = d2.argmin(1)
        for j in range(k):
            members = xy[lab == j]
            if len(members):
                centres[j] = members.mean(0)
    return centres


def make_zone_polygons(
    rng: np.random.Generator, plan: CityPlan, box: Polygon, res_xy: np.ndarray, k: int
) -> np.ndarray:
    """Census-like zones tiling the city: Voronoi cells of k-means centres of the
    dwellings (so zones hold similar numbers of homes, small downtown and large at the
    fringe), clipped to the city boundary. A zone left without dwellings is dropped and
    the tiling redone with the remaining seeds."""
    seeds = kmeans(rng, res_xy, k)
    while True:
        cells = shapely.voronoi_polygons(
            shapely.multipoints(seeds), extend_to=box.buffer(2000), ordered=True
        )
        zones = shapely.intersection(shapely.get_parts(cells), plan.city)
        zones = np.array([shapely.make_valid(z) if not z.is_valid else z for z in zones])
        zone_of = assign_points(zones, res_xy)
        has = np.bincount(zone_of, minlength=len(zones)) > 0
        if has.all():
            return zones
        seeds = seeds[has]


def assign_points(polygons: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Index of the polygon holding each point (the first one, for points on an edge)."""
    tree = shapely.STRtree(polygons)
    pt_idx, poly_idx = tree.query(shapely.points(xy), predicate="intersects")
    out = np.full(len(xy), -1)
    out[pt_idx[::-1]] = poly_idx[::-1]  # reversed so that the first match wins
    assert (out >= 0).all(), "a point lies outside every polygon"
    return out


# Census shares per party as (base, per unit of deprivation, per unit of old town): the
# share of a zone's people (or households) in each group. Riverton: a Hispanic-majority
# US border city; Ribera: a Mexican border city with poor, car-less colonias on its edge.
SHARES = {
    "riverton": {
        "occupied": (0.92, -0.06, 0.0),  # dwellings with a household
        "age65": (0.08, 0.0, 0.12),
        "ageu5": (0.06, 0.04, 0.0),
        "poverty": (0.08, 0.40, 0.0),
        "disability": (0.08, 0.06, 0.05),
        "language": (0.12, 0.35, 0.0),  # limited English
        "no_vehicle": (0.03, 0.22, 0.0),
        "renters": (0.25, 0.40, 0.10),
        "minority": (0.78, 0.18, 0.0),  # mostly Hispanic residents
    },
    "ribera": {
        "occupied": (0.86, -0.06, 0.0),  # many empty social-interest homes
        "age65": (0.08, 0.0, 0.12),
        "ageu5": (0.06, 0.04, 0.0),
        "poverty": (0.20, 0.45, 0.0),
        "disability": (0.04, 0.03, 0.05),
        "language": (0.0005, 0.004, 0.0),  # speaks an indigenous language, no Spanish
        "no_vehicle": (0.15, 0.45, 0.0),
        "renters": (0.08, 0.25, 0.10),
        "minority": (0.01, 0.05, 0.0),  # indigenous population
    },
}
# Household size (base, per deprivation); median household income (base, per
# deprivation) in the party's currency and price year; summer land-surface temperature
# (base, per urban density, per deprivation, per river proximity, noise sd) in its unit.
HOUSEHOLD_SIZE = {"riverton": (3.0, 0.6), "ribera": (3.4, 0.6)}
MEDIAN_INCOME = {"riverton": (78_000, -48_000), "ribera": (230_000, -150_000)}
SURFACE_TEMP = {"riverton": (100.0, 10.0, 4.0, -4.0, 1.2), "ribera": (38.0, 5.5, 2.0, -2.0, 0.7)}
LAND_AREA_M2 = {"riverton": M2_PER_ACRE, "ribera": 1e4}  # acres / hectares


def make_demographics(
    rng: np.random.Generator,
    party: str,
    plan: CityPlan,
    zones: np.ndarray,
    bld: pd.DataFrame,
    river: LineString,
) -> pd.DataFrame:
    """Counts per zone, built bottom-up from the dwellings in each zone so that
    population follows the buildings, and the shares follow the latent deprivation and
    old-town fields (spatially correlated by construction). Everything is drawn with
    binomial/multinomial so counts are integers and subgroups never exceed their total."""
    zone_of = assign_points(zones, bld[["x", "y"]].to_numpy())
    nz = len(zones)
    units = np.bincount(zone_of, weights=bld["units"], minlength=nz).astype(int)
    dep = np.bincount(zone_of, weights=bld["units"] * bld["dep"], minlength=nz) / np.maximum(
        units, 1
    )
    cent = shapely.get_coordinates(shapely.point_on_surface(zones))
    old = plan.old_age(cent)
    area_m2 = shapely.area(zones)
    density = np.bincount(zone_of, minlength=nz) / (area_m2 / 1e6)  # buildings per km2
    urban = 1 - np.exp(-density / 300.0)
    near_river = np.exp(-shapely.distance(shapely.points(cent), river) / 800.0)

    def share(group: str) -> np.ndarray:
        base, per_dep, per_old = SHARES[party][group]
        return np.clip(base + per_dep * dep + per_old * old, 0.0, 0.98)

    hh = np.maximum(1, rng.binomial(units, share("occupied")))
    size, size_dep = HOUSEHOLD_SIZE[party]
    pop = hh + rng.poisson(hh * (size - 1 + size_dep * dep))
    p65, pu5 = share("age65"), share("ageu5")
    ages = np.array(
        [rng.multinomial(n, [a, b, 1 - a - b]) for n, a, b in zip(pop, p65, pu5, strict=True)]
    )
    c = {"pop": pop, "hh": hh, "age65": ages[:, 0], "ageu5": ages[:, 1]}
    for group in ("poverty", "disability", "language", "minority"):
        c[group] = rng.binomial(pop, share(group))
    for group in ("no_vehicle", "renters"):  # shares of households
        c[group] = rng.binomial(hh, share(group))
    inc, inc_dep = MEDIAN_INCOME[party]
    c["income"] = np.round((inc + inc_dep * dep) * rng.lognormal(0.0, 0.08, nz), -1).astype(int)
    t0, t_urban, t_dep, t_river, t_sd = SURFACE_TEMP[party]
    lst = t0 + t_urban * urban + t_dep * dep + t_river * near_river + rng.normal(0, t_sd, nz)
    c["lst"] = lst.round(1)
    c["area"] = (area_m2 / LAND_AREA_M2[party]).round(2)
    return pd.DataFrame(c)


def zone_codes(party: str, zones: np.ndarray) -> list[str]:
    """Census codes in a north-to-south, west-to-east reading order: US block-group
    GEOIDs (state 48, fictional county 999, tract, block group) and INEGI-style AGEB
    CVEGEO (state 28, fictional municipality 099, locality 0001, AGEB + check char)."""
    cent = shapely.get_coordinates(shapely.point_on_surface(zones))
    order = np.lexsort((cent[:, 0], -np.round(cent[:, 1], -3)))
    codes = [""] * len(zones)
    for rank, z in enumerate(order):
        if party == "riverton":
            codes[z] = f"48999{(rank // 3 + 1) * 100:06d}{rank % 3 + 1}"
        else:
            ageb = f"{rank + 1:03d}"
            check = "0123456789A"[sum((i + 2) * int(d) for i, d in enumerate(ageb)) % 11]
            codes[z] = f"280990001{ageb}{check}"
    return codes


# --------------------------------------------------------------------------------------
# Road graphs and bridges
# --------------------------------------------------------------------------------------


@dataclass
class RoadGraph:
    edges: pd.DataFrame  # from_id, to_id, cls, axis, line, geometry (analysis CRS)
    nodes: dict[int, np.ndarray]  # node id -> xy
    motorway_start: int  # node at the bridge III end of the motorway


def make_road_graph(
    rng: np.random.Generator, plan: CityPlan, frame: Frame, bld_xy: np.ndarray
) -> RoadGraph:
    """A street grid (BLOCK_M spacing, rotated per city) around the old core.

    Every 4th line is an arterial and kept wherever it lies on the city's land; the lines
    halfway between are collectors and the rest local streets, kept only where the
    blocks beside them hold buildings. No street crosses the river; the motorway runs
    from the bank at bridge III straight out along the grid. Only the largest connected
    piece is kept, so every node can reach every other (and the bridges)."""
    party = plan.party
    u, v = grid_axes(party)
    rel = np.array(frame.box.exterior.coords) - plan.core
    i0, i1 = math.floor((rel @ u).min() / BLOCK_M), math.ceil((rel @ u).max() / BLOCK_M)
    j0, j1 = math.floor((rel @ v).min() / BLOCK_M), math.ceil((rel @ v).max() / BLOCK_M)
    ni, nj = i1 - i0 + 1, j1 - j0 + 1
    ii, jj = np.meshgrid(np.arange(i0, i1 + 1), np.arange(j0, j1 + 1), indexing="ij")
    pos = (
        plan.core
        + ii[..., None] * BLOCK_M * u
        + jj[..., None] * BLOCK_M * v
        + rng.normal(0.0, 5.0, (ni, nj, 2))
    )  # surveyed streets are never perfectly straight
    road_land = plan.city.difference(frame.river.buffer(ROAD_SETBACK_M)).intersection(
        frame.box.buffer(-10.0)
    )
    valid = contains(road_land, pos.reshape(-1, 2)).reshape(ni, nj)

    # buildings per block: block (a, b) lies between grid nodes a..a+1 and b..b+1
    rb = bld_xy - plan.core
    ba = np.floor((rb @ u) / BLOCK_M).astype(int) - i0
    bb = np.floor((rb @ v) / BLOCK_M).astype(int) - j0
    blocks = np.zeros((ni + 1, nj + 1))
    np.add.at(blocks, (ba + 1, bb + 1), 1)  # padded by one so index -1 is block 0

    def block(a, b):
        return blocks[a + 1, b + 1]

    def line_class(idx):
        return "arterial" if idx % 4 == 0 else "collector" if idx % 4 == 2 else "local"

    edges = []  # (node a, node b, class, axis, line index, buildings beside)
    for a in range(ni):
        for b in range(nj):
            if a + 1 < ni:  # along u, on line j = b + j0, between blocks (a, b-1) and (a, b)
                beside = block(a, b - 1) + block(a, b)
                edges.append(((a, b), (a + 1, b), line_class(b + j0), "u", b + j0, beside))
            if b + 1 < nj:  # along v, on line i = a + i0, between blocks (a-1, b) and (a, b)
                beside = block(a - 1, b) + block(a, b)
                edges.append(((a, b), (a, b + 1), line_class(a + i0), "v", a + i0, beside))
    guard = frame.river.buffer(RIVER_WIDTH_M / 2 + 5.0)
    shapely.prepare(guard)
    index = {}
    keep = []
    for e, (p, q, cls, _, _, nb) in enumerate(edges):
        index[(p, q)] = e
        ok = valid[p] and valid[q]
        if ok:
            ok = not guard.intersects(LineString([pos[p], pos[q]]))
        wanted = cls == "arterial" or (cls == "collector" and nb >= 1) or nb >= 2
        keep.append([ok, ok and wanted])  # [could exist, exists]
    keep = np.array(keep)
    classes = [e[2] for e in edges]

    # motorway: from the valid node nearest the bank at bridge III, straight away from it
    p_m, n_m = river_point(frame.river, BRIDGES[MOTORWAY_BRIDGE][0])
    target = p_m + SIDE[party] * (RIVER_WIDTH_M / 2 + 150.0) * n_m
    flat_valid = np.flatnonzero(valid.ravel())
    start = np.unravel_index(
        flat_valid[np.argmin(np.hypot(*(pos.reshape(-1, 2)[flat_valid] - target).T))], valid.shape
    )
    step = np.rint(np.array([plan.motorway_dir @ u, plan.motorway_dir @ v])).astype(int)
    cur = start
    while True:
        nxt = (cur[0] + step[0], cur[1] + step[1])
        key = (min(cur, nxt), max(cur, nxt))
        if key not in index or not keep[index[key], 0]:
            break
        keep[index[key], 1] = True
        classes[index[key]] = "motorway"
        cur = nxt

    # largest connected component (union-find over the kept edges)
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = np.flatnonzero(keep[:, 1])
    for e in kept:
        parent[find(edges[e][0])] = find(edges[e][1])
    roots = [find(edges[e][0]) for e in kept]
    biggest = max(set(roots), key=lambda r: (roots.count(r), r))
    kept = [e for e, r in zip(kept, roots, strict=True) if r == biggest]
    nodes_used = sorted({n for e in kept for n in edges[e][:2]})
    node_id = {n: NODE_ID_BASE[party] + k + 1 for k, n in enumerate(nodes_used)}
    assert start in node_id, "the motorway is cut off from the street grid"
    rows = [
        {
            "from_id": node_id[edges[e][0]],
            "to_id": node_id[edges[e][1]],
            "cls": classes[e],
            "axis": edges[e][3],
            "line": edges[e][4],
            "geometry": LineString([pos[edges[e][0]], pos[edges[e][1]]]),
        }
        for e in kept
    ]
    return RoadGraph(pd.DataFrame(rows), {node_id[n]: pos[n] for n in nodes_used}, node_id[start])


def street_name(party: str, cls: str, axis: str, line: int) -> str:
    """One name per grid line; the suffix follows the line's class."""
    if cls == "motorway":
        return MOTORWAY_NAME[party]
    if party == "riverton":
        if axis == "v":  # north-south streets are named, east-west ones numbered
            base = US_STREETS[line % len(US_STREETS)]
            suffix = {"arterial": "Blvd", "collector": "Ave"}.get(cls, "St")
            return f"{base} {suffix}"
        n = line + 50  # numbered from well south of the box, so always positive
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix} {'Road' if cls == 'arterial' else 'Street'}"
    pool = MX_STREETS_U if axis == "u" else MX_STREETS_V
    prefix = "Avenida" if cls in ("arterial", "collector") else "Calle"
    return f"{prefix} {pool[line % len(pool)]}"


def make_bridges(frame: Frame, graphs: dict[str, RoadGraph]) -> list[dict]:
    """International bridges: straight links from a Riverton node to a Ribera node that
    cross the centre line once. Bridge III joins the two motorways."""
    out = []
    for k, (frac, name, label, lanes, speed) in enumerate(BRIDGES):
        p, n = river_point(frame.river, frac)
        ends = {}
        for party, g in graphs.items():
            if k == MOTORWAY_BRIDGE:
                ends[party] = g.motorway_start
                continue
            target = p + SIDE[party] * (RIVER_WIDTH_M / 2 + 150.0) * n
            ids = np.array(list(g.nodes))
            xy = np.array([g.nodes[i] for i in ids])
            ends[party] = int(ids[np.argmin(np.hypot(*(xy - target).T))])
        a, b = graphs["riverton"].nodes[ends["riverton"]], graphs["ribera"].nodes[ends["ribera"]]
        line = LineString([a, b])
        assert line.intersection(frame.river).geom_type == "Point", f"{name} crosses twice"
        out.append(
            {
                "id": f"TR-BR-{k + 1:02d}",
                "name": name,
                "category": label,
                "lanes": lanes,
                "speed_kmh": speed,
                "bridge": True,
                "from_node": ends["riverton"],
                "to_node": ends["ribera"],
                "length_m": round(line.length, 1),
                "geometry": line,
            }
        )
    return out


# --------------------------------------------------------------------------------------
# Facilities and infrastructure
# --------------------------------------------------------------------------------------


def unique_names(rng: np.random.Generator, label: str, party: str, n: int) -> list[str]:
    """Realistic names in the party's language: fixed lists where a city has only a
    handful, composed names for schools, numbered fire stations."""
    fixed = FIXED_NAMES.get(f"{label}@{party}", FIXED_NAMES.get(label))
    if fixed:
        return fixed[:n]
    if label == "Fire Station":
        return [f"Riverton Fire Station No. {k + 1}" for k in range(n)]
    if label == "Estación de bomberos":
        return [f"Estación de Bomberos No. {k + 1}" for k in range(n)]
    people = US_PEOPLE if party == "riverton" else MX_PEOPLE
    levels = (
        ["{p} Elementary School"] * 6 + ["{p} Middle School"] * 3 + ["{p} High School"]
        if party == "riverton"
        else ["Escuela Primaria {p}"] * 5
        + ["Jardín de Niños {p}"] * 2
        + [
            "Escuela Secundaria General {p}",
            "Escuela Secundaria Técnica No. {k}",
            "Preparatoria {p}",
        ]
    )
    names: list[str] = []
    while len(names) < n:
        name = levels[rng.integers(len(levels))].format(
            p=people[rng.integers(len(people))], k=rng.integers(1, 60)
        )
        if name not in names:
            names.append(name)
    return names


def facility_points(
    rng: np.random.Generator,
    how: str,
    n: int,
    plan: CityPlan,
    bld_xy: np.ndarray,
    river: LineString,
) -> np.ndarray:
    if how == "spread":  # fire, police, substations: cover the built-up area evenly
        pts = kmeans(rng, bld_xy, n)
    elif how == "core":
        pts = sample_points(rng, n, [(1.0, plan.core, 1200.0)], plan.land, plan.land.bounds)
    elif how == "population":
        pts = bld_xy[rng.choice(len(bld_xy), size=n, replace=False)]
    else:  # water intakes upstream, treated sewage returned downstream
        lo, hi = (0.12, 0.35) if how == "upstream" else (0.65, 0.9)
        pts = []
        for frac in rng.uniform(lo, hi, n):
            p, nrm = river_point(river, frac)
            d = 250.0
            while not contains(plan.land, (p + SIDE[plan.party] * d * nrm)[None])[0]:
                d += 50.0
            pts.append(p + SIDE[plan.party] * d * nrm)
        return np.array(pts)
    # a facility is next to the building, not on it; fall back to the point itself
    moved = pts + rng.normal(0.0, 15.0, pts.shape)
    return np.where(contains(plan.land, moved)[:, None], moved, pts)


def make_facilities(
    rng: np.random.Generator, plan: CityPlan, bld_xy: np.ndarray, river: LineString
) -> pd.DataFrame:
    rows = []
    for label, n, how in FACILITY_PLAN[plan.party]:
        xy = facility_points(rng, how, n, plan, bld_xy, river)
        names = unique_names(rng, label, plan.party, n)
        low, high, beds = FACILITY_CAPACITY.get(label, (0, 0, None))
        value_range = FACILITY_VALUE[plan.party].get(label)
        for k in range(n):
            level = (r for word, r in SCHOOL_CAPACITY.items() if word in names[k])
            lo, hi = next(level, (low, high))
            cap = int(rng.integers(lo, hi + 1))
            nbeds = cap if beds == "all" else int(rng.integers(beds[0], beds[1] + 1)) if beds else 0
            value = round(float(rng.uniform(*value_range)), -3) if value_range else None
            rows.append(
                {
                    "label": label,
                    "name": names[k],
                    "capacity": cap,
                    "beds": nbeds,
                    "value": value,
                    "x": xy[k, 0],
                    "y": xy[k, 1],
                }
            )
    return pd.DataFrame(rows)


def make_commission_infrastructure(
    rng: np.random.Generator, frame: Frame, bridges: list[dict]
) -> list[dict]:
    """Pumping stations (raw-water intakes on both banks), river gauges on the US bank
    and the border-crossing stations at both ends of every bridge. All lie on land of
    one of the cities, as the manifest requires of a non-territorial party."""
    rows = []

    def bank(frac, party, d):
        p, n = river_point(frame.river, frac)
        return p + SIDE[party] * d * n

    for k, (frac, party, place) in enumerate(
        [
            (0.18, "riverton", "Riverton North"),
            (0.38, "riverton", "Riverton Central"),
            (0.22, "ribera", "Ribera Poniente"),
            (0.42, "ribera", "Ribera Centro"),
        ]
    ):
        rows.append(
            {
                "id": f"TR-PS-{k + 1:02d}",
                "name": f"{place} Raw Water Pumping Station",
                "category": "Pumping Station",
                "value_usd": round(rng.uniform(5e6, 20e6), -3),
                "geometry": shapely.Point(bank(frac, party, 70.0)),
            }
        )
    for k, (frac, where) in enumerate(
        [(0.08, "above Riverton"), (0.50, "at Riverton"), (0.93, "below Ciudad Ribera")]
    ):
        rows.append(
            {
                "id": f"TR-GA-{k + 1:02d}",
                "name": f"Rio Grande {where} gauge",
                "category": "River Gauge",
                "value_usd": round(rng.uniform(1.5e5, 4e5), -3),
                "geometry": shapely.Point(bank(frac, "riverton", 55.0)),
            }
        )
    for b in bridges:
        a, z = np.array(b["geometry"].coords)
        axis = (z - a) / np.hypot(*(z - a))
        roman = b["name"].split()[2]
        for end, sign, what in ((a, -1, "US Port of Entry"), (z, +1, "Mexican Customs")):
            n_bx = sum(r["category"] == "Border Crossing Station" for r in rows)
            rows.append(
                {
                    "id": f"TR-BX-{n_bx + 1:02d}",
                    "name": f"Bridge {roman} {what}",
                    "category": "Border Crossing Station",
                    "value_usd": round(rng.uniform(2e7, 1.5e8), -3),
                    "geometry": shapely.Point(end + sign * 40.0 * axis),
                }
            )
    return rows


# --------------------------------------------------------------------------------------
# Terrain
# --------------------------------------------------------------------------------------


def make_dem(rng: np.random.Generator, frame: Frame) -> tuple[np.ndarray, object]:
    """Elevation (m) on a 1.5 arc-second lon/lat grid covering the box: a regional
    surface falling gently to the SE (the way the river flows), a valley that rises from
    the channel with distance from the centre line (floodplain, a terrace bluff at about
    600 m, upland), seeded low hills and hollows and centimetre noise."""
    to_ll = Transformer.from_crs(ANALYSIS_CRS, "EPSG:4326", always_xy=True)
    ring = np.array(frame.box.exterior.segmentize(500.0).coords)
    lon, lat = to_ll.transform(ring[:, 0], ring[:, 1])
    west = math.floor(min(lon) / DEM_RES_DEG) * DEM_RES_DEG
    east = math.ceil(max(lon) / DEM_RES_DEG) * DEM_RES_DEG
    south = math.floor(min(lat) / DEM_RES_DEG) * DEM_RES_DEG
    north = math.ceil(max(lat) / DEM_RES_DEG) * DEM_RES_DEG
    width, height = round((east - west) / DEM_RES_DEG), round((north - south) / DEM_RES_DEG)
    transform = from_origin(west, north, DEM_RES_DEG, DEM_RES_DEG)
    x, y = cell_centres(transform, (height, width))
    xc, yc = frame.box.centroid.x, frame.box.centroid.y
    along_se = ((x - xc) - (y - yc)) / math.sqrt(2.0)
    d = shapely.distance(shapely.points(x.ravel(), y.ravel()), frame.river).reshape(x.shape)
    hw = RIVER_WIDTH_M / 2
    z = 125.0 - 0.0006 * along_se  # 0.6 m/km down to the SE
    z += np.where(d < hw, -2.0 - 4.0 * (1 - (d / hw) ** 2), 0.0)  # channel bed below the bank
    z += 14.0 * (1 - np.exp(-d / 1500.0))  # valley sides
    z += 6.0 / (1 + np.exp(-(d - 600.0) / 80.0))  # terrace bluff
    for _ in range(60):  # low hills and hollows, 0.3-1.5 km across
        cx, cy = rng.uniform(*frame.box.bounds[::2]), rng.uniform(*frame.box.bounds[1::2])
        z += rng.uniform(-1.5, 1.5) * np.exp(
            -((x - cx) ** 2 + (y - cy) ** 2) / (2 * rng.uniform(300.0, 1500.0) ** 2)
        )
    z += rng.normal(0.0, 0.15, z.shape)
    return np.round(z, 2).astype("float32"), transform


def cell_centres(transform, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The analysis-CRS coordinates (m) of the cell centres of a north-up lon/lat grid."""
    cols, rows = np.meshgrid(np.arange(shape[1]) + 0.5, np.arange(shape[0]) + 0.5)
    return Transformer.from_crs("EPSG:4326", ANALYSIS_CRS, always_xy=True).transform(
        transform.c + cols * transform.a, transform.f - rows * -transform.e
    )


def make_hand(dem: np.ndarray, transform, frame: Frame) -> np.ndarray:
    """Height above nearest drainage (m) on the DEM grid: each cell's elevation minus the
    elevation of the nearest river cell, clipped at 0 (0 on the river itself).

    River cells are the cells whose centre lies in the channel polygon plus every cell
    the centre line touches, so that the drainage is continuous. "Nearest" is the
    straight-line distance in metres (the lon/lat cells are about 41 m x 46 m here).
    Real HAND (Rennó et al. 2008; Nobre et al. 2011) follows the terrain's flow paths to
    the drainage cell that a drop of water would reach; this Euclidean version agrees
    with it on valley sides sloping towards their river and is the simple stand-in for
    a synthetic terrain with a single river.

    Rennó, C. D. et al. (2008). HAND, a new terrain descriptor using SRTM-DEM. Remote
    Sensing of Environment 112(9), 3469-3481. Nobre, A. D. et al. (2011). Height Above
    the Nearest Drainage - a hydrologically relevant new terrain model. Journal of
    Hydrology 404(1-2), 13-29.
    """
    to_ll = Transformer.from_crs(ANALYSIS_CRS, PARTY_CRS["commission"], always_xy=True)

    def lonlat(geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(to_ll.transform(*xy.T)))

    grid = {"out_shape": dem.shape, "transform": transform, "dtype": "uint8"}
    river = rasterize([lonlat(frame.channel)], **grid).astype(bool)
    river |= rasterize([lonlat(frame.river)], all_touched=True, **grid).astype(bool)
    lon, lat = transform * (dem.shape[1] / 2, dem.shape[0] / 2)
    geod = Geod(ellps="WGS84")
    cell_m = (
        geod.inv(lon, lat, lon, lat - transform.e)[2],  # north-south
        geod.inv(lon, lat, lon + transform.a, lat)[2],  # east-west
    )
    _, (rows, cols) = distance_transform_edt(~river, sampling=cell_m, return_indices=True)
    return np.round(np.maximum(dem - dem[rows, cols], 0.0), 2).astype("float32")


# --------------------------------------------------------------------------------------
# Risk set-up (risk.toml, format: docs/risk-config.md): a river flood modelled from the
# terrain, heat from a station series, Ribera's own flood curves and one future
# scenario. Every number is fictional; README.md says what each one is modelled on.
# --------------------------------------------------------------------------------------

# River flood (hand_flood): Gumbel annual-maximum discharge, power-law rating curve.
FLOOD_RETURN_PERIODS = (2, 5, 10, 25, 50, 100, 250, 500)  # years
GUMBEL_LOCATION_M3S = 500.0  # mean annual peak 790 m3/s, coefficient of variation 0.8
GUMBEL_SCALE_M3S = 500.0
RATING_EXPONENT = 0.6  # wide channel under Manning's equation
# (n / (W sqrt(S)))**0.6 for Manning's n 0.035, effective width W 155 m and the
# terrain's slope S 0.0006: a 2-year flood about fills the channel (stage 3.0 m)
RATING_COEFFICIENT = 0.06

# Heat (daily_series): daily maximum air temperature at the commission's station.
WEATHER_YEARS = (1985, 2024)
STATION_ELEVATION_M = 130.0
# Mean daily maximum (degC) per month, shaped after the 1991-2020 normals of Laredo,
# Texas (rounded), and the day-to-day spread around it (degC; winter cold fronts make
# winter days far more variable than summer ones)
MONTHLY_TMAX_C = (20.8, 23.5, 27.8, 31.7, 35.1, 37.8, 38.7, 39.1, 35.6, 31.2, 25.6, 21.1)
MONTHLY_TMAX_SD_C = (4.8, 4.6, 4.2, 3.4, 2.2, 1.6, 1.3, 1.3, 2.0, 3.2, 4.4, 4.8)
TMAX_PERSISTENCE = 0.7  # lag-1 autocorrelation of the daily anomalies
TMAX_TREND_C_PER_YEAR = 0.025  # warming over the record, centred on its middle
# Heat mortality: the log-linear slope of Baccini et al. (2008) (+3.12 % deaths per degC,
# shipped HW 1) above a local threshold, the 90th percentile of the station's daily
# maxima. The shipped curve starts at 29.4 degC, fitted on apparent temperature in
# European cities; a population used to 38 degC summers dies of heat only on its own
# hottest days (minimum-mortality temperatures sit high in each city's own distribution:
# Gasparrini et al. 2015, The Lancet 386, 369-375, doi:10.1016/S0140-6736(14)62114-0).
HEAT_PERCENTILE = 90.0
HEAT_MORTALITY_INCREASE = 0.0312  # per degC above the threshold
HEAT_FUNCTION_ID = 101
HEAT_BLOCK = 12  # heat centroids: 12 x 12 DEM cells, about 490 m x 550 m, about 1,000 of them
LAPSE_RATE_PER_KM = 6.5
# Deaths per person per day: crude death rates of 2019 (US: CDC NCHS, 869.7 per
# 100,000; Mexico: INEGI, 59 per 10,000 registered deaths) spread over the year
DAILY_DEATH_RATE = {"riverton": 8.697e-3 / 365.25, "ribera": 5.9e-3 / 365.25}

# Impact functions per broad occupancy class: the shipped JRC North American flood
# curves (Huizinga et al. 2017) and Ribera's own. Hazus terms go to a class by prefix;
# religious, government and education buildings are built and fitted out like
# commercial ones, farm buildings like industrial sheds.
OCCUPANCY_CLASS = {
    "RES": "residential",
    "COM": "commercial",
    "IND": "industrial",
    "AGR": "industrial",
    "REL": "commercial",
    "GOV": "commercial",
    "EDU": "commercial",
}
JRC_NORTH_AMERICA = {"residential": 102, "commercial": 202, "industrial": 302}
RIBERA_FUNCTION = {"residential": 1, "commercial": 2, "industrial": 3}
# Ribera's official depth-damage curves (fictional): depth (m) and damage fraction,
# steeper than the JRC curves at shallow depth (one-storey masonry houses with the
# contents at floor level, no basements)
RIBERA_DEPTHS_M = (0.0, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
RIBERA_CURVES = {  # class: name, damage fraction at each depth
    "residential": ("Vivienda", (0, 0.22, 0.38, 0.55, 0.70, 0.80, 0.88, 0.96, 1, 1)),
    "commercial": (
        "Comercio, servicios y equipamiento",
        (0, 0.12, 0.25, 0.40, 0.55, 0.65, 0.73, 0.85, 0.93, 1),
    ),
    "industrial": ("Industria", (0, 0.10, 0.22, 0.38, 0.58, 0.70, 0.79, 0.90, 0.97, 1)),
}
RIBERA_CURVE_SOURCE = (
    "Ficticia: curva de ejemplo de Ciudad Ribera para la región sintética Twin Rivers, "
    "no es una curva oficial real"
)

# Scenario RCP8.5 around 2050: flood discharge up 15 % at the 2-year flood to 20 % at
# the 500-year flood (linear in log T), daily maxima 1.8 degC warmer, and growth of the
# building stock and of the population per party.
SCENARIO_ID = "rcp85-2050"
DISCHARGE_INCREASE = (0.15, 0.20)  # at the first and the last flood return period
HEAT_SHIFT_C = 1.8
EXPOSURE_GROWTH = {
    ("riverton", "buildings"): 1.12,
    ("ribera", "buildings"): 1.30,
    ("riverton", "heat-deaths"): 1.10,
    ("ribera", "heat-deaths"): 1.25,
    ("riverton", "residents"): 1.10,
    ("ribera", "residents"): 1.25,
}


def flood_stage_increase() -> np.ndarray:
    """Stage increase (m) per flood return period that the scenario's discharge increase
    gives through the rating curve: h(Q_T (1 + r_T)) - h(Q_T)."""
    t = np.array(FLOOD_RETURN_PERIODS, dtype=float)
    r = np.interp(np.log(t), np.log(t[[0, -1]]), DISCHARGE_INCREASE)
    q = gumbel_discharge(t, GUMBEL_LOCATION_M3S, GUMBEL_SCALE_M3S)
    return rating_stage(q * (1.0 + r), RATING_COEFFICIENT, RATING_EXPONENT) - rating_stage(
        q, RATING_COEFFICIENT, RATING_EXPONENT
    )


def make_weather_series(rng: np.random.Generator) -> pd.DataFrame:
    """Daily maximum air temperature (degC) at the commission's weather station.

    The monthly normals, interpolated to each day, plus AR(1) day-to-day anomalies whose
    spread follows the season, about two summer warm spells a year (4-12 days,
    1.5-3.5 degC at their peak), a linear warming trend and a dozen missing days (eight single days
    and a four-day outage) left empty.
    """
    first, last = WEATHER_YEARS
    dates = pd.date_range(f"{first}-01-01", f"{last}-12-31", freq="D")
    n = len(dates)
    year_fraction = (dates.day_of_year.to_numpy() - 0.5) / (365 + dates.is_leap_year)
    mid_month = (np.arange(12) + 0.5) / 12
    normal = np.interp(year_fraction, mid_month, MONTHLY_TMAX_C, period=1.0)
    spread = np.interp(year_fraction, mid_month, MONTHLY_TMAX_SD_C, period=1.0)
    phi = TMAX_PERSISTENCE
    weather = lfilter([math.sqrt(1 - phi**2)], [1.0, -phi], rng.normal(0.0, 1.0, n))
    spells = np.zeros(n)
    may_1 = np.flatnonzero((dates.month == 5) & (dates.day == 1))
    for start_of_may in may_1:
        for _ in range(rng.poisson(2)):
            start = start_of_may + rng.integers(0, 138)  # May 1 to Sep 15
            length = int(rng.integers(4, 13))
            shape = np.sin(math.pi * (np.arange(length) + 0.5) / length)
            stop = min(start + length, n)
            spells[start:stop] += rng.uniform(1.5, 3.5) * shape[: stop - start]
    middle = (first + last + 1) / 2
    trend = TMAX_TREND_C_PER_YEAR * (dates.year.to_numpy() + year_fraction - middle)
    tmax = np.round(normal + spread * weather + spells + trend, 1)
    outage = rng.integers(0, n - 4)
    missing = np.r_[rng.choice(n, 8, replace=False), np.arange(outage, outage + 4)]
    tmax[missing] = np.nan
    return pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "tmax_c": tmax})


def occupancy_functions(function_of_class: dict[str, int]) -> dict[str, int]:
    """An impact function id for every term of the shipped occupancy vocabulary."""
    terms = shipped_vocabularies()["occupancy"].terms
    return {term: function_of_class[OCCUPANCY_CLASS[term[:3]]] for term in terms}


def ribera_curves() -> pd.DataFrame:
    rows = [
        (RIBERA_FUNCTION[cls], "FL", depth, float(damage), 1.0, name, "m", RIBERA_CURVE_SOURCE)
        for cls, (name, damages) in RIBERA_CURVES.items()
        for depth, damage in zip(RIBERA_DEPTHS_M, damages, strict=True)
    ]
    columns = ["impf_id", "haz_type", "intensity", "mdd", "paa", "name", "intensity_unit"]
    return pd.DataFrame(rows, columns=[*columns, "source"])


def scenario_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scenario's hazard changes (a stage shift per flood return period, one shift of
    the heat series) and exposure growth (a value factor per party and exposure)."""
    flood = pd.DataFrame(
        {
            "hazard": "river-flood",
            "return_period": FLOOD_RETURN_PERIODS,
            "intensity_scale": 1.0,
            "intensity_shift": np.round(flood_stage_increase(), 2),
            "frequency_scale": 1.0,
        }
    )
    heat = pd.DataFrame(  # one row: held at every return period
        {
            "hazard": ["heat"],
            "return_period": [1],
            "intensity_scale": [1.0],
            "intensity_shift": [HEAT_SHIFT_C],
            "frequency_scale": [1.0],
        }
    )
    growth = pd.DataFrame(
        [(party, exposure, factor) for (party, exposure), factor in EXPOSURE_GROWTH.items()],
        columns=["party", "exposure", "value_factor"],
    )
    return pd.concat([flood, heat], ignore_index=True), growth


def toml_table(mapping: dict[str, int]) -> str:
    return "\n".join(f"{key} = {value}" for key, value in mapping.items())


def risk_config(heat_threshold_c: float) -> str:
    """The text of risk.toml: what the risk stage computes for Twin Rivers."""
    death_rates = ", ".join(f"{p} = {r:.4e}" for p, r in DAILY_DEATH_RATE.items())
    return f'''# Risk set-up of Twin Rivers (format: docs/risk-config.md). Written by generate.py
# from its constants: change them there. Every number is fictional; README.md says what
# each one is modelled on.

[settings]
return_periods = [10, 50, 100, 250]
# both hazards are rasters (heat: blocks of {HEAT_BLOCK} x {HEAT_BLOCK} DEM cells, about
# 490 m x 550 m; flood: the 45 m cells of hand.tif): every asset takes the cell it stands in
# HW {HEAT_FUNCTION_ID}: heat mortality above the local threshold (README)
functions = "commission/heat_mortality.csv"

[[hazards]]
id = "river-flood"
haz_type = "FL"
unit = "m"
name = {{ en = "River flood", es = "Inundación fluvial" }}

[hazards.hand_flood]
hand = "commission/hand.tif"
return_periods = {list(FLOOD_RETURN_PERIODS)}
gumbel_location_m3s = {GUMBEL_LOCATION_M3S}
gumbel_scale_m3s = {GUMBEL_SCALE_M3S}
rating_coefficient = {RATING_COEFFICIENT}
rating_exponent = {RATING_EXPONENT}
reference_discharge_m3s = 0.0  # the drainage level of hand.tif is the channel bed

[[hazards]]
id = "heat"
haz_type = "HW"
unit = "degC"
name = {{ en = "Extreme heat", es = "Calor extremo" }}

[hazards.daily_series]
path = "commission/weather_station.csv"
date_column = "date"
value_column = "tmax_c"
threshold = {heat_threshold_c}  # the {HEAT_PERCENTILE:g}th percentile of the daily maxima
terrain = "commission/dem.tif"
block = {HEAT_BLOCK}
station_elevation_m = {STATION_ELEVATION_M}
lapse_rate_per_km = {LAPSE_RATE_PER_KM}

[[exposures]]
id = "buildings"
kind = "assets"
value = "value"
unit = "USD"
name = {{ en = "Buildings", es = "Edificaciones" }}

[[exposures.impacts]]
hazard = "river-flood"
by_field = "occupancy"
default_function = {JRC_NORTH_AMERICA["residential"]}
result = "impact"

# JRC North America: 102 residential, 202 commercial, 302 industrial
[exposures.impacts.impact_functions]
{toml_table(occupancy_functions(JRC_NORTH_AMERICA))}

[[exposures]]
id = "heat-deaths"
kind = "population_zones"
value = "population"
unit = "deaths"
# the daily crude death rate per party (deaths per person per day)
value_factor_by_party = {{ {death_rates} }}
synthetic = "deaths a day without heat: population x national crude death rate 2019"
name = {{ en = "Heat deaths", es = "Muertes por calor" }}

[[exposures.impacts]]
hazard = "heat"
impact_function = {HEAT_FUNCTION_ID}  # Baccini et al. (2008) slope, local threshold

[[exposures]]
id = "residents"
kind = "population_zones"
value = "population"
unit = "people"
name = {{ en = "Residents exposed to heat", es = "Residentes expuestos al calor" }}

[[exposures.impacts]]
hazard = "heat"
impact_function = {HEAT_FUNCTION_ID}
result = "affected"

[[methodologies]]
party = "ribera"
name = {{ es = "Curvas oficiales de Ribera", en = "Official curves of Ribera" }}
functions = "ribera/curvas_danos.csv"

[[methodologies.impacts]]
exposure = "buildings"
hazard = "river-flood"
by_field = "occupancy"
default_function = {RIBERA_FUNCTION["residential"]}

# Ribera: 1 vivienda, 2 comercio, servicios y equipamiento, 3 industria
[methodologies.impacts.impact_functions]
{toml_table(occupancy_functions(RIBERA_FUNCTION))}

[[scenarios]]
id = "{SCENARIO_ID}"
name = {{ en = "RCP8.5, 2050", es = "RCP8.5, 2050" }}
hazard_changes = "scenarios/rcp85_2050_hazard.csv"
exposure_growth = "scenarios/rcp85_2050_exposure.csv"
'''


def heat_threshold(weather: pd.DataFrame) -> float:
    """The local heat threshold (degC): the HEAT_PERCENTILE of the daily maxima, to 0.1."""
    return round(float(np.nanpercentile(weather["tmax_c"], HEAT_PERCENTILE)), 1)


def heat_mortality_curve(threshold: float) -> pd.DataFrame:
    """The region's heat-mortality curve HW 101: attributable fraction (RR - 1)/RR with
    the Baccini et al. (2008) slope above the local threshold, every 0.5 degC to +12."""
    temperature = threshold + np.arange(0.0, 12.5, 0.5)
    return pd.DataFrame(
        {
            "impf_id": HEAT_FUNCTION_ID,
            "haz_type": "HW",
            "intensity": temperature.round(2),
            "mdd": heat_attributable_fraction(
                temperature, threshold, HEAT_MORTALITY_INCREASE
            ).round(8),
            "paa": 1.0,
            "name": "Heat mortality, Twin Rivers local threshold",
            "intensity_unit": "degC",
            "source": (
                f"slope +{HEAT_MORTALITY_INCREASE:.2%} per degC of Baccini et al. (2008), "
                "Epidemiology 19(5), doi:10.1097/EDE.0b013e318176bfcd, above the "
                f"{HEAT_PERCENTILE:g}th percentile of the station's daily maxima "
                f"({threshold:g} degC; local thresholds: Gasparrini et al. 2015, "
                "doi:10.1016/S0140-6736(14)62114-0); MDD = (RR-1)/RR"
            ),
        }
    )


def write_risk_setup(out: Path, rng: np.random.Generator) -> None:
    """risk.toml and the files it names besides the terrain (hand.tif is written with the
    DEM): the weather series, the local heat curve, Ribera's curves and the scenario
    tables."""
    weather = make_weather_series(rng)
    write_csv(weather, out / "commission/weather_station.csv")
    threshold = heat_threshold(weather)
    write_csv(heat_mortality_curve(threshold), out / "commission/heat_mortality.csv")
    write_csv(ribera_curves(), out / "ribera/curvas_danos.csv")
    hazard_changes, exposure_growth = scenario_tables()
    write_csv(hazard_changes, out / "scenarios/rcp85_2050_hazard.csv")
    write_csv(exposure_growth, out / "scenarios/rcp85_2050_exposure.csv")
    (out / "risk.toml").write_text(risk_config(threshold), encoding="utf-8")


# --------------------------------------------------------------------------------------
# Candidate measures (measures.toml, format: docs/measures-config.md): their zones, cut
# from the river, the terrain and the city plans, and what each measure costs. Costs are
# fictional, of the order of magnitude README.md names; every number is in this section.
# --------------------------------------------------------------------------------------

ZONE_CRS = "EPSG:4326"  # the zones of cells follow the DEM's cell edges: a cell is in or out
FLOODPLAIN_PERIOD = 500  # years: a levee or a wall keeps dry the land below this stage
FLOODPROOFING_PERIOD = 100  # years: floodproofing is offered in the 100-year floodplain
RIVERSIDE_M = 600.0  # the terrace bluff: levees and walls protect the strip inside it
# reaches as fractions of the river's length from its upstream end
LEVEE_REACH = (0.15, 0.85)  # Riverton's built-up bank
FLOODWALL_REACH = (0.40, 0.62)  # Ribera's old town, with no room for a levee
CHANNEL_REACH = (0.25, 0.75)  # the channel works between the two cities' centres
BASIN_REACH = 0.08  # the basin stands on the first 8 % of the river ...
BASIN_BAND_M = (150.0, 1200.0)  # ... between the riparian strip and the upland ...
BASIN_HOST = "ribera"  # ... on Ribera's bank: most of the flood damage is Riverton's
BUYOUT_PERIOD = 5  # years: the Ribera blocks the 5-year flood reaches (none lie below 1 m)
GREENING_RADIUS_M = 1500.0  # cool roofs and street trees around each old town
COOLING_WALK_M = 1000.0  # about a 15-minute walk to a cooling centre
NEW_COOLING_CENTRES = 3  # Ribera opens centres in its most populous zones beyond a walk
NEW_COOLING_CENTRE_COST = 0.4e6  # fitting out a public building, each
COOLING_LABEL = {"riverton": "Cooling Center", "ribera": "Centro de enfriamiento"}
MAINTENANCE_SHARE = 0.01  # of the capital cost a year, for levees, walls and the basin

# Each zone: its file under measures/ and what it is.
ZONES = {
    "riverton-levee": "Riverton's riverside strip behind the levee",
    "ribera-floodwall": "Ribera's old-town riverside behind the flood wall",
    "retention-basin-site": "where the retention basin is built (for maps; no effect uses it)",
    "downstream-floodplain": "the floodplain of both cities downstream of the basin",
    "urban-reach-floodplain": "the floodplain of both cities along the restored channel",
    "ribera-buyout": "Ribera's lowest-lying blocks, bought out",
    "riverton-floodplain-100yr": "Riverton's 100-year floodplain (floodproofing)",
    "ribera-floodplain-100yr": "Ribera's 100-year floodplain (floodproofing)",
    "riverton-old-town": "Riverton's old town (cool roofs and street trees)",
    "ribera-old-town": "Ribera's old town (street trees and shade)",
}
MEASURE_ZONE_FILES = [f"measures/{zone.replace('-', '_')}.geojson" for zone in ZONES]
NEW_COOLING_CENTRES_FILE = "measures/ribera_new_cooling_centres.geojson"


def zone_path(zone: str) -> str:
    return MEASURE_ZONE_FILES[list(ZONES).index(zone)]


def return_period_stage(period: float) -> float:
    """The flood stage (m above the drainage level) of a return period (years)."""
    discharge = gumbel_discharge(np.array([period], float), GUMBEL_LOCATION_M3S, GUMBEL_SCALE_M3S)
    return float(rating_stage(discharge, RATING_COEFFICIENT, RATING_EXPONENT)[0])


def cells_polygon(mask: np.ndarray, transform) -> shapely.Geometry:
    """The grid cells of ``mask`` as one (multi)polygon in lon/lat, on the cell edges."""
    cells = shapes(mask.astype("uint8"), mask=mask, transform=transform)
    return shapely.union_all([shapely.geometry.shape(cell) for cell, _ in cells])


def flood_zones(
    frame: Frame, dem: np.ndarray, hand: np.ndarray, transform
) -> dict[str, shapely.Geometry]:
    """The flood measures' zones as unions of DEM cells (lon/lat).

    Which end of the river is upstream follows from the terrain: the channel bed is
    higher there. Distances are to the centre line, in metres."""
    x, y = cell_centres(transform, dem.shape)
    centres = shapely.points(x, y)
    distance = shapely.distance(centres, frame.river)
    in_channel = distance < RIVER_WIDTH_M / 2
    bed = [
        dem[in_channel & (np.hypot(x - ex, y - ey) < 1000.0)].mean()
        for ex, ey in (frame.river.coords[0], frame.river.coords[-1])
    ]
    along = shapely.line_locate_point(frame.river, centres, normalized=True)
    down = along if bed[0] > bed[1] else 1.0 - along  # 0 upstream, 1 downstream
    side = {party: shapely.contains_xy(city, x, y) for party, city in frame.cities.items()}
    land = ~in_channel
    floodplain = land & (hand <= return_period_stage(FLOODPLAIN_PERIOD))
    floodplain_100 = land & (hand <= return_period_stage(FLOODPROOFING_PERIOD))
    riverside = floodplain & (distance <= RIVERSIDE_M)

    def reach(bounds: tuple[float, float]) -> np.ndarray:
        return (down >= bounds[0]) & (down <= bounds[1])

    band = land & (down <= BASIN_REACH) & (distance >= BASIN_BAND_M[0])
    band &= distance <= BASIN_BAND_M[1]
    masks = {
        "riverton-levee": riverside & side["riverton"] & reach(LEVEE_REACH),
        "ribera-floodwall": riverside & side["ribera"] & reach(FLOODWALL_REACH),
        "retention-basin-site": band & side[BASIN_HOST],
        "downstream-floodplain": floodplain & (down > BASIN_REACH),
        "urban-reach-floodplain": floodplain & reach(CHANNEL_REACH),
        "ribera-buyout": land & side["ribera"] & (hand <= return_period_stage(BUYOUT_PERIOD)),
        "riverton-floodplain-100yr": floodplain_100 & side["riverton"],
        "ribera-floodplain-100yr": floodplain_100 & side["ribera"],
    }
    return {zone: cells_polygon(mask, transform) for zone, mask in masks.items()}


def heat_zones(plans: dict[str, CityPlan]) -> dict:
    """The heat measures' zones (analysis CRS): each old town, on the city's land."""
    return {
        f"{party}-old-town": shapely.Point(plan.core)
        .buffer(GREENING_RADIUS_M)
        .intersection(plan.land)
        for party, plan in plans.items()
    }


def new_cooling_centres(
    zones: np.ndarray, demo: pd.DataFrame, facilities: pd.DataFrame, party: str
) -> np.ndarray:
    """Where a city opens new cooling centres (analysis CRS points): in its most populous
    census zones whose centre lies beyond a walk of every existing centre."""
    centres = points(facilities.query("label == @COOLING_LABEL[@party]"))
    where = shapely.point_on_surface(zones)
    beyond = shapely.distance(where[:, None], centres[None, :]).min(axis=1) > COOLING_WALK_M
    populous = np.argsort(-demo["pop"].to_numpy(), kind="stable")
    return where[populous[beyond[populous]][:NEW_COOLING_CENTRES]]


def buildings_inside(polygon: shapely.Geometry, bld: pd.DataFrame) -> np.ndarray:
    """Whether each building (analysis CRS) stands in a lon/lat polygon."""
    lon, lat = Transformer.from_crs(ANALYSIS_CRS, ZONE_CRS, always_xy=True).transform(
        bld["x"].to_numpy(), bld["y"].to_numpy()
    )
    return shapely.intersects_xy(polygon, lon, lat)


def candidate_measures(
    river_km: float, homes: dict[str, int], bought: int, new_centres: int
) -> list[dict]:
    """The candidate measures of measures.toml: the flood measures sized by the river
    reach (km) they line, the floodproofed homes per party, the buildings bought out and
    the new cooling centres.
    The retention basin stands on BASIN_HOST's upstream bank; the other city proposes it."""
    downstream_city = ({"riverton", "ribera"} - {BASIN_HOST}).pop()

    def levee_km(bounds: tuple[float, float]) -> float:
        return river_km * (bounds[1] - bounds[0])

    def zone(name: str) -> dict:
        return {"path": zone_path(name)}

    def flood(name: str, **change) -> dict:
        return {"type": "hazard", "hazard": "river-flood", "zone": zone(name), **change}

    def heat(name: str, shift: float) -> dict:
        return {"type": "hazard", "hazard": "heat", "zone": zone(name), "shift": shift}

    def people(reduction: float, **reach: str) -> dict:
        effect = {"type": "people", "hazard": "heat", "exposure": "heat-deaths"}
        return {**effect, "reduction": reduction, **reach}

    def floodproofing(party: str) -> dict:
        return {
            "type": "vulnerability",
            "hazard": "river-flood",
            "exposure": "buildings",
            "zone": zone(f"{party}-floodplain-100yr"),
            "classes": ["RES1", "RES2", "RES3"],
            "mdd_scale": 0.6,
        }

    def rounded(usd: float) -> float:
        return round(float(usd), -4)

    levee = [  # id suffix, crest above the bank, design return period (years), USD per km
        ("1m", "1 m", 50, 6.0e6),
        ("1-5m", "1.5 m", 200, 9.0e6),
    ]
    measures = [
        {
            "id": f"riverton-levee-{tag}",
            "name": {"en": f"Riverton levee, {label}", "es": f"Bordo de Riverton, {label}"},
            "proposed_by": "riverton",
            "host": "riverton",
            "capital_cost": rounded(per_km * levee_km(LEVEE_REACH)),
            "annual_cost": rounded(MAINTENANCE_SHARE * per_km * levee_km(LEVEE_REACH)),
            "lifetime_years": 50,
            "construction_years": [2027, 2028, 2029],
            "alternatives": "riverton-levee",
            "approvals": ["riverton", "commission"],  # works in the floodway
            "effects": [flood("riverton-levee", scale=0.0, up_to_return_period=period)],
        }
        for tag, label, period, per_km in levee
    ]
    wall_cost = rounded(20.0e6 * levee_km(FLOODWALL_REACH))
    measures += [
        {
            "id": "ribera-floodwall",
            "name": {
                "en": "Ribera old-town flood wall",
                "es": "Muro de contención del centro de Ribera",
            },
            "proposed_by": "ribera",
            "host": "ribera",
            "capital_cost": wall_cost,
            "annual_cost": rounded(MAINTENANCE_SHARE * wall_cost),
            "lifetime_years": 50,
            "construction_years": [2028, 2029],
            "approvals": ["ribera", "commission"],
            "effects": [flood("ribera-floodwall", scale=0.0, up_to_return_period=100)],
        },
        {
            "id": "upstream-retention-basin",
            "name": {
                "en": "Upstream flood retention basin",
                "es": "Vaso de retención de avenidas aguas arriba",
            },
            "proposed_by": downstream_city,
            "host": BASIN_HOST,
            "capital_cost": 45.0e6,
            "annual_cost": rounded(MAINTENANCE_SHARE * 45.0e6),
            "lifetime_years": 60,
            "construction_years": [2027, 2028, 2029],
            "approvals": [BASIN_HOST, "commission"],
            "co_benefits": {"green_area_ha": 40.0},
            "effects": [flood("downstream-floodplain", scale=0.8, up_to_return_period=50)],
        },
        {
            "id": "channel-restoration",
            "name": {
                "en": "Binational channel restoration",
                "es": "Restauración binacional del cauce",
            },
            "proposed_by": "commission",
            "host": "commission",
            "capital_cost": 12.0e6,
            "annual_cost": 0.4e6,
            "lifetime_years": 25,
            "construction_years": [2027, 2028],
            "approvals": ["riverton", "ribera"],
            "co_benefits": {"green_area_ha": 25.0},
            "effects": [flood("urban-reach-floodplain", shift=-0.3)],
        },
        {
            "id": "ribera-buyout",
            "name": {
                "en": "Buy-out of Ribera's lowest-lying homes",
                "es": "Reubicación de las viviendas más bajas de Ribera",
            },
            "proposed_by": "ribera",
            "host": "ribera",
            "capital_cost": rounded(90_000 * bought),
            "annual_cost": 0.0,
            "lifetime_years": 100,
            "construction_years": [2027, 2028],
            "co_benefits": {"green_area_ha": 10.0},
            "effects": [
                {
                    "type": "exposure",
                    "exposure": "buildings",
                    "zone": zone("ribera-buyout"),
                    "households_field": "dwelling_units",
                }
            ],
        },
        {
            "id": "riverton-floodproofing",
            "name": {
                "en": "Floodproofing of Riverton homes in the 100-year floodplain",
                "es": "Protección contra inundaciones de viviendas de Riverton",
            },
            "proposed_by": "riverton",
            "host": "riverton",
            "capital_cost": rounded(25_000 * homes["riverton"]),
            "lifetime_years": 30,
            "construction_years": [2027, 2028, 2029, 2030],
            "effects": [floodproofing("riverton")],
        },
        {
            "id": "ribera-floodproofing",
            "name": {
                "en": "Floodproofing of Ribera homes in the 100-year floodplain",
                "es": "Protección contra inundaciones de viviendas de Ribera",
            },
            "proposed_by": "ribera",
            "host": "ribera",
            "capital_cost": rounded(6_000 * homes["ribera"]),
            "lifetime_years": 30,
            "construction_years": [2027, 2028, 2029, 2030],
            "effects": [floodproofing("ribera")],
        },
        {
            "id": "heat-health-warning",
            "name": {
                "en": "Binational heat-health warning system",
                "es": "Sistema binacional de alerta de calor y salud",
            },
            "proposed_by": "commission",
            "host": "commission",
            "capital_cost": 0.6e6,
            "annual_cost": 0.3e6,
            "lifetime_years": 15,
            "construction_years": [2026],
            "approvals": ["riverton", "ribera"],
            "effects": [people(0.15)],
        },
    ]
    measures += [
        {
            "id": "riverton-cooling-centres",
            "name": {
                "en": "Riverton cooling centres: longer hours and transport",
                "es": "Centros de enfriamiento de Riverton: más horas y transporte",
            },
            "proposed_by": "riverton",
            "host": "riverton",
            "capital_cost": 1.5e6,
            "annual_cost": 0.4e6,
            "lifetime_years": 20,
            "construction_years": [2026],
            "requires": ["heat-health-warning"],  # the warning opens them
            # the people within a walk of the existing centres (equity.toml's "cooling")
            "effects": [people(0.1, within_minutes_of="cooling")],
        },
        {
            "id": "ribera-new-cooling-centres",
            "name": {
                "en": f"Ribera: {new_centres} new cooling centres beyond a walk of the others",
                "es": f"Ribera: {new_centres} centros de enfriamiento nuevos",
            },
            "proposed_by": "ribera",
            "host": "ribera",
            "capital_cost": NEW_COOLING_CENTRE_COST * new_centres,
            "annual_cost": 0.25e6,
            "lifetime_years": 20,
            "construction_years": [2026],
            "requires": ["heat-health-warning"],
            # the people the new centres bring within a walk
            "effects": [
                people(0.1, within_minutes_of="cooling", new_facilities=NEW_COOLING_CENTRES_FILE)
            ],
        },
    ]
    measures += [
        {
            "id": "riverton-cool-roofs-trees",
            "name": {
                "en": "Riverton old town: cool roofs and street trees",
                "es": "Centro de Riverton: techos fríos y arbolado",
            },
            "proposed_by": "riverton",
            "host": "riverton",
            "capital_cost": 9.0e6,
            "annual_cost": 0.3e6,
            "lifetime_years": 30,
            "construction_years": [2027, 2028, 2029],
            "co_benefits": {"green_area_ha": 30.0},
            "effects": [heat("riverton-old-town", -0.5)],
        },
        {
            "id": "ribera-street-trees",
            "name": {
                "en": "Ribera old town: street trees and shade",
                "es": "Centro de Ribera: arbolado urbano y sombra",
            },
            "proposed_by": "ribera",
            "host": "ribera",
            "capital_cost": 5.0e6,
            "annual_cost": 0.2e6,
            "lifetime_years": 40,
            "construction_years": [2027, 2028, 2029],
            "co_benefits": {"green_area_ha": 45.0},
            "effects": [heat("ribera-old-town", -0.5)],
        },
    ]
    return [with_kind(m) for m in measures]


# What kind of measure each is, for the parties' red lines in negotiation.toml
KINDS = {
    "riverton-levee-1m": "levee",
    "riverton-levee-1-5m": "levee",
    "ribera-floodwall": "flood_wall",
    "upstream-retention-basin": "retention",
    "channel-restoration": "channel",
    "ribera-buyout": "buy_out",
    "riverton-floodproofing": "floodproofing",
    "ribera-floodproofing": "floodproofing",
    "heat-health-warning": "warning",
    "riverton-cooling-centres": "cooling",
    "ribera-new-cooling-centres": "cooling",
    "riverton-cool-roofs-trees": "greening",
    "ribera-street-trees": "greening",
}


def with_kind(measure: dict) -> dict:
    """The measure with its kind after its names."""
    at = list(measure).index("name") + 1
    items = list(measure.items())
    return dict([*items[:at], ("kind", KINDS[measure["id"]]), *items[at:]])


APPRAISAL = {
    "first_year": 2026,
    "last_year": 2075,
    "discount_rate": 0.03,
    "future_scenario": SCENARIO_ID,
    "future_year": 2050,
    "time_exponent": 1.0,
    "co_benefit_values": {"green_area_ha": 12000.0},  # USD per ha and year (README)
    # a value of statistical life, the same on both banks (README: USD 4.7 M)
    "unit_values": {"deaths": 4.7e6},
}
# The uncertain inputs, each uniform over its range (README: where the ranges come from)
UNCERTAINTY = {
    "samples": 200,
    "seed": 2026,
    "damage_scale": {"low": 0.7, "high": 1.3},
    "asset_value_scale": {"low": 0.8, "high": 1.2},
    "effectiveness": {"low": 0.6, "high": 1.0},
    "discount_rate": {"low": 0.01, "high": 0.05},
    "future_weight": {"low": 0.5, "high": 1.5},
}


def toml_value(value) -> str:
    """A TOML value: strings, numbers, lists and inline tables."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml_keys(table: dict) -> str:
    return "\n".join(f"{key} = {toml_value(value)}" for key, value in table.items())


def measures_config(measures: list[dict]) -> str:
    """The text of measures.toml."""
    blocks = [
        "# Candidate measures of Twin Rivers (format: docs/measures-config.md). Written by\n"
        "# generate.py from its constants: change them there. Costs are fictional (USD, the\n"
        "# region currency); README.md says what each one stands for.",
        "[appraisal]\n" + toml_keys(APPRAISAL),
        "[uncertainty]\n" + toml_keys(UNCERTAINTY),
    ]
    for measure in measures:
        fields = {key: value for key, value in measure.items() if key != "effects"}
        blocks.append("[[measures]]\n" + toml_keys(fields))
        blocks += ["[[measures.effects]]\n" + toml_keys(e) for e in measure["effects"]]
    return "\n\n".join(blocks) + "\n"


def write_measures(
    out: Path,
    frame: Frame,
    plans: dict[str, CityPlan],
    per_party: dict[str, tuple],
    dem: np.ndarray,
    dem_transform,
    hand: np.ndarray,
) -> dict[str, int]:
    """The measure zones (GeoJSON, lon/lat) and measures.toml; returns the buildings in
    the zones that size the costs."""
    zones = flood_zones(frame, dem, hand, dem_transform)
    buildings = {party: bld for party, (bld, *_) in per_party.items()}
    for zone, polygon in zones.items():
        write_vector(
            pd.DataFrame({"id": [zone], "description": [ZONES[zone]]}),
            [polygon],
            ZONE_CRS,
            out / zone_path(zone),
            multi=True,
            geometry_crs=ZONE_CRS,
        )
    for zone, polygon in heat_zones(plans).items():
        write_vector(
            pd.DataFrame({"id": [zone], "description": [ZONES[zone]]}),
            [polygon],
            ZONE_CRS,
            out / zone_path(zone),
            multi=True,
        )
    _, census, demo, facilities = per_party["ribera"]
    new_centres = new_cooling_centres(census, demo, facilities, "ribera")
    write_vector(
        pd.DataFrame(
            {
                "id": [f"ribera-new-cooling-{i + 1}" for i in range(len(new_centres))],
                "description": "a new cooling centre of the ribera-new-cooling-centres measure",
            }
        ),
        new_centres,
        ZONE_CRS,
        out / NEW_COOLING_CENTRES_FILE,
    )
    dwellings = {
        party: bld["label"].isin([c.label for c in table if c.dwellings])
        for party, table in (("riverton", US_CLASSES), ("ribera", MX_CLASSES))
        for bld in [buildings[party]]
    }
    homes = {
        party: int(
            (buildings_inside(zones[f"{party}-floodplain-100yr"], bld) & dwellings[party]).sum()
        )
        for party, bld in buildings.items()
    }
    bought = int(buildings_inside(zones["ribera-buyout"], buildings["ribera"]).sum())
    river_km = frame.river.length / 1000.0
    measures = candidate_measures(river_km, homes, bought, len(new_centres))
    (out / "measures.toml").write_text(measures_config(measures), encoding="utf-8")
    return {
        "measures": len(measures),
        "riverton homes floodproofed": homes["riverton"],
        "ribera homes floodproofed": homes["ribera"],
        "ribera buildings bought out": bought,
    }


# --------------------------------------------------------------------------------------
# Writers: one per format. The suffix picks the driver, as the manifest's format guess.
# --------------------------------------------------------------------------------------

VECTOR_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON"}


def write_vector(
    df: pd.DataFrame,
    geometry,
    crs: str,
    path: Path,
    layer: str | None = None,
    multi: bool = False,
    geometry_crs: str = ANALYSIS_CRS,
) -> None:
    """Write a table with geometries (in the analysis CRS unless said) as a vector layer
    in the party's CRS. Several layers may go into one GeoPackage (call once per layer)."""
    gdf = gpd.GeoDataFrame(
        df.reset_index(drop=True), geometry=list(geometry), crs=geometry_crs
    ).to_crs(crs)
    driver = VECTOR_DRIVERS[path.suffix]
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {}
    if driver == "ESRI Shapefile":
        options = {"ENCODING": "UTF-8", "DBF_DATE_LAST_UPDATE": FIXED_DATE}
    elif driver == "GPKG":
        # no R-tree: it would double the size of the example; readers build their own
        options = {"SPATIAL_INDEX": "NO"}
    pyogrio.write_dataframe(
        gdf, path, layer=layer, driver=driver, promote_to_multi=multi, layer_options=options
    )


def write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_raster(array: np.ndarray, transform, crs: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "dtype": "float32",
        "count": 1,
        "width": array.shape[1],
        "height": array.shape[0],
        "crs": crs,
        "transform": transform,
        "nodata": NODATA,
        "compress": "DEFLATE",
        "predictor": 3,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
        dst.update_tags(1, UNITS="m")
        dst.set_band_unit(1, "metre")


def points(df: pd.DataFrame) -> np.ndarray:
    return shapely.points(df["x"].to_numpy(), df["y"].to_numpy())


# --------------------------------------------------------------------------------------
# Per-party output: the party's own names, labels, units and CRS
# --------------------------------------------------------------------------------------

OUTPUTS = [
    "riverton/city_limits.gpkg",
    "riverton/buildings.csv",
    "riverton/block_groups.shp",
    "riverton/block_groups.shx",
    "riverton/block_groups.dbf",
    "riverton/block_groups.prj",
    "riverton/block_groups.cpg",
    "riverton/facilities.geojson",
    "riverton/roads.gpkg",
    "ribera/limite_municipal.gpkg",
    "ribera/edificaciones.gpkg",
    "ribera/ageb.gpkg",
    "ribera/equipamiento.gpkg",
    "ribera/vialidades.gpkg",
    "commission/river.geojson",
    "commission/infrastructure.geojson",
    "commission/bridges.geojson",
    "commission/dem.tif",
    "commission/hand.tif",
    "commission/weather_station.csv",
    "commission/heat_mortality.csv",
    "ribera/curvas_danos.csv",
    "scenarios/rcp85_2050_hazard.csv",
    "scenarios/rcp85_2050_exposure.csv",
    "risk.toml",
    "money/exchange_rates.csv",
    "money/price_indices.csv",
    *MEASURE_ZONE_FILES,
    NEW_COOLING_CENTRES_FILE,
    "measures.toml",
]


def write_riverton(
    out: Path,
    frame: Frame,
    bld: pd.DataFrame,
    zones: np.ndarray,
    demo: pd.DataFrame,
    fac: pd.DataFrame,
    roads: RoadGraph,
) -> None:
    crs = PARTY_CRS["riverton"]
    write_vector(
        pd.DataFrame({"CITY_ID": ["4899990"], "NAME": ["City of Riverton"]}),
        [frame.cities["riverton"]],
        crs,
        out / "riverton/city_limits.gpkg",
        "city_limits",
    )

    # buildings: a plain CSV of State Plane coordinates (US survey feet), as an assessor
    # export would be; the CRS is known only from the manifest
    xf, yf = Transformer.from_crs(ANALYSIS_CRS, crs, always_xy=True).transform(
        bld["x"].to_numpy(), bld["y"].to_numpy()
    )
    write_csv(
        pd.DataFrame(
            {
                "BLDG_ID": np.arange(1, len(bld) + 1) + 100000,
                "X_FT": np.round(xf, 2),
                "Y_FT": np.round(yf, 2),
                "OCC_TYPE": bld["label"],
                "REPL_COST": np.round(bld["value"], -2).astype(int),
                "CONTENTS_COST": np.round(bld["contents"], -2).astype(int),
                "SQFT": bld["area"],
                "STORIES": bld["stories"],
                "FFH_FT": bld["ffh"].round(1),
                "YR_BUILT": bld["year"],
                "UNITS": bld["units"],
            }
        ),
        out / "riverton/buildings.csv",
    )

    codes = zone_codes("riverton", zones)
    order = np.argsort(codes)  # files list their zones in code order
    write_vector(
        pd.DataFrame(
            {
                "GEOID": codes,
                "TOT_POP": demo["pop"],
                "HH": demo["hh"],
                "AGE65UP": demo["age65"],
                "AGEU5": demo["ageu5"],
                "POV_POP": demo["poverty"],
                "DISABL": demo["disability"],
                "LEP": demo["language"],
                "NO_VEH": demo["no_vehicle"],
                "RENTER_HH": demo["renters"],
                "MINORITY": demo["minority"],
                "MED_INC": demo["income"],
                "AREA_AC": demo["area"],
                "LST_F": demo["lst"],
            }
        ).iloc[order],
        zones[order],
        crs,
        out / "riverton/block_groups.shp",
    )

    write_vector(
        pd.DataFrame(
            {
                "FAC_ID": [f"RVT-F{k + 1:03d}" for k in range(len(fac))],
                "NAME": fac["name"],
                "TYPE": fac["label"],
                "CAPACITY": fac["capacity"],
                "BEDS": fac["beds"],
                "VALUE": fac["value"].astype("int64"),
            }
        ),
        points(fac),
        crs,
        out / "riverton/facilities.geojson",
    )

    write_roads(
        "riverton",
        roads,
        crs,
        out / "riverton/roads.gpkg",
        "roads",
        ["SEG_ID", "FROM_NODE", "TO_NODE", "CLASS", "SPEED_MPH", "LANES", "NAME"],
    )


def write_ribera(
    out: Path,
    frame: Frame,
    bld: pd.DataFrame,
    zones: np.ndarray,
    demo: pd.DataFrame,
    fac: pd.DataFrame,
    roads: RoadGraph,
) -> None:
    crs = PARTY_CRS["ribera"]
    write_vector(
        pd.DataFrame({"CVE_ENT": ["28"], "CVE_MUN": ["099"], "NOMBRE": ["Ciudad Ribera"]}),
        [frame.cities["ribera"]],
        crs,
        out / "ribera/limite_municipal.gpkg",
        "limite",
    )

    write_vector(
        pd.DataFrame(
            {
                "CLAVE": [f"RIB-{k + 1:07d}" for k in range(len(bld))],
                "USO": bld["label"],
                "VALOR_REPOSICION": np.round(bld["value"], -3).astype(int),
                "VALOR_CONTENIDO": np.round(bld["contents"], -3).astype(int),
                "SUP_M2": bld["area"],
                "NIVELES": bld["stories"],
                "ALTURA_DESPLANTE_M": (bld["ffh"] * 20).round() / 20,
                "ANIO_CONSTR": bld["year"],
                "VIVIENDAS": bld["units"],
            }
        ),
        points(bld),
        crs,
        out / "ribera/edificaciones.gpkg",
        "edificaciones",
    )

    codes = zone_codes("ribera", zones)
    order = np.argsort(codes)
    write_vector(
        pd.DataFrame(
            {
                "CVEGEO": codes,
                "POBTOT": demo["pop"],
                "HOGARES": demo["hh"],
                "P_65YMAS": demo["age65"],
                "P_0A4": demo["ageu5"],
                "POB_POBREZA": demo["poverty"],
                "PCON_DISC": demo["disability"],
                "P3YM_HLI_NHE": demo["language"],
                "VPH_NOAUTO": demo["no_vehicle"],
                "VPH_RENTA": demo["renters"],
                "POB_INDIGENA": demo["minority"],
                "ING_MEDIANO": demo["income"],
                "SUP_HA": demo["area"],
                "TEMP_SUP_C": demo["lst"],
            }
        ).iloc[order],
        zones[order],
        crs,
        out / "ribera/ageb.gpkg",
        "ageb",
        multi=True,
    )

    infra = fac["label"].isin(MX_INFRA_TYPES)
    eq, inf = fac[~infra], fac[infra]
    write_vector(
        pd.DataFrame(
            {
                "ID_EQUIP": [f"EQ-{k + 1:04d}" for k in range(len(eq))],
                "NOMBRE": eq["name"].to_numpy(),
                "TIPO": eq["label"].to_numpy(),
                "CAPACIDAD": eq["capacity"].to_numpy(),
                "CAMAS": eq["beds"].to_numpy(),
            }
        ),
        points(eq),
        crs,
        out / "ribera/equipamiento.gpkg",
        "equipamiento",
    )
    write_vector(
        pd.DataFrame(
            {
                "ID_INFRA": [f"IN-{k + 1:04d}" for k in range(len(inf))],
                "NOMBRE": inf["name"].to_numpy(),
                "TIPO": inf["label"].to_numpy(),
                "VALOR": inf["value"].astype("int64").to_numpy(),
            }
        ),
        points(inf),
        crs,
        out / "ribera/equipamiento.gpkg",
        "infraestructura",
    )

    write_roads(
        "ribera",
        roads,
        crs,
        out / "ribera/vialidades.gpkg",
        "vialidades",
        ["ID_SEG", "NODO_INI", "NODO_FIN", "TIPO", "VEL_KMH", "CARRILES", "NOMBRE"],
    )


def write_roads(
    party: str, g: RoadGraph, crs: str, path: Path, layer: str, columns: list[str]
) -> None:
    """Road segments with the party's class labels, speeds and names (columns are the
    party's names for: id, from node, to node, class, speed, lanes, name). Lanes belong
    to a whole street, so they follow from the grid line, not from the segment."""
    e = g.edges
    labels = ROAD_CLASSES[party]
    rows = zip(e["cls"], e["axis"], e["line"], strict=True)
    lanes, names = [], []
    for cls, axis, line in rows:
        choices = labels[cls][2]  # a fixed mix of 4- and 6-lane arterials, etc.
        lanes.append(choices[(line * 7 + (axis == "u")) % len(choices)])
        names.append(street_name(party, cls, axis, line))
    values = [
        np.arange(1, len(e) + 1),
        e["from_id"],
        e["to_id"],
        [labels[c][0] for c in e["cls"]],
        [labels[c][1] for c in e["cls"]],
        lanes,
        names,
    ]
    table = pd.DataFrame(dict(zip(columns, values, strict=True)))
    write_vector(table, e["geometry"], crs, path, layer)


def write_commission(
    out: Path, frame: Frame, bridges: list[dict], infra: list[dict], dem: np.ndarray, dem_transform
) -> np.ndarray:
    """The commission's files; returns the HAND grid written to ``hand.tif``."""
    crs = PARTY_CRS["commission"]
    write_vector(
        pd.DataFrame(
            {
                "id": ["TR-RIV-01", "TR-RIV-02"],
                "name": ["Rio Grande", "Rio Grande"],
                "feature": ["centre line", "channel"],
                "width_m": [RIVER_WIDTH_M, RIVER_WIDTH_M],
            }
        ),
        [frame.river, frame.channel],
        crs,
        out / "commission/river.geojson",
    )
    b = pd.DataFrame(bridges)
    write_vector(b.drop(columns="geometry"), b["geometry"], crs, out / "commission/bridges.geojson")
    i = pd.DataFrame(infra)
    write_vector(
        i.drop(columns="geometry"), i["geometry"], crs, out / "commission/infrastructure.geojson"
    )
    write_raster(dem, dem_transform, crs, out / "commission/dem.tif")
    hand = make_hand(dem, dem_transform, frame)
    write_raster(hand, dem_transform, crs, out / "commission/hand.tif")
    return hand


def write_money(out: Path) -> None:
    """Exchange rates and price indices (published annual averages, rounded)."""
    usd_per_mxn = {2019: 19.26, 2020: 21.49, 2021: 20.27, 2022: 20.13, 2023: 17.76}
    write_csv(
        pd.DataFrame(
            {
                "from_currency": "MXN",
                "to_currency": "USD",
                "year": list(usd_per_mxn),
                "rate": [round(1.0 / r, 8) for r in usd_per_mxn.values()],
                "source": "Banco de México FIX, annual average (rounded, for the synthetic demo)",
            }
        ),
        out / "money/exchange_rates.csv",
    )
    cpi = {2019: 255.657, 2020: 258.811, 2021: 270.970, 2022: 292.655, 2023: 304.702}
    inpc = {2019: 103.0, 2020: 106.4, 2021: 112.4, 2022: 121.6, 2023: 128.6}
    bls = "US BLS CPI-U, U.S. city average, all items, annual average, 1982-84=100"
    inegi = (
        "INEGI INPC, annual average, base second half of July 2018 = 100 "
        "(rounded approximations for the synthetic demo)"
    )
    rows = [("US", y, i, bls) for y, i in cpi.items()] + [
        ("MX", y, i, inegi) for y, i in inpc.items()
    ]
    write_csv(
        pd.DataFrame(rows, columns=["country", "year", "index", "source"]),
        out / "money/price_indices.csv",
    )


# --------------------------------------------------------------------------------------


def generate(seed: int, out: Path) -> dict[str, int]:
    # GDAL stamps "now" into GeoPackages; pin it so that reruns are byte-identical
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": f"{FIXED_DATE}T00:00:00.000Z"})
    for rel in OUTPUTS:  # start clean: GeoPackages would otherwise keep stale layers
        (out / rel).unlink(missing_ok=True)

    rng = np.random.default_rng(seed)
    frame = make_frame(rng)
    plans = make_plans(rng, frame)
    bounds = frame.box.bounds
    classes = {"riverton": (US_CLASSES, 2019), "ribera": (MX_CLASSES, 2020)}
    counts: dict[str, int] = {}
    graphs, per_party = {}, {}
    for party, plan in plans.items():
        table, last_year = classes[party]
        bld = make_buildings(rng, plan, table, N_BUILDINGS[party], bounds, last_year)
        res_xy = bld.loc[bld["units"] > 0, ["x", "y"]].to_numpy()
        zones = make_zone_polygons(rng, plan, frame.box, res_xy, N_ZONES[party])
        demo = make_demographics(rng, party, plan, zones, bld, frame.river)
        bld_xy = bld[["x", "y"]].to_numpy()
        graphs[party] = make_road_graph(rng, plan, frame, bld_xy)
        fac = make_facilities(rng, plan, bld_xy, frame.river)
        per_party[party] = (bld, zones, demo, fac)
        counts.update(
            {
                f"{party} buildings": len(bld),
                f"{party} zones": len(zones),
                f"{party} population": int(demo["pop"].sum()),
                f"{party} facilities": len(fac),
                f"{party} road segments": len(graphs[party].edges),
                f"{party} road nodes": len(graphs[party].nodes),
            }
        )
    bridges = make_bridges(frame, graphs)
    infra = make_commission_infrastructure(rng, frame, bridges)
    dem, dem_transform = make_dem(rng, frame)
    counts.update(
        {
            "bridges": len(bridges),
            "commission infrastructure": len(infra),
            "river vertices": len(frame.river.coords),
            "dem cells": dem.size,
        }
    )

    write_riverton(out, frame, *per_party["riverton"], graphs["riverton"])
    write_ribera(out, frame, *per_party["ribera"], graphs["ribera"])
    hand = write_commission(out, frame, bridges, infra, dem, dem_transform)
    write_money(out)
    write_risk_setup(out, np.random.default_rng(seed + 1))  # its own stream: the rest is unchanged
    counts.update(write_measures(out, frame, plans, per_party, dem, dem_transform, hand))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    for name, n in generate(args.seed, args.out).items():
        print(f"{name:>30}: {n}")


if __name__ == "__main__":
    main()
