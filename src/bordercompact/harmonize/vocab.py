"""Shared vocabularies, and mapping each party's category labels onto their terms."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from bordercompact.harmonize.cells import cell_text

SHIPPED = "bordercompact.data.vocabularies"


@dataclass(frozen=True)
class Vocabulary:
    """Terms (codes) with their labels per language, and where the list comes from."""

    name: str
    source: str
    terms: dict[str, dict[str, str]]

    def label(self, term: str, language: str) -> str:
        labels = self.terms[term]
        return labels.get(language) or labels.get("en") or term


def _from_toml(text: str, origin: str) -> Vocabulary:
    data = tomllib.loads(text)
    try:
        return Vocabulary(name=data["name"], source=data["source"], terms=data["terms"])
    except KeyError as exc:
        raise ValueError(f"{origin}: vocabulary without {exc.args[0]!r}") from None


def shipped_vocabularies() -> dict[str, Vocabulary]:
    found = {}
    for entry in resources.files(SHIPPED).iterdir():
        if entry.name.endswith(".toml"):
            vocabulary = _from_toml(entry.read_text(encoding="utf-8"), entry.name)
            found[vocabulary.name] = vocabulary
    return found


def read_vocabulary(path: Path) -> Vocabulary:
    """A region's own vocabulary file, in the format of the shipped ones."""
    return _from_toml(path.read_text(encoding="utf-8"), str(path))


def read_label_mapping(path: Path) -> dict[str, str]:
    """A CSV ``label,term`` mapping of a party's labels to shared terms."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"label", "term"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: columns {reader.fieldnames}; expected label,term")
        return {row["label"]: row["term"] for row in reader}


@dataclass(frozen=True)
class LabelMapping:
    """The outcome of mapping one column: terms per row and what could not be mapped."""

    terms: pd.Categorical
    applied: dict[str, tuple[str, int]]  # label -> (term, rows)
    unmapped: dict[str, np.ndarray]  # label -> row positions


def map_labels(labels: pd.Series, mapping: dict[str, str]) -> LabelMapping:
    """Map a column of party labels to shared terms, working once per distinct label.

    Empty cells stay missing. Labels are matched exactly after trimming white space; whole
    numbers match their integer spelling (a code ``11`` read as ``11.0`` matches ``"11"``).
    """
    categorical = pd.Categorical(cell_text(labels))
    codes = categorical.codes
    counts = np.bincount(codes[codes >= 0], minlength=len(categorical.categories))
    term_of_category = []
    applied: dict[str, tuple[str, int]] = {}
    unmapped: dict[str, np.ndarray] = {}
    for i, label in enumerate(categorical.categories):
        term = mapping.get(label)
        term_of_category.append(term)
        if term is None:
            unmapped[label] = np.flatnonzero(codes == i)
        else:
            applied[label] = (term, int(counts[i]))
    terms = sorted({t for t in term_of_category if t is not None})
    position = {t: k for k, t in enumerate(terms)}
    lookup = np.array([position.get(t, -1) if t else -1 for t in term_of_category] + [-1])
    new_codes = lookup[codes]  # code -1 (missing) indexes the trailing -1
    return LabelMapping(
        terms=pd.Categorical.from_codes(new_codes, categories=pd.Index(terms, dtype=object)),
        applied=applied,
        unmapped=unmapped,
    )
