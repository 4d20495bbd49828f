"""The report of a run: one self-contained HTML page per language with the region's
maps, the risk, the appraisal, the deal, its funding, equity and the compact."""

from bordercompact.report.build import write_report
from bordercompact.report.i18n import REPORT_LANGUAGES

__all__ = ["REPORT_LANGUAGES", "write_report"]
