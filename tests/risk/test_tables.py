"""The plain asset table of ``bordercompact impact``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bordercompact.risk.exposure import NO_CENTROID, ExposureError
from bordercompact.risk.hazard import Centroids
from bordercompact.risk.tables import read_assets_csv

CENTROIDS = Centroids(np.array([10, 20]), np.array([27.5, 27.6]), np.array([-99.5, -99.5]))


def test_assets_with_party_insurance_and_given_centroids(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(
        "asset_id,lat,lon,value,impf_id,centroid_id,jurisdiction,deductible,cover\n"
        "a1,27.5,-99.5,100,1,10,riverton,5,\n"
        "a2,27.6,-99.5,200,1,20,,,150\n"
    )
    table = read_assets_csv(path, CENTROIDS)
    assets = table.exposures
    assert list(assets.asset_id) == ["a1", "a2"]
    assert list(assets.party) == ["riverton", None]
    assert list(assets.deductible) == [5.0, 0.0]  # empty: no deductible
    assert list(assets.cover) == [100.0, 150.0]  # empty: the whole value
    assert table.centroid is not None and list(table.centroid) == [0, 1]


def test_assets_without_centroid_column_leave_assignment_to_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text("asset_id,lat,lon,value,impf_id\na1,27.5,-99.5,100,1\n")
    table = read_assets_csv(path, CENTROIDS)
    assert table.centroid is None and not table.exposures.insured


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("asset_id,lat,lon,value\na1,1,2,3\n", "no column(s) impf_id"),
        ("asset_id,lat,lon,value,impf_id\na1,1,2,lots,1\n", "line 2, column value: found 'lots'"),
        ("asset_id,lat,lon,value,impf_id\na1,1,2,-5,1\n", "asset a1: value -5.0"),
        (
            "asset_id,lat,lon,value,impf_id,centroid_id\na1,1,2,5,1,99\n",
            "line 2, column centroid_id: found '99'",
        ),
    ],
)
def test_bad_asset_tables_name_line_and_column(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(content)
    with pytest.raises(ExposureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_assets_csv(path, CENTROIDS)


def test_no_centroid_marker_is_minus_one() -> None:
    assert NO_CENTROID == -1
