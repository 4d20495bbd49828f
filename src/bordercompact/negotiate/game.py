"""Cooperative games with transferable utility: the players, and what each coalition of
them would cost (a cost game) or be worth (a value game) on its own.

A game may be partial: only the coalitions someone has computed are known, and the
methods of :mod:`bordercompact.negotiate.allocation` compute what those allow. The JSON
form, GAME.json, is described in docs/game-format.md::

    {"players": ["A", "B"], "kind": "cost", "coalitions": {"A": 21.95, "B": 17.08, "A+B": 34.4}}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

#: The character joining player ids in a coalition key: "A+B".
SEPARATOR = "+"
#: The kinds of game: what ``values`` holds and what an allocation's amounts are.
KINDS = ("cost", "value")
#: The fields a GAME.json document may have.
DOCUMENT_FIELDS = ("players", "kind", "coalitions", "description")

Kind = Literal["cost", "value"]


class GameError(ValueError):
    """A game, or a GAME.json document, that is not a valid cooperative game."""


def coalition_key(coalition: Iterable[str], players: Sequence[str] | None = None) -> str:
    """The coalition's key: its players joined by "+" in the order of ``players`` (a
    game's order) when given, else alphabetically; "" for the empty coalition."""
    members = set(coalition)
    if players is None:
        return SEPARATOR.join(sorted(members))
    strangers = members.difference(players)
    if strangers:
        raise GameError(
            f"coalition {SEPARATOR.join(sorted(members))!r}: "
            f"{', '.join(sorted(strangers))} not among the players ({', '.join(players)})"
        )
    return SEPARATOR.join(p for p in players if p in members)


def all_coalitions(players: Sequence[str]) -> Iterator[frozenset[str]]:
    """Every non-empty coalition of ``players``, by size, then in the players' order."""
    for size in range(1, len(players) + 1):
        for members in combinations(players, size):
            yield frozenset(members)


@dataclass(frozen=True)
class Game:
    """A cooperative game with transferable utility (a TU game).

    ``players`` are ids (non-empty, without "+"); ``kind`` says what ``values`` holds:
    ``"cost"``, what each coalition would pay to serve itself alone, c(S), or
    ``"value"``, what it would gain, v(S) (a benefit, a saving), in any one unit. Only
    the known coalitions are in ``values``; the empty coalition is worth 0 and need not
    be given. Allocations of a cost game are cost shares, of a value game payoffs.
    """

    players: tuple[str, ...]
    kind: Kind
    values: Mapping[frozenset[str], float] = field(hash=False)

    def __post_init__(self) -> None:
        players = tuple(self.players)
        if not players:
            raise GameError("players: found none; expected at least one player id")
        for player in players:
            if not isinstance(player, str) or not player.strip() or SEPARATOR in player:
                raise GameError(
                    f"players: found {player!r}; expected a non-empty id without {SEPARATOR!r}"
                )
            if player != player.strip():
                raise GameError(f"players: found {player!r}; expected no surrounding spaces")
        repeated = sorted({p for p in players if players.count(p) > 1})
        if repeated:
            raise GameError(f"players: {', '.join(map(repr, repeated))} appears twice")
        if self.kind not in KINDS:
            raise GameError(f"kind: found {self.kind!r}; expected 'cost' or 'value'")
        checked: dict[frozenset[str], float] = {}
        for coalition, amount in self.values.items():
            if isinstance(coalition, str):
                raise GameError(
                    f"coalition {coalition!r}: expected a set of player ids "
                    "(keys like 'A+B' are for game_from_document)"
                )
            members = frozenset(coalition)
            shown = coalition_key(members, players)
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                raise GameError(f"coalition {shown!r}: found {amount!r}; expected a number")
            if not math.isfinite(amount):
                raise GameError(f"coalition {shown!r}: found {amount!r}; expected a finite number")
            if not members:
                if amount != 0:
                    raise GameError(f"the empty coalition is worth 0; found {amount!r}")
                continue
            checked[members] = float(amount)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "values", MappingProxyType(checked))

    def __reduce__(self) -> tuple[type[Game], tuple[Any, ...]]:
        # pickled as its arguments (a saved run's checkpoint): the read-only view cannot be
        return (type(self), (self.players, self.kind, dict(self.values)))

    @property
    def grand(self) -> frozenset[str]:
        """The grand coalition N: every player."""
        return frozenset(self.players)

    @property
    def complete(self) -> bool:
        """Whether every non-empty coalition is known."""
        return len(self.values) == 2 ** len(self.players) - 1

    def coalition(self, coalition: Iterable[str] | str) -> frozenset[str]:
        """The coalition as a set of the game's players, from any iterable of ids or a key
        such as "south+north"; an error names any id that is not a player."""
        if isinstance(coalition, str):
            return _members_of_key(coalition, self.players, "game")
        members = frozenset(coalition)
        coalition_key(members, self.players)  # raises, naming the strangers
        return members

    def key(self, coalition: Iterable[str] | str) -> str:
        """The coalition's key, its players in the game's order joined by "+"."""
        return coalition_key(self.coalition(coalition), self.players)

    def value(self, coalition: Iterable[str] | str) -> float | None:
        """c(S) or v(S) of the coalition (a set of ids or a key "A+B"); 0 for the empty
        coalition; None if not known."""
        members = self.coalition(coalition)
        return self.values.get(members) if members else 0.0

    def known(self, coalition: Iterable[str] | str) -> bool:
        """Whether the coalition's cost or value is known (the empty one always is)."""
        return self.value(coalition) is not None

    def missing(self, coalitions: Iterable[Iterable[str] | str]) -> list[frozenset[str]]:
        """Those of ``coalitions`` that are not known, once each, in the given order."""
        lacking: list[frozenset[str]] = []
        for coalition in coalitions:
            members = self.coalition(coalition)
            if not self.known(members) and members not in lacking:
                lacking.append(members)
        return lacking

    def ordered(self, coalitions: Iterable[frozenset[str]]) -> list[frozenset[str]]:
        """The coalitions by size, then by their players' positions in the game's order
        (the order of :func:`all_coalitions`)."""
        position = {player: index for index, player in enumerate(self.players)}
        return sorted(coalitions, key=lambda c: (len(c), sorted(position[p] for p in c)))

    def as_value_game(self) -> Game:
        """The game in value form. A value game is itself. A cost game becomes its savings
        game, s(S) = Σ_{i∈S} c({i}) − c(S): what S saves by serving its members jointly
        rather than each alone (Young, Okada & Hashimoto 1982, Water Resources Research
        18(3), 463–475). It needs every player's stand-alone cost c({i}); a cost share
        x_i corresponds to the saving c({i}) − x_i, so allocations carry over."""
        if self.kind == "value":
            return self
        singletons = [frozenset({p}) for p in self.players]
        lacking = self.missing(singletons)
        if lacking:
            raise GameError(
                "the savings game needs every player's stand-alone cost; missing: "
                + ", ".join(self.key(c) for c in lacking)
            )
        alone = {p: self.values[frozenset({p})] for p in self.players}
        savings = {
            coalition: sum(alone[p] for p in coalition) - cost
            for coalition, cost in self.values.items()
        }
        return Game(self.players, "value", savings)


