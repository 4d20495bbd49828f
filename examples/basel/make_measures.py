"""Write ``measures/*.geojson`` (the zones of the candidate measures) and ``measures.toml``
for the Basel tri-national region, from the bundle in ``../shared/data/basel-trinational/``.

Zones are built from the bundle's 30" HAND raster (the same raster the flood hazard uses),
so a zone holds exactly the raster cells whose depth the measure changes:

* a raster cell is *floodplain* when HAND < 2 m and it lies inside the census box;
* it belongs to a river when it is one of that river's drainage cells (upstream area in
  the river's range: Rhine > 30,000 km², Wiese 300-500 km²), or when it is a non-drainage
  floodplain cell (upstream area < 10 km²) within 1 km of one of them;
* it belongs to the party of the municipality holding its centre (on the generalised,
  slightly overlapping borders: the municipality covering most of the cell).

Each zone is the union of its cells (square raster cells, EPSG:4326). The heat zone is a
1.5-km circle around Basel Marktplatz (47.5580 N, 7.5880 E), drawn in EPSG:3035.

Deterministic (no randomness): ``python examples/basel/make_measures.py`` rewrites the
same files. Costs are order-of-magnitude assumptions; README.md § "Measures" says what
each stands for.
"""

# ruff: noqa: E501  (the TOML written below names each measure in four languages on one
# line: TOML inline tables cannot be wrapped)

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from shapely.geometry import Point, box, mapping
from shapely.ops import unary_union

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data" / "basel-trinational"
BUNDLE = DATA / "basel_trinational.gpkg"
HAND = DATA / "rhine30s_hand_m_basel.tif"
UPAREA = DATA / "rhine30s_upstream_area_km2_basel.tif"
OUT_DIR = HERE / "measures"
TOML = HERE / "measures.toml"

FLOODPLAIN_HAND_M = 2.0
RIVERS_KM2 = {"rhine": (30_000.0, 1e9), "wiese": (300.0, 500.0)}
LOCAL_KM2 = 10.0  # below this upstream area a cell is not a drainage cell of a river
NEAR_M = 1000.0  # a non-drainage floodplain cell this close to a river's cell joins it
METRIC = "EPSG:3035"
MARKTPLATZ = (7.5880, 47.5580)  # lon, lat
OLD_TOWN_RADIUS_M = 1500.0
FR_BANK_MUNICIPALITIES = ("Huningue", "Saint-Louis", "Village-Neuf")


def floodplain_cells() -> gpd.GeoDataFrame:
    """HAND < 2 m raster cells in the census box, with upstream area, river and party."""
    with rasterio.open(HAND) as src, rasterio.open(UPAREA) as up_src:
        hand, nodata, tf = src.read(1), src.nodata, src.transform
        up = up_src.read(1)
    rows, cols = np.nonzero((hand < FLOODPLAIN_HAND_M) & (hand != nodata))
    geoms = [box(*(tf * (c, r + 1)), *(tf * (c + 1, r))) for r, c in zip(rows, cols, strict=True)]
    cells = gpd.GeoDataFrame(
        {"row": rows, "col": cols, "hand_m": hand[rows, cols], "uparea_km2": up[rows, cols]},
        geometry=geoms,
        crs="EPSG:4326",
    )
    census = gpd.read_file(BUNDLE, layer="census2021_grid_1km").to_crs("EPSG:4326")
    inside = shapely.within(shapely.centroid(cells.geometry.values), box(*census.total_bounds))
    cells = cells[inside].copy()

    munis = gpd.read_file(BUNDLE, layer="municipalities").to_crs("EPSG:4326")
    names, parties = [], []
    for cell in cells.geometry:
        hits = munis[munis.contains(shapely.centroid(cell))]
        if hits.empty:
            names.append(None)
            parties.append(None)
            continue
        overlap = shapely.area(shapely.intersection(hits.geometry.values, cell))
        best = hits.iloc[int(np.argmax(overlap))]
        names.append(best["name"])
        parties.append(best["country"].lower())
    cells["municipality"], cells["party"] = names, parties

    metric = cells.to_crs(METRIC).geometry.centroid
    cells["river"] = None
    for river, (lo, hi) in RIVERS_KM2.items():
        drain = (cells["uparea_km2"] >= lo) & (cells["uparea_km2"] < hi)
        cells.loc[drain, "river"] = river
    for river in RIVERS_KM2:
        own = metric[cells["river"] == river]
        local = (cells["uparea_km2"] < LOCAL_KM2) & cells["river"].isna()
        for i in cells.index[local]:
            if own.distance(metric[i]).min() <= NEAR_M + 1.0:
                cells.loc[i, "river"] = river
    return cells.sort_values(["row", "col"])


