"""The Basel bundle end to end: the three parties' deal, its funding and the compact in
German and French, every check passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.compact.outputs import compact_into
from bordercompact.compact.render import ARTICLES, articles
from bordercompact.finance.outputs import finance_into
from tests.conftest import NEEDS_BASEL

BASEL_REGION = Path(__file__).resolve().parents[2] / "examples" / "basel"

pytestmark = [*NEEDS_BASEL, pytest.mark.slow]


@pytest.fixture(scope="module")
def basel_compact(tmp_path_factory: pytest.TempPathFactory):
    run_dir = tmp_path_factory.mktemp("basel") / "run"
    finance_into(BASEL_REGION, run_dir)
    return compact_into(run_dir, run_dir, pdf=False)


def test_the_basel_compact_passes_every_check(basel_compact) -> None:
    assert [str(c) for c in basel_compact.checks if not c.passed] == []
    assert basel_compact.compact.languages == ["de", "fr"]
    assert {s.party for s in basel_compact.compact.cost_shares} == {"ch", "de", "fr"}


def test_the_german_and_french_texts_have_the_same_articles(basel_compact) -> None:
    german = articles(basel_compact.compact, "de")
    french = articles(basel_compact.compact, "fr")

    assert [a.key for a in german] == [a.key for a in french] == list(ARTICLES)
    assert german[2].title == "Organisation und Beschlussfassung"
    assert french[2].title == "Gouvernance"
    for language in ("de", "fr"):
        assert (basel_compact.folder / f"compact.{language}.html").is_file()
