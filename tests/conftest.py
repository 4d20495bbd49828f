"""Fixtures shared by the test suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.mini_region import write_mini_region

#: The real Basel tri-national bundle, read in place (never copied into the repository).
BASEL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "basel-trinational"
#: Marks of a test module that reads the real Basel bundle: skipped, saying why, without it.
NEEDS_BASEL = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (BASEL_DATA / "basel_trinational.gpkg").is_file(),
        reason=f"the Basel bundle is not at {BASEL_DATA} (it ships beside the project, "
        "in ../shared/data/basel-trinational)",
    ),
]


@pytest.fixture(scope="session")
def mini_region_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mini_region(tmp_path_factory.mktemp("mini-template"))


@pytest.fixture
def mini_region(mini_region_template: Path, tmp_path: Path) -> Path:
    """A fresh, writable copy of the valid mini region."""
    target = tmp_path / "region"
    shutil.copytree(mini_region_template, target)
    return target
