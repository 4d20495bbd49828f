"""Load a region directory into one :class:`Region`, reporting every manifest problem at once."""

from __future__ import annotations

import os
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bordercompact.region.kinds import KINDS
from bordercompact.region.manifest import (
    BY_LOCATION,
    SHARED,
    Dataset,
    Manifest,
    Party,
    RegionSettings,
)
from bordercompact.region.problems import InvalidRegionError, ProblemLog

ModelT = TypeVar("ModelT", bound=BaseModel)

MANIFEST_NAME = "region.toml"
#: Files a shapefile needs beside the ``.shp``; hashed with it for provenance.
SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Region:
    """A region directory with its validated manifest."""

    root: Path
    manifest: Manifest

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    @property
    def settings(self) -> RegionSettings:
        return self.manifest.region

    @property
    def parties(self) -> list[Party]:
        return self.manifest.parties

    @property
    def datasets(self) -> list[Dataset]:
        return self.manifest.datasets

    def party(self, party_id: str) -> Party:
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(f"no party {party_id!r} in {self.manifest_path}")

    def path(self, relative: str) -> Path:
        """A path of the manifest, relative to the region directory (``..`` collapsed)."""
        return Path(os.path.normpath(self.root / relative))

    def datasets_of_kind(self, kind: str) -> list[Dataset]:
        return [d for d in self.datasets if d.kind == kind]

    @property
    def territorial_parties(self) -> set[str]:
        """Parties that bring a boundary (a party given by a column may bring several)."""
        owners: set[str] = set()
        for dataset in self.datasets_of_kind("boundary"):
            if dataset.party is not None:
                owners.add(dataset.party)
            owners.update(dataset.party_values.values())
        return owners

    def input_files(self) -> Iterator[Path]:
        """Every file the region reads, for hashing into the provenance."""
        yield self.manifest_path
        settings = self.settings
        for table in (settings.exchange_rates, settings.price_indices):
            if table:
                yield self.path(table)
        for vocabulary in settings.vocabularies.values():
            yield self.path(vocabulary)
        seen: set[Path] = set()
        for dataset in self.datasets:
            path = self.path(dataset.path)
            candidates = [path]
            if path.suffix.lower() == ".shp":
                candidates += [path.with_suffix(s) for s in SHAPEFILE_SIDECARS]
            for mapping in dataset.vocabulary.values():
                if isinstance(mapping, str):
                    candidates.append(self.path(mapping))
            for candidate in candidates:
                if candidate not in seen and candidate.exists():
                    seen.add(candidate)
                    yield candidate


def load_region(root: Path | str) -> Region:
    """Read and check ``root/region.toml``; raise :class:`InvalidRegionError` with every problem."""
    problems = ProblemLog()
    region = read_region(Path(root), problems)
    if region is None or problems.has_errors:
        raise InvalidRegionError(problems)
    return region


def read_region(root: Path, problems: ProblemLog) -> Region | None:
    """Parse the manifest, adding its problems to ``problems``; None when it cannot be read."""
    manifest_path = root / MANIFEST_NAME
    where = str(manifest_path)
    if not root.is_dir():
        problems.error("missing-region-dir", str(root), "no such directory", "a region directory")
        return None
    if not manifest_path.is_file():
        problems.error(
            "missing-manifest", where, "no such file", f"a {MANIFEST_NAME} describing the region"
        )
        return None
    try:
        raw = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.error("manifest-syntax", where, f"invalid TOML ({exc})", "valid TOML")
        return None
    except UnicodeDecodeError as exc:
        problems.error("manifest-syntax", where, f"bytes that are not UTF-8 ({exc})", "UTF-8 text")
        return None
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            report_schema_error(error, raw, where, problems)
        return None
    _check_references(manifest, where, problems)
    return Region(root=root, manifest=manifest)


def report_schema_error(
    error: Any,
    raw: dict[str, Any],
    where: str,
    problems: ProblemLog,
    *,
    code: str = "manifest-schema",
    doc: str = "docs/manifest.md",
    sections: tuple[str, ...] = ("parties", "datasets"),
) -> None:
    """Add one pydantic error of a TOML file to ``problems``, naming the dotted key and
    the ``id`` of the entry of ``sections`` it is in."""
    location = error["loc"]
    field = _dotted(location)
    feature = _entry_id(raw, location, sections)
    message: str = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    if kind == "missing":
        found, expected = "nothing", "this key, which is required"
    elif kind == "extra_forbidden":
        found, expected = "an unknown key", f"only the keys documented in {doc}"
    elif message.startswith("found ") and "; expected " in message:
        found, expected = message.removeprefix("found ").split("; expected ", 1)
    else:
        found, expected = repr(error.get("input")), message
    problems.error(
        code,
        where,
        found,
        expected,
        field=field,
        features=[feature] if feature else [],
    )


