"""Run directories: written in a temporary place and renamed only when complete, each with a
``provenance.json`` so that any party can reproduce the numbers."""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyogrio
import pyproj
import pyproj.network

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

#: The stages of the main job (``bordercompact run``) in the order they run.
STAGES = (
    "validate",
    "harmonize",
    "risk",
    "equity",
    "appraise",
    "negotiate",
    "finance",
    "compact",
    "report",
)
#: What each stage writes at the top of the run directory.
STAGE_FILES = {
    "harmonize": (
        "layers",
        "rasters",
        "harmonization_log.md",
        "harmonization_log.json",
        "validation.json",
    ),
    "risk": ("risk",),
    "equity": ("equity",),
    "appraise": ("appraisal",),
    "negotiate": ("negotiation",),
    "finance": ("finance",),
    "compact": ("compact",),
    "report": ("report", "opendata"),
}


class RunDirExistsError(FileExistsError):
    """The run directory exists and may not be replaced: overwriting was not asked for, or
    the folder is not a bordercompact run directory."""


def is_run_dir(folder: Path) -> bool:
    """Whether ``folder`` is a bordercompact run directory: it holds a ``provenance.json``
    whose JSON object has a ``command`` key (as :func:`provenance` writes)."""
    try:
        record = json.loads((Path(folder) / PROVENANCE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(record, dict) and "command" in record


def check_run_dir_target(target: Path, *, overwrite: bool) -> None:
    """Raise :class:`RunDirExistsError` unless a run directory may be written at ``target``.

    A missing ``target`` is fine. An existing one is replaced only with ``overwrite`` and
    only when it is an empty folder or a previous run directory (:func:`is_run_dir`), so
    that ``--out ~/Documents --overwrite`` cannot delete a folder of the user's files.
    """
    target = Path(target).absolute()
    if not target.exists():
        return
    replaceable = target.is_dir() and (is_run_dir(target) or not any(target.iterdir()))
    if not replaceable:
        raise RunDirExistsError(
            f"{target} exists and is not a bordercompact run directory (no {PROVENANCE_NAME} "
            "from an earlier run), so it is left alone; choose another --out"
        )
    if not overwrite:
        raise RunDirExistsError(f"{target} exists; choose another --out or pass --overwrite")


@contextmanager
def atomic_run_dir(target: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield an empty temporary directory beside ``target``; rename it to ``target`` when the
    block completes. On any exception (Ctrl-C included) the temporary directory is removed
    and ``target`` is left as it was.

    ``target`` is checked with :func:`check_run_dir_target` on entry and again just before
    the rename, since the block may run long enough for the folder to change.
    """
    target = Path(target).absolute()
    check_run_dir_target(target, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _new_staging_dir(target)
    try:
        yield staging
        check_run_dir_target(target, overwrite=overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with _sigint_ignored():  # a Ctrl-C between the renames would lose both runs
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, retired / target.name)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored for the block (in the main thread, where signals are handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _new_staging_dir(target: Path) -> Path:
    # A plain mkdir, not tempfile.mkdtemp: mkdtemp makes the folder mode 0700, and the run
    # directory it becomes should be as readable as any folder the user creates (umask and
    # default ACLs apply).
    staging = target.parent / f".{target.name}.partial-{secrets.token_hex(8)}"
    staging.mkdir()
    return staging


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


def geodesy_versions() -> dict[str, Any]:
    """The PROJ and GDAL libraries inside the wheels, and whether PROJ could fetch datum
    grids: they decide the reprojected coordinates as much as the package versions do."""
    return {
        "proj": pyproj.proj_version_str,
        "proj_network": pyproj.network.is_network_enabled(),
        "gdal": pyogrio.__gdal_version_string__,
    }


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
        "geodesy": geodesy_versions(),
        "inputs": described(inputs, input_root),
        "outputs": described(outputs, output_root),
    }


def json_finite(value: Any) -> Any:
    """``value`` (numbers, dicts, lists) with every non-finite number as None and every
    key as a string, as JSON can hold it."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_finite(v) for v in value]
    return value


def write_provenance(run_dir: Path, record: dict[str, Any]) -> Path:
    path = run_dir / PROVENANCE_NAME
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.absolute().relative_to(root.absolute()))
    except ValueError:
        return str(path.absolute())
