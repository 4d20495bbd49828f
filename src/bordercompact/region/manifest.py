"""The region manifest (``region.toml``): the region, its parties and every party's datasets.

The schema is documented for users in ``docs/manifest.md``. Field-level rules (codes,
CRSs, formats) are checked here by pydantic, so that one parse reports every such error;
rules that relate sections to each other are checked in :mod:`bordercompact.region.load`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated, Literal

import pyproj
from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bordercompact.region.kinds import KINDS

#: The value of ``party`` that assigns each feature to the party whose boundary holds it.
BY_LOCATION = "@location"
#: The value of ``party`` for data the parties hold in common (a terrain model, rivers).
SHARED = "@shared"
#: The value of a text field's language meaning "the main language of the row's party".
PARTY_LANGUAGE = "@party"


@cache
def _territories() -> frozenset[str]:
    return frozenset(str(code) for code in Locale("en").territories if str(code).isalpha())


def _country(code: str) -> str:
    if not (len(code) == 2 and code.isupper() and code in _territories()):
        raise ValueError(f"found {code!r}; expected an ISO 3166-1 alpha-2 country code like 'US'")
    return code


def _currency(code: str) -> str:
    if code not in list_currencies():
        raise ValueError(f"found {code!r}; expected an ISO 4217 currency code like 'EUR'")
    return code


def check_language_tag(tag: str) -> str:
    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        raise ValueError(
            f"found {tag!r}; expected a BCP 47 language tag like 'en', 'es' or 'pt-BR'"
        ) from None
    return tag


def _crs(text: str) -> str:
    try:
        pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        raise ValueError(
            f"found {text!r}; expected a CRS pyproj knows, like 'EPSG:32614'"
        ) from None
    return text


def _month_day(text: str) -> str:
    if not re.fullmatch(r"\d\d-\d\d", text):
        raise ValueError(f"found {text!r}; expected a month and day as MM-DD, like '10-01'")
    try:
        date(2001, int(text[:2]), int(text[3:]))  # 2001: no leap day as a fiscal start
    except ValueError:
        raise ValueError(f"found {text!r}; expected a real calendar day as MM-DD") from None
    return text


def _kind(name: str) -> str:
    if name not in KINDS:
        raise ValueError(f"found {name!r}; expected one of {', '.join(sorted(KINDS))}")
    return name


CountryCode = Annotated[str, AfterValidator(_country)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
LanguageTag = Annotated[str, AfterValidator(check_language_tag)]
CrsText = Annotated[str, AfterValidator(_crs)]
MonthDay = Annotated[str, AfterValidator(_month_day)]
KindName = Annotated[str, AfterValidator(_kind)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
PriceYear = Annotated[int, Field(ge=1900, le=2200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionSettings(_Strict):
    name: str
    crs: CrsText
    currency: CurrencyCode
    price_year: PriceYear
    languages: Annotated[list[LanguageTag], Field(min_length=1)]
    border_tolerance_m: Annotated[float, Field(ge=0)] = 5.0
    exchange_rates: str | None = None
    price_indices: str | None = None
    vocabularies: dict[str, str] = Field(default_factory=dict)


class Party(_Strict):
    id: Identifier
    name: Annotated[dict[LanguageTag, str], Field(min_length=1)]
    country: CountryCode
    currency: CurrencyCode
    fiscal_year_start: MonthDay = "01-01"
    languages: Annotated[list[LanguageTag], Field(min_length=1)]

    @property
    def main_language(self) -> str:
        return self.languages[0]

    def display_name(self, language: str) -> str:
        """The party's name in ``language``, else in its main language, else any."""
        return (
            self.name.get(language)
            or self.name.get(self.main_language)
            or next(iter(self.name.values()))
        )


class Dataset(_Strict):
    id: Identifier
    kind: KindName
    path: str
    party: str | None = None
    party_field: str | None = None
    party_values: dict[str, str] = Field(default_factory=dict)
    layer: str | None = None
    format: Literal["vector", "geoparquet", "csv", "raster"] | None = None
    crs: CrsText | None = None
    x_field: str | None = None
    y_field: str | None = None
    id_field: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    units: dict[str, str] = Field(default_factory=dict)
    currency: CurrencyCode | None = None
    price_year: PriceYear | None = None
    vocabulary: dict[str, dict[str, str] | str] = Field(default_factory=dict)
    languages: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str | int | float | bool] = Field(default_factory=dict)
    band: Annotated[int, Field(ge=1)] = 1

    @model_validator(mode="after")
    def _one_way_to_the_party(self) -> Dataset:
        if (self.party is None) == (self.party_field is None):
            raise ValueError(
                "found "
                + (
                    "both 'party' and 'party_field'"
                    if self.party
                    else "neither 'party' nor 'party_field'"
                )
                + f"; expected exactly one (a party id, {BY_LOCATION!r}, "
                "or a column with party_values)"
            )
        if self.party_field is not None and not self.party_values:
            raise ValueError(
                "found 'party_field' without 'party_values'; expected a table value = party id"
            )
        return self

    @property
    def resolved_format(self) -> str:
        if self.format:
            return self.format
        suffix = self.path.lower().rsplit(".", 1)[-1]
        return {"csv": "csv", "parquet": "geoparquet", "tif": "raster", "tiff": "raster"}.get(
            suffix, "vector"
        )


class Manifest(_Strict):
    region: RegionSettings
    parties: Annotated[list[Party], Field(min_length=1)]
    datasets: list[Dataset] = Field(default_factory=list)
