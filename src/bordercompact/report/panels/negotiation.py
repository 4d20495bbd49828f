"""The panels of the negotiation: the alternatives to the deal (joint net benefit
against equity) and the deal itself: its measures, the allocation rule in plain words,
each party's share, gain and robustness, the other rules, the acceptability checks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from bordercompact.report import charts
from bordercompact.report.blocks import (
    Block,
    Cell,
    Chart,
    Details,
    Facts,
    Heading,
    Panel,
    Table,
    Text,
)
from bordercompact.report.panels.page import OPEN_ROWS, Page, checks_table, number


def pareto(page: Page) -> Panel:
    """The alternatives of negotiation/alternatives.csv: joint net benefit against equity
    share, the deal marked, and each one's measures and net gains."""
    _, run = page._, page.run
    panel = Panel("pareto", _("Alternatives to the deal"))
    alternatives = run.csv("negotiation/alternatives.csv")
    if alternatives is None:
        panel.blocks.extend(page.missing(_("The negotiation was not part of this run.")))
        return panel
    if not len(alternatives):
        panel.blocks.append(Text(_("The negotiation found no alternatives to compare.")))
        return panel
    numbered = alternatives.assign(
        label=[str(k) for k in range(1, len(alternatives) + 1)], deal=alternatives["aim"] == "joint"
    )
    svg = charts.pareto_alternatives(
        numbered,
        page.percent_axis(
            _("Equity share: avoided losses going to the most vulnerable fifth of zones (%%)")
        ),
        page.money_axis(
            lambda unit: _("Joint net benefit (%(unit)s)", unit=unit),
            numbered["joint_net_benefit"],
            run.currency,
        ),
        _("the deal"),
        _("an alternative"),
        _("frontier: no alternative does better on both"),
    )
    panel.blocks.append(
        Chart(
            "pareto",
            _("Joint net benefit against equity"),
            Markup(svg),
            _(
                "each point is a portfolio of measures, numbered as in the table below; "
                "higher means more net benefit for all parties together, further right "
                "means more of the avoided losses go to the most vulnerable zones; along the "
                "dashed line neither aim can gain without the other losing."
            ),
        )
    )
    gains = [c for c in alternatives.columns if c.startswith("net_gain_")]
    chosen = numbered[numbered["deal"]]
    deal_measures = set(str(chosen["measures"].iloc[0]).split("+")) if len(chosen) else set()
    rows: list[list[str | Cell]] = []
    for record in numbered.to_dict("records"):
        measures = set(str(record["measures"]).split("+"))
        rows.append(
            [
                record["label"],
                Cell(str(record["name"]), "pass") if record["deal"] else str(record["name"]),
                _aim(page, str(record["aim"])),
                measures_against_deal(page, measures, deal_measures, bool(record["deal"])),
                page.money(float(record["joint_net_benefit"])),
                page.percent(float(record["equity_share"])),
                *(page.money(float(record[c])) for c in gains),
            ]
        )
    panel.blocks.append(
        Table(
            [
                "#",
                _("Alternative"),
                _("Aim"),
                _("Measures"),
                _("Joint net benefit"),
                _("Equity share"),
                *(_("Net gain of %(party)s", party=c.removeprefix("net_gain_")) for c in gains),
            ],
            rows,
            numeric=frozenset({0, *range(4, 6 + len(gains))}),
            caption=_(
                "Measures: those of the deal (+) added or (−) left out. Money in "
                "%(currency)s, present values.",
                currency=run.currency,
            ),
        )
    )
    return panel


def measures_against_deal(page: Page, measures: set[str], deal: set[str], is_deal: bool) -> str:
    """An alternative's measures told as changes to the deal's: those it adds (+) and
    those it leaves out (−); the deal itself by its number of measures."""
    _ = page._
    if is_deal or not deal:
        return _("%(count)s measures", count=len(measures))
    changes = []
    if measures - deal:
        changes.append("+ " + ", ".join(sorted(measures - deal)))
    if deal - measures:
        changes.append("− " + ", ".join(sorted(deal - measures)))
    return "; ".join(changes) or _("the same measures as the deal")


def _aim(page: Page, aim: str) -> str:
    """What an alternative aims at, in words."""
    _ = page._
    if aim == "joint":
        return _("the largest joint net benefit (the deal)")
    if aim == "equity":
        return _("more equity")
    if aim.startswith("benefit:"):
        return _("more benefit for %(party)s", party=aim.removeprefix("benefit:"))
    return aim


def rule_in_plain_words(page: Page, rule: str) -> tuple[str, str]:
    """The allocation rule's name and what it does, for partners who do not read game
    theory."""
    _ = page._
    words = {
        "shapley": (
            _("Shapley value"),
            _(
                "Each party receives what it adds to the joint net benefit, averaged over "
                "every order in which the parties could have joined the agreement one by one."
            ),
        ),
        "nucleolus": (
            _("Nucleolus"),
            _(
                "Among the splits that leave no party worse off than on its own, the one that "
                "makes the least satisfied group of parties as well off as possible, then the "
                "next least satisfied, and so on."
            ),
        ),
        "scrb": (
            _("Separable costs, remaining benefits"),
            _(
                "Each party pays the costs that exist only because it takes part; the costs "
                "left over are shared in proportion to what each party saves against going "
                "alone."
            ),
        ),
        "proportional": (
            _("Proportional"),
            _("The joint net benefit is shared in proportion to each party's benefit."),
        ),
        "equal_surplus": (
            _("Equal surplus"),
            _(
                "Each party gets what it could get alone, plus an equal part of what "
                "cooperation adds."
            ),
        ),
        "nash": (
            _("Nash bargaining"),
            _(
                "Each party gets what it could get alone, plus a part of what cooperation "
                "adds in proportion to its bargaining weight."
            ),
        ),
    }
    return words.get(rule, (rule, ""))


