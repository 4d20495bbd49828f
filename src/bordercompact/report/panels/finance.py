"""The panels of the money: each party's payments per fiscal year in its own
currency, and the pooled reserve against each party's own."""

from __future__ import annotations

import numpy as np
import pandas as pd
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
from bordercompact.report.figures import Axis
from bordercompact.report.panels.page import OPEN_ROWS, Page, number


def schedule(page: Page) -> Panel:
    """Each party's payments per fiscal year and source in its own currency
    (finance/schedule.csv) and the budgets exceeded (finance/finance.json)."""
    _, run = page._, page.run
    panel = Panel("schedule", _("Payment schedule"))
    payments = run.csv("finance/schedule.csv")
    if payments is None:
        panel.blocks.extend(page.missing(_("The finance plan was not part of this run.")))
        return panel
    colours = charts.source_colours(list(dict.fromkeys(payments["source"])))
    order = {p: k for k, p in enumerate(run.parties)}
    schedules: dict[str, tuple[pd.DataFrame, Axis]] = {}
    tables: list[Block] = []
    for party in sorted(set(payments["party"]), key=lambda p: (order.get(p, len(order)), p)):
        own = payments[payments["party"] == party].rename(columns={"amount_party": "amount"})
        currency = str(own["currency"].iloc[0])
        by_year = own.groupby("fiscal_year")["amount"]
        schedules[str(party)] = (
            own[["fiscal_year", "source", "kind", "amount"]],
            page.money_axis(
                lambda unit: _("Payments (%(unit)s)", unit=unit),
                [*by_year.sum(), *by_year.min()],
                currency,
            ),
        )
        tables += [Heading(str(party)), _sources_table(page, own, currency)]
    svg = charts.payment_schedules(
        schedules, colours, _("Fiscal year"), _("operation and maintenance (hatched)")
    )
    panel.blocks.append(
        Chart(
            "schedule",
            _("Payments of each party per fiscal year"),
            Markup(svg),
            _(
                "each panel is one party's payments per fiscal year, in its own currency, "
                "split by funding source (colours); hatched parts pay operation and "
                "maintenance, plain parts the works and the loans; parts below zero are "
                "money the party receives."
            ),
        )
    )
    panel.blocks.extend(tables)
    over = (run.json("finance/finance.json") or {}).get("plan", {}).get("over_budget") or []
    if over:
        panel.blocks.append(
            Details(
                _("Budgets exceeded: %(count)s budget periods", count=len(over)),
                [
                    Table(
                        [
                            _("Party"),
                            _("Budget period"),
                            _("Kind"),
                            _("Budget"),
                            _("Commitments"),
                            _("Excess"),
                        ],
                        [
                            [
                                str(o["party"]),
                                str(o["budget_period"]),
                                _kind(page, str(o["kind"])),
                                page.money(number(o["budget"]), o["currency"]),
                                page.money(number(o["commitments"]), o["currency"]),
                                Cell(page.money(number(o["excess"]), o["currency"]), "fail"),
                            ]
                            for o in over
                        ],
                        numeric=frozenset({3, 4, 5}),
                    )
                ],
                open=len(over) <= OPEN_ROWS,
            )
        )
    else:
        panel.blocks.append(Text(_("No party exceeds a budget it stated.")))
    return panel


def _kind(page: Page, kind: str) -> str:
    """A cost's kind in words."""
    _ = page._
    return {"capital": _("works"), "operating": _("operation and maintenance")}.get(kind, kind)


def _sources_table(page: Page, payments: pd.DataFrame, currency: str) -> Table:
    """A party's payments per funding source over all its fiscal years: to the works, to
    operation and maintenance, in all, and the years they span; a total line last."""
    _ = page._

    def line(label: str, paid: pd.DataFrame) -> list[str]:
        kinds = paid.groupby("kind")["amount"].sum()
        first, last = paid["fiscal_year"].min(), paid["fiscal_year"].max()
        return [
            label,
            page.money(float(kinds.get("capital", 0.0)), currency),
            page.money(float(kinds.get("operating", 0.0)), currency),
            page.money(float(paid["amount"].sum()), currency),
            f"{first}–{last}" if first != last else str(first),
        ]

    rows: list[list[str | Cell]] = [
        [*line(str(source), paid)] for source, paid in payments.groupby("source", sort=False)
    ]
    rows.append([Cell(text, "total") for text in line(_("Total"), payments)])
    yearly = payments.groupby("fiscal_year")["amount"].sum()
    caption = _("Sums over the fiscal years in %(currency)s.", currency=currency)
    if yearly.max() > 0:
        caption += " " + _(
            "The busiest year is %(year)s, with %(amount)s.",
            year=yearly.idxmax(),
            amount=page.money(float(yearly.max()), currency),
        )
    return Table(
        [
            _("Funding source"),
            _("Works"),
            _("Operation and maintenance"),
            _("Total"),
            _("Fiscal years"),
        ],
        rows,
        numeric=frozenset({1, 2, 3}),
        caption=caption,
    )


