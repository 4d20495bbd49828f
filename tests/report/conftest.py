"""A finished run of the mini region, from harmonization to the compact, and its report
in every language: built once for the report's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bordercompact.compact.outputs import compact_into
from bordercompact.finance.outputs import finance_into
from bordercompact.report.build import write_report
from bordercompact.report.i18n import REPORT_LANGUAGES
from tests.compact.test_outputs import COMPACT, FINANCE_ES
from tests.equity.test_config import VALID as EQUITY
from tests.finance.test_outputs import NEGOTIATION
from tests.measures.test_outputs import write_measures

#: The equity set-up of the equity tests, its pumps kept to their own party's people (so
#: that access is computed both as set and open to all).
EQUITY_RESTRICTED = EQUITY.replace(
    'categories = ["pumping_station"]', 'categories = ["pumping_station"]\nrestricted = true'
)


@pytest.fixture(scope="session")
def mini_run(tmp_path_factory: pytest.TempPathFactory, mini_region_template: Path) -> Path:
    """The mini region run through every stage up to the compact (without its PDF)."""
    root = tmp_path_factory.mktemp("report-run")
    region = root / "region"
    shutil.copytree(mini_region_template, region)
    write_measures(region)
    (region / "equity.toml").write_text(EQUITY_RESTRICTED, encoding="utf-8")
    (region / "negotiation.toml").write_text(NEGOTIATION, encoding="utf-8")
    (region / "finance.toml").write_text(FINANCE_ES, encoding="utf-8")
    (region / "compact.toml").write_text(COMPACT, encoding="utf-8")
    run = root / "run"
    finance_into(region, run, workers=1)
    compact_into(run, run, pdf=False)
    return run


@pytest.fixture(scope="session")
def reported_run(mini_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the mini run with its report in every language written into it, as the
    pipeline writes it."""
    run = tmp_path_factory.mktemp("reported") / "run"
    shutil.copytree(mini_run, run)
    write_report(run, run, REPORT_LANGUAGES)
    return run


@pytest.fixture(scope="session")
def report_pages(reported_run: Path) -> dict[str, str]:
    """The report's page in each language."""
    return {
        language: (reported_run / "report" / f"report.{language}.html").read_text(encoding="utf-8")
        for language in REPORT_LANGUAGES
    }