def deal(page: Page) -> Panel:
    """The deal of negotiation/deal.json: measures, cost, the rule in plain words, each
    party's benefit, cost share, net gain, stand-alone value, transfer and robustness, the
    other rules' splits and the acceptability checks (or, without a deal, why)."""
    _, run = page._, page.run
    panel = Panel("deal", _("The deal"))
    found = run.json("negotiation/deal.json")
    if found is None:
        panel.blocks.extend(page.missing(_("The negotiation was not part of this run.")))
        return panel
    if not found.get("found"):
        panel.blocks.append(Text(_("No deal was found: no portfolio meets every demand.")))
        conflict = found.get("conflict") or []
        if conflict:
            panel.blocks.append(
                Table(
                    [_("Party"), _("Blocking demand")],
                    [
                        [str(c.get("party") or _("all parties")), str(c.get("text") or c["tag"])]
                        for c in conflict
                    ],
                    caption=_("The demands that together block a deal, and who made them."),
                )
            )
        panel.blocks.extend(Text(str(note)) for note in found.get("notes") or [])
        return panel
    name, explanation = rule_in_plain_words(page, str(found.get("rule")))
    measures = [
        run.measure_name(m, page.language)
        + (f" ({m})" if run.measure_name(m, page.language) != m else "")
        for m in found.get("measures", [])
    ]
    panel.blocks.append(
        Facts(
            [
                (_("Measures"), "; ".join(measures) or "—"),
                (_("Total cost"), page.money(number(found.get("cost")))),
                (_("Joint net benefit"), page.money(number(found.get("joint_net_benefit")))),
                (_("Allocation rule"), f"{name}. {explanation}"),
            ]
        )
    )
    rows: list[list[str | Cell]] = []
    for party in found.get("parties", []):
        gains = number(party.get("gains_in_share_of_samples"))
        rows.append(
            [
                str(party["party"]),
                page.money(number(party["benefit"])),
                page.money(number(party["cost_share"])),
                page.money(number(party["net_gain"])),
                page.money(number(party["stand_alone"])),
                page.money(number(party["transfer"])),
                Cell(page.percent(gains, 0), "pass" if gains >= 0.95 else "fail")
                if math.isfinite(gains)
                else "—",
            ]
        )
    panel.blocks.append(
        Table(
            [
                _("Party"),
                _("Benefit"),
                _("Cost share"),
                _("Net gain"),
                _("Alone"),
                _("Transfer"),
                _("Gains in share of samples"),
            ],
            rows,
            numeric=frozenset(range(1, 7)),
            caption=_(
                "Present values in %(currency)s. Alone: what the party would gain with the "
                "best portfolio it could build on its own. Transfer: what it pays the other "
                "parties (negative: what it receives) so that the split follows the rule. "
                "Gains in share of samples: how robust the deal is for the party, the share "
                "of the uncertainty samples in which it still gains.",
                currency=run.currency,
            ),
        )
    )
    panel.blocks.extend(_other_rules(page, found))
    panel.blocks.extend(_acceptability(page, found.get("checks") or []))
    return panel


def _other_rules(page: Page, found: dict[str, Any]) -> list[Block]:
    """Each party's net gain under every allocation rule, the deal's highlighted."""
    _ = page._
    allocations = found.get("allocations") or {}
    players = list(found.get("players") or [])
    if not allocations:
        return []
    rows: list[list[str | Cell]] = []
    for rule, shares in allocations.items():
        name = rule_in_plain_words(page, rule)[0]
        label: str | Cell = Cell(name, "pass") if rule == found.get("rule") else name
        shares = shares or {}
        rows.append([label, *(page.money(number(shares.get(p))) for p in players)])
    return [
        Heading(_("Net gain of each party under each rule")),
        Table(
            [_("Rule"), *players],
            rows,
            numeric=frozenset(range(1, 1 + len(players))),
            caption=_(
                "The rule of the deal is highlighted; money in %(currency)s.",
                currency=page.currency,
            ),
        ),
    ]


def _acceptability(page: Page, checks: Sequence[dict[str, Any]]) -> list[Block]:
    """The deal's acceptability checks, folded when many and all passed."""
    _ = page._
    names = {
        "individual_rationality": _("better off than alone"),
        "core": _("no group of parties does better on its own (core)"),
        "budget": _("within the budget"),
        "demand": _("a party's demand is met"),
    }
    table = checks_table(
        page,
        [
            (
                names.get(c["check"], c["check"]),
                c.get("party") or "—",
                bool(c["passed"]),
                c.get("detail", ""),
            )
            for c in checks
        ],
        _("Party"),
    )
    passed = sum(bool(c["passed"]) for c in checks)
    summary = _(
        "Acceptability checks: %(passed)s of %(total)s pass", passed=passed, total=len(checks)
    )
    return [Details(summary, [table], open=len(checks) <= OPEN_ROWS or passed < len(checks))]
