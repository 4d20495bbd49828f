"""`bordercompact allocate GAME.json [--out RESULT.json]`, driven as a user drives it: a
table of every method's shares, RESULT.json with the documented keys, the coalitions a
partial game lacks, and one line naming the culprit of a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bordercompact.cli import app

runner = CliRunner()

GAME = {
    "players": ["north", "south", "east"],
    "kind": "cost",
    "coalitions": {
        "north": 120,
        "south": 90,
        "east": 60,
        "north+south": 170,
        "east+north": 160,
        "south+east": 130,
        "north+south+east": 200,
    },
}


def write_game(tmp_path: Path, document: object, name: str = "game.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_allocate_writes_one_object_per_method_and_the_core(tmp_path: Path) -> None:
    game, out = write_game(tmp_path, GAME), tmp_path / "result.json"
    result = runner.invoke(app, ["allocate", str(game), "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["players"] == ["north", "south", "east"] and document["kind"] == "cost"
    for method in ("shapley", "nucleolus", "scrb", "proportional", "equal_surplus", "nash"):
        assert set(document[method]) == {"north", "south", "east"}
        assert sum(document[method].values()) == pytest.approx(200)
    assert document["missing"] == {}
    assert document["core"]["nonempty"] is True
    assert document["core"]["least_core_epsilon"] < 0
    assert "nucleolus" in document["core"]["members"]
    assert not list(tmp_path.glob(".result.json.*"))  # no staging file left behind


def test_allocate_prints_a_table_of_players_and_methods_and_the_core(tmp_path: Path) -> None:
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, GAME))])
    assert result.exit_code == 0, result.output
    assert "cost shares by method (game.json)" in result.output
    assert "north" in result.output and "total" in result.output and "200.00" in result.output
    assert "core: non-empty (least-core ε = -15.00); in the core: shapley" in result.output


def test_a_partial_game_gets_what_its_coalitions_allow(tmp_path: Path) -> None:
    partial = {
        **GAME,
        "coalitions": {"north": 120, "south": 90, "east": 60, "south+north+east": 200},
    }
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, partial)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert "shapley" not in document and "scrb" not in document
    assert set(document) >= {"proportional", "equal_surplus", "nash"}
    assert document["missing"]["shapley"] == ["north+south", "north+east", "south+east"]
    assert document["missing"]["scrb"] == ["north+south", "north+east", "south+east"]
    assert document["core"]["nonempty"] is None
    assert "shapley: needs north+south, north+east, south+east" in result.output


def test_an_undefined_method_is_absent_and_explained(tmp_path: Path) -> None:
    costly = {"players": ["A", "B"], "kind": "cost", "coalitions": {"A": 1, "B": 1, "A+B": 3}}
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, costly)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert "nucleolus" not in document and "nash" not in document
    assert "no imputation" in document["notes"]["nucleolus"]
    assert document["core"]["nonempty"] is False


def test_json_prints_the_result_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, GAME)), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["out"] is None
    assert abs(document["nucleolus"]["east"] - 45) < 1e-6


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, GAME)), "--quiet"])
    assert result.exit_code == 0 and result.output == ""


def test_an_unknown_player_is_one_line_naming_the_key_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    bad = {**GAME, "coalitions": {**GAME["coalitions"], "north+west": 150}}  # type: ignore[dict-item]
    out = tmp_path / "result.json"
    out.write_text("earlier result", encoding="utf-8")
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, bad)), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{tmp_path / 'game.json'}: coalitions key 'north+west': 'west' is not a player "
        "(players: north, south, east)"
    )
    assert out.read_text(encoding="utf-8") == "earlier result"


def test_bad_json_exits_one_naming_the_file_line_and_column(tmp_path: Path) -> None:
    game = tmp_path / "game.json"
    game.write_text('{"players": ["A"],\n  "kind": cost}', encoding="utf-8")
    result = runner.invoke(app, ["allocate", str(game)])
    assert result.exit_code == 1
    assert "game.json: not valid JSON (line 2, column 11" in result.output


def test_an_error_with_json_is_one_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["allocate", str(tmp_path / "absent.json"), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and "absent.json: cannot read the game" in report["error"]


def test_an_unwritable_result_is_an_error_naming_it(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "result.json"
    result = runner.invoke(app, ["allocate", str(write_game(tmp_path, GAME)), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{out}: cannot write the result" in result.output
