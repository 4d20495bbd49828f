"""Rasters (terrain, hazard grids) into the analysis CRS and SI units, with rasterio."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import rasterio
from rasterio.crs import CRS as RasterCrs  # noqa: N811 (pyproj.CRS is the other one)
from rasterio.errors import RasterioIOError
from rasterio.transform import Affine
from rasterio.warp import Resampling, calculate_default_transform, reproject

from bordercompact.harmonize.crs import dataset_crs, describe_reprojection
from bordercompact.harmonize.log import DatasetLog
from bordercompact.harmonize.units import declared_conversion
from bordercompact.region.kinds import KINDS
from bordercompact.region.load import Region
from bordercompact.region.manifest import Dataset
from bordercompact.region.problems import ProblemLog

NODATA = np.float32(-9999.0)


@dataclass(frozen=True)
class RasterLayer:
    dataset: str
    party: str
    kind: str
    values: np.ndarray  # float32, rows × columns, NODATA where unknown
    transform: Affine
    crs: pyproj.CRS
    unit: str

    def write(self, path: Path) -> None:
        profile = {
            "driver": "GTiff",
            "height": self.values.shape[0],
            "width": self.values.shape[1],
            "count": 1,
            "dtype": "float32",
            "crs": RasterCrs.from_wkt(self.crs.to_wkt()),
            "transform": self.transform,
            "nodata": float(NODATA),
            "compress": "deflate",
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
        }
        with rasterio.open(path, "w", **profile) as target:
            target.write(self.values, 1)
            target.update_tags(1, unit=self.unit, dataset=self.dataset, party=self.party)


def harmonize_raster(
    dataset: Dataset, region: Region, crs: pyproj.CRS, problems: ProblemLog, entry: DatasetLog
) -> RasterLayer | None:
    """Reproject one band to ``crs`` (bilinear: elevations and intensities are continuous
    fields) and convert its values to the canonical unit of the kind."""
    path = region.path(dataset.path)
    file, where = str(path), {"dataset": dataset.id}
    spec = KINDS[dataset.kind].field("value")
    assert spec is not None
    conversion = declared_conversion(
        spec, f"band {dataset.band}", dataset, str(region.manifest_path), problems, entry
    )
    if conversion is None:
        return None
    if not path.exists():
        problems.error(
            "missing-file",
            file,
            "no such file",
            f"the {dataset.kind} raster of {dataset.id}",
            **where,
        )
        return None
    read = _read_band(path, dataset, problems)
    if read is None:
        return None
    band, source_transform, source_crs, (left, bottom, right, top) = read
    source_raster_crs = RasterCrs.from_wkt(source_crs.to_wkt())
    target_crs = RasterCrs.from_wkt(crs.to_wkt())
    transform, width, height = calculate_default_transform(
        source_raster_crs, target_crs, band.shape[1], band.shape[0], left, bottom, right, top
    )
    values = np.full((height, width), NODATA, dtype="float32")
    reproject(
        source=band.filled(NODATA),
        destination=values,
        src_transform=source_transform,
        src_crs=source_raster_crs,
        src_nodata=float(NODATA),
        dst_transform=transform,
        dst_crs=target_crs,
        dst_nodata=float(NODATA),
        resampling=Resampling.bilinear,
    )
    known = values != NODATA
    values[known] = conversion.apply(values[known]).astype("float32")
    entry.rows_in = int(band.count())
    entry.rows_out = int(known.sum())
    centre = ((left + right) / 2, (bottom + top) / 2)
    reprojection = describe_reprojection(source_crs, crs, centre)
    reprojection.report_missing_grids(
        problems, str(path), dataset.id, None, region.settings.border_tolerance_m
    )
    entry.reprojection = reprojection.to_dict()
    entry.notes.append(
        f"resampled bilinearly to {width}×{height} cells of "
        f"{transform.a:.1f} m × {-transform.e:.1f} m"
    )
    return RasterLayer(
        dataset.id, dataset.party or "", dataset.kind, values, transform, crs, conversion.target
    )


def _read_band(
    path: Path, dataset: Dataset, problems: ProblemLog
) -> tuple[np.ma.MaskedArray, Affine, pyproj.CRS, tuple[float, float, float, float]] | None:
    """The band as float32 with its transform, CRS and bounds; None (reported) if unusable."""
    file, where = str(path), {"dataset": dataset.id}
    try:
        with rasterio.open(path) as source:
            if dataset.band > source.count:
                problems.error(
                    "missing-band",
                    file,
                    f"{source.count} band(s)",
                    f"band {dataset.band} (named by 'band')",
                    **where,
                )
                return None
            own = pyproj.CRS.from_wkt(source.crs.to_wkt()) if source.crs else None
            band = source.read(dataset.band, masked=True).astype("float32")
            transform, bounds = source.transform, tuple(source.bounds)
    except RasterioIOError as exc:
        problems.error(
            "unreadable-file",
            file,
            f"a raster that cannot be read ({exc})",
            "a GeoTIFF or another raster GDAL reads",
            **where,
        )
        return None
    crs = dataset_crs(own, dataset, file, problems)
    if crs is None:
        return None
    return band, transform, crs, bounds
