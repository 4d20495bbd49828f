"""Consistency checks of a compact: its numbers add up to the deal, every measure has a
lead and milestones in a workable order, every indicator can be measured, budgets are
kept or the excess recorded, the board can decide, every article exists in every
language, and every dispute step has a deadline. Each failure names the article and the
numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from babel.messages.catalog import Catalog

from bordercompact.compact.model import PHASES, Compact, Text
from bordercompact.compact.render import (
    ARTICLES,
    DOCUMENT_TEMPLATE,
    SOURCE_LANGUAGE,
    article_number,
    article_template,
    catalog,
    is_own_money,
)
from bordercompact.compact.render import (
    template_messages as _template_messages,
)
from bordercompact.finance.calendar import BUDGET_TOLERANCE

#: Relative tolerance of sums that must agree (floating point, CSV round trips).
RELATIVE = 1e-6
#: The order dispute steps must follow.
STEP_ORDER = ("consultation", "mediation", "arbitration")


@dataclass(frozen=True)
class CheckResult:
    check: str
    article: str  # key of ARTICLES
    passed: bool
    detail: str

    @property
    def where(self) -> str:
        title = _template_messages(article_template(self.article))[0]  # its heading
        return f"Article {article_number(self.article)} ({title})"

    def __str__(self) -> str:
        mark = "ok" if self.passed else "FAILED"
        return f"{mark} {self.check}: {self.where}: {self.detail}"


def _close(a: float, b: float, scale: float = 1.0) -> bool:
    return abs(a - b) <= RELATIVE * max(abs(a), abs(b), scale)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"


def commitments_add_up(compact: Compact) -> Iterator[CheckResult]:
    """The parts of each measure add up to 1; each party's parts of the measures' costs
    (works and transfers) add up to its cost share; the shares add up to the portfolio's
    cost; and every payer's part of every measure is funded by the plan, at one cost per
    measure for all its payers."""
    name = "commitments_add_up"
    failed = False
    for duty in compact.responsibilities:
        total = sum(duty.parts.values())
        if not _close(total, 1.0):
            failed = True
            yield CheckResult(
                name,
                "cost_sharing",
                False,
                f"the parts of {duty.measure!r} add up to {total:.6f}, expected 1",
            )
    for duty in compact.responsibilities:
        moved = sum(duty.transfers.values())
        if not _close(moved, 0.0):
            failed = True
            yield CheckResult(
                name,
                "cost_sharing",
                False,
                f"the transfers on {duty.measure!r} add up to {moved:.6f} of its cost, "
                "expected 0 (what one party pays the others receive)",
            )
    costs = sum(d.cost for d in compact.responsibilities)
    if not _close(costs, compact.portfolio_cost):
        failed = True
        yield CheckResult(
            name,
            "purpose",
            False,
            f"the measures cost {_fmt(costs)} {compact.currency}, the portfolio "
            f"{_fmt(compact.portfolio_cost)}",
        )
    for share in compact.cost_shares:
        from_parts = sum(
            (d.parts.get(share.party, 0.0) + d.transfers.get(share.party, 0.0)) * d.cost
            for d in compact.responsibilities
        )
        if not _close(from_parts, share.cost_share, compact.portfolio_cost):
            failed = True
            yield CheckResult(
                name,
                "cost_sharing",
                False,
                f"{share.party}'s parts of the measures' costs add up to {_fmt(from_parts)} "
                f"{compact.currency}, its cost share is {_fmt(share.cost_share)}",
            )
    shared = sum(s.cost_share for s in compact.cost_shares)
    if not _close(shared, compact.portfolio_cost):
        failed = True
        yield CheckResult(
            name,
            "cost_sharing",
            False,
            f"the cost shares add up to {_fmt(shared)} {compact.currency}, the portfolio "
            f"costs {_fmt(compact.portfolio_cost)}",
        )
    for duty in compact.responsibilities:
        for cost in ("capital", "operating"):
            implied: dict[str, float] = {}
            for party, part in duty.parts.items():
                funded = sum(
                    f.amount
                    for f in compact.funding
                    if f.measure == duty.measure and f.party == party and f.cost == cost
                )
                if part > RELATIVE:
                    implied[party] = funded / part
            spending = duty.capital_cost if cost == "capital" else duty.annual_cost
            if spending > 0 and any(v <= 0 for v in implied.values()):
                unfunded = sorted(p for p, v in implied.items() if v <= 0)
                failed = True
                yield CheckResult(
                    name,
                    "funding",
                    False,
                    f"{', '.join(unfunded)}'s part of the {cost} costs of {duty.measure!r} "
                    "has no source",
                )
            elif implied and not all(
                _close(v, next(iter(implied.values()))) for v in implied.values()
            ):
                failed = True
                amounts = ", ".join(f"{p} {_fmt(v)}" for p, v in sorted(implied.items()))
                yield CheckResult(
                    name,
                    "funding",
                    False,
                    f"the {cost} costs of {duty.measure!r} funded per unit of part differ "
                    f"between its payers ({amounts} {compact.currency}); expected one cost",
                )
    if not failed:
        yield CheckResult(
            name,
            "cost_sharing",
            True,
            f"the parts of {len(compact.responsibilities)} measures add up to the "
            f"{len(compact.cost_shares)} cost shares and to {_fmt(compact.portfolio_cost)} "
            f"{compact.currency}; every part is funded",
        )


def leads_and_milestones(compact: Compact) -> Iterator[CheckResult]:
    """Every measure has a lead that is a party, and a milestone for every phase (a
    phase of zero months may be left out, never construction)."""
    parties = {p.id for p in compact.parties}
    found = []
    for duty in compact.responsibilities:
        if duty.lead is None or duty.lead not in parties:
            found.append(
                CheckResult(
                    "measures_have_leads",
                    "measures",
                    False,
                    f"{duty.measure!r} has lead {duty.lead!r}; expected one of the parties "
                    f"({', '.join(sorted(parties))})",
                )
            )
        phases = {m.phase for m in compact.milestones if m.measure == duty.measure}
        if "construction" not in phases:
            missing = [p for p in PHASES if p not in phases]
            found.append(
                CheckResult(
                    "measures_have_milestones",
                    "milestones",
                    False,
                    f"{duty.measure!r} has no milestone for {', '.join(missing)}",
                )
            )
    yield from found
    count = len(compact.responsibilities)
    if not any(r.check == "measures_have_leads" for r in found):
        yield CheckResult("measures_have_leads", "measures", True, f"each of {count} has a lead")
    if not any(r.check == "measures_have_milestones" for r in found):
        yield CheckResult(
            "measures_have_milestones", "milestones", True, f"each of {count} has milestones"
        )


def milestone_order(compact: Compact) -> Iterator[CheckResult]:
    """Milestones depend on milestones that exist, without cycles; each starts after
    those it depends on end and after the compact enters into force, ends after it
    starts, and construction falls in the measure's construction years."""
    name = "milestone_order"
    by_id = {m.id: m for m in compact.milestones}
    years = {d.measure: d.construction_years for d in compact.responsibilities}
    failed = False
    graph = {m.id: [d for d in m.depends_on if d in by_id] for m in compact.milestones}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        failed = True
        yield CheckResult(
            name, "milestones", False, f"dependencies form a cycle: {' → '.join(exc.args[1])}"
        )
    for m in compact.milestones:
        for dependency in m.depends_on:
            before = by_id.get(dependency)
            if before is None:
                failed = True
                yield CheckResult(
                    name,
                    "milestones",
                    False,
                    f"{m.id} depends on {dependency}, not a milestone",
                )
            elif m.start <= before.end:
                failed = True
                yield CheckResult(
                    name,
                    "milestones",
                    False,
                    f"{m.id} starts on {m.start}, not after {dependency} ends on {before.end}",
                )
        if m.end < m.start:
            failed = True
            yield CheckResult(
                name, "milestones", False, f"{m.id} ends on {m.end}, before it starts on {m.start}"
            )
        if m.start < compact.entry_into_force:
            failed = True
            yield CheckResult(
                name,
                "milestones",
                False,
                f"{m.id} starts on {m.start}, before the compact enters into force on "
                f"{compact.entry_into_force}",
            )
        built = years.get(m.measure)
        if (
            m.phase == "construction"
            and built
            and (m.start.year < min(built) or m.end.year > max(built))
        ):
            failed = True
            yield CheckResult(
                name,
                "milestones",
                False,
                f"{m.id} runs {m.start}–{m.end}, outside its construction years "
                f"{min(built)}–{max(built)}",
            )
    if not failed:
        yield CheckResult(
            name,
            "milestones",
            True,
            f"{len(compact.milestones)} milestones in order, without cycles, within the "
            "construction years",
        )


