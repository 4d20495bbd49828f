"""Coordinate reference systems: parsing, the analysis CRS, and reprojection with pyproj."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pyproj
from pyproj.transformer import Transformer, TransformerGroup

from bordercompact.region.manifest import Dataset
from bordercompact.region.problems import ProblemLog


def analysis_crs_problem(crs: pyproj.CRS) -> str | None:
    """Why ``crs`` cannot be the analysis CRS (areas and distances in metres), or None."""
    if not crs.is_projected:
        return f"{crs.name} is not projected"
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if unit not in ("metre", "meter"):
        return f"{crs.name} is in {unit}"
    return None


#: How far areas in the analysis CRS may be from true areas before it is reported.
MAX_AREAL_DISTORTION = 0.01


def areal_scale(crs: pyproj.CRS, x: float, y: float) -> float:
    """Ratio of an area measured in ``crs`` to the true area on the ellipsoid at the point
    (x, y) of ``crs`` (1 for an equal-area projection; ≈ 2.2 for Web Mercator at 47.5°N).

    Reference: Snyder, J. P. (1987), *Map Projections — A Working Manual*, USGS Professional
    Paper 1395, ch. 4 (scale factors h, k and the areal scale h·k·sin θ'), as computed by
    PROJ's ``proj_factors``.
    """
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
    return float(pyproj.Proj(crs).get_factors(lon, lat).areal_scale)


@dataclass(frozen=True)
class Reprojection:
    """How a layer goes from its CRS to the analysis CRS; what the harmonization log shows."""

    source: str
    target: str
    operation: str
    accuracy_m: float | None
    missing_grids: tuple[str, ...] = ()  # grids of better operations PROJ could not find

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.source,
            "to": self.target,
            "operation": self.operation,
            "accuracy_m": self.accuracy_m,
            "missing_grids": list(self.missing_grids),
        }

    def report_missing_grids(
        self,
        problems: ProblemLog,
        file: str,
        dataset: str,
        layer: str | None,
        tolerance_m: float,
    ) -> None:
        """Warn when a more accurate datum shift exists but its grid is not installed, and
        the one applied is not known to be within ``tolerance_m`` (the region's border
        tolerance: positions are not trusted more finely than that anyway). The log lists
        the missing grids in every case."""
        good_enough = self.accuracy_m is not None and self.accuracy_m <= tolerance_m
        if self.missing_grids and not good_enough:
            problems.warning(
                "datum-shift-degraded",
                file,
                f"the datum shift {self.operation} (accuracy "
                f"{self.accuracy_m if self.accuracy_m is not None else 'unknown'} m) because "
                f"the grid {', '.join(self.missing_grids)} of a better one is not installed",
                "the grid in PROJ's data directory (pyproj.datadir) or PROJ_NETWORK=ON, "
                "for the most accurate datum shift",
                dataset=dataset,
                layer=layer,
            )


def dataset_crs(
    own: pyproj.CRS | None, dataset: Dataset, file: str, problems: ProblemLog
) -> pyproj.CRS | None:
    """The CRS a dataset's coordinates are in: the file's own, or the manifest's where the
    file has none. None (reported) when neither says, or when the two disagree."""
    where = {"layer": dataset.layer, "dataset": dataset.id}
    declared = pyproj.CRS.from_user_input(dataset.crs) if dataset.crs else None
    if own is None and declared is None:
        problems.error(
            "missing-crs",
            file,
            "no CRS in the file and none in the manifest",
            "crs = 'EPSG:…' in the dataset's manifest entry",
            **where,
        )
        return None
    if own is not None and declared is not None and not same_crs(own, declared):
        problems.error(
            "crs-mismatch",
            file,
            f"the file in {own.to_string()} but the manifest says {dataset.crs}",
            "the manifest's crs to match the file (or be left out)",
            **where,
        )
        return None
    return own if own is not None else declared


def same_crs(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    """Whether two CRSs are the same, also when one is written out and the other by code."""
    if a == b:
        return True
    authority_a, authority_b = a.to_authority(min_confidence=70), b.to_authority(min_confidence=70)
    return authority_a is not None and authority_a == authority_b


def crs_label(crs: pyproj.CRS) -> str:
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]} ({crs.name})" if authority else crs.name


def describe_reprojection(
    source: pyproj.CRS, target: pyproj.CRS, sample: tuple[float, float]
) -> Reprojection:
    """The operation PROJ applies at ``sample`` (a point of the layer, in ``source``
    coordinates), datum shifts included, and its stated accuracy.

    geopandas' ``to_crs`` lets PROJ choose, per point, the most accurate operation whose
    area of use holds the point; the same choice is made here from PROJ's ranked list.
    """
    lon, lat = Transformer.from_crs(source, "EPSG:4326", always_xy=True).transform(*sample)
    with warnings.catch_warnings():  # a missing grid is reported, not printed
        warnings.simplefilter("ignore", UserWarning)
        group = TransformerGroup(source, target, always_xy=True)
    here = [
        t
        for t in group.transformers
        if t.area_of_use is None or _holds(t.area_of_use.bounds, lon, lat)
    ]
    transformer = (
        here or group.transformers or [Transformer.from_crs(source, target, always_xy=True)]
    )[0]
    missing = tuple(
        grid.short_name
        for operation in group.unavailable_operations
        if operation.area_of_use is None or _holds(operation.area_of_use.bounds, lon, lat)
        for grid in operation.grids
        if not grid.available
    )
    accuracy = transformer.accuracy
    return Reprojection(
        source=crs_label(source),
        target=crs_label(target),
        operation=transformer.description or "none",
        accuracy_m=None if accuracy is None or accuracy < 0 else float(accuracy),
        missing_grids=tuple(dict.fromkeys(missing)),
    )


def _holds(bounds: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    west, south, east, north = bounds
    within_lon = west <= lon <= east if west <= east else (lon >= west or lon <= east)
    return within_lon and south <= lat <= north


def outside_area_of_use(
    crs: pyproj.CRS, x: np.ndarray, y: np.ndarray, margin_deg: float = 1.0
) -> np.ndarray:
    """Mask of coordinates that fall outside the area where ``crs`` is meant to be used.

    Typical causes: the wrong CRS declared, or x and y swapped. The area of use (widened by
    ``margin_deg`` degrees) is first projected into ``crs`` as a box, which clears most
    points with two comparisons each; only the points outside that box are taken to
    longitude/latitude and tested against the area itself.
    """
    area = crs.area_of_use
    outside = np.zeros(len(x), dtype=bool)
    if area is None or len(x) == 0:
        return outside
    west, south, east, north = area.bounds
    widened = (west - margin_deg, south - margin_deg, east + margin_deg, north + margin_deg)
    candidates = np.ones(len(x), dtype=bool)
    if west <= east:
        box = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform_bounds(
            max(widened[0], -180.0),
            max(widened[1], -90.0),
            min(widened[2], 180.0),
            min(widened[3], 90.0),
            densify_pts=21,
            errcheck=False,
        )
        if np.all(np.isfinite(box)):
            xmin, ymin, xmax, ymax = box
            candidates = ~((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
    rows = np.flatnonzero(candidates)
    if len(rows) == 0:
        return outside
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = (np.asarray(v) for v in to_lonlat.transform(x[rows], y[rows], errcheck=False))
    if west > east:  # the area crosses the antimeridian
        east += 360.0
        lon = np.where(lon < west - margin_deg, lon + 360.0, lon)
    inside = (
        np.isfinite(lon)
        & np.isfinite(lat)
        & (lon >= west - margin_deg)
        & (lon <= east + margin_deg)
        & (lat >= south - margin_deg)
        & (lat <= north + margin_deg)
    )
    outside[rows] = ~inside
    return outside
