"""Reading and writing hazard event sets: plain tables, our Parquet directory, CLIMADA's HDF5
and rasters."""

from __future__ import annotations

import collections
import dataclasses
import pickle
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import scipy.sparse as sp
from pyproj import CRS, Transformer
from rasterio.transform import from_origin

from bordercompact.risk import hazard_io
from bordercompact.risk.hazard import Centroids, Hazard, HazardError
from bordercompact.risk.hazard_io import (
    frequencies_from_return_periods,
    hazard_from_event_rasters,
    hazard_from_return_period_maps,
    read_climada_hdf5,
    read_hazard_parquet,
    read_hazard_tables,
    write_climada_hdf5,
    write_hazard_parquet,
)
from tests.rasters import write_geotiff

CENTROIDS_CSV = "centroid_id,lat,lon\n10,47.5,7.5\n20,47.6,7.6\n30,47.7,7.7\n"
EVENTS_CSV = "event_id,frequency,event_name\n1,0.1,small\n2,0.01,big\n"
# rows deliberately out of (event, centroid) order
INTENSITY_CSV = (
    "event_id,centroid_id,intensity,fraction\n"
    "2,30,3.0,1.0\n"
    "1,20,1.5,0.5\n"
    "2,10,2.0,0.25\n"
    "1,30,0.0,0.0\n"
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def tables(directory: Path, **texts: str) -> tuple[Path, Path, Path]:
    """centroids.csv, events.csv and intensity.csv, the valid ones unless replaced."""
    return (
        write(directory, "centroids.csv", texts.get("centroids", CENTROIDS_CSV)),
        write(directory, "events.csv", texts.get("events", EVENTS_CSV)),
        write(directory, "intensity.csv", texts.get("intensity", INTENSITY_CSV)),
    )


def read(paths: tuple[Path, Path, Path]) -> Hazard:
    return read_hazard_tables(*paths, haz_type="FL", units="m")


def assert_same_hazard(got: Hazard, expected: Hazard) -> None:
    assert (got.haz_type, got.units, got.scenario) == (
        expected.haz_type,
        expected.units,
        expected.scenario,
    )
    np.testing.assert_array_equal(got.centroids.centroid_id, expected.centroids.centroid_id)
    assert got.centroids.centroid_id.dtype.kind == expected.centroids.centroid_id.dtype.kind
    np.testing.assert_array_equal(got.centroids.lat, expected.centroids.lat)
    np.testing.assert_array_equal(got.centroids.lon, expected.centroids.lon)
    np.testing.assert_array_equal(got.event_id, expected.event_id)
    np.testing.assert_array_equal(got.frequency, expected.frequency)
    np.testing.assert_array_equal(got.event_name, expected.event_name)
    assert got.intensity.shape == expected.intensity.shape
    assert (got.intensity != expected.intensity).nnz == 0
    if expected.fraction is None:
        assert got.fraction is None
    else:
        assert got.fraction is not None
        assert (got.fraction != expected.fraction).nnz == 0


# --------------------------------------------------------------------------------------------
# Plain tables


def test_tables_give_the_exact_csr_matrices(tmp_path: Path) -> None:
    hazard = read(tables(tmp_path))
    assert (hazard.haz_type, hazard.units, hazard.scenario) == ("FL", "m", "present")
    assert list(hazard.centroids.centroid_id) == [10, 20, 30]
    assert list(hazard.event_id) == [1, 2]
    assert list(hazard.frequency) == [0.1, 0.01]
    assert list(hazard.event_name) == ["small", "big"]
    # the zero at (1, 30) is not stored
    assert list(hazard.intensity.indptr) == [0, 1, 3]
    assert list(hazard.intensity.indices) == [1, 0, 2]
    assert list(hazard.intensity.data) == [1.5, 2.0, 3.0]
    assert hazard.fraction is not None
    assert list(hazard.fraction.indptr) == [0, 1, 3]
    assert list(hazard.fraction.indices) == [1, 0, 2]
    assert list(hazard.fraction.data) == [0.5, 0.25, 1.0]


def test_text_centroid_ids_and_parquet_intensity_without_fraction(tmp_path: Path) -> None:
    centroids = write(tmp_path, "centroids.csv", "centroid_id,lat,lon\nA-1,0,0\nB-2,1,1\n")
    events = write(tmp_path, "events.csv", "event_id,frequency\n7,0.5\n")
    intensity = tmp_path / "intensity.parquet"
    pq.write_table(
        pa.table(
            {
                "event_id": pa.array([7, 7], pa.int32()),
                "centroid_id": ["B-2", "A-1"],
                "intensity": pa.array([4.0, 2.5], pa.float32()),
                "ignored": ["x", "y"],
            }
        ),
        intensity,
    )
    hazard = read_hazard_tables(centroids, events, intensity, haz_type="TC", units="m/s")
    assert list(hazard.centroids.centroid_id) == ["A-1", "B-2"]
    assert hazard.intensity.toarray().tolist() == [[2.5, 4.0]]
    assert hazard.fraction is None
    assert len(hazard.event_name) == 0


def test_npz_intensity_gives_the_same_matrices_as_the_long_table(tmp_path: Path) -> None:
    centroids, events, _ = tables(tmp_path)
    npz = tmp_path / "intensity.npz"
    np.savez(
        npz,
        row=np.array([1, 0, 1]),
        col=np.array([2, 1, 0]),
        data=np.array([3.0, 1.5, 2.0]),
        shape=np.array([2, 3]),
        fraction=np.array([1.0, 0.5, 0.25]),
    )
    from_npz = read_hazard_tables(centroids, events, npz, haz_type="FL", units="m")
    assert_same_hazard(from_npz, read(tables(tmp_path)))


def test_intensity_is_streamed_in_batches_and_lines_count_across_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read(tables(tmp_path))
    monkeypatch.setattr(hazard_io, "BATCH_ROWS", 2)
    assert_same_hazard(read(tables(tmp_path)), whole)
    bad = INTENSITY_CSV + "2,20,-4,\n"
    with pytest.raises(HazardError, match=r"line 6, column 'intensity': found -4\.0"):
        read(tables(tmp_path, intensity=bad))


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n99,10,2\n",
            r"intensity\.csv: line 3, column 'event_id': found 99; expected an event_id "
            r"listed in events\.csv",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n1,40,2\n",
            r"intensity\.csv: line 3, column 'centroid_id': found 40; expected a centroid_id "
            r"listed in centroids\.csv",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n2,10,2\n1,20,0\n",
            r"intensity\.csv: line 2 and line 4 both give event 1 at centroid 20; expected one "
            r"value per \(event, centroid\) pair",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n2,10,-1\n",
            r"intensity\.csv: line 3, column 'intensity': found -1\.0; expected a finite "
            r"intensity >= 0",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,NaN\n",
            r"intensity\.csv: line 2, column 'intensity': found nan; expected a finite intensity",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n2,10,deep\n",
            r"intensity\.csv: line 3, column 'intensity': found 'deep'; expected a number",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n1,30,1,9\n",
            r"intensity\.csv: CSV parse error: Expected 3 columns, got 4: 1,30,1,9",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity,fraction\n1,20,1,1.5\n",
            r"intensity\.csv: line 2, column 'fraction': found 1\.5; expected a finite fraction "
            r"of the centroid in \[0, 1\]",
        ),
        (
            "intensity",
            "event_id,centroid_id,value\n1,20,1\n",
            r"intensity\.csv: missing column\(s\) intensity; found columns event_id, "
            r"centroid_id, value; expected event_id, centroid_id, intensity, \[fraction\]",
        ),
        (
            "intensity",
            "event_id,centroid_id,intensity\n1,20,1\n,10,2\n",
            r"intensity\.csv: line 3, column 'event_id': found an empty value; expected an id",
        ),
        (
            "events",
            "event_id,frequency\n1,0.1\n2,-0.5\n",
            r"events\.csv: line 3, column 'frequency': found -0\.5; expected a finite number of "
            r"events per year >= 0",
        ),
        (
            "events",
            "event_id,frequency\n1,nan\n2,0.5\n",
            r"events\.csv: line 2, column 'frequency': found nan; expected a finite number",
        ),
        (
            "events",
            "event_id,frequency\n1,0.1\n1.5,0.5\n",
            r"events\.csv: line 3, column 'event_id': found '1\.5'; expected an integer",
        ),
        (
            "events",
            "event_id,frequency\n1,0.1\n1,0.5\n",
            r"events\.csv: line 3, column 'event_id': found 1 again \(first at line 2\); "
            r"expected each id once",
        ),
        (
            "events",
            "event_id,freq\n1,0.1\n",
            r"events\.csv: missing column\(s\) frequency; found columns event_id, freq",
        ),
        (
            "centroids",
            "centroid_id,lat,lon\n10,47.5,7.5\n20,91,7.6\n30,47.7,7.7\n",
            r"centroids\.csv: line 3, column 'lat': found 91\.0; expected degrees north in "
            r"\[-90, 90\]",
        ),
        (
            "centroids",
            "centroid_id,lat,lon\n10,47.5,7.5\n20,47.6,360\n30,47.7,7.7\n",
            r"centroids\.csv: line 3, column 'lon': found 360\.0; expected degrees east in "
            r"\[-180, 360\)",
        ),
        (
            "centroids",
            "centroid_id,lat,lon\n10,47.5,7.5\n20,47.6,7.6\n20,47.7,7.7\n",
            r"centroids\.csv: line 4, column 'centroid_id': found 20 again \(first at line 3\)",
        ),
    ],
)
def test_bad_table_names_file_line_column_found_and_expected(
    tmp_path: Path, file: str, text: str, message: str
) -> None:
    with pytest.raises(HazardError, match=message):
        read(tables(tmp_path, **{file: text}))


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        (
            {"shape": [3, 3]},
            r"intensity\.npz: array 'shape': found \(3, 3\); expected \(2, 3\), the 2 events of "
            r"events\.csv × the 3 centroids of centroids\.csv",
        ),
        (
            {"row": [0, 2, 1]},
            r"intensity\.npz: entry 1, array 'row': found 2; expected an event index in \[0, 2\)",
        ),
        (
            {"col": [1, 0, 1], "row": [0, 1, 0]},
            r"intensity\.npz: entry 0 and entry 2 both give event 1 at centroid 20",
        ),
        (
            {"data": [1.0, -2.0, 3.0]},
            r"intensity\.npz: entry 1, array 'data': found -2\.0; expected a finite intensity",
        ),
        ({"col": [1, 0]}, r"intensity\.npz: array 'col': found shape \(2,\); expected \(3,\)"),
    ],
)
def test_bad_npz_names_file_entry_and_array(
    tmp_path: Path, arrays: dict[str, list[float]], message: str
) -> None:
    centroids, events, _ = tables(tmp_path)
    given = {"row": [0, 1, 1], "col": [1, 0, 2], "data": [1.0, 2.0, 3.0], "shape": [2, 3]}
    given.update(arrays)
    npz = tmp_path / "intensity.npz"
    np.savez(npz, **{name: np.array(values) for name, values in given.items()})
    with pytest.raises(HazardError, match=message):
        read_hazard_tables(centroids, events, npz, haz_type="FL", units="m")


