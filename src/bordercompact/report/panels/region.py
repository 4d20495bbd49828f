"""The panels of the region and its risk: the overview, the maps (parties, border,
rivers, facilities; expected loss and social vulnerability per zone) and the loss
exceedance curves."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from markupsafe import Markup

from bordercompact.equity.pipeline import per_zone
from bordercompact.report import charts, maps
from bordercompact.report.blocks import Block, Cell, Chart, Facts, Heading, Panel, Table
from bordercompact.report.figures import Axis
from bordercompact.report.panels.page import Page, quintile_labels
from bordercompact.report.results import PRESENT, TOTAL, RunResults

#: Colours of the SVI quintiles on the map, 1 (least vulnerable) … 5.
SVI_COLOURS = [charts.QUINTILE_COLOURS[q] for q in range(1, 6)]
#: Colours of the loss classes on the map (none, then five light to dark).
LOSS_COLOURS = ["#f7f7f7", "#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]


def overview(page: Page) -> Panel:
    """The region, its parties (names from the compact, currencies), when the run
    finished, its money and coordinates, and which stages it included."""
    _, run = page._, page.run
    stages = {
        "harmonize": _("harmonization"),
        "risk": _("risk"),
        "equity": _("equity"),
        "appraisal": _("appraisal of measures"),
        "negotiation": _("negotiation"),
        "finance": _("finance"),
        "compact": _("compact"),
    }
    parties = []
    for party in run.parties:
        name = run.party_name(party, page.language)
        named = f"{party} ({name})" if name != party else party
        parties.append(f"{named}, {run.party_currency(party)}")
    facts = [(_("Region"), run.region_name), (_("Parties"), "; ".join(parties) or "—")]
    if run.finished is not None:
        facts.append((_("Run finished"), page.fmt.moment(run.finished)))
    money = run.currency
    if run.price_year:
        money = _("%(currency)s at %(year)s prices", currency=run.currency, year=run.price_year)
    facts.append((_("Money"), money))
    if run.crs:
        facts.append((_("Coordinates"), run.crs))
    done = [name for stage, name in stages.items() if run.has_stage(stage)]
    left = [name for stage, name in stages.items() if not run.has_stage(stage)]
    facts.append((_("Stages in this run"), ", ".join(done) or "—"))
    if left:
        facts.append((_("Stages not in this run"), ", ".join(left)))
    return Panel("overview", _("Overview"), [Facts(facts)])


def region_maps(page: Page) -> Panel:
    """The region map (layers/boundary, hydrography, facilities), expected annual loss
    per population zone (risk/eai_by_asset, layers/population_zones) and the SVI per zone
    (equity/zones.parquet)."""
    _, run = page._, page.run
    panel = Panel("map", _("Region map"))
    boundary = run.layer("boundary")
    if boundary is None or not len(boundary):
        panel.blocks.extend(
            page.missing(_("The harmonized layers are not part of this run, so there is no map."))
        )
        return panel
    layers = run.derived(
        "region-layers",
        lambda: maps.region_layers(
            boundary,
            run.parties,
            run.border_tolerance,
            run.layer("hydrography"),
            run.layer("facilities"),
        ),
    )
    words = {
        "parties": _("Party"),
        "border": _("Border between parties"),
        "rivers": _("Rivers"),
        "facilities": _("Facility"),
    }
    toggles = [("parties", _("Parties")), ("border", _("Border")), ("rivers", _("Rivers"))]
    toggles.append(("facilities", _("Facilities")))
    drawn = maps.region_map(layers, page.colours, words)
    shown = tuple((f"map-layer-{k}", label) for k, label in toggles if f"map-layer-{k}" in drawn)
    panel.blocks.append(
        Chart(
            "region",
            _("The region: parties, border, rivers and facilities"),
            Markup(drawn),
            _(
                "each party's area is shaded in its colour; the dashed red line is the "
                "border, where two parties' boundaries meet (within %(tolerance)s m); blue "
                "lines are rivers; markers are facilities by kind. Coordinates: %(crs)s.",
                tolerance=page.fmt.decimal(run.border_tolerance, 1),
                crs=run.crs or "—",
            ),
            is_map=True,
            toggles=shown,
        )
    )
    panel.blocks.extend(_loss_map(page, layers))
    panel.blocks.extend(_svi_map(page, layers))
    return panel


def money_line(run: RunResults) -> pd.Series | None:
    """The present risk line whose impact is money in the region currency, a flood line
    first: a row of risk/summary.csv."""
    summary = run.csv("risk/summary.csv")
    if summary is None:
        return None
    money = summary[(summary["unit"] == run.currency) & (summary["scenario"] == PRESENT)]
    if not len(money):
        return None
    flood = money[money["hazard"].str.contains("flood")]
    return (flood if len(flood) else money).iloc[0]


def _loss_map(page: Page, layers: maps.RegionLayers) -> list[Block]:
    """The present expected annual loss of the money line, summed per population zone."""
    _, run = page._, page.run
    line = money_line(run)
    zones = run.layer("population_zones")
    if line is None or zones is None:
        return page.missing(
            _("The risk analysis was not part of this run, so there is no map of expected loss.")
        )
    eai = run.parquet(f"risk/eai_by_asset/{PRESENT}/{line['hazard']}__{line['exposure']}.parquet")
    if eai is None:
        return page.missing(_("This run kept no expected loss per asset, so there is no map."))
    in_zones, total = run.derived("loss-per-zone", lambda: loss_per_zone(run, eai, zones))
    breaks = maps.quantile_breaks(in_zones)
    classes = [(_("none"), LOSS_COLOURS[0])]
    low = 0.0
    for k, high in enumerate(breaks, start=1):
        label = (
            _("up to %(value)s", value=page.money(high))
            if k == 1
            else f"{page.money(low)} – {page.money(high)}"
        )
        classes.append((label, LOSS_COLOURS[min(k, len(LOSS_COLOURS) - 1)]))
        low = high
    drawn = zones[["geometry"]].copy()
    drawn["class"] = maps.classify(in_zones, breaks)
    aid = _(
        "each population zone is coloured by the expected annual loss (%(hazard)s on "
        "%(exposure)s, present climate, harmonized damage functions) of the assets that "
        "stand in it, in %(currency)s a year; the classes hold about as many zones each. "
        "Zones differ in size and in what stands in them: a dark zone is where much is at "
        "stake, not necessarily where the hazard is worst.",
        hazard=line["hazard"],
        exposure=line["exposure"],
        currency=run.currency,
    )
    outside = total - float(in_zones.sum())
    if total > 0 and outside / total > 0.005:
        aid += " " + _(
            "%(share)s of the loss lies outside every zone and is not shown.",
            share=page.percent(outside / total),
        )
    svg = maps.choropleth(
        layers, drawn, classes, "eal", _("%(currency)s a year", currency=run.currency)
    )
    return [
        Chart("eal", _("Expected annual loss per population zone"), Markup(svg), aid, is_map=True)
    ]


def loss_per_zone(
    run: RunResults, eai: pd.DataFrame, zones: gpd.GeoDataFrame
) -> tuple[np.ndarray, float]:
    """A risk line's expected annual impact per asset (``eai``: ``asset_id, dataset,
    eai``) summed per zone, as the equity stage sums it (a zone's own when the assets are
    the zones, else the assets standing in it), and its total over all assets."""
    located = eai.merge(_asset_points(run, set(eai["dataset"])), on="asset_id", how="left")
    in_zones = per_zone(
        located["eai"].to_numpy(dtype=float),
        located["asset_id"].to_numpy(),
        located["lon"].to_numpy(dtype=float),
        located["lat"].to_numpy(dtype=float),
        zones,
    )
    return in_zones, float(eai["eai"].sum())


def _asset_points(run: RunResults, datasets: set[str]) -> pd.DataFrame:
    """A point (longitude, latitude) for each feature of ``datasets`` in the harmonized
    layers (a zone's point on its surface): columns ``asset_id, lon, lat``."""
    found = [pd.DataFrame({"asset_id": [], "lon": [], "lat": []})]
    for name in ("assets", "population_zones", "facilities", "network"):
        layer = run.layer(name)
        if layer is None or "dataset" not in layer:
            continue
        features = layer[layer["dataset"].isin(list(datasets))]
        if len(features):
            surface = features.geometry.representative_point().to_crs("EPSG:4326")
            found.append(
                pd.DataFrame(
                    {"asset_id": features["feature_id"], "lon": surface.x, "lat": surface.y}
                )
            )
    return pd.concat(found, ignore_index=True).drop_duplicates("asset_id")


def _svi_map(page: Page, layers: maps.RegionLayers) -> list[Block]:
    """The SVI quintile of each zone (equity/zones.parquet)."""
    _, run = page._, page.run
    zones = run.geo("equity/zones.parquet")
    if zones is None:
        return page.missing(
            _(
                "The equity analysis was not part of this run, so there is no map of social "
                "vulnerability."
            )
        )
    labels = quintile_labels(page)
    classes = [
        (
            f"{labels[q]}: {page.fmt.decimal((q - 1) / 5, 1)}–{page.fmt.decimal(q / 5, 1)}",
            SVI_COLOURS[q - 1],
        )
        for q in range(1, 6)
    ]
    classes.append((_("no index"), maps.NO_DATA_COLOUR))
    drawn = zones[["geometry"]].copy()
    quintile = zones["quintile"].to_numpy(dtype=int)
    drawn["class"] = np.where(quintile > 0, quintile - 1, 5)
    svg = maps.choropleth(layers, drawn, classes, "svi", _("SVI quintile"))
    return [
        Chart(
            "svi",
            _("Social vulnerability index (SVI) per population zone"),
            Markup(svg),
            _(
                "each zone is coloured by its social vulnerability index, a percentile rank "
                "from 0 (least vulnerable in the region) to 1 (most vulnerable): darker zones "
                "have more people who are likely to suffer more from a disaster and to "
                "recover more slowly."
            ),
            is_map=True,
        )
    ]


def exceedance(page: Page) -> Panel:
    """Loss against return period per party, present and future, for each risk line in
    the region's money (risk/summary.csv), and every line's average annual impact."""
    _, run = page._, page.run
    panel = Panel("exceedance", _("Loss exceedance curves"))
    summary = run.csv("risk/summary.csv")
    if summary is None:
        panel.blocks.extend(page.missing(_("The risk analysis was not part of this run.")))
        return panel
    periods = {c: float(c.removeprefix("rp_")) for c in summary.columns if c.startswith("rp_")}
    money = summary[(summary["unit"] == run.currency) & (summary["party"] != TOTAL)]
    for k, ((hazard, exposure), line) in enumerate(
        money.groupby(["hazard", "exposure"], sort=False)
    ):
        curves = line.melt(
            id_vars=["party", "scenario"],
            value_vars=list(periods),
            var_name="column",
            value_name="loss",
        )
        curves["return_period"] = curves["column"].map(periods)
        at_risk = curves.groupby("party")["loss"].transform("max") > 0
        curves = curves[at_risk]
        if not len(curves):
            continue
        svg = charts.exceedance_curves(
            curves,
            page.colours,
            Axis(_("Return period (years)"), page.fmt.decimal),
            page.money_axis(
                lambda unit: _("Loss (%(unit)s)", unit=unit), curves["loss"], run.currency
            ),
        )
        panel.blocks.append(
            Chart(
                "exceedance" if k == 0 else f"exceedance-{hazard}-{exposure}",
                _(
                    "Loss by return period: %(hazard)s on %(exposure)s",
                    hazard=hazard,
                    exposure=exposure,
                ),
                Markup(svg),
                _(
                    "each panel is one party; a point is the loss reached or exceeded once "
                    "in that many years on average (a 100-year loss has a 1 %% chance in any "
                    "year); the solid line is the present climate, dashed lines the future "
                    "scenarios."
                ),
            )
        )
    panel.blocks.append(Heading(_("Average annual impact per party and scenario")))
    panel.blocks.append(_average_annual_impact(page, summary))
    return panel


def _average_annual_impact(page: Page, summary: pd.DataFrame) -> Table:
    """Each risk line's average annual impact per party (rows) and scenario (columns)."""
    _ = page._
    scenarios = list(dict.fromkeys(summary["scenario"]))
    rows: list[list[str | Cell]] = []
    for (hazard, exposure, unit, party), line in summary.groupby(
        ["hazard", "exposure", "unit", "party"], sort=False
    ):
        by_scenario = dict(zip(line["scenario"], line["aai"], strict=True))
        cells = [
            page.money(by_scenario[s], str(unit))
            if unit == page.currency
            else f"{page.fmt.decimal(by_scenario[s], 1 if abs(by_scenario[s]) < 100 else 0)} "
            f"{unit_words(page, str(unit))}"
            if s in by_scenario
            else "—"
            for s in scenarios
        ]
        rows.append([f"{hazard} · {exposure}", str(party), *cells])
    return Table(
        [_("Risk line"), _("Party"), *scenarios],
        rows,
        numeric=frozenset(range(2, 2 + len(scenarios))),
        caption=_(
            "Average annual impact: money in %(currency)s a year, deaths and people affected "
            "(person-events) a year.",
            currency=page.currency,
        ),
    )


def unit_words(page: Page, unit: str) -> str:
    """A risk line's unit in the page's language (other units as risk.toml names them)."""
    _ = page._
    words = {"people": _("people"), "deaths": _("deaths")}
    return words.get(unit, unit)
