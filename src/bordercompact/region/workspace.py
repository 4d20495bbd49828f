"""Run directories: written in a temporary place and renamed only when complete, each with a
``provenance.json`` so that any party can reproduce the numbers."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

#: Packages whose versions decide the numbers; recorded in every provenance file.
RECORDED_PACKAGES = (
    "bordercompact",
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "rasterio",
    "pyarrow",
    "pint",
    "pydantic",
    "babel",
)
PROVENANCE_NAME = "provenance.json"


class RunDirExistsError(FileExistsError):
    """The run directory exists and overwriting was not asked for."""


@contextmanager
def atomic_run_dir(target: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty temporary directory beside ``target``; rename it to ``target`` when the
    block completes. On any exception (Ctrl-C included) the temporary directory is removed
    and ``target`` is left as it was."""
    target = Path(target).absolute()
    if target.exists() and not overwrite:
        raise RunDirExistsError(f"{target} exists; choose another --out or pass --overwrite")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        yield staging
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, retired / target.name)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    found = {}
    for name in RECORDED_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def provenance(
    *,
    command: str,
    parameters: dict[str, Any],
    inputs: Iterable[Path],
    input_root: Path,
    outputs: Iterable[Path],
    output_root: Path,
    started: str,
) -> dict[str, Any]:
    """What a run read (with hashes), what it wrote, with which software and settings."""

    def described(paths: Iterable[Path], root: Path) -> list[dict[str, Any]]:
        return [
            {"path": _relative(p, root), "bytes": p.stat().st_size, "sha256": file_sha256(p)}
            for p in paths
        ]

    return {
        "command": command,
        "parameters": parameters,
        "started": started,
        "finished": utc_now(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        "inputs": described(inputs, input_root),
        "outputs": described(outputs, output_root),
    }


def write_provenance(run_dir: Path, record: dict[str, Any]) -> Path:
    path = run_dir / PROVENANCE_NAME
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.absolute().relative_to(root.absolute()))
    except ValueError:
        return str(path.absolute())
