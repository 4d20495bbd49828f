"""The compact's text: the same articles, numbered alike, in every language; numbers,
money and dates as each locale writes them; a self-contained HTML page and a PDF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bordercompact.compact.render import (
    ARTICLES,
    Formats,
    articles,
    catalog,
    document_html,
    document_markdown,
    translated_languages,
    write_pdf,
)
from tests.compact.compacts import small_compact

LANGUAGES = ["en", "es", "fr", "de"]


def in_languages(languages: list[str]):
    compact = small_compact()
    texts = {
        "title": compact.title,
        "purpose": compact.purpose,
        "vision": compact.vision,
    }
    # the parties' own texts in every language (English words stand in for the test)
    update = {key: {lang: text["en"] for lang in languages} for key, text in texts.items()}
    return compact.model_copy(update={**update, "languages": languages})


def test_templates_are_translated_into_english_french_german_and_spanish() -> None:
    assert set(translated_languages()) >= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_language_has_the_same_articles_numbered_alike(language: str) -> None:
    compact = in_languages(LANGUAGES)
    english, other = articles(compact, "en"), articles(compact, language)

    assert [(a.number, a.key) for a in other] == [(a.number, a.key) for a in english]
    assert [a.key for a in other] == list(ARTICLES)
    # each heading is its translation, and the tables have the same rows and columns
    messages = catalog(language)
    assert messages is not None
    assert [o.title for o in other] == [messages[e.title].string for e in english]
    for o, e in zip(other, english, strict=True):
        rows = [line.count("|") for line in o.body.splitlines() if line.startswith("|")]
        assert rows == [line.count("|") for line in e.body.splitlines() if line.startswith("|")]


def test_a_translated_article_reads_in_its_language() -> None:
    governance = {a.key: a for a in articles(small_compact(), "es")}["governance"]

    assert governance.title == "Gobernanza"
    assert "Party" not in governance.body and "Parte" in governance.body


@pytest.mark.parametrize(
    ("locale", "money", "number", "date"),
    [
        ("en", "€1,234,567", "1,234,568", "January 15, 2027"),
        ("es", "1.234.567\xa0€", "1.234.568", "15 de enero de 2027"),
        ("es_MX", "EUR\xa01,234,567", "1,234,568", "15 de enero de 2027"),
        ("fr", "1\u202f234\u202f567\xa0€", "1\u202f234\u202f568", "15 janvier 2027"),
        ("de", "1.234.567\xa0€", "1.234.568", "15. Januar 2027"),
    ],
)
def test_amounts_numbers_and_dates_follow_the_locale(
    locale: str, money: str, number: str, date: str
) -> None:
    formats = Formats(locale)

    assert formats.money(1_234_567.4, "EUR") == money
    assert formats.number(1_234_567.6) == number
    assert formats.date(dt.date(2027, 1, 15)) == date


def test_a_currency_code_is_kept_apart_from_the_amount() -> None:
    assert Formats("en").money(-2_000, "CHF") == "-CHF\xa02,000"
    assert Formats("en").money(5, "USD") == "$5"


def test_an_unknown_locale_is_named() -> None:
    with pytest.raises(ValueError, match="unknown locale 'xx_YY'"):
        Formats("xx_YY")


def test_the_document_names_its_version_parties_and_signatures_in_its_language() -> None:
    text = document_markdown(small_compact(), "es")

    assert text.startswith("# ")
    assert "Versión 1" in text
    assert len(re.findall(r"^## \d+\. ", text, flags=re.MULTILINE)) == len(ARTICLES)
    assert "______" in text  # a signature line per signatory


def test_the_html_page_is_self_contained(tmp_path: Path) -> None:
    html = document_html(document_markdown(small_compact(), "es"), "es", "Pacto")

    assert html.startswith("<!DOCTYPE html>") and '<html lang="es">' in html
    assert "<table>" in html and "<style>" in html
    assert not re.search(r"""(src|href)=["']https?:""", html)


@pytest.mark.slow
def test_the_pdf_is_printed_from_the_html(tmp_path: Path) -> None:
    html = document_html(document_markdown(small_compact(), "en"), "en", "Compact")
    write_pdf(html, tmp_path / "compact.pdf")

    assert (tmp_path / "compact.pdf").read_bytes()[:5] == b"%PDF-"
