"""A run folder: ``config.toml``, ``metrics.json``, ``predictions.csv`` and plots, written
atomically so an interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from graphgen.exceptions import OutputError
from graphgen.io.atomic import atomic_write
from graphgen.io.tables import write_csv

__all__ = ["RunFolder", "environment_versions"]

_VERSIONED = ("graphgen", "torch", "torch-geometric", "numpy", "pandas", "scikit-learn",
              "networkx")


def environment_versions() -> dict[str, str]:
    """Versions of Python, the platform and graphgen's main dependencies."""
    versions = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


class RunFolder:
    """A folder that holds everything needed to read and reproduce one run.

    Creating it checks at once that the folder can be written, so a bad ``--out`` fails
    before any training starts.

    Args:
        path: folder to create (parents included).
        exist_ok: write into a folder that already holds a run (its files are replaced, one
            by one, atomically). Without it such a folder is an error, so an earlier run's
            results are never overwritten by mistake.

    While the object lives, the folder is locked (an advisory ``flock`` on the folder,
    released when the process ends, even if it is killed): a second ``graphgen run`` into the
    same folder fails at once instead of both reporting success and one run being lost.

    Raises:
        OutputError: the folder cannot be created or written, another process is writing a
            run into it, or it already holds a file a run writes (``config.toml``,
            ``metrics.json``, ``predictions.csv``, ``curves.png``, ... see
            :attr:`RUN_FILES`) and ``exist_ok`` is false.

    Example:
        >>> import tempfile
        >>> run = RunFolder(tempfile.mkdtemp())
        >>> run.write_metrics({"gcn": {"auroc": 0.9}}).name
        'metrics.json'
    """

    #: Files (and folders) whose presence means a folder already holds a run.
    RUN_FILES = ("config.toml", "metrics.json", "predictions.csv", "checkpoints", "curves.png",
                 "labels_not_in_graph.txt", "confounding.csv", "label_by_group.csv")

    def __init__(self, path: str | os.PathLike, *, exist_ok: bool = False) -> None:
        self.path = Path(path)
        try:
            if self.path.exists() and not self.path.is_dir():
                raise OutputError(f"run folder {self.path} exists and is not a folder")
            present = [n for n in self.RUN_FILES if (self.path / n).exists()]
            if present and not exist_ok:
                raise OutputError(
                    f"run folder {self.path} already holds a run ({', '.join(present)}); "
                    "choose another --out, or pass --overwrite to replace it (graphgen run "
                    "also takes --resume to continue it)")
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock = _lock(self.path)
            with atomic_write(self.path / ".write-check") as handle:
                handle.write("ok")
            (self.path / ".write-check").unlink()
        except OutputError:
            raise
        except OSError as exc:
            raise OutputError(
                f"cannot write run folder {self.path}: {exc.strerror or exc}; "
                "choose another --out"
            ) from exc

    def write_config(self, config: dict[str, Any]) -> Path:
        """``config.toml``: the given settings plus a ``[versions]`` table."""
        record = {**_toml_safe(config), "versions": environment_versions()}
        with atomic_write(self.path / "config.toml", "wb") as handle:
            handle.write(tomli_w.dumps(record).encode("utf-8"))
        return self.path / "config.toml"

    def write_metrics(self, metrics: dict[str, Any]) -> Path:
        """``metrics.json``; NaN and infinity are written as ``null``."""
        with atomic_write(self.path / "metrics.json") as handle:
            json.dump(_json_safe(metrics), handle, indent=2, sort_keys=False)
            handle.write("\n")
        return self.path / "metrics.json"

    def write_predictions(self, predictions: pd.DataFrame) -> Path:
        """``predictions.csv`` (the frame's index is written as the first column)."""
        return self.write_table("predictions.csv", predictions)

    def write_table(self, name: str, table: pd.DataFrame) -> Path:
        """A CSV file of the run (index as the first column), written atomically
        (:func:`~graphgen.io.tables.write_csv`: formula-like ids are kept and warned about)."""
        return write_csv(self.path / name, table, float_format="%.6g")

    def file(self, name: str) -> Path:
        """Path of a file in the run folder (for plots and other artefacts)."""
        return self.path / name


def _lock(folder: Path):
    """An exclusive advisory lock on ``folder`` (its descriptor), or ``None`` where the
    platform has no ``flock``.

    Raises:
        OutputError: another process holds the lock.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise OutputError(f"run folder {folder} is being written by another graphgen process; "
                          "wait for it to finish, or choose another --out") from None
    except OSError:  # a file system without locks: carry on unlocked
        os.close(fd)
        return None
    return _Lock(fd)


class _Lock:
    """Holds the folder's descriptor; the lock goes with it (or with the process)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _json_safe(value.item())
    return value


def _toml_safe(value: Any) -> Any:
    """TOML has no null: drop None entries; stringify paths; plain Python scalars."""
    if isinstance(value, dict):
        return {str(k): _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_toml_safe(v) for v in value if v is not None]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "item"):
        return value.item()
    return value
