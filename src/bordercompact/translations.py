"""The gettext catalogs of the documents bordercompact writes (the compact, the report):
read from a package's ``locales/<lang>/LC_MESSAGES/<domain>.po``, compiled in memory with
Babel, and kept up to date from the templates' messages, as ``pybabel extract`` and
``pybabel update`` would."""

from __future__ import annotations

import gettext
import io
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

#: The language the templates' messages are written in: it needs no catalog.
SOURCE_LANGUAGE = "en"


def read_catalog(package: str, domain: str, language: str) -> Catalog | None:
    """The ``language`` catalog of ``domain`` in ``package``; None when it has none."""
    path = resources.files(package) / "locales" / language / "LC_MESSAGES" / f"{domain}.po"
    if language == SOURCE_LANGUAGE or not path.is_file():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def compiled(catalog: Catalog | None, domain: str) -> gettext.NullTranslations:
    """The catalog compiled in memory, ready for gettext (no catalog: the messages as
    they are)."""
    if catalog is None:
        return gettext.NullTranslations()
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(fp=mo, domain=domain)


def update_catalogs(template: Catalog, locales: Path, domain: str) -> list[Path]:
    """Write ``template`` as ``locales/<domain>.pot`` and merge it into every language's
    catalog there (new messages untranslated, gone ones dropped); the paths written."""
    locales.mkdir(exist_ok=True)
    written = [locales / f"{domain}.pot"]
    _write(template, written[0])
    for folder in sorted(p for p in locales.iterdir() if p.is_dir()):
        if folder.name == SOURCE_LANGUAGE:
            continue
        path = folder / "LC_MESSAGES" / f"{domain}.po"
        if path.is_file():
            with path.open("rb") as po:
                catalog = read_po(po, locale=folder.name, domain=domain)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=folder.name, project="bordercompact", domain=domain)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write(catalog, path)
        written.append(path)
    return written


def _write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=88, omit_header=False, no_location=True)
    path.write_bytes(buffer.getvalue())
