"""A cooperative game holds its players, its kind and the coalitions someone knows; its
JSON form (GAME.json) takes coalition keys in any order and names the culprit of every
error: the file, the field or key, what was found and what was expected."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bordercompact.negotiate.game import (
    Game,
    GameError,
    all_coalitions,
    coalition_key,
    game_document,
    game_from_document,
    read_game,
)


def three_party_cost_game() -> Game:
    return game_from_document(
        {
            "players": ["A", "B", "C"],
            "kind": "cost",
            "coalitions": {"A": 10, "B": 8, "C": 6, "B+A": 15, "A+B+C": 20},
        },
        "GAME.json",
    )


def test_coalition_keys_are_read_in_any_order() -> None:
    game = three_party_cost_game()
    assert game.value({"A", "B"}) == 15.0
    assert game.value(["C", "B", "A"]) == 20.0


def test_a_coalition_may_be_named_by_its_key() -> None:
    game = Game(("north", "south"), "value", {frozenset({"north", "south"}): 3.0})
    assert game.value("south+north") == 3.0
    assert game.missing(["north", "north+south"]) == [frozenset({"north"})]
    with pytest.raises(GameError, match="'east' is not a player"):
        game.value("north+east")


def test_the_empty_coalition_is_zero_and_unknown_coalitions_are_none() -> None:
    game = three_party_cost_game()
    assert game.value([]) == 0.0 and game.known([])
    assert game.value({"A", "C"}) is None and not game.known({"A", "C"})


def test_missing_names_each_unknown_coalition_once_in_the_given_order() -> None:
    game = three_party_cost_game()
    asked = [{"B", "C"}, {"A"}, {"A", "C"}, {"C", "B"}]
    assert game.missing(asked) == [frozenset("BC"), frozenset("AC")]


def test_a_key_lists_the_players_in_the_games_order() -> None:
    game = Game(("north", "south", "east"), "value", {})
    assert game.key({"east", "north"}) == "north+east"
    assert coalition_key({"east", "north"}) == "east+north"  # no order given: alphabetical
    assert coalition_key(frozenset(), ("A",)) == ""


def test_a_coalition_with_a_stranger_is_an_error_naming_it() -> None:
    with pytest.raises(GameError, match="Z not among the players"):
        three_party_cost_game().value({"A", "Z"})


def test_all_coalitions_go_by_size_then_the_players_order() -> None:
    keys = [coalition_key(c, "ABC") for c in all_coalitions("ABC")]
    assert keys == ["A", "B", "C", "A+B", "A+C", "B+C", "A+B+C"]


def test_complete_means_every_non_empty_coalition_is_known() -> None:
    assert not three_party_cost_game().complete
    assert Game(("A",), "cost", {frozenset("A"): 1.0}).complete


def test_the_savings_game_of_a_cost_game_is_the_stand_alone_costs_less_the_joint_cost() -> None:
    savings = three_party_cost_game().as_value_game()
    assert savings.kind == "value"
    assert savings.value("A") == 0.0
    assert savings.value("A+B") == 10 + 8 - 15
    assert savings.value("A+B+C") == 10 + 8 + 6 - 20


def test_the_savings_game_needs_every_stand_alone_cost() -> None:
    game = Game(("A", "B"), "cost", {frozenset("A"): 1.0, frozenset("AB"): 1.5})
    with pytest.raises(GameError, match="stand-alone cost; missing: B"):
        game.as_value_game()


def test_a_value_game_is_its_own_value_game() -> None:
    game = Game(("A",), "value", {frozenset("A"): 3.0})
    assert game.as_value_game() is game


def test_a_games_coalitions_cannot_be_changed_afterwards() -> None:
    game = three_party_cost_game()
    with pytest.raises(TypeError):
        game.values[frozenset("C")] = 0.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("players", "kind", "values", "message"),
    [
        ((), "cost", {}, "players: found none"),
        (("A", "A"), "cost", {}, "'A' appears twice"),
        (("A+B",), "cost", {}, "found 'A+B'; expected a non-empty id without '+'"),
        ((" A",), "cost", {}, "expected no surrounding spaces"),
        (("A",), "benefit", {}, "kind: found 'benefit'; expected 'cost' or 'value'"),
        (("A",), "cost", {frozenset("B"): 1.0}, "B not among the players"),
        (("A",), "cost", {frozenset("A"): float("nan")}, "found nan; expected a finite number"),
        (("A",), "cost", {frozenset(): 2.0}, "the empty coalition is worth 0; found 2.0"),
        (("A",), "cost", {"A": 1.0}, "expected a set of player ids"),
    ],
)
def test_an_invalid_game_says_what_was_found_and_expected(
    players: tuple[str, ...], kind: str, values: dict, message: str
) -> None:
    with pytest.raises(GameError, match=re.escape(message)):
        Game(players, kind, values)  # type: ignore[arg-type]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_game_reads_the_documented_format(tmp_path: Path) -> None:
    path = write(
        tmp_path / "game.json",
        '{"players": ["A", "B"], "kind": "value", "coalitions": {"A": 1, "B": 2, "B+A": 4.5},'
        ' "description": "two towns"}',
    )
    game = read_game(path)
    assert game.players == ("A", "B") and game.kind == "value"
    assert dict(game.values) == {frozenset("A"): 1.0, frozenset("B"): 2.0, frozenset("AB"): 4.5}


def test_bad_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "game.json", '{"players": ["A"],\n "kind": }')
    with pytest.raises(GameError, match=r"game\.json: not valid JSON \(line 2, column 10"):
        read_game(path)


def test_an_unreadable_file_is_a_game_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(GameError, match=r"absent\.json: cannot read the game"):
        read_game(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "GAME.json: found a JSON list; expected an object"),
        (
            {"players": ["A"], "kind": "cost", "coalitions": {}, "benefits": {}},
            "GAME.json: field 'benefits' is not part of a game",
        ),
        (
            {"players": "A,B", "kind": "cost", "coalitions": {}},
            "GAME.json: field 'players': found 'A,B'; expected a list of ids",
        ),
        (
            {"players": ["A"], "kind": "costs", "coalitions": {}},
            "GAME.json: field 'kind': found 'costs'; expected \"cost\" or \"value\"",
        ),
        (
            {"players": ["A"], "kind": "cost", "coalitions": [["A", 1]]},
            "GAME.json: field 'coalitions': found",
        ),
        (
            {"players": ["A", "B"], "kind": "cost", "coalitions": {"A+Z": 1}},
            "GAME.json: coalitions key 'A+Z': 'Z' is not a player (players: A, B)",
        ),
        (
            {"players": ["A", "B"], "kind": "cost", "coalitions": {"A+ +B": 1}},
            "GAME.json: coalitions key 'A+ +B': expected player ids joined by",
        ),
        (
            {"players": ["A", "B"], "kind": "cost", "coalitions": {"A+A": 1}},
            "GAME.json: coalitions key 'A+A': names 'A' twice",
        ),
        (
            {"players": ["A", "B"], "kind": "cost", "coalitions": {"A+B": 1, "B + A": 2}},
            "GAME.json: coalitions 'A+B' and 'B + A' are the same coalition",
        ),
        (
            {"players": ["A"], "kind": "cost", "coalitions": {"A": "12"}},
            "GAME.json: coalitions['A']: found '12'; expected a number",
        ),
        (
            {"players": ["A"], "kind": "cost", "coalitions": {"A": True}},
            "GAME.json: coalitions['A']: found True; expected a number",
        ),
        (
            {"players": ["A", "A"], "kind": "cost", "coalitions": {}},
            "GAME.json: players: 'A' appears twice",
        ),
    ],
)
def test_a_bad_document_names_the_field_or_key(document: object, message: str) -> None:
    with pytest.raises(GameError, match=re.escape(message)):
        game_from_document(document, "GAME.json")


def test_nan_and_infinity_in_the_file_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "game.json", '{"players": ["A"], "kind": "cost", "coalitions": {"A": NaN}}'
    )
    with pytest.raises(GameError, match=r"coalitions\['A'\]: found nan; expected a finite"):
        read_game(path)


def test_game_document_round_trips_with_keys_in_the_games_order() -> None:
    game = three_party_cost_game()
    document = game_document(game)
    assert list(document["coalitions"]) == ["A", "B", "C", "A+B", "A+B+C"]
    assert game_from_document(json.loads(json.dumps(document)), "again") == game
