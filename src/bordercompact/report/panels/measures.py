"""The appraisal panel: per measure its cost, its benefit to each party (spillovers
across the border marked), NPV, BCR and their spread, and a chart of who benefits."""

from __future__ import annotations

import math

import pandas as pd
from markupsafe import Markup

from bordercompact.report import charts
from bordercompact.report.blocks import Cell, Chart, Panel, Table, Text
from bordercompact.report.panels.page import Page, number
from bordercompact.report.results import TOTAL


def appraisal(page: Page) -> Panel:
    """Per measure its cost, benefit to each party, NPV, BCR and NPV spread
    (appraisal/appraisal.csv, uncertainty.csv), and the benefit-per-party chart."""
    _, run = page._, page.run
    panel = Panel("appraisal", _("Appraisal of measures"))
    table = run.csv("appraisal/appraisal.csv")
    if table is None:
        panel.blocks.extend(page.missing(_("The appraisal of measures was not part of this run.")))
        return panel
    settings = (run.json("appraisal/metrics.json") or {}).get("appraisal", {})
    if settings:
        panel.blocks.append(
            Text(
                _(
                    "Present values over %(first)s–%(last)s in %(currency)s, discounted at "
                    "%(rate)s a year; before a deal shares the costs, the host pays.",
                    first=settings.get("first_year", "?"),
                    last=settings.get("last_year", "?"),
                    currency=run.currency,
                    rate=page.percent(number(settings.get("discount_rate"))),
                )
            )
        )
    panel.blocks.append(_appraisal_table(page, table))
    benefits = table[table["party"] != TOTAL][["measure", "party", "host", "benefit"]]
    benefits = benefits[benefits["party"].isin(page.colours)]
    receiving = set(benefits.loc[benefits["benefit"] != 0, "party"])
    svg = charts.benefits_by_party(
        benefits,
        {p: c for p, c in page.colours.items() if p in receiving},
        page.money_axis(
            lambda unit: _("Benefit, present value (%(unit)s)", unit=unit),
            benefits.groupby("measure")["benefit"].sum(),
            run.currency,
        ),
        _("benefit to the host"),
        _("benefit across the border (to a party that does not host the measure)"),
    )
    panel.blocks.append(
        Chart(
            "benefits",
            _("Benefit of each measure to each party"),
            Markup(svg),
            _(
                "each bar is one measure's benefit over the appraisal years, split by the "
                "party that receives it; hatched parts go to a party other than the host: "
                "these cross-border spillovers are what a fair deal has to account for."
            ),
        )
    )
    return panel


def _appraisal_table(page: Page, table: pd.DataFrame) -> Table:
    """One row per measure: the total's cost, NPV and BCR, each party's benefit (marked
    where it crosses the border), the NPV's 5–95 % range and whether the deal has it."""
    _, run = page._, page.run
    uncertainty = run.csv("appraisal/uncertainty.csv")
    deal = run.json("negotiation/deal.json") or {}
    in_deal = set(deal.get("measures") or [])
    with_benefit = table.loc[table["benefit"].abs() > 0, "party"]
    parties = [p for p in page.colours if (with_benefit == p).any()]
    head = [_("Measure"), _("Host"), _("Cost")]
    head += [_("Benefit to %(party)s", party=p) for p in parties]
    head += [_("NPV"), _("BCR")]
    if uncertainty is not None:
        head.append(_("NPV, 5th–95th percentile"))
    if deal:
        head.append(_("In the deal"))
    rows: list[list[str | Cell]] = []
    notes = []
    for measure, own in table.groupby("measure", sort=False):
        total = own[own["party"] == TOTAL].iloc[0]
        benefit = dict(zip(own["party"], own["benefit"], strict=True))
        name = run.measure_name(str(measure), page.language)
        label = name if name == measure else f"{name} ({measure})"
        if isinstance(total.get("on_top_of"), str) and total["on_top_of"]:
            notes.append(
                "* "
                + _(
                    "%(measure)s is valued on top of %(others)s: what it adds, at its own cost.",
                    measure=measure,
                    others=total["on_top_of"].replace("+", ", "),
                )
            )
            label += " *"
        row: list[str | Cell] = [
            Cell(label, "measure"),
            str(total["host"]),
            page.money(float(total["cost"])),
        ]
        for party in parties:
            text = page.money(float(benefit.get(party, 0.0)))
            spills = party != total["host"] and abs(float(benefit.get(party, 0.0))) > 0
            row.append(Cell(text, "spillover") if spills else text)
        row += [page.money(float(total["npv"])), _ratio(page, float(total["bcr"]))]
        if uncertainty is not None:
            spread = uncertainty[
                (uncertainty["measure"] == measure) & (uncertainty["party"] == TOTAL)
            ]
            row.append(
                f"{page.money(float(spread['npv_p05'].iloc[0]))} – "
                f"{page.money(float(spread['npv_p95'].iloc[0]))}"
                if len(spread)
                else "—"
            )
        if deal:
            row.append(Cell(_("yes"), "pass") if measure in in_deal else _("no"))
        rows.append(row)
    caption = _(
        "Cost, benefit and net present value (NPV) in %(currency)s; BCR: benefit–cost "
        "ratio. Highlighted: benefit to a party that does not host the measure.",
        currency=run.currency,
    )
    return Table(
        head,
        rows,
        # cost, benefits, NPV, BCR and the NPV's spread are numbers
        numeric=frozenset(range(2, 5 + len(parties) + (uncertainty is not None))),
        caption=" ".join([caption, *notes]),
    )


def _ratio(page: Page, value: float) -> str:
    """A benefit–cost ratio (∞ for a benefit at no cost, — for neither)."""
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞"
    return page.fmt.decimal(value, 2)
