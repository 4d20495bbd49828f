"""The compact's text: one document per language, article by article, from the same
templates (English messages, translated in ``locales/<lang>/LC_MESSAGES/compact.po``),
with numbers, money and dates formatted for the language's locale (Babel); Markdown,
self-contained HTML and PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2.ext import babel_extract
from markdown_it import MarkdownIt

from bordercompact.compact.model import Compact, Text
from bordercompact.translations import compiled, read_catalog

#: The articles, in their order (the same in every language).
ARTICLES = (
    "parties",
    "purpose",
    "governance",
    "measures",
    "cost_sharing",
    "funding",
    "commitments",
    "milestones",
    "indicators",
    "data",
    "emergency",
    "disputes",
    "review",
    "languages",
)
#: The languages the templates are written in (English) or translated into.
SOURCE_LANGUAGE = "en"
TEMPLATES = "bordercompact.compact"
#: A template's imports of others (whose messages it uses).
_IMPORT = re.compile(r"""{%-?\s*(?:from|import)\s+["']([^"']+)["']""")
#: Where a currency code (letters) touches a digit (CLDR currencySpacing).
_CODE_BESIDE_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
#: Every template of the compact's text.
DOCUMENT_TEMPLATE = "compact.md.j2"


@dataclass(frozen=True)
class Article:
    number: int
    key: str
    title: str
    body: str  # Markdown

    @property
    def markdown(self) -> str:
        return f"## {self.number}. {self.title}\n\n{self.body.strip()}\n"


def article_number(key: str) -> int:
    return ARTICLES.index(key) + 1


def translated_languages() -> list[str]:
    """The languages with a catalog beside the templates (and English)."""
    root = resources.files(TEMPLATES) / "locales"
    return [SOURCE_LANGUAGE, *sorted(p.name for p in root.iterdir() if p.is_dir())]


@cache
def template_messages(name: str) -> tuple[str, ...]:
    """The messages (English) a template asks to translate, and those of the templates
    it imports."""
    env = _environment()
    source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
    found = []
    for _, _, message, _ in babel_extract(
        io.BytesIO(source.encode("utf-8")),
        ["_", "gettext"],
        [],
        {"trim_blocks": "true", "lstrip_blocks": "true"},
    ):
        # a call with keyword arguments (placeholders) comes as (message, None, …)
        text = message[0] if isinstance(message, tuple) else message
        if isinstance(text, str):
            found.append(text)
    for imported in sorted(set(_IMPORT.findall(source))):
        found += template_messages(imported)
    return tuple(dict.fromkeys(found))


def article_template(key: str) -> str:
    return f"articles/{key}.md.j2"


@cache
def catalog(language: str) -> Catalog | None:
    """The language's message catalog, None when there is none (English needs none)."""
    return read_catalog(TEMPLATES, "compact", language)


def _translations(language: str) -> gettext.NullTranslations:
    return compiled(catalog(language), "compact")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATES, "templates"),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # Markdown; the HTML is made from it
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


class Formats:
    """Numbers, money, percentages and dates in a locale."""

    def __init__(self, locale: str) -> None:
        try:
            self.locale = Locale.parse(locale)
        except (UnknownLocaleError, ValueError) as exc:
            raise ValueError(f"unknown locale {locale!r}; expected a CLDR locale") from exc
        pattern = self.locale.currency_formats["standard"].pattern
        self._money = pattern.split(";")[0].replace(".00", "")  # whole units

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: float, currency: str) -> str:
        """Whole units; a currency code next to a digit gets a no-break space between
        them, as CLDR's currencySpacing asks (Babel leaves it out)."""
        text = format_currency(
            round(value), currency, format=self._money, locale=self.locale, currency_digits=False
        )
        return _CODE_BESIDE_DIGIT.sub("\u00a0", text)

    def percent(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern, locale=self.locale)

    def language_name(self, code: str) -> str:
        return Locale.parse(code).get_display_name(self.locale) or code

    def date(self, value: dt.date) -> str:
        return format_date(value, format="long", locale=self.locale)


def articles(compact: Compact, language: str, locale: str | None = None) -> list[Article]:
    """The compact's articles in ``language`` (numbers formatted in ``locale``, default
    the language's)."""
    env = _environment()
    env.install_gettext_translations(_translations(language), newstyle=True)  # type: ignore[attr-defined]
    formats = Formats(locale or language)
    context = _context(compact, language, formats)
    found = []
    for number, key in enumerate(ARTICLES, start=1):
        text = env.get_template(article_template(key)).render(context)
        title, _, body = text.strip().partition("\n")
        found.append(Article(number, key, title.strip(), body.strip()))
    return found