def _dotted(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _entry_id(
    raw: dict[str, Any], location: tuple[Any, ...], sections: tuple[str, ...]
) -> str | None:
    """The ``id`` of the entry (party, dataset …) an error is in, so the message can name it."""
    if len(location) >= 2 and location[0] in sections and isinstance(location[1], int):
        entries = raw.get(location[0])
        if isinstance(entries, list) and location[1] < len(entries):
            entry = entries[location[1]]
            if isinstance(entry, dict) and "id" in entry:
                return str(entry["id"])
    return None


def _check_references(manifest: Manifest, where: str, problems: ProblemLog) -> None:
    party_ids = [p.id for p in manifest.parties]
    for party_id, n in Counter(party_ids).items():
        if n > 1:
            problems.error(
                "duplicate-party",
                where,
                f"party id {party_id!r} {n} times",
                "unique party ids",
                field="parties.id",
            )
    for dataset_id, n in Counter(d.id for d in manifest.datasets).items():
        if n > 1:
            problems.error(
                "duplicate-dataset",
                where,
                f"dataset id {dataset_id!r} {n} times",
                "unique dataset ids",
                field="datasets.id",
            )
    known = set(party_ids)
    for i, dataset in enumerate(manifest.datasets):
        here = {"field": f"datasets[{i}].party", "features": [dataset.id]}
        if dataset.party not in (None, BY_LOCATION, SHARED) and dataset.party not in known:
            problems.error(
                "unknown-party",
                where,
                f"party {dataset.party!r}",
                f"one of the parties: {', '.join(party_ids)}",
                **here,
            )
        for value, party in dataset.party_values.items():
            if party not in known:
                problems.error(
                    "unknown-party",
                    where,
                    f"party_values {value!r} = {party!r}",
                    f"one of the parties: {', '.join(party_ids)}",
                    field=f"datasets[{i}].party_values",
                    features=[dataset.id],
                )
        if dataset.party == BY_LOCATION and dataset.kind == "boundary":
            problems.error(
                "boundary-by-location",
                where,
                f"party {BY_LOCATION!r} on a boundary",
                "a boundary's party given by id or by a column",
                **here,
            )
        kind = KINDS[dataset.kind]
        if dataset.party == SHARED and (kind.inside_party or kind.name == "boundary"):
            problems.error(
                "shared-needs-owner",
                where,
                f"party {SHARED!r} on kind {kind.name}",
                "an owning party: features of this kind belong to a party's territory",
                **here,
            )
        for name in set(dataset.fields) & set(dataset.constants):
            problems.error(
                "field-and-constant",
                where,
                f"{name!r} both as a column and as a constant",
                "one or the other",
                field=f"datasets[{i}].constants",
                features=[dataset.id],
            )
        for spec in kind.required:
            if spec.name not in dataset.fields and spec.name not in dataset.constants:
                problems.error(
                    "missing-required-field",
                    where,
                    f"no mapping for {spec.name!r}",
                    f"fields.{spec.name} = the column holding it (required for kind {kind.name})",
                    field=f"datasets[{i}].fields",
                    features=[dataset.id],
                )
        if dataset.resolved_format == "csv" and not (dataset.x_field and dataset.y_field):
            problems.error(
                "csv-without-coordinates",
                where,
                "a CSV dataset without x_field/y_field",
                "x_field and y_field naming the coordinate columns",
                field=f"datasets[{i}]",
                features=[dataset.id],
            )
        if kind.is_raster != (dataset.resolved_format == "raster"):
            problems.error(
                "format-for-kind",
                where,
                f"a {dataset.resolved_format} file for kind {kind.name}",
                "a raster (.tif)" if kind.is_raster else "a vector file, GeoParquet or CSV",
                field=f"datasets[{i}].path",
                features=[dataset.id],
            )
    if len(manifest.parties) < 2:
        problems.warning(
            "single-party",
            where,
            f"{len(manifest.parties)} party",
            "two or more parties for a cross-border region",
            field="parties",
        )


def read_stage_config(
    path: Path,
    model: type[ModelT],
    problems: ProblemLog,
    *,
    prefix: str,
    purpose: str,
    doc: str,
    sections: tuple[str, ...] = (),
) -> ModelT | None:
    """A stage's TOML set-up beside ``region.toml`` (``risk.toml``, ``equity.toml``) parsed
    into ``model``; its problems (codes ``missing-<prefix>``, ``<prefix>-syntax``,
    ``<prefix>-schema``) added to ``problems``; None when it cannot be read."""
    where = str(path)
    if not path.is_file():
        problems.error(
            f"missing-{prefix}", where, "no such file", f"a {path.name} {purpose} ({doc})"
        )
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.error(f"{prefix}-syntax", where, f"unreadable TOML ({exc})", "valid UTF-8 TOML")
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            report_schema_error(
                error, raw, where, problems, code=f"{prefix}-schema", doc=doc, sections=sections
            )
        return None