def test_bad_parquet_names_row_or_column_type(tmp_path: Path) -> None:
    centroids, events, _ = tables(tmp_path)
    intensity = tmp_path / "intensity.parquet"
    pq.write_table(
        pa.table({"event_id": [1, 2, 3], "centroid_id": [10, 20, 30], "intensity": [1.0] * 3}),
        intensity,
    )
    with pytest.raises(HazardError, match=r"intensity\.parquet: row 3, column 'event_id': found 3"):
        read_hazard_tables(centroids, events, intensity, haz_type="FL", units="m")
    pq.write_table(
        pa.table({"event_id": [1.0], "centroid_id": [10], "intensity": [1.0]}), intensity
    )
    with pytest.raises(
        HazardError,
        match=r"intensity\.parquet: column 'event_id': found type double; expected integers",
    ):
        read_hazard_tables(centroids, events, intensity, haz_type="FL", units="m")


# --------------------------------------------------------------------------------------------
# Our Parquet directory


def example_hazard(*, text_ids: bool = True, fraction: bool = True) -> Hazard:
    intensity = sp.csr_matrix(np.array([[0.0, 1.5, 0.0, 4.0], [2.0, 0.0, 3.0, 0.0]]))
    # a fraction where the intensity is zero must survive too
    fractions = sp.csr_matrix(np.array([[0.2, 0.5, 0.0, 1.0], [0.25, 0.0, 1.0, 0.0]]))
    ids = np.array(["c1", "c2", "c3", "c4"], dtype=object) if text_ids else np.array([4, 3, 2, 1])
    return Hazard(
        haz_type="FL",
        units="m",
        centroids=Centroids(
            ids, np.array([47.5, 47.6, -12.25, 0.0]), np.array([7.5, 359.9, -180, 0])
        ),
        event_id=np.array([101, 7]),
        frequency=np.array([0.1, 1 / 3]),
        intensity=intensity,
        fraction=fractions if fraction else None,
        event_name=np.array(["spring flood", "Ölrain"], dtype=object),
        scenario="ssp585-2050",
    )