def write_zone(name: str, geometry, properties: dict) -> str:
    OUT_DIR.mkdir(exist_ok=True)
    fc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [{"type": "Feature", "properties": properties, "geometry": mapping(geometry)}],
    }
    path = OUT_DIR / f"{name}.geojson"
    path.write_text(json.dumps(fc, indent=1) + "\n", encoding="utf-8")
    return f"measures/{name}.geojson"


def cell_zone(name: str, cells: gpd.GeoDataFrame, description: str) -> str:
    if cells.empty:
        raise SystemExit(f"zone {name} is empty")
    props = {
        "description": description,
        "raster_cells": len(cells),
        "municipalities": sorted({str(m) for m in cells["municipality"]}),
    }
    geom = unary_union(list(cells.geometry)).buffer(0)
    print(f"{name}: {len(cells)} cells ({', '.join(props['municipalities'])})")
    return write_zone(name, geom, props)


# ---------------------------------------------------------------------------------------
# Measures (costs in EUR, 2026 money; order of magnitude, see README.md § "Measures")
APPRAISAL = """[appraisal]
first_year = 2026
last_year = 2075
discount_rate = 0.02
future_scenario = "ch2018-rcp85-2060"
future_year = 2060
time_exponent = 1.0
# ASSUMPTION: one value of a statistical life on all three sides, EUR 4.2 M: the OECD
# (2012) base value for the EU-27, USD 3.6 M at 2005 prices (EUR 2.9 M at 1.244 USD/EUR),
# carried to 2023 by euro-area HICP (x 1.45)
unit_values = { deaths = 4.2e6 }

[uncertainty]
samples = 200
seed = 2026
damage_scale = { low = 0.7, high = 1.3 }
asset_value_scale = { low = 0.7, high = 1.3 }   # census-derived values, labelled synthetic
effectiveness = { low = 0.6, high = 1.0 }
discount_rate = { low = 0.0, high = 0.04 }
future_weight = { low = 0.5, high = 1.5 }
"""