def read_game(path: Path) -> Game:
    """The game of a GAME.json file (docs/game-format.md); errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GameError(f"{path}: cannot read the game ({exc.strerror or exc})") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GameError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    return game_from_document(document, str(path))


def game_from_document(document: Any, origin: str) -> Game:
    """The game of a parsed GAME.json document: ``players`` (ids), ``kind`` ("cost" or
    "value"), ``coalitions`` (keys are player ids joined by "+" in any order, values
    numbers) and an optional ``description``. ``origin`` (a file name) starts every
    error message."""
    if not isinstance(document, dict):
        raise GameError(
            f"{origin}: found a JSON {type(document).__name__}; expected an object with "
            "players, kind and coalitions"
        )
    unknown = [name for name in document if name not in DOCUMENT_FIELDS]
    if unknown:
        raise GameError(
            f"{origin}: field {unknown[0]!r} is not part of a game; expected only "
            + ", ".join(DOCUMENT_FIELDS)
        )
    players = document.get("players")
    if not isinstance(players, list) or not all(isinstance(p, str) for p in players):
        raise GameError(f"{origin}: field 'players': found {players!r}; expected a list of ids")
    kind = document.get("kind")
    if kind not in KINDS:
        raise GameError(f'{origin}: field \'kind\': found {kind!r}; expected "cost" or "value"')
    coalitions = document.get("coalitions")
    if not isinstance(coalitions, dict):
        raise GameError(
            f"{origin}: field 'coalitions': found {coalitions!r}; expected an object "
            'mapping keys like "A+B" to numbers'
        )
    values: dict[frozenset[str], float] = {}
    keys: dict[frozenset[str], str] = {}
    for key, amount in coalitions.items():
        members = _members_of_key(key, players, origin)
        if members in keys:
            raise GameError(
                f"{origin}: coalitions {keys[members]!r} and {key!r} are the same coalition"
            )
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            raise GameError(f"{origin}: coalitions[{key!r}]: found {amount!r}; expected a number")
        if not math.isfinite(amount):
            raise GameError(
                f"{origin}: coalitions[{key!r}]: found {amount!r}; expected a finite number"
            )
        keys[members] = key
        values[members] = float(amount)
    try:
        return Game(tuple(players), kind, values)
    except GameError as exc:
        raise GameError(f"{origin}: {exc}") from None


def _members_of_key(key: str, players: Sequence[str], origin: str) -> frozenset[str]:
    """The players a coalition key names ("B+A" → {A, B}), or an error naming the key."""
    names = [name.strip() for name in key.split(SEPARATOR)]
    if not key.strip() or not all(names):
        raise GameError(
            f"{origin}: coalitions key {key!r}: expected player ids joined by {SEPARATOR!r} "
            "(the empty coalition is 0 and is not given)"
        )
    for name in names:
        if name not in players:
            raise GameError(
                f"{origin}: coalitions key {key!r}: {name!r} is not a player "
                f"(players: {', '.join(players)})"
            )
        if names.count(name) > 1:
            raise GameError(f"{origin}: coalitions key {key!r}: names {name!r} twice")
    return frozenset(names)


def game_document(game: Game) -> dict[str, Any]:
    """The GAME.json document of a game: the known coalitions by size, then in the
    players' order, each keyed by its players in the game's order."""
    return {
        "players": list(game.players),
        "kind": game.kind,
        "coalitions": {
            game.key(coalition): game.values[coalition] for coalition in game.ordered(game.values)
        },
    }