@pytest.mark.parametrize(("text_ids", "fraction"), [(True, True), (False, False)])
def test_parquet_round_trip_is_exact(tmp_path: Path, text_ids: bool, fraction: bool) -> None:
    hazard = example_hazard(text_ids=text_ids, fraction=fraction)
    write_hazard_parquet(hazard, tmp_path / "hazard")
    assert sorted(path.name for path in (tmp_path / "hazard").iterdir()) == [
        "centroids.parquet",
        "events.parquet",
        "intensity.parquet",
    ]
    metadata = pq.read_schema(tmp_path / "hazard" / "intensity.parquet").metadata
    assert metadata[b"haz_type"] == b"FL" and metadata[b"scenario"] == b"ssp585-2050"
    assert_same_hazard(read_hazard_parquet(tmp_path / "hazard"), hazard)


def test_parquet_round_trip_in_many_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hazard_io, "BATCH_ROWS", 2)
    hazard = example_hazard()
    write_hazard_parquet(hazard, tmp_path)
    assert pq.ParquetFile(tmp_path / "intensity.parquet").metadata.num_row_groups == 2
    assert_same_hazard(read_hazard_parquet(tmp_path), hazard)


def test_parquet_files_of_different_hazards_are_refused(tmp_path: Path) -> None:
    write_hazard_parquet(example_hazard(), tmp_path / "a")
    other = example_hazard()
    write_hazard_parquet(dataclasses.replace(other, units="cm"), tmp_path / "b")
    (tmp_path / "b" / "events.parquet").replace(tmp_path / "a" / "events.parquet")
    with pytest.raises(HazardError, match=r"schema metadata 'units': found 'cm'; expected 'm'"):
        read_hazard_parquet(tmp_path / "a")


