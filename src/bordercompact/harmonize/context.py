"""What a harmonization pass carries along: the region's settings and tables, and, for each
dataset, its feature ids and parties and where its problems and log entries go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyproj
from shapely import Geometry

from bordercompact.harmonize.currency import ExchangeRates, PriceIndices
from bordercompact.harmonize.log import DatasetLog
from bordercompact.harmonize.vocab import Vocabulary
from bordercompact.region.load import Region
from bordercompact.region.manifest import Dataset
from bordercompact.region.problems import ProblemLog, Severity


@dataclass
class RegionContext:
    """The region being harmonized, with its tables and the parties' territories so far."""

    region: Region
    crs: pyproj.CRS
    problems: ProblemLog
    vocabularies: dict[str, Vocabulary]
    rates: ExchangeRates | None
    indices: PriceIndices | None
    territories: dict[str, Geometry] = field(default_factory=dict)

    @property
    def manifest(self) -> str:
        return str(self.region.manifest_path)

    @property
    def party_ids(self) -> set[str]:
        return {p.id for p in self.region.parties}


@dataclass
class DatasetPass:
    """One vector dataset on its way through: problems it finds name its file, layer,
    features (by their ids) and column; problems of its manifest entry name region.toml."""

    context: RegionContext
    dataset: Dataset
    file: str
    entry: DatasetLog
    ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    parties: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    field_meta: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def region(self) -> Region:
        return self.context.region

    def report(
        self,
        severity: Severity,
        code: str,
        found: str,
        expected: str,
        *,
        rows: Sequence[int] | np.ndarray = (),
        column: str | None = None,
        features: Sequence[object] | None = None,
    ) -> None:
        """A problem in the dataset's file, at ``rows`` (positions) or named ``features``."""
        named = list(self.ids[np.asarray(rows, dtype=int)]) if features is None else features
        self.context.problems.add(
            severity,
            code,
            self.file,
            found,
            expected,
            layer=self.dataset.layer,
            dataset=self.dataset.id,
            field=column,
            features=named,
        )

    def error(self, code: str, found: str, expected: str, **where: Any) -> None:
        self.report(Severity.ERROR, code, found, expected, **where)

    def warning(self, code: str, found: str, expected: str, **where: Any) -> None:
        self.report(Severity.WARNING, code, found, expected, **where)

    def manifest_error(self, code: str, found: str, expected: str, key: str) -> None:
        """A problem of the dataset's entry in region.toml, at ``key`` (e.g. ``units``)."""
        self.context.problems.error(
            code,
            self.context.manifest,
            found,
            expected,
            field=f"datasets.{self.dataset.id}.{key}",
            features=[self.dataset.id],
        )
