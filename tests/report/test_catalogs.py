"""The report's catalogs: every message of its templates and modules translated in every
language, with the same placeholders, and nothing left over."""

from __future__ import annotations

import re

import pytest

from bordercompact.report.catalogs import report_messages
from bordercompact.report.i18n import REPORT_LANGUAGES, catalog
from bordercompact.translations import SOURCE_LANGUAGE

#: A named placeholder, as Jinja's newstyle gettext (and the report's modules) fill it.
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TRANSLATED = [language for language in REPORT_LANGUAGES if language != SOURCE_LANGUAGE]


def placeholders(text: str) -> tuple[list[str], int]:
    """The named placeholders of a message (sorted) and its literal percent signs."""
    return sorted(PLACEHOLDER.findall(text)), text.count("%%")


def test_the_report_asks_for_its_headings_and_reading_aids() -> None:
    messages = report_messages()
    assert "Region map" in messages  # a heading (modules)
    assert "How to read it:" in messages  # the page's frame (templates)
    assert len(messages) > 150


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    found = catalog(language)
    assert found is not None, f"no catalog for {language}"
    for message in report_messages():
        entry = found.get(message)
        assert entry is not None, f"{language}: {message!r} is not in the catalog"
        assert isinstance(entry.string, str) and entry.string.strip(), (
            f"{language}: {message!r} is not translated"
        )
        assert placeholders(entry.string) == placeholders(message), (
            f"{language}: the placeholders of {message!r} differ"
        )
        assert not entry.fuzzy, f"{language}: {message!r} is marked fuzzy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_holds_no_message_the_report_no_longer_asks_for(language: str) -> None:
    found = catalog(language)
    assert found is not None
    left_over = {m.id for m in found if m.id} - set(report_messages())
    assert not left_over


def test_a_lone_percent_sign_is_never_left_in_a_message() -> None:
    for message in report_messages():
        assert not re.search(r"%(?!\(\w+\)s|%)", message.replace("%%", "")), message