# --------------------------------------------------------------------------------------------
# CLIMADA's HDF5 file

WGS84_WKT = CRS.from_epsg(4326).to_wkt()


def climada6_file(path: Path, x: list[float], y: list[float], crs_wkt: str = WGS84_WKT) -> None:
    """A hazard file laid out as CLIMADA 6.1 writes it (``Hazard.write_hdf5``): strings as
    one-element variable-length datasets, CSR groups with a ``shape`` attribute, and the
    centroids as the pandas "fixed" DataFrame PyTables stores, its metadata pickled."""
    text = h5py.string_dtype()
    with h5py.File(path, "w") as file:
        for name, value in (("haz_type", "TC"), ("units", "m/s"), ("frequency_unit", "1/year")):
            file.create_dataset(name, data=[value], dtype=text)
        file.create_dataset("event_id", data=np.array([7, 9]))
        file.create_dataset("frequency", data=np.array([0.1, 0.01]))
        file.create_dataset("event_name", data=["a", "b"], dtype=text)
        file.create_dataset("date", data=np.array([730000, 730001]))
        file.create_dataset("orig", data=np.array([True, False]))
        for name, data, indices, indptr in (
            ("intensity", [1.5, 2.0, 3.0], [1, 0, 2], [0, 1, 3]),
            ("fraction", [], [], [0, 0, 0]),
        ):
            group = file.create_group(name)
            group.create_dataset("data", data=np.array(data, dtype=np.float64))
            group.create_dataset("indices", data=np.array(indices, dtype=np.int32))
            group.create_dataset("indptr", data=np.array(indptr, dtype=np.int32))
            group.attrs["shape"] = np.array([2, 3])
        centroids = file.create_group("centroids")
        metadata = {"crs": crs_wkt, "xy_columns": ["geometry"]}
        for name, value in (
            ("CLASS", np.bytes_(b"GROUP")),
            ("pandas_type", np.bytes_(b"frame")),
            ("pandas_version", np.bytes_(b"0.15.2")),
            ("encoding", np.bytes_(b"UTF-8")),
            ("ndim", np.int64(2)),
            ("nblocks", np.int64(2)),
            ("metadata", np.bytes_(pickle.dumps(metadata, protocol=0))),
        ):
            centroids.attrs[name] = value
        centroids.create_dataset("axis0", data=[b"region_id", b"geometry.x", b"geometry.y"])
        centroids.create_dataset("axis1", data=np.arange(len(x)))
        # region_id = None: an object block, which pandas pickles into a VLArray
        centroids.create_dataset("block0_items", data=[b"region_id"])
        pickled = centroids.create_dataset("block0_values", (1,), dtype=h5py.vlen_dtype(np.uint8))
        pickled[0] = np.frombuffer(pickle.dumps(np.array([None] * len(x))), dtype=np.uint8)
        pickled.attrs["transposed"] = np.uint8(1)
        centroids.create_dataset("block1_items", data=[b"geometry.x", b"geometry.y"])
        values = centroids.create_dataset("block1_values", data=np.column_stack([x, y]))
        values.attrs["transposed"] = np.uint8(1)


