"""Run directories appear complete or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from bordercompact.region.workspace import RunDirExistsError, atomic_run_dir, file_sha256


def test_run_dir_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with atomic_run_dir(target) as staging:
        (staging / "a.txt").write_text("a")
        assert not target.exists()
    assert (target / "a.txt").read_text() == "a"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


@pytest.mark.parametrize("interruption", [RuntimeError("boom"), KeyboardInterrupt()])
def test_interrupted_run_leaves_nothing_behind(tmp_path: Path, interruption: BaseException) -> None:
    target = tmp_path / "run"
    with pytest.raises(type(interruption)), atomic_run_dir(target) as staging:
        (staging / "half.parquet").write_text("half")
        raise interruption
    assert list(tmp_path.iterdir()) == []


def test_existing_run_dir_is_kept_unless_overwriting(tmp_path: Path) -> None:
    target = tmp_path / "run"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RunDirExistsError), atomic_run_dir(target):
        pass
    assert (target / "old.txt").exists()
    with atomic_run_dir(target, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_sha256_of_a_known_text(tmp_path: Path) -> None:
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