def indicators_measurable(compact: Compact) -> Iterator[CheckResult]:
    """Every indicator has a baseline, a target, an owner and review dates."""
    failed = False
    for i in compact.indicators:
        missing = [
            what
            for what, value in (("baseline", i.baseline), ("target", i.target))
            if value is None or not math.isfinite(value)
        ]
        if i.owner is None:
            missing.append("owner")
        if not i.review_dates:
            missing.append("review dates")
        if missing:
            failed = True
            yield CheckResult(
                "indicators_complete",
                "indicators",
                False,
                f"indicator {i.id!r} has no {', '.join(missing)}",
            )
    if not compact.indicators:
        failed = True
        yield CheckResult("indicators_complete", "indicators", False, "no indicator")
    if not failed:
        yield CheckResult(
            "indicators_complete",
            "indicators",
            True,
            f"{len(compact.indicators)} indicators with baseline, target, owner and reviews",
        )


def _period_years(label: str) -> range:
    """The fiscal years of a budget period's label: FY2027, or FY2027–2028."""
    first, _, last = label.removeprefix("FY").replace("-", "–").partition("–")
    return range(int(first), int(last or first) + 1)


def budgets_kept(compact: Compact) -> Iterator[CheckResult]:
    """Each stated budget's commitments are the party's own-money commitments of its
    period, and a period whose commitments exceed the budget is recorded as exceeded."""
    failed = False
    for b in compact.budgets:
        years = _period_years(b.period)
        committed = sum(
            c.amount_party
            for c in compact.commitments
            if c.party == b.party
            and c.kind == b.kind
            and c.fiscal_year in years
            and is_own_money(c.source, compact)
        )
        if not _close(committed, b.commitments, 1.0):
            failed = True
            yield CheckResult(
                "budgets_kept",
                "commitments",
                False,
                f"{b.party}'s {b.kind} commitments in {b.period} are {_fmt(committed)} in "
                f"the yearly table, {_fmt(b.commitments)} beside its budget",
            )
        over = committed > b.budget * (1 + BUDGET_TOLERANCE)
        if over != b.exceeded:
            failed = True
            state = "exceed" if over else "fit"
            yield CheckResult(
                "budgets_kept",
                "commitments",
                False,
                f"{b.party}'s {b.kind} commitments in {b.period}, {_fmt(committed)}, {state} "
                f"its budget of {_fmt(b.budget)}, but the compact records "
                f"{'an excess' if b.exceeded else 'no excess'}",
            )
    if not failed:
        exceeded = sum(b.exceeded for b in compact.budgets)
        yield CheckResult(
            "budgets_kept",
            "commitments",
            True,
            f"{len(compact.budgets)} budget periods checked; {exceeded} exceeded and recorded",
        )