def test_reads_a_file_in_climada_6_layout(tmp_path: Path) -> None:
    path = tmp_path / "climada.h5"
    climada6_file(path, x=[20.0, 20.5, 21.0], y=[10.0, 10.5, 11.0])
    hazard = read_climada_hdf5(path)
    assert (hazard.haz_type, hazard.units, hazard.scenario) == ("TC", "m/s", "present")
    assert list(hazard.event_id) == [7, 9]
    assert list(hazard.frequency) == [0.1, 0.01]
    assert list(hazard.event_name) == ["a", "b"]
    assert list(hazard.centroids.centroid_id) == [0, 1, 2]  # CLIMADA has no centroid ids
    assert list(hazard.centroids.lon) == [20.0, 20.5, 21.0]
    assert list(hazard.centroids.lat) == [10.0, 10.5, 11.0]
    assert hazard.intensity.toarray().tolist() == [[0, 1.5, 0], [2.0, 0, 3.0]]
    assert hazard.fraction is None  # empty: CLIMADA ignores it


def test_projected_climada_centroids_become_longitude_latitude(tmp_path: Path) -> None:
    path = tmp_path / "climada.h5"
    x, y = [800000.0, 810000.0, 820000.0], [5900000.0, 5910000.0, 5920000.0]
    climada6_file(path, x=x, y=y, crs_wkt=CRS.from_epsg(3857).to_wkt())
    hazard = read_climada_hdf5(path)
    lon, lat = Transformer.from_crs(3857, 4326, always_xy=True).transform(x, y)
    np.testing.assert_allclose(hazard.centroids.lon, lon)
    np.testing.assert_allclose(hazard.centroids.lat, lat)


def test_metadata_pickle_with_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "climada.h5"
    climada6_file(path, x=[0.0, 1.0, 2.0], y=[0.0, 1.0, 2.0])
    with h5py.File(path, "a") as file:
        sneaky = collections.OrderedDict(crs="EPSG:4326")  # unpickling it imports a class
        file["centroids"].attrs["metadata"] = np.bytes_(pickle.dumps(sneaky, protocol=0))
    with pytest.raises(HazardError, match=r"climada\.h5: centroids metadata is not plain data"):
        read_climada_hdf5(path)


def test_reads_older_climada_centroids_latitude_longitude_and_raster_meta(
    tmp_path: Path,
) -> None:
    path = tmp_path / "climada4.h5"
    climada6_file(path, x=[0.0, 0.0, 0.0], y=[0.0, 0.0, 0.0])
    with h5py.File(path, "a") as file:
        del file["centroids"]
        centroids = file.create_group("centroids")
        centroids.create_dataset("crs", data=["EPSG:4326"], dtype=h5py.string_dtype())
        centroids.create_dataset("lat", data=np.zeros(0))  # empty, as in CLIMADA 3/4 files
        centroids.create_dataset("latitude", data=[1.0, 2.0, 3.0])
        centroids.create_dataset("longitude", data=[4.0, 5.0, 6.0])
    hazard = read_climada_hdf5(path)
    assert list(hazard.centroids.lat) == [1.0, 2.0, 3.0]
    assert list(hazard.centroids.lon) == [4.0, 5.0, 6.0]
    with h5py.File(path, "a") as file:
        for name in ("latitude", "longitude"):
            del file["centroids"][name]
        meta = file["centroids"].create_group("meta")
        meta.create_dataset("transform", data=[0.5, 0.0, 10.0, 0.0, -0.5, 50.0])
        meta.create_dataset("width", data=[3])
        meta.create_dataset("height", data=[1])
    hazard = read_climada_hdf5(path)
    assert list(hazard.centroids.lon) == [10.25, 10.75, 11.25]
    assert list(hazard.centroids.lat) == [49.75, 49.75, 49.75]


