"""The report's panels, in the page's order: each a function of the page (its run and
language) giving the blocks it shows; a stage the run did not include gives a panel
that says so in one sentence."""

from collections.abc import Callable

from bordercompact.report.blocks import Panel
from bordercompact.report.panels import equity, finance, measures, negotiation, records, region
from bordercompact.report.panels.page import Page

#: The panels in the page's order.
PANELS: tuple[Callable[[Page], Panel], ...] = (
    region.overview,
    region.region_maps,
    region.exceedance,
    measures.appraisal,
    negotiation.pareto,
    negotiation.deal,
    finance.schedule,
    finance.reserve,
    equity.equity,
    records.compact,
    records.provenance,
    records.opendata,
)

__all__ = ["PANELS", "Page"]