def decisions_possible(compact: Compact) -> Iterator[CheckResult]:
    """The board can decide with the seats given: seats and weights name parties, the
    quorum can be met (every party seated when every party must be present), unanimity
    and consensus need every party seated, and a qualified majority is more than half."""
    g = compact.governance
    parties = {p.id for p in compact.parties}
    seats = sum(g.seats.values())
    problems = [f"seats for {p!r}, not a party" for p in g.seats if p not in parties]
    problems += [
        f"a weight for {p!r}, which has no seat" for p in g.decision.weights if not g.seats.get(p)
    ]
    if g.secretariat not in parties:
        problems.append(f"secretariat {g.secretariat!r} is not a party")
    unseated = sorted(p for p in parties if not g.seats.get(p))
    if g.quorum.seats > seats:
        problems.append(f"a quorum of {g.quorum.seats} seats, but the board has {seats}")
    if g.quorum.every_party and unseated:
        problems.append(f"every party must be present, but {', '.join(unseated)} has no seat")
    if g.decision.rule in ("unanimity", "consensus") and unseated:
        problems.append(f"{g.decision.rule} of the parties, but {', '.join(unseated)} has no seat")
    if g.decision.rule == "qualified_majority":
        threshold = g.decision.threshold
        if threshold is None or not 0.5 < threshold <= 1:
            problems.append(
                f"a qualified majority of {threshold}; expected more than 0.5, at most 1"
            )
    for p in g.chair_order:
        if not g.seats.get(p):
            problems.append(f"{p!r} in the chair's rotation has no seat")
    if problems:
        for problem in problems:
            yield CheckResult("decision_rule", "governance", False, problem)
    else:
        yield CheckResult(
            "decision_rule",
            "governance",
            True,
            f"{g.decision.rule} with {seats} seats; a quorum of {g.quorum.seats} can be met",
        )


