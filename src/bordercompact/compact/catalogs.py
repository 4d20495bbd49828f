"""Keep the translations of the compact's templates up to date: ``python -m
bordercompact.compact.catalogs`` writes ``locales/compact.pot`` from the templates and
merges it into every language's ``compact.po`` (new messages empty, gone ones dropped),
as ``pybabel extract`` and ``pybabel update`` would."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

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


def _write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=88, omit_header=False, no_location=True)
    path.write_bytes(buffer.getvalue())


def update_catalogs() -> list[Path]:
    """Write the template and update each language's catalog; the paths written."""
    template = template_catalog()
    LOCALES.mkdir(exist_ok=True)
    written = [LOCALES / "compact.pot"]
    _write(template, written[0])
    for language in sorted(p.name for p in LOCALES.iterdir() if p.is_dir()):
        path = LOCALES / language / "LC_MESSAGES" / "compact.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write(catalog, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in update_catalogs():
        print(path)