def _context(compact: Compact, language: str, formats: Formats) -> dict[str, Any]:
    def text(texts: Text) -> str:
        return texts.get(language) or texts.get(SOURCE_LANGUAGE) or next(iter(texts.values()), "")

    def party(party_id: str | None) -> str:
        return "—" if party_id is None else compact.party_name(party_id, language)

    def parties(ids: list[str]) -> str:
        return ", ".join(party(p) for p in ids) if ids else "—"

    measures = {r.measure: r for r in compact.responsibilities}
    players = [s.party for s in compact.cost_shares]
    sources = {s.id: s for s in compact.sources}

    def measure(measure_id: str) -> str:
        return text(measures[measure_id].name) if measure_id in measures else measure_id

    def money(value: float, currency: str | None = None) -> str:
        return formats.money(value, currency or compact.currency)

    return {
        "c": compact,
        "lang": language,
        "text": text,
        "party": party,
        "parties": parties,
        "measure": measure,
        "source": lambda source_id: _source_name(source_id, sources, text),
        "money": money,
        "number": formats.number,
        "percent": formats.percent,
        "date": formats.date,
        "language_name": formats.language_name,
        "yearly": lambda party_id: list(yearly_commitments(compact, party_id)),
        "source_totals": lambda party_id: source_totals(compact, party_id),
        "seat_total": sum(compact.governance.seats.values()),
        "players": players,
        "player_names": [party(p) for p in players],
        "part_cells": lambda parts: [formats.percent(parts.get(p, 0.0), 1) for p in players],
        "row": markdown_row,
        "board": text(compact.governance.board),
        "funding_lines": funding_lines(compact),
    }


def markdown_row(*cells: object) -> str:
    """One row of a Markdown table from its cells (a list gives several; a cell's ``|``
    escaped)."""
    flat = [x for c in cells for x in (c if isinstance(c, list | tuple) else [c])]
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in flat) + " |"


def _source_name(source_id: str, sources: dict[str, Any], text: Callable[[Text], str]) -> str:
    """A source's name (its id when the compact does not name it)."""
    return text(sources[source_id].name) if source_id in sources else source_id


def funding_lines(compact: Compact) -> list[dict[str, Any]]:
    """Per party and source: what it funds of the party's works and upkeep (present
    values, region currency), largest first."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for f in compact.funding:
        line = found.setdefault(
            (f.party, f.source),
            {"party": f.party, "source": f.source, "capital": 0.0, "operating": 0.0},
        )
        line[f.cost] += f.amount
    players = [s.party for s in compact.cost_shares]
    return sorted(
        found.values(),
        key=lambda x: (players.index(x["party"]), -(x["capital"] + x["operating"])),
    )


def is_own_money(source_id: str, compact: Compact) -> bool:
    """Whether a commitment is paid from the party's own money: its own budget, a loan's
    repayments and fees, and transfers to the other parties."""
    kinds = {s.id: s.kind for s in compact.sources}
    return (
        source_id == "transfer"
        or is_loan_service(source_id)
        or kinds.get(source_id) == "own_budget"
    )


def is_loan_service(source_id: str) -> bool:
    """Whether a commitment repays a loan (its repayments and a guarantee's fee)."""
    return source_id.endswith((" repayment", " fee"))


@dataclass(frozen=True)
class YearLine:
    fiscal_year: int
    capital: float  # paid to the works: own money, grants, loans' drawdowns, transfers
    operating: float  # operation and maintenance
    loan_service: float  # the party's repayments and fees of its loans
    own: float  # of all three, what the party pays from its own money
    currency: str


def yearly_commitments(compact: Compact, party_id: str) -> Iterator[YearLine]:
    """The party's commitments per fiscal year (its currency): to the works, to their
    upkeep and to its loans, and of these what it pays from its own money (a loan's
    drawdown pays the works and its repayments come later, so the three add up to more
    than the works cost)."""
    lines = [c for c in compact.commitments if c.party == party_id]
    for year in sorted({c.fiscal_year for c in lines}):
        those = [c for c in lines if c.fiscal_year == year]
        service = [c for c in those if is_loan_service(c.source)]
        works = [c for c in those if not is_loan_service(c.source)]
        yield YearLine(
            year,
            sum(c.amount_party for c in works if c.kind == "capital"),
            sum(c.amount_party for c in works if c.kind == "operating"),
            sum(c.amount_party for c in service),
            sum(c.amount_party for c in those if is_own_money(c.source, compact)),
            those[0].currency,
        )


def source_totals(compact: Compact, party_id: str) -> list[tuple[str, float, str]]:
    """The party's commitments per source over all years (its currency), largest first."""
    totals: dict[str, float] = {}
    currency = ""
    for c in compact.commitments:
        if c.party == party_id:
            totals[c.source] = totals.get(c.source, 0.0) + c.amount_party
            currency = c.currency
    return sorted(((s, v, currency) for s, v in totals.items()), key=lambda t: -t[1])


def document_markdown(compact: Compact, language: str, locale: str | None = None) -> str:
    """The whole compact in one language: title, preamble, articles, signatures."""
    env = _environment()
    env.install_gettext_translations(_translations(language), newstyle=True)  # type: ignore[attr-defined]
    formats = Formats(locale or language)
    context = _context(compact, language, formats)
    context["articles"] = articles(compact, language, locale)
    return env.get_template(DOCUMENT_TEMPLATE).render(context)


STYLE = """
body { font-family: "DejaVu Serif", Georgia, serif; max-width: 52em; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; color: #1d1d1d; }
h1 { font-size: 1.6em; text-align: center; }
h2 { font-size: 1.15em; margin-top: 1.8em; border-bottom: 1px solid #bbb; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; }
td { font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; text-align: left; }
mark { background: #ffe066; }
del { color: #a33; }
@page { size: A4; margin: 2cm; @bottom-center { content: counter(page); } }
"""


def document_html(markdown: str, language: str, title: str) -> str:
    """A self-contained HTML page (styles inline, nothing fetched) from the Markdown."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{jinja2.utils.markupsafe.escape(title)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_pdf(html: str, path: Path) -> None:
    """The HTML page printed to PDF by WeasyPrint (which needs Pango)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    HTML(string=html).write_pdf(path)