def _texts(compact: Compact) -> Iterator[tuple[str, str, Text]]:
    """Every text of the compact written by the parties, with the article it appears in."""
    yield "purpose", "title", compact.title
    yield "purpose", "purpose", compact.purpose
    yield "purpose", "vision", compact.vision
    for p in compact.parties:
        yield "parties", f"the name of {p.id}", p.name
        for s in p.signatories:
            yield "parties", f"the title of {s.name}", s.title
    yield "governance", "the board's name", compact.governance.board
    for g in compact.governance.working_groups:
        yield "governance", f"working group {g.id}", g.name
    for d in compact.responsibilities:
        yield "measures", f"the name of {d.measure}", d.name
    for source in compact.sources:
        yield "funding", f"the name of source {source.id}", source.name
    yield "data", "the personal-data rule", compact.personal_data
    for step in compact.disputes:
        yield "disputes", f"the body for {step.step}", step.body


def _translated(found: Catalog, message: str) -> bool:
    entry = found.get(message)
    return entry is not None and bool(entry.string) and not entry.fuzzy


def every_language(
    compact: Compact, messages: Callable[[str], tuple[str, ...]] = _template_messages
) -> Iterator[CheckResult]:
    """Every article exists in every language of the compact: each of its template's
    messages is translated (not fuzzy), and each text the parties wrote is given in
    it; the prevailing language is one of them."""
    failed = False
    for language in compact.languages:
        found = None if language == SOURCE_LANGUAGE else catalog(language)
        # the preamble and signatures (the document's own template) count as Article 14's
        templates = [(key, article_template(key), "") for key in ARTICLES]
        templates.append(("languages", DOCUMENT_TEMPLATE, "the preamble and signatures: "))
        for key, template, part in templates if language != SOURCE_LANGUAGE else []:
            wanted = messages(template)
            untranslated = [m for m in wanted if found is None or not _translated(found, m)]
            if untranslated:
                failed = True
                yield CheckResult(
                    "every_language",
                    key,
                    False,
                    f"{part}{len(untranslated)} of {len(wanted)} sentences not translated "
                    f"into {language!r}, e.g. {untranslated[0]!r}",
                )
        for key, what, text in _texts(compact):
            if not text.get(language):
                failed = True
                yield CheckResult(
                    "every_language", key, False, f"{what} is not given in {language!r}"
                )
    prevailing = compact.final.prevailing_language
    if prevailing is not None and prevailing not in compact.languages:
        failed = True
        yield CheckResult(
            "every_language",
            "languages",
            False,
            f"the prevailing language {prevailing!r} is not one of {compact.languages}",
        )
    if not failed:
        yield CheckResult(
            "every_language",
            "languages",
            True,
            f"{len(ARTICLES)} articles in {', '.join(compact.languages)}",
        )


def disputes_have_deadlines(compact: Compact) -> Iterator[CheckResult]:
    """Dispute steps come in order (consultation, mediation, arbitration), each with a
    deadline."""
    failed = False
    if not compact.disputes:
        failed = True
        yield CheckResult("dispute_deadlines", "disputes", False, "no dispute step")
    for step in compact.disputes:
        if step.days is None:
            failed = True
            yield CheckResult(
                "dispute_deadlines", "disputes", False, f"{step.step} has no time limit"
            )
    order = [STEP_ORDER.index(s.step) for s in compact.disputes]
    if order != sorted(order):
        failed = True
        yield CheckResult(
            "dispute_deadlines",
            "disputes",
            False,
            f"steps in the order {', '.join(s.step for s in compact.disputes)}; expected "
            f"{', '.join(STEP_ORDER)}",
        )
    if not failed:
        days = sum(s.days or 0 for s in compact.disputes)
        yield CheckResult(
            "dispute_deadlines",
            "disputes",
            True,
            f"{len(compact.disputes)} steps in order, {days} days at most in all",
        )


CHECKS = (
    commitments_add_up,
    leads_and_milestones,
    milestone_order,
    indicators_measurable,
    budgets_kept,
    decisions_possible,
    every_language,
    disputes_have_deadlines,
)


def check_compact(compact: Compact) -> list[CheckResult]:
    """Every check of the compact, passed or failed."""
    return [result for check in CHECKS for result in check(compact)]
