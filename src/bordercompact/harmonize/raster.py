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

from bordercompact.harmonize.crs import describe_reprojection
from bordercompact.harmonize.log import DatasetLog
from bordercompact.harmonize.units import UnitError, target_unit, unit_conversion
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
    manifest = str(region.manifest_path)
    spec = KINDS[dataset.kind].field("value")
    assert spec is not None
    declared_unit = dataset.units.get("value")
    if declared_unit is None:
        problems.error(
            "missing-unit",
            manifest,
            "no unit for the raster's values",
            f"units.value = the unit of band {dataset.band} (e.g. 'm', 'ft')",
            field=f"datasets.{dataset.id}.units",
            features=[dataset.id],
        )
        return None
    try:
        unit = target_unit(declared_unit, spec.unit)
        conversion = unit_conversion(declared_unit, unit)
    except UnitError as exc:
        problems.error(
            "unknown-unit" if "not a unit" in str(exc) else "unit-dimension",
            manifest,
            str(exc),
            "a unit pint knows" + (f", convertible to {spec.unit}" if spec.unit else ""),
            field=f"datasets.{dataset.id}.units.value",
            features=[dataset.id],
        )
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
    try:
        source = rasterio.open(path)
    except RasterioIOError as exc:
        problems.error(
            "unreadable-file",
            file,
            f"a file that cannot be read ({exc})",
            "a GeoTIFF or another raster GDAL reads",
            **where,
        )
        return None
    with source:
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
        declared = pyproj.CRS.from_user_input(dataset.crs) if dataset.crs else None
        if own is None and declared is None:
            problems.error(
                "missing-crs",
                file,
                "no CRS in the raster and none in the manifest",
                "crs = 'EPSG:…' in the dataset's manifest entry",
                **where,
            )
            return None
        if (
            own is not None
            and declared is not None
            and own != declared
            and (own.to_authority() != declared.to_authority())
        ):
            problems.error(
                "crs-mismatch",
                file,
                f"the raster in {own.to_string()} but the manifest says {dataset.crs}",
                "the manifest's crs to match the file (or be left out)",
                **where,
            )
            return None
        source_crs = own if own is not None else declared
        assert source_crs is not None
        band = source.read(dataset.band, masked=True).astype("float32")
        left, bottom, right, top = source.bounds
        target_crs = RasterCrs.from_wkt(crs.to_wkt())
        transform, width, height = calculate_default_transform(
            RasterCrs.from_wkt(source_crs.to_wkt()),
            target_crs,
            source.width,
            source.height,
            *source.bounds,
        )
        values = np.full((height, width), NODATA, dtype="float32")
        reproject(
            source=band.filled(NODATA),
            destination=values,
            src_transform=source.transform,
            src_crs=RasterCrs.from_wkt(source_crs.to_wkt()),
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
    entry.reprojection = describe_reprojection(source_crs, crs, centre).to_dict()
    entry.units.append(
        {
            "field": "value",
            "column": f"band {dataset.band}",
            "from": declared_unit,
            "to": unit,
            "scale": conversion.scale,
            "offset": conversion.offset,
            "formula": conversion.formula,
        }
    )
    entry.notes.append(
        f"resampled bilinearly to {width}×{height} cells of "
        f"{transform.a:.1f} m × {-transform.e:.1f} m"
    )
    return RasterLayer(dataset.id, dataset.party or "", dataset.kind, values, transform, crs, unit)