def reserve(page: Page) -> Panel:
    """Each party's reserve alone against its share of the pooled one (finance/reserve.csv),
    what pooling saves and how likely the fund runs dry (finance/finance.json)."""
    _, run = page._, page.run
    panel = Panel("reserve", _("Pooled reserve"))
    if not run.has_stage("finance"):
        panel.blocks.extend(page.missing(_("The finance plan was not part of this run.")))
        return panel
    table = run.csv("finance/reserve.csv")
    if table is None:
        panel.blocks.extend(page.missing(_("This run planned no pooled reserve.")))
        return panel
    document = (run.json("finance/finance.json") or {}).get("reserve", {})
    order = {p: k for k, p in enumerate(run.parties)}
    parties = table[table["party"] != "pooled"]
    parties = parties.iloc[np.argsort([order.get(p, len(order)) for p in parties["party"]])]
    pooled = table[table["party"] == "pooled"].iloc[0]
    drawn = pd.DataFrame(
        {
            "party": [*parties["party"], None],
            "label": [*parties["party"], _("all parties")],
            "alone": [*parties["reserve_alone"], float(parties["reserve_alone"].sum())],
            "pooled": [*parties["contribution_euler"], float(pooled["reserve_alone"])],
        }
    )
    return_period = page.fmt.decimal(number(document.get("return_period")), 0)
    svg = charts.reserve_comparison(
        drawn,
        page.colours,
        page.money_axis(
            lambda unit: _("Reserve (%(unit)s)", unit=unit), drawn["alone"], run.currency
        ),
        _("held alone"),
        _("share of the pooled reserve (Euler allocation)"),
    )
    panel.blocks.append(
        Chart(
            "reserve",
            _("Reserve each party would hold alone and its share of the pooled reserve"),
            Markup(svg),
            _(
                "each pair compares the reserve a party would need to pay its covered flood "
                "losses on its own (the mean payout of its worst 1-in-%(return_period)s "
                "years, TVaR) with its share of one pooled reserve (hatched); the last pair "
                "adds them up: the gap is what pooling saves.",
                return_period=return_period,
            ),
        )
    )
    rows: list[list[str | Cell]] = []
    for record in [*parties.to_dict("records"), pooled.to_dict()]:
        label = _("pooled") if record["party"] == "pooled" else str(record["party"])
        rows.append(
            [
                label,
                page.money(float(record["expected_annual_loss"])),
                page.money(float(record["expected_payout"])),
                page.percent(float(record["payout_frequency"])),
                page.money(float(record["reserve_alone"])),
                page.money(float(record["contribution_euler"])),
                page.money(float(record["contribution_expected_loss_plus_load"])),
            ]
        )
    panel.blocks.append(
        Table(
            [
                _("Party"),
                _("Expected annual loss"),
                _("Expected payout a year"),
                _("Years with a payout"),
                _("Reserve"),
                _("Share (Euler)"),
                _("Share (expected loss plus load)"),
            ],
            rows,
            numeric=frozenset(range(1, 7)),
            caption=_("Money in %(currency)s.", currency=run.currency),
        )
    )
    facts = []
    saved = float(parties["reserve_alone"].sum()) - float(pooled["reserve_alone"])
    facts.append((_("Saved by pooling"), page.money(saved)))
    if "depletion_probability" in document:
        facts.append(
            (
                _(
                    "Probability the pooled fund runs dry within %(years)s years",
                    years=document.get("horizon_years", "?"),
                ),
                page.percent(number(document["depletion_probability"])),
            )
        )
    panel.blocks.append(Facts(facts))
    return panel
