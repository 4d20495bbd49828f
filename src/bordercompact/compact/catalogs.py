"""Keep the translations of the compact's templates up to date: ``python -m
bordercompact.compact.catalogs`` writes ``locales/compact.pot`` from the templates and
merges it into every language's ``compact.po`` (new messages empty, gone ones dropped),
as ``pybabel extract`` and ``pybabel update`` would."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from bordercompact import translations
from bordercompact.compact.render import (
    ARTICLES,
    DOCUMENT_TEMPLATE,
    article_template,
    template_messages,
)

LOCALES = Path(__file__).parent / "locales"


def template_catalog() -> Catalog:
    """Every message of the compact's templates, in the order they first appear."""
    found = Catalog(project="bordercompact", domain="compact")
    for name in [*map(article_template, ARTICLES), DOCUMENT_TEMPLATE]:
        for message in template_messages(name):
            found.add(message, locations=[(f"templates/{name}", 0)])
    return found


def update_catalogs() -> list[Path]:
    """Write the template and update each language's catalog; the paths written."""
    return translations.update_catalogs(template_catalog(), LOCALES, "compact")


if __name__ == "__main__":
    for path in update_catalogs():
        print(path)
