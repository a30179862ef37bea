"""One way to write and read a fitted estimator's file.

A file is one ``torch.save`` payload (a dict of tensors, numbers, strings, lists and dicts
only, with a ``format`` tag naming the estimator and its version), written atomically with the
user's umask (:func:`~graphgen.io.atomic.atomic_write`) and read back with
``torch.load(weights_only=True)``: loading a file cannot run code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import torch

from graphgen.estimators.selection import Candidate, Selection
from graphgen.exceptions import DataFormatError, GraphgenError, OutputError
from graphgen.io.atomic import atomic_write
from graphgen.scalars import plain

__all__ = ["params_payload", "read_estimator", "read_payload", "selection_from_payload",
           "selection_payload", "write_payload"]


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


T = TypeVar("T")


def read_estimator(path: str | os.PathLike, *, format: str, name: str,  # noqa: A002
                   build: Callable[[dict[str, Any]], T]) -> T:
    """The estimator ``build`` makes from the payload of ``path`` (:func:`read_payload`).

    Raises:
        DataFormatError: an unreadable file, one of another format, or a damaged one (a
            missing entry, tensors that do not fit, values of the wrong type).
    """
    payload = read_payload(path, format=format, name=name)
    try:
        return build(payload)
    except GraphgenError:
        raise
    except (KeyError, IndexError, RuntimeError, TypeError, ValueError) as exc:
        raise DataFormatError(f"{path}: damaged {name} file ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else exc!r})") from None


def params_payload(estimator: Any, **values: Any) -> dict[str, Any]:
    """An estimator's constructor arguments as plain values for a file: ``trainer`` (and any
    dataclass) as its fields, ``candidates`` as names when they are names (else ``None``),
    and ``values`` in place of the others (e.g. a graph or table that is stored apart)."""
    params = {**estimator.get_params(deep=False), **values}
    for key, value in params.items():
        if key not in values and hasattr(value, "__dataclass_fields__"):
            params[key] = asdict(value)
    candidates = params.get("candidates")
    if candidates is not None and "candidates" not in values:
        params["candidates"] = (list(candidates) if all(isinstance(c, str) for c in candidates)
                                else None)
    return params


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