@pytest.mark.parametrize(("text_ids", "fraction"), [(True, True), (False, False)])
def test_climada_hdf5_round_trip_is_exact(tmp_path: Path, text_ids: bool, fraction: bool) -> None:
    hazard = example_hazard(text_ids=text_ids, fraction=fraction)
    write_climada_hdf5(hazard, tmp_path / "hazard.h5")
    assert_same_hazard(read_climada_hdf5(tmp_path / "hazard.h5"), hazard)


def test_written_hdf5_has_climadas_datasets(tmp_path: Path) -> None:
    hazard = example_hazard(fraction=False)
    path = tmp_path / "hazard.h5"
    write_climada_hdf5(dataclasses.replace(hazard, event_name=np.empty(0, object)), path)
    with h5py.File(path) as file:
        assert file["haz_type"].shape == (1,) and file["haz_type"].asstr()[0] == "FL"
        assert file["frequency_unit"].asstr()[0] == "1/year"
        assert list(file["event_name"].asstr()[()]) == ["101", "7"]  # ids when unnamed
        assert list(file["date"][()]) == [1, 1] and list(file["orig"][()]) == [False, False]
        assert list(file["intensity"].attrs["shape"]) == [2, 4]
        assert list(file["intensity"]["indptr"][()]) == [0, 2, 4]
        assert list(file["fraction"].attrs["shape"]) == [2, 4]
        assert file["fraction"]["data"].size == 0  # no fraction: empty, CLIMADA ignores it
        assert list(file["centroids"]["lat"][()]) == list(hazard.centroids.lat)
        assert file["centroids"]["crs"].asstr()[0] == "EPSG:4326"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f["intensity"].attrs.__setitem__("shape", np.array([2, 4])),
            r"hazard\.h5: group 'intensity': found shape \(2, 4\); expected \(2, 3\)",
        ),
        (
            lambda f: f["intensity"]["data"].__setitem__(1, -2.0),
            r"hazard\.h5: 'intensity' at event index 1, centroid index 0: found -2\.0; expected "
            r"a finite intensity >= 0",
        ),
        (
            lambda f: f["intensity"]["indices"].__setitem__(2, 0),
            r"hazard\.h5: 'intensity' stores event index 1, centroid index 0 twice",
        ),
        (
            lambda f: f["frequency_unit"].__setitem__(0, "1/day"),
            r"hazard\.h5: dataset 'frequency_unit': found '1/day'; expected frequencies per year",
        ),
        (
            lambda f: f["frequency"].__setitem__(1, np.nan),
            r"hazard\.h5: dataset 'frequency', event 9: found nan; expected a finite number",
        ),
    ],
)
def test_bad_climada_hdf5_names_file_dataset_and_event(
    tmp_path: Path, change: Callable[[h5py.File], None], message: str
) -> None:
    path = tmp_path / "hazard.h5"
    climada6_file(path, x=[0.0, 1.0, 2.0], y=[0.0, 1.0, 2.0])
    with h5py.File(path, "a") as file:
        change(file)
    with pytest.raises(HazardError, match=message):
        read_climada_hdf5(path)


# --------------------------------------------------------------------------------------------
# Rasters


def geotiff(
    path: Path, values: list[list[float]], crs: str, transform: object, nodata: float
) -> Path:
    return write_geotiff(path, values, transform, crs, nodata)


GRID = from_origin(7.0, 48.0, 0.5, 0.25)  # west, north, cell width, cell height (degrees)


