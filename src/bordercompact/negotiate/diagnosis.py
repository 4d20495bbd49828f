"""Why there is no deal, or what each demand costs when there is one.

- :func:`conflicting_demands`: a minimal set of named constraints (demands, budgets,
  stand-alone floors) that no portfolio can meet together, by the deletion filter
  (Chinneck & Dravnieks 1991): drop each constraint in turn, and leave it out for good if
  the others still cannot be met; what remains is irreducible — drop any one of it and a
  portfolio exists.
- :func:`demand_prices`: the joint net benefit gained if a demand were dropped.
- :func:`agreement_zones`: the range of cost shares each party can accept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bordercompact.negotiate.portfolio import Portfolio, Program
from bordercompact.negotiate.positions import NegotiationConfig

#: Joint net benefit below this (region currency) is no price.
PRICE_TOLERANCE = 1.0


@dataclass(frozen=True)
class Conflict:
    tag: str
    party: str | None
    text: str


def tags(program: Program) -> list[str]:
    """The named constraints of a program, each once, in order."""
    return list(dict.fromkeys(r.tag for r in program.rows if r.tag is not None))


def conflicting_demands(program: Program) -> list[str] | None:
    """A minimal set of tags whose constraints conflict (None when a portfolio meets them
    all): the deletion filter, one program per tag."""
    named = tags(program)
    if program.solve() is not None:
        return None
    conflict = list(named)
    for tag in named:
        trial = [t for t in conflict if t != tag]
        if program.solve(without=set(named) - set(trial)) is None:
            conflict = trial
    return conflict


def explain(conflict: list[str], config: NegotiationConfig, language: str = "en") -> list[Conflict]:
    """The conflicting constraints in plain words, with the parties who set them."""
    texts = demand_texts(config, language)
    found = []
    for tag in conflict:
        party, text = texts.get(tag, (None, tag))
        if tag.startswith("budget:"):
            _, who, when = tag.split(":")
            party, text = who, f"{who}'s budget for {when}"
        elif tag.startswith("floor:"):
            party = tag.split(":", 1)[1]
            text = f"{party} gains at least what it could get on its own"
        found.append(Conflict(tag, party, text))
    return found


def demand_texts(config: NegotiationConfig, language: str = "en") -> dict[str, tuple[str, str]]:
    """Each demand id → (its party, its sentence in ``language`` or the first given)."""
    return {
        d.id: (party, d.text.get(language, next(iter(d.text.values()))))
        for party, d in config.demands()
    }


def demand_prices(program: Program, deal: Portfolio) -> dict[str, float]:
    """Per named constraint that costs the deal something: the joint net benefit it would
    gain without it (one program per constraint; in an integer program a constraint with
    room to spare at the deal can still rule out a better one)."""
    best = deal.objective
    prices = {}
    for tag in tags(program):
        solved = program.solve(without={tag})
        if solved is not None and solved.objective - best > PRICE_TOLERANCE:
            prices[tag] = solved.objective - best
    return prices


def agreement_zones(
    benefit: Mapping[str, float],
    floor: Mapping[str, float],
    ceiling: Mapping[str, float | None],
    total_cost: float,
) -> dict[str, tuple[float, float]]:
    """Each party's zone of possible agreement on its cost share (present value; the
    ZOPA of Raiffa 1982, *The Art and Science of Negotiation*, ch. 4): at most
    its benefit less the least net gain it accepts (``floor``: its stand-alone value or
    stated minimum), and at most its stated maximum contribution (``ceiling``); at least
    what is left of the costs when every other party pays its most. An empty zone
    (low > high) means no split of these costs suits everyone."""
    most = {}
    for party in benefit:
        stated = ceiling.get(party)
        most[party] = min(benefit[party] - floor[party], float("inf") if stated is None else stated)
    return {p: (total_cost - sum(most[q] for q in benefit if q != p), most[p]) for p in benefit}