def measures_toml(z: dict[str, str]) -> str:
    return f"""# Candidate measures of the Basel tri-national region (format: docs/measures-config.md).
# Written by make_measures.py (zones from the bundle's HAND raster): change it there.
# Costs are order-of-magnitude assumptions in EUR; README.md § "Measures" says what each
# one stands for.

{APPRAISAL}
# (1) Cross-border: built and paid in Germany, most of the benefit in Basel.
[[measures]]
id = "wiese-retention"
name = {{ de = "Hochwasserrückhalt an der Wiese (Lörrach/Steinen)", fr = "Rétention des crues de la Wiese (Lörrach/Steinen)", en = "Wiese flood retention (Lörrach/Steinen)" }}
kind = "retention"
proposed_by = "ch"
host = "de"
capital_cost = 30e6
annual_cost = 3e5
lifetime_years = 50
construction_years = [2027, 2028, 2029]
approvals = ["de"]

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = {{ path = "{z["wiese_de"]}" }}
scale = 0.8
up_to_return_period = 100

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = {{ path = "{z["wiese_kleinbasel"]}" }}
scale = 0.8
up_to_return_period = 100

# (2)
[[measures]]
id = "basel-rhine-embankment"
name = {{ de = "Erhöhung der Rheinufer (Schweizer Ufer)", fr = "Rehaussement des berges du Rhin (rive suisse)", en = "Rhine embankment raise (Swiss bank)" }}
kind = "levee"
proposed_by = "ch"
host = "ch"
capital_cost = 120e6
annual_cost = 1.2e6
lifetime_years = 50
construction_years = [2027, 2028, 2029, 2030]
approvals = ["ch"]

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = {{ path = "{z["rhine_ch"]}" }}
scale = 0.0
up_to_return_period = 300

# (3)
[[measures]]
id = "fr-bank-flood-wall"
name = {{ de = "Hochwasserschutzmauer am französischen Ufer (Huningue/Village-Neuf)", fr = "Mur anti-crue de la rive française (Huningue/Village-Neuf)", en = "French bank flood wall (Huningue/Village-Neuf)" }}
kind = "flood_wall"
proposed_by = "fr"
host = "fr"
capital_cost = 25e6
annual_cost = 2.5e5
lifetime_years = 50
construction_years = [2028, 2029]
approvals = ["fr"]

[[measures.effects]]
type = "hazard"
hazard = "river-flood"
zone = {{ path = "{z["rhine_fr"]}" }}
scale = 0.0
up_to_return_period = 300

# (4)
[[measures]]
id = "basel-cooling-centres"
name = {{ de = "Kühlräume in der Basler Innenstadt", fr = "Espaces rafraîchis au centre de Bâle", en = "Cooling centres in central Basel" }}
kind = "cooling"
proposed_by = "ch"
host = "ch"
capital_cost = 5e5
annual_cost = 4e5
lifetime_years = 25
construction_years = [2026]
approvals = ["ch"]

[[measures.effects]]
type = "people"
hazard = "heat"
exposure = "heat-deaths"
reduction = 0.1                  # ASSUMPTION: 10 % fewer heat deaths within reach
zone = {{ path = "{z["old_town"]}" }}

# (5)
[[measures]]
id = "trinational-heat-warning"
name = {{ de = "Trinationaler Hitzewarn- und Aktionsplan", fr = "Plan trinational d'alerte et d'action canicule", en = "Trinational heat-health warning system" }}
kind = "warning"
proposed_by = "ch"
host = "ch"
capital_cost = 1e6
annual_cost = 6e5
lifetime_years = 25
construction_years = [2026]
approvals = ["ch", "de", "fr"]

[[measures.effects]]
type = "people"
hazard = "heat"
exposure = "heat-deaths"
reduction = 0.15                 # ASSUMPTION: 15 % fewer heat deaths everywhere

# (6)
[[measures]]
id = "trinational-flood-pool"
name = {{ de = "Trinationaler Hochwasser-Versicherungspool", fr = "Pool d'assurance crue trinational", en = "Trinational flood insurance pool" }}
kind = "insurance"
proposed_by = "de"
host = "ch"
capital_cost = 2e6
annual_cost = 5e5
lifetime_years = 50
construction_years = [2026]
approvals = ["ch", "de", "fr"]

[[measures.effects]]
type = "risk_transfer"
hazard = "river-flood"
exposure = "residential-buildings"
attachment = 50e6                # per event, EUR
cover = 1e9
cost_factor = 1.3
"""


def main() -> None:
    cells = floodplain_cells()
    z = {}
    rhine, wiese = cells["river"] == "rhine", cells["river"] == "wiese"
    z["rhine_ch"] = cell_zone(
        "rhine_ch",
        cells[rhine & (cells["party"] == "ch")],
        "Rhine floodplain (HAND < 2 m) on the Swiss side of the census box",
    )
    z["rhine_fr"] = cell_zone(
        "rhine_fr",
        cells[
            rhine & (cells["party"] == "fr") & cells["municipality"].isin(FR_BANK_MUNICIPALITIES)
        ],
        "Rhine floodplain (HAND < 2 m) on the French bank: Huningue, Saint-Louis, Village-Neuf",
    )
    z["wiese_de"] = cell_zone(
        "wiese_de",
        cells[wiese & (cells["party"] == "de")],
        "Wiese floodplain (HAND < 2 m) in Germany (Steinen, Lörrach, Weil am Rhein)",
    )
    z["wiese_kleinbasel"] = cell_zone(
        "wiese_kleinbasel",
        cells[wiese & (cells["party"] == "ch")],
        "Wiese floodplain (HAND < 2 m) in Switzerland: Riehen and Kleinbasel down to the Rhine",
    )
    centre = gpd.GeoSeries([Point(MARKTPLATZ)], crs="EPSG:4326").to_crs(METRIC)
    circle = centre.buffer(OLD_TOWN_RADIUS_M, quad_segs=32).to_crs("EPSG:4326").iloc[0]
    z["old_town"] = write_zone(
        "basel_old_town",
        circle,
        {"description": "1.5 km around Basel Marktplatz (47.5580 N, 7.5880 E)"},
    )
    print(f"basel_old_town: circle r = {OLD_TOWN_RADIUS_M:.0f} m")
    TOML.write_text(measures_toml(z), encoding="utf-8")
    print(f"wrote {TOML.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
