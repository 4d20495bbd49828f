"""Run directories appear complete or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bordercompact.harmonize import output
from bordercompact.region.workspace import (
    RunDirExistsError,
    atomic_run_dir,
    file_sha256,
    is_run_dir,
    write_provenance,
)


def earlier_run(folder: Path) -> Path:
    """A folder as an earlier run leaves it: an output and a provenance naming the command."""
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    write_provenance(folder, {"command": "harmonize"})
    return folder


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
    target = earlier_run(tmp_path / "run")
    with pytest.raises(RunDirExistsError, match="pass --overwrite"), atomic_run_dir(target):
        pass
    assert (target / "old.txt").exists()
    with atomic_run_dir(target, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_an_empty_folder_is_replaced_when_overwriting(tmp_path: Path) -> None:
    target = tmp_path / "run"
    target.mkdir()
    with atomic_run_dir(target, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]


@pytest.mark.parametrize(
    "content",
    [
        {"thesis.docx": "years of work"},
        {"provenance.json": '{"author": "someone else"}'},
        {"provenance.json": "not JSON"},
    ],
    ids=["user files", "foreign provenance", "broken provenance"],
)
@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_that_is_not_a_run_dir_is_never_replaced(
    tmp_path: Path, content: dict[str, str], overwrite: bool
) -> None:
    target = tmp_path / "Documents"
    target.mkdir()
    for name, text in content.items():
        (target / name).write_text(text)
    with (
        pytest.raises(RunDirExistsError, match="exists and is not a bordercompact run directory"),
        atomic_run_dir(target, overwrite=overwrite),
    ):
        pytest.fail("the block must not run for a folder that may not be replaced")
    assert {p.name: p.read_text() for p in target.iterdir()} == content
    assert [p.name for p in tmp_path.iterdir()] == ["Documents"]


def test_a_run_dir_is_recognized_by_its_provenance_command(tmp_path: Path) -> None:
    assert is_run_dir(earlier_run(tmp_path / "run"))
    assert not is_run_dir(tmp_path)
    assert not is_run_dir(tmp_path / "missing")


def test_finished_run_dir_is_as_readable_as_a_plain_mkdir(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        (tmp_path / "plain").mkdir()
        with atomic_run_dir(tmp_path / "run"):
            pass
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "run").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain").stat().st_mode) == 0o755


def test_harmonize_into_refuses_an_unusable_target_before_reading_the_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def harmonize_region(*args: object) -> None:
        pytest.fail("the region was read although the run directory cannot be written")

    monkeypatch.setattr(output, "harmonize_region", harmonize_region)
    target = tmp_path / "Documents"
    target.mkdir()
    (target / "thesis.docx").write_text("years of work")
    with pytest.raises(RunDirExistsError, match="not a bordercompact run directory"):
        output.harmonize_into(tmp_path / "region", target, overwrite=True)
    with pytest.raises(RunDirExistsError, match="pass --overwrite"):
        output.harmonize_into(tmp_path / "region", earlier_run(tmp_path / "run"))
    assert (target / "thesis.docx").read_text() == "years of work"


def test_sha256_of_a_known_text(tmp_path: Path) -> None:
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
