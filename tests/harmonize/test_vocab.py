"""Shared vocabularies and the mapping of party labels onto them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bordercompact.harmonize.vocab import map_labels, shipped_vocabularies


def test_shipped_vocabularies_have_labels_in_the_demo_languages() -> None:
    vocabularies = shipped_vocabularies()
    assert {"occupancy", "facility", "network"} <= set(vocabularies)
    for vocabulary in vocabularies.values():
        assert vocabulary.source
        for term, labels in vocabulary.terms.items():
            assert {"en", "es", "fr", "de"} <= set(labels), term


def test_labels_map_to_terms_and_unmapped_labels_give_their_rows() -> None:
    labels = pd.Series(["Casa", " Comercio", None, "Bodega", "Casa", "Bodega"])
    result = map_labels(labels, {"Casa": "RES1", "Comercio": "COM1"})
    assert list(result.terms.astype(object)) == ["RES1", "COM1", np.nan, np.nan, "RES1", np.nan]
    assert result.applied == {"Casa": ("RES1", 2), "Comercio": ("COM1", 1)}
    assert list(result.unmapped) == ["Bodega"]
    assert list(result.unmapped["Bodega"]) == [3, 5]


def test_vocabulary_label_falls_back_to_english() -> None:
    occupancy = shipped_vocabularies()["occupancy"]
    assert occupancy.label("RES1", "es") == "Vivienda unifamiliar"
    assert occupancy.label("RES1", "it") == "Single-family dwelling"
