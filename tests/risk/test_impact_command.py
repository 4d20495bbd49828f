"""``bordercompact impact`` on plain tables, checked against numbers computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bordercompact.cli import app

runner = CliRunner()


def _write_tables(root: Path) -> dict[str, Path]:
    files = {
        "centroids": "centroid_id,lat,lon\n1,27.50,-99.50\n2,27.51,-99.50\n3,27.52,-99.50\n",
        "events": "event_id,frequency,event_name\n101,0.1,ten-year\n102,0.02,fifty-year\n",
        "intensity": "event_id,centroid_id,intensity\n101,1,1.0\n101,2,2.0\n102,2,0.5\n",
        # a1 at c1, a2 at c2 (by given centroid), a3 found near c2, a4 far away
        "assets": (
            "asset_id,lat,lon,value,impf_id,centroid_id,party\n"
            "a1,27.50,-99.50,100,1,1,north\n"
            "a2,27.51,-99.50,200,1,2,south\n"
        ),
        "functions": ("impf_id,haz_type,intensity,mdd,paa\n1,FL,0,0,1\n1,FL,2,1,1\n"),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = root / f"{name}.csv"
        paths[name].write_text(text)
    return paths


def test_impact_writes_metrics_by_party_and_tables(tmp_path: Path) -> None:
    paths = _write_tables(tmp_path)
    out = tmp_path / "out"
    arguments = [f"--{name}={path}" for name, path in paths.items()]
    result = runner.invoke(app, ["impact", *arguments, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    # event 101: a1 100·0.5 = 50, a2 200·1 = 200; event 102: a2 200·0.25 = 50
    assert metrics["aai_agg"] == pytest.approx(0.1 * 250 + 0.02 * 50)
    assert metrics["aai_by_party"] == pytest.approx({"north": 5.0, "south": 21.0})
    assert set(metrics["rp_losses"]) == {"total", "north", "south"}
    assert set(metrics["rp_losses"]["total"]) == {"10", "50", "100", "250"}
    assert metrics["rp_losses"]["total"]["10"] == pytest.approx(250.0)
    by_event = pd.read_parquet(out / "impact_by_event.parquet")
    assert list(by_event.columns) == ["event_id", "frequency", "total", "north", "south"]
    assert list(by_event.total) == [250.0, 50.0]
    by_asset = pd.read_parquet(out / "eai_by_asset.parquet").set_index("asset_id")
    assert by_asset.eai.to_dict() == pytest.approx({"a1": 5.0, "a2": 21.0})
    assert (out / "provenance.json").is_file()


def test_assets_are_assigned_to_the_nearest_centroid_within_the_distance(tmp_path: Path) -> None:
    paths = _write_tables(tmp_path)
    paths["assets"].write_text(
        "asset_id,lat,lon,value,impf_id\n"
        "near,27.5101,-99.5001,200,1\n"  # ~15 m from c2
        "far,28.5,-99.5,200,1\n"  # ~110 km from c3
    )
    out = tmp_path / "out"
    arguments = [f"--{name}={path}" for name, path in paths.items()]
    result = runner.invoke(app, ["impact", *arguments, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 assets have no centroid within 100 km" in result.output
    eai = pd.read_parquet(out / "eai_by_asset.parquet").set_index("asset_id").eai
    assert eai["near"] == pytest.approx(21.0) and eai["far"] == 0.0


def test_a_bad_table_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    paths = _write_tables(tmp_path)
    paths["intensity"].write_text("event_id,centroid_id,intensity\n101,9,1.0\n")
    out = tmp_path / "out"
    arguments = [f"--{name}={path}" for name, path in paths.items()]
    result = runner.invoke(app, ["impact", *arguments, "--out", str(out)])
    assert result.exit_code == 1
    assert "intensity.csv" in result.output and "9" in result.output
    assert not out.exists()


def test_an_error_message_is_printed_as_written(tmp_path: Path) -> None:
    paths = _write_tables(tmp_path)
    paths["functions"].write_text("impf_id,haz_type,intensity,mdd\n1,FL,0,0\n")
    arguments = [f"--{name}={path}" for name, path in paths.items()]
    result = runner.invoke(app, ["impact", *arguments, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no column(s) paa" in result.output and "[red]" not in result.output
