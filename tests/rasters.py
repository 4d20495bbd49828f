"""Writing small single-band GeoTIFFs for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import rasterio


def write_geotiff(
    path: Path,
    values: Any,
    transform: Any,
    crs: str | None = "EPSG:32614",
    nodata: float | None = None,
) -> Path:
    """``values`` (rows × columns) as a float32 GeoTIFF on ``transform`` in ``crs``."""
    array = np.asarray(values, dtype=np.float32)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=array.shape[0],
        width=array.shape[1],
        count=1,
        dtype="float32",
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as raster:
        raster.write(array, 1)
    return path
