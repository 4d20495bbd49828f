"""The report's words and numbers in each language: gettext catalogs
(``locales/<lang>/LC_MESSAGES/report.po``, English the source) compiled in memory, and
money, numbers and dates formatted for the language's locale with Babel."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from functools import cache

from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.numbers import format_compact_currency, format_decimal

from bordercompact.compact.render import Formats
from bordercompact.translations import compiled, read_catalog

#: The languages the report is written in (English is the source of the catalogs).
REPORT_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de")
DOMAIN = "report"
PACKAGE = "bordercompact.report"
#: Where an ISO currency code touches a digit (CHF2.9M): CLDR asks for a space there.
_CODE_BESIDE_DIGIT = re.compile(r"(?<=\b[A-Z]{3})(?=\d)|(?<=\d)(?=[A-Z]{3}\b)")


def check_language(language: str) -> None:
    """Raise ValueError unless the report is written in ``language``."""
    if language not in REPORT_LANGUAGES:
        raise ValueError(
            f"the report has no language {language!r}; "
            f"it is written in {', '.join(REPORT_LANGUAGES)}"
        )


@cache
def catalog(language: str) -> Catalog | None:
    """The language's message catalog; None for English (the messages themselves)."""
    check_language(language)
    return read_catalog(PACKAGE, DOMAIN, language)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The language's catalog compiled in memory, ready for gettext."""
    return compiled(catalog(language), DOMAIN)


class Messages:
    """gettext in one language, filling ``%(name)s`` placeholders as Jinja's newstyle
    gettext does (so a literal percent sign is written ``%%`` in every message)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.translations = translations(language)

    def __call__(self, message: str, **values: object) -> str:
        return self.translations.gettext(message) % values


class ReportFormats(Formats):
    """Numbers, money, percentages and dates in a locale, with money shortened the
    locale's way (1.2M, 1,2 Mio.) for tables and legends."""

    def money_short(self, value: float, currency: str) -> str:
        """Money in the locale's short form with up to three significant digits
        (12.3M, 1,2 Mio.); below a thousand in whole units."""
        if abs(value) < 1000:
            return self.money(value, currency)
        text = format_compact_currency(value, currency, locale=self.locale, fraction_digits=1)
        if str(int(abs(value))) in text:  # left whole: no short form at this size (German
            return self.money(value, currency)  # thousands): grouped whole units instead
        return _CODE_BESIDE_DIGIT.sub("\u00a0", text)

    def decimal(self, value: float, digits: int = 1) -> str:
        """A number with up to ``digits`` decimals (fewer when they are zeros)."""
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def moment(self, value: dt.datetime) -> str:
        """A date and time (UTC) in the locale's long form."""
        return format_datetime(value, format="long", tzinfo=dt.UTC, locale=self.locale)
