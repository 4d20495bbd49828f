"""The report's languages: gettext with named placeholders, money in each locale's short
form, and a clear refusal of a language the report is not written in."""

from __future__ import annotations

import datetime as dt

import pytest

from bordercompact.report.i18n import (
    REPORT_LANGUAGES,
    Messages,
    ReportFormats,
    check_language,
)


def test_the_report_is_written_in_four_languages() -> None:
    assert REPORT_LANGUAGES == ("en", "es", "fr", "de")


def test_an_unknown_language_names_itself_and_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"no language 'it'; it is written in en, es, fr, de"):
        check_language("it")


def test_messages_are_translated_and_their_placeholders_filled() -> None:
    assert Messages("en")("Loss (%(unit)s)", unit="million USD") == "Loss (million USD)"
    assert Messages("es")("Loss (%(unit)s)", unit="millones de USD") == "Pérdida (millones de USD)"
    assert Messages("de")("Region map") == "Karte der Region"


def test_a_percent_sign_is_written_doubled_in_a_message() -> None:
    text = Messages("fr")("Share of what the measure avoids a year (%%)")
    assert text == "Part de ce que la mesure évite par an (%)"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["$287.3M", "€1.6B", "CHF\xa02.9M", "MX$71"]),
        ("es", ["287,3\xa0M\xa0US$", "1600\xa0M\xa0€", "2,9\xa0M\xa0CHF", "71\xa0MXN"]),
        ("fr", ["287,3\xa0M\xa0$US", "1,6\xa0Md\xa0€", "2,9\xa0M\xa0CHF", "71\xa0$MX"]),
        ("de", ["287,3\xa0Mio.\xa0$", "1,6\xa0Mrd.\xa0€", "2,9\xa0Mio.\xa0CHF", "71\xa0MX$"]),
    ],
)
def test_money_is_short_in_each_locale(language: str, expected: list[str]) -> None:
    formats = ReportFormats(language)
    found = [
        formats.money_short(287_274_571.2, "USD"),
        formats.money_short(1.6e9, "EUR"),
        formats.money_short(2_900_000, "CHF"),
        formats.money_short(71.4, "MXN"),  # below a thousand: whole units
    ]
    assert found == expected


def test_thousands_without_a_short_form_are_whole_grouped_units() -> None:
    # German has no short form below a million: 473665.2 € stays whole, grouped
    assert ReportFormats("de").money_short(473_665.2, "EUR") == "473.665\xa0€"
    assert ReportFormats("fr").money_short(473_665.2, "EUR") == "473,7\xa0k\xa0€"


def test_decimals_and_moments_follow_the_locale() -> None:
    assert ReportFormats("de").decimal(0.25, 2) == "0,25"
    assert ReportFormats("en").decimal(1234.5, 0) == "1,234"
    moment = dt.datetime(2026, 11, 27, 13, 36, 45, tzinfo=dt.UTC)
    assert ReportFormats("es").moment(moment).startswith("27 de noviembre de 2026")
