"""One way to write and read a fitted estimator's file.

A file is one ``torch.save`` payload (a dict of tensors, numbers, strings, lists and dicts
only, with a ``format`` tag naming the estimator and its version), written atomically with the
user's umask (:func:`~graphgen.io.atomic.atomic_write`) and read back with
``torch.load(weights_only=True)``: loading a file cannot run code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from graphgen.estimators.selection import Candidate, Selection
from graphgen.exceptions import DataFormatError, OutputError
from graphgen.io.atomic import atomic_write
from graphgen.scalars import plain

__all__ = ["read_payload", "selection_from_payload", "selection_payload", "write_payload"]


def write_payload(path: str | os.PathLike, payload: dict[str, Any], *, what: str) -> Path:
    """Write ``payload`` to ``path`` atomically.

    Raises:
        OutputError: ``path`` is a folder or cannot be written (``what`` names the caller).
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{what}: {path} is a folder; give a file name such as model.pt")
    try:
        with atomic_write(path, "wb") as handle:
            torch.save(payload, handle)
    except OSError as exc:
        raise OutputError(f"{what}: cannot write {path}: {exc.strerror or exc}") from None
    return path


def read_payload(path: str | os.PathLike, *, format: str, name: str) -> dict[str, Any]:  # noqa: A002
    """The payload of a file written by :func:`write_payload` with this ``format`` tag.

    Raises:
        DataFormatError: an unreadable file, or one of another format (``name`` is the
            estimator the caller expects).
    """
    try:
        payload = torch.load(Path(path), weights_only=True)
    except Exception as exc:
        raise DataFormatError(f"{path}: not a readable {name} file ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != format:
        found = payload.get("format") if isinstance(payload, dict) else "?"
        raise DataFormatError(f"{path}: not a {name} file (format {found})")
    return payload


def selection_payload(selection: Selection | None) -> dict[str, Any] | None:
    """A :class:`~graphgen.estimators.selection.Selection` as plain values for a file."""
    if selection is None:
        return None
    return {"chosen": selection.chosen.name,
            "params": {k: plain(v) for k, v in selection.chosen.params.items()
                       if isinstance(plain(v), (str, int, float, bool))},
            "seconds": float(selection.seconds),
            "table": {c: [plain(v) for v in selection.table[c]] for c in selection.table.columns}}


def selection_from_payload(stored: dict[str, Any] | None) -> Selection | None:
    """The :class:`~graphgen.estimators.selection.Selection` :func:`selection_payload` wrote
    (the chosen candidate keeps its plain parameters)."""
    if stored is None:
        return None
    return Selection(table=pd.DataFrame(stored["table"]),
                     chosen=Candidate(stored["chosen"], dict(stored["params"])),
                     seconds=stored["seconds"])
