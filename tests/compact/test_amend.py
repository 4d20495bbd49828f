"""Amendments: a new version of the compact, and the article-by-article difference that
names exactly the articles that changed and highlights their new words and numbers."""

from __future__ import annotations

from bordercompact.compact.amend import (
    amendment_markdown,
    article_changes,
    as_amendment,
    changed_numbers,
    inline_diff,
    same_terms,
)
from tests.compact.compacts import small_compact


def with_mediation_days(days: int):
    compact = small_compact()
    steps = [
        s.model_copy(update={"days": days}) if s.step == "mediation" else s
        for s in compact.disputes
    ]
    return compact.model_copy(update={"disputes": steps})


def test_an_amendment_is_the_next_version_and_names_the_one_it_amends() -> None:
    old = small_compact()
    new = as_amendment(old, with_mediation_days(120))

    assert (new.version, new.amends) == (old.version + 1, old.version)


def test_the_diff_shows_exactly_the_changed_article_and_its_numbers() -> None:
    old, new = small_compact(), with_mediation_days(120)

    changes = article_changes(old, new, "en")

    assert [c.key for c in changes] == ["disputes"]
    assert changes[0].number == 12
    assert changes[0].numbers == [("90", "120")]


def test_a_changed_amount_shows_in_each_article_that_states_it() -> None:
    old = small_compact()
    duties = list(old.responsibilities)
    duties[0] = duties[0].model_copy(update={"capital_cost": 1_250_000.0})
    new = old.model_copy(update={"responsibilities": duties})

    changes = article_changes(old, new, "es")

    assert [c.key for c in changes] == ["measures"]
    assert ("1.000.000", "1.250.000") in changes[0].numbers


def test_the_amendment_strikes_out_the_old_words_and_highlights_the_new() -> None:
    old, new = small_compact(), with_mediation_days(120)

    text = amendment_markdown(old, as_amendment(old, new), "en")

    assert "Article 12 changed." in text
    assert "~~90~~ **120**" in text
    assert "| 90 | **120** |" in text
    assert "### 12. Settlement of disputes" in text


def test_words_and_numbers_are_compared_token_by_token() -> None:
    assert inline_diff("pays 40 % a year", "pays 45 % a year") == "pays ~~40~~ **45** % a year"
    assert changed_numbers("USD 1,000 and 2", "USD 1,500 and 2") == [("1,000", "1,500")]


def test_a_rerun_with_the_same_terms_is_the_same_compact() -> None:
    old = small_compact()
    rerun = old.model_copy(update={"analysis": {"run": "elsewhere"}})

    assert same_terms(old, rerun)
    assert not same_terms(old, with_mediation_days(120))