def test_event_rasters_keep_every_cell_and_store_only_values(tmp_path: Path) -> None:
    first = geotiff(tmp_path / "e1.tif", [[0, 1.5, -9999], [2, 0, 0]], "EPSG:4326", GRID, -9999)
    second = geotiff(tmp_path / "e2.tif", [[0, 0, 0], [0, 0, 3.25]], "EPSG:4326", GRID, -9999)
    hazard = hazard_from_event_rasters(
        [first, second], [5, 6], [0.1, 0.02], haz_type="FL", units="m"
    )
    assert list(hazard.centroids.centroid_id) == [0, 1, 2, 3, 4, 5]
    assert list(hazard.centroids.lon) == [7.25, 7.75, 8.25, 7.25, 7.75, 8.25]
    assert list(hazard.centroids.lat) == [47.875] * 3 + [47.625] * 3
    assert list(hazard.intensity.indptr) == [0, 2, 3]
    assert list(hazard.intensity.indices) == [1, 3, 5]
    assert list(hazard.intensity.data) == [1.5, 2.0, 3.25]
    assert list(hazard.event_id) == [5, 6] and list(hazard.frequency) == [0.1, 0.02]
    assert hazard.fraction is None


def test_projected_raster_cells_become_longitude_latitude(tmp_path: Path) -> None:
    utm = from_origin(400000.0, 5300000.0, 1000.0, 1000.0)
    path = geotiff(tmp_path / "utm.tif", [[1, 2], [3, 0]], "EPSG:32632", utm, -1)
    hazard = hazard_from_event_rasters([path], [1], [0.01], haz_type="FL", units="m")
    x, y = [400500.0, 401500.0, 400500.0, 401500.0], [5299500.0, 5299500.0, 5298500.0, 5298500.0]
    lon, lat = Transformer.from_crs(32632, 4326, always_xy=True).transform(x, y)
    np.testing.assert_allclose(hazard.centroids.lon, lon)
    np.testing.assert_allclose(hazard.centroids.lat, lat)
    assert hazard.intensity.toarray().tolist() == [[1.0, 2.0, 3.0, 0.0]]


def test_rasters_on_different_grids_or_with_negative_values_are_refused(tmp_path: Path) -> None:
    first = geotiff(tmp_path / "e1.tif", [[1, 2], [3, 4]], "EPSG:4326", GRID, -9999)
    shifted = geotiff(
        tmp_path / "e2.tif", [[1, 2], [3, 4]], "EPSG:4326", from_origin(7.5, 48, 0.5, 0.25), -9999
    )
    with pytest.raises(HazardError, match=r"e2\.tif: grid of 2 × 2 cells.*expected the grid of"):
        hazard_from_event_rasters([first, shifted], [1, 2], [1, 1], haz_type="FL", units="m")
    negative = geotiff(tmp_path / "e3.tif", [[1, 2], [-3, 4]], "EPSG:4326", GRID, -9999)
    with pytest.raises(
        HazardError,
        match=r"e3\.tif: band 1, cell \(row 1, col 0\): found -3\.0; expected a finite intensity",
    ):
        hazard_from_event_rasters([first, negative], [1, 2], [1, 1], haz_type="FL", units="m")


def test_return_periods_become_bands_of_exceedance_frequency() -> None:
    np.testing.assert_allclose(frequencies_from_return_periods([10, 50, 100]), [0.08, 0.01, 0.01])
    with pytest.raises(HazardError, match="expected strictly increasing years"):
        frequencies_from_return_periods([10, 10, 100])
    with pytest.raises(HazardError, match=r"found 0\.0; expected finite years > 0"):
        frequencies_from_return_periods([0, 10])


def test_return_period_maps_become_events_that_reproduce_the_return_periods(
    tmp_path: Path,
) -> None:
    maps = {
        100.0: geotiff(tmp_path / "rp100.tif", [[1.0, 3.0]], "EPSG:4326", GRID, -9999),
        10.0: geotiff(tmp_path / "rp10.tif", [[0.0, 1.0]], "EPSG:4326", GRID, -9999),
        50.0: geotiff(tmp_path / "rp50.tif", [[0.5, 2.0]], "EPSG:4326", GRID, -9999),
    }
    hazard = hazard_from_return_period_maps(maps, haz_type="FL", units="m")
    assert list(hazard.event_name) == ["RP10", "RP50", "RP100"]
    assert list(hazard.event_id) == [1, 2, 3]
    np.testing.assert_allclose(hazard.frequency, [0.08, 0.01, 0.01])
    assert hazard.intensity.toarray().tolist() == [[0.0, 1.0], [0.5, 2.0], [1.0, 3.0]]
    # exceedance frequency of map k = sum of the frequencies of maps k..n = 1/T_k
    np.testing.assert_allclose(np.cumsum(hazard.frequency[::-1])[::-1], [0.1, 0.02, 0.01])
