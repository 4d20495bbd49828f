"""Write ``synthetic/roads.gpkg``: a documented synthetic road graph for the Basel bundle,
which has no road network.

SYNTHETIC. Nodes are the centres of the real 1-km census grid cells; links join each cell
to its 8 neighbours (1 km, or 1.41 km diagonally) at an urban 30 km/h. Where a link would
cross the Rhine (the reaches of the bundle's derived river network draining more than
30,000 km²), it exists only next to one of the Rhine's road bridges in the box (positions
approximate, read from public maps, ± 300 m); every other link over the Rhine is dropped.
Links between cells of two countries are left in place: they are the land border's
crossings, and the Rhine bridges between France/Germany and Switzerland/Germany among
them. The Wiese and the Birs, small rivers with many bridges, are not barriers here.

Deterministic (no randomness): ``python examples/basel/make_roads.py`` rewrites the same
file from the bundle in ``../shared/data/basel-trinational/``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Point

HERE = Path(__file__).resolve().parent
BUNDLE = HERE.parents[1].parent / "shared" / "data" / "basel-trinational" / "basel_trinational.gpkg"
OUT = HERE / "synthetic" / "roads.gpkg"
GRID_CRS = "EPSG:3035"
CELL_M = 1000.0
RHINE_MIN_UPAREA_KM2 = 30_000.0
BRIDGE_REACH_M = 750.0  # a link over the Rhine this close to a bridge uses it
SPEED_KMH = 30
#: Road bridges over the Rhine in the box (longitude, latitude; approximate).
RHINE_BRIDGES = {
    "Palmrainbrücke (Weil am Rhein – Huningue)": (7.5870, 47.6075),
    "Dreirosenbrücke (Basel)": (7.5865, 47.5676),
    "Johanniterbrücke (Basel)": (7.5848, 47.5634),
    "Mittlere Brücke (Basel)": (7.5891, 47.5603),
    "Wettsteinbrücke (Basel)": (7.5933, 47.5568),
    "Schwarzwaldbrücke (Basel)": (7.6052, 47.5530),
}


def lattice_links(centres: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of cells whose centres are neighbours (8-neighbourhood on the 1-km grid)."""
    pairs = cKDTree(centres).query_pairs(CELL_M * np.sqrt(2) + 1.0)
    return sorted(pairs)


def main() -> None:
    cells = gpd.read_file(BUNDLE, layer="census2021_grid_1km").to_crs(GRID_CRS)
    rivers = gpd.read_file(BUNDLE, layer="rivers_derived_d8").to_crs(GRID_CRS)
    rhine = rivers[rivers["uparea"] > RHINE_MIN_UPAREA_KM2].geometry.union_all()
    bridges = gpd.GeoSeries([Point(xy) for xy in RHINE_BRIDGES.values()], crs="EPSG:4326").to_crs(
        GRID_CRS
    )
    centres = np.column_stack((cells.geometry.centroid.x, cells.geometry.centroid.y))
    lines, names, kinds = [], [], []
    for a, b in lattice_links(centres):
        line = LineString([centres[a], centres[b]])
        over_rhine = line.intersects(rhine)
        if over_rhine:
            near = bridges.distance(line.interpolate(0.5, normalized=True))
            if near.min() > BRIDGE_REACH_M:
                continue
            names.append(list(RHINE_BRIDGES)[int(np.argmin(near.to_numpy()))])
        else:
            names.append("")
        lines.append(line)
        kinds.append("Rhine bridge" if over_rhine else "Street")
    roads = gpd.GeoDataFrame(
        {
            "road_id": np.arange(1, len(lines) + 1),
            "kind": kinds,
            "name": names,
            "speed_kmh": SPEED_KMH,
        },
        geometry=lines,
        crs=GRID_CRS,
    )
    OUT.parent.mkdir(exist_ok=True)
    roads.to_file(OUT, layer="roads", driver="GPKG")
    print(f"{len(roads):,} links, {sum(k == 'Rhine bridge' for k in kinds)} over the Rhine")


if __name__ == "__main__":
    main()
