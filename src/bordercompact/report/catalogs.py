"""Keep the report's translations up to date: ``python -m bordercompact.report.catalogs``
collects every message of the report's templates and modules into
``locales/report.pot`` and merges it into each language's ``report.po`` (new messages
empty, gone ones dropped), as ``pybabel extract`` and ``pybabel update`` would."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from jinja2.ext import babel_extract

from bordercompact import translations
from bordercompact.report.i18n import DOMAIN

HERE = Path(__file__).parent
LOCALES = HERE / "locales"
TEMPLATES = HERE / "templates"
#: The modules that write words of the page (the others compute or draw).
SPEAKING_MODULES = ("build.py", "panels/*.py")
#: The gettext call of templates and modules: ``_("…", name=value)``.
KEYWORDS = {"_": None}


def report_messages() -> dict[str, list[tuple[str, int]]]:
    """Every message the report asks to translate, with where it appears (file, line),
    in the order they first appear: the modules' first, then the templates'."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in (p for pattern in SPEAKING_MODULES for p in sorted(HERE.glob(pattern))):
        with path.open("rb") as source:
            for line, _keyword, message, _comments in extract_python(source, KEYWORDS, [], {}):
                _add(found, message, path.name, line)
    for path in sorted(TEMPLATES.rglob("*.j2")):
        with path.open("rb") as source:
            options = {"trim_blocks": "true", "lstrip_blocks": "true"}
            where = f"templates/{path.relative_to(TEMPLATES)}"
            for number, _name, text, _notes in babel_extract(source, list(KEYWORDS), [], options):
                _add(found, text, where, number)
    return found


def _add(found: dict[str, list[tuple[str, int]]], message: object, where: str, line: int) -> None:
    # a call with placeholders comes as (message, None, …)
    text = message[0] if isinstance(message, tuple) else message
    if isinstance(text, str):
        found.setdefault(text, []).append((where, line))


def template_catalog() -> Catalog:
    """The messages as a catalog template (``report.pot``)."""
    catalog = Catalog(project="bordercompact", domain=DOMAIN)
    for message, locations in report_messages().items():
        catalog.add(message, locations=locations)
    return catalog


def update_catalogs() -> list[Path]:
    """Write the template and update each language's catalog; the paths written."""
    return translations.update_catalogs(template_catalog(), LOCALES, DOMAIN)


if __name__ == "__main__":
    for written_path in update_catalogs():
        print(written_path)
