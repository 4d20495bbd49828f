"""The equity panel: access to facilities across the border and who gains from
each measure by social vulnerability."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup

from bordercompact.report import charts
from bordercompact.report.blocks import Block, Chart, Details, Panel, Table, Text
from bordercompact.report.panels.page import Page, quintile_labels
from bordercompact.report.results import TOTAL


def equity(page: Page) -> Panel:
    """Access gaps per facility, scenario and party (equity/access.csv) and each
    measure's benefit by SVI quintile (appraisal/who_gains_by_quintile.csv)."""
    _, run = page._, page.run
    panel = Panel("equity", _("Equity"))
    if not run.has_stage("equity"):
        panel.blocks.extend(page.missing(_("The equity analysis was not part of this run.")))
        return panel
    access = run.csv("equity/access.csv")
    if access is not None and len(access):
        panel.blocks.extend(_access(page, access))
    else:
        panel.blocks.append(Text(_("This run computed no access to facilities.")))
    gains = run.csv("appraisal/who_gains_by_quintile.csv")
    if gains is not None and len(gains):
        panel.blocks.extend(_who_gains(page, gains))
    else:
        panel.blocks.append(
            Text(_("No measure was appraised in this run, so there is no split of benefits."))
        )
    return panel


def _access(page: Page, access: pd.DataFrame) -> list[Block]:
    """Per facility, crossing scenario and party: the share of people beyond the
    threshold with the facilities as set, and with every facility open to all."""
    _ = page._
    by_party = access[(access["by"] == "party") & (access["group"] != TOTAL)]
    bars, lines = [], []
    for (facility, scenario, party), own in by_party.groupby(
        ["facility", "scenario", "group"], sort=False
    ):
        # a restricted facility is computed as set and open to all, others open to all only
        as_set = own[own["rule"] == "as-set"]
        open_to_all = own[own["rule"] == "open-to-all"]
        shown = (as_set if len(as_set) else open_to_all).iloc[0]
        minutes = page.fmt.decimal(float(shown["threshold_minutes"]), 0)
        label = f"{facility} ({_('%(minutes)s min', minutes=minutes)}) · {scenario}"
        bars.append(
            {
                "label": label,
                "party": str(party),
                "share_beyond": float(shown["share_beyond"]),
                "share_beyond_open": float(open_to_all["share_beyond"].iloc[0])
                if len(as_set) and len(open_to_all)
                else np.nan,
            }
        )
        lines.append(
            [
                label,
                str(party),
                _("%(minutes)s min", minutes=page.fmt.decimal(float(shown["mean_minutes"]), 1)),
                _("%(minutes)s min", minutes=page.fmt.decimal(float(shown["p90_minutes"]), 1)),
                page.fmt.number(float(shown["people_beyond"])),
                page.percent(float(shown["share_beyond"])),
            ]
        )
    drawn = pd.DataFrame(bars)
    svg = charts.access_gaps(
        drawn,
        {p: c for p, c in page.colours.items() if (drawn["party"] == p).any()},
        page.percent_axis(_("People beyond the travel-time threshold (%% of the party's people)")),
        _("if every facility were open to all"),
    )
    table = Table(
        [
            _("Facility · scenario"),
            _("Party"),
            _("Mean travel time"),
            _("90th percentile"),
            _("People beyond the threshold"),
            _("Share beyond"),
        ],
        lines,
        numeric=frozenset({2, 3, 4, 5}),
    )
    return [
        Chart(
            "access",
            _("Access gaps: people far from the nearest facility"),
            Markup(svg),
            _(
                "each bar is the share of a party's residents who need longer than the "
                "threshold to reach the nearest facility of that kind, for each crossing "
                "scenario, with the facilities used as they are set (restricted ones to their "
                "own party's residents); the black tick is the share if every facility on "
                "every side were open to all."
            ),
        ),
        Details(_("Travel times per facility, scenario and party"), [table]),
    ]


def _who_gains(page: Page, gains: pd.DataFrame) -> list[Block]:
    """Each measure's avoided impact (present) split by SVI quintile, beside the
    population's own split."""
    _ = page._
    total = gains[(gains["party"] == TOTAL) & (gains["what"] == "avoided")]
    first = total.drop_duplicates("quintile")
    rows = [
        pd.DataFrame(
            {
                "label": _("population (for comparison)"),
                "quintile": first["quintile"],
                "share": first["people_share"] / first["people_share"].sum(),
            }
        )
    ]
    lines_per_measure = total.groupby("measure")["exposure"].nunique()
    for (measure, exposure), line in total.groupby(["measure", "exposure"], sort=False):
        if line["quantity"].sum() <= 0:
            continue
        single = lines_per_measure.get(measure) == 1
        label = str(measure) if single else f"{measure} ({exposure})"
        rows.append(
            pd.DataFrame(
                {
                    "label": label,
                    "quintile": line["quintile"],
                    "share": line["quantity"] / line["quantity"].sum(),
                }
            )
        )
    svg = charts.quintile_shares(
        pd.concat(rows, ignore_index=True),
        quintile_labels(page),
        page.percent_axis(_("Share of what the measure avoids a year (%%)")),
        "quintiles",
    )
    return [
        Chart(
            "quintiles",
            _("Who gains: avoided losses by social vulnerability quintile"),
            Markup(svg),
            _(
                "each bar splits what a measure avoids a year (present climate) among the "
                "zones of each SVI quintile, from the least vulnerable (light) to the most "
                "(dark); the first bar is the population's own split: a bar with more dark "
                "than it sends more of its benefit to the more vulnerable."
            ),
        )
    ]
