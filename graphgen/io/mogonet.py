"""Read a cohort in MOGONET's folder layout (``1_tr.csv``, ``1_te.csv``, ``labels_tr.csv``, ...).

MOGONET (Wang et al., Nat Commun 2021) ships each cohort as numbered views: ``{v}_tr.csv`` and
``{v}_te.csv`` (samples x features, comma-separated, no header), ``{v}_featname.csv`` (one
feature name per line) and ``labels_tr.csv`` / ``labels_te.csv`` (one class per line). The
train/test split of the files is the published one.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError
from graphgen.io.delimited import open_text
from graphgen.split import Split

__all__ = ["MogonetCohort", "read_mogonet"]


@dataclass(frozen=True)
class MogonetCohort:
    """A MOGONET cohort: omics tables, labels and the published split.

    Attributes:
        omics: view name (``view1``, ...) -> samples x features (sample ids ``train_000``...,
            ``test_000``...).
        labels: class per sample id (integers).
        split: the published split (``val`` is empty: the files give train and test only).
    """

    omics: dict[str, pd.DataFrame]
    labels: pd.Series
    split: Split


def _matrix(path: Path) -> np.ndarray:
    try:
        with open_text(path) as handle, warnings.catch_warnings():
            warnings.filterwarnings("ignore", "loadtxt: input contained no data")
            values = np.loadtxt(handle, delimiter=",", ndmin=2)
    except ValueError as exc:
        raise DataFormatError(f"{path}: not a numeric comma-separated matrix ({exc})") from None
    if values.size == 0:
        raise DataFormatError(f"{path}: no data lines")
    return values


def _labels(path: Path) -> np.ndarray:
    values = _matrix(path)
    if values.shape[1] != 1:
        raise DataFormatError(f"{path}: one class per line expected, found {values.shape[1]} "
                              "columns")
    values = values.ravel()
    odd = ~np.isfinite(values) | (values != np.round(values))
    if odd.any():
        line = int(np.argmax(odd)) + 1
        raise DataFormatError(f"{path}, line {line}: a class must be a whole number, got "
                              f"{values[line - 1]!r}")
    return values.astype(np.int64)


def _feature_names(path: Path) -> list[str] | None:
    if not path.exists():
        return None
    names, seen = [], {}
    with open_text(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            feature = line.strip()
            if not feature:
                continue
            if feature in seen:
                raise DataFormatError(f"{path}, line {line_number}: feature {feature!r} is "
                                      f"named again (first on line {seen[feature]})")
            seen[feature] = line_number
            names.append(feature)
    return names


def read_mogonet(folder: str | os.PathLike, *, views: tuple[int, ...] = (1, 2, 3),
                 names: tuple[str, ...] | None = None) -> MogonetCohort:
    """Read a MOGONET cohort folder.

    Args:
        folder: the cohort folder (e.g. ``ROSMAP/``).
        views: view numbers to read.
        names: a name per view (default ``view1``, ``view2``, ...).

    Raises:
        DataFormatError: a missing or empty file, ragged or non-numeric rows, a class that is
            not a whole number, a feature named twice, repeated views or names, feature or
            sample counts that do not agree between files (the message names the file).
    """
    folder = Path(folder)
    names = names or tuple(f"view{v}" for v in views)
    if len(names) != len(views):
        raise DataFormatError("read_mogonet: give one name per view")
    if len(set(views)) != len(views) or len(set(names)) != len(names):
        raise DataFormatError(f"read_mogonet: views {list(views)} and names {list(names)} "
                              "must each be distinct")
    labels = {}
    for part in ("tr", "te"):
        path = folder / f"labels_{part}.csv"
        if not path.exists():
            raise DataFormatError(f"{path}: missing (not a MOGONET cohort folder?)")
        labels[part] = _labels(path)
    ids = {part: [f"{'train' if part == 'tr' else 'test'}_{i:03d}"
                  for i in range(len(labels[part]))] for part in ("tr", "te")}
    omics = {}
    for view, name in zip(views, names):
        featnames = folder / f"{view}_featname.csv"
        features = _feature_names(featnames)
        blocks = []
        for part in ("tr", "te"):
            path = folder / f"{view}_{part}.csv"
            if not path.exists():
                raise DataFormatError(f"{path}: missing")
            values = _matrix(path)
            if values.shape[0] != len(labels[part]):
                raise DataFormatError(f"{path}: {values.shape[0]} rows but "
                                      f"labels_{part}.csv has {len(labels[part])}")
            if features is not None and values.shape[1] != len(features):
                raise DataFormatError(f"{path}: {values.shape[1]} columns but {featnames.name} "
                                      f"names {len(features)} features")
            if blocks and values.shape[1] != blocks[0].shape[1]:
                raise DataFormatError(f"{path}: {values.shape[1]} columns but {view}_tr.csv "
                                      f"has {blocks[0].shape[1]}")
            blocks.append(pd.DataFrame(values, index=ids[part], columns=features))
        omics[name] = pd.concat(blocks)
    all_labels = pd.Series(np.concatenate([labels["tr"], labels["te"]]),
                           index=ids["tr"] + ids["te"], name="label")
    split = Split(train=pd.Index(ids["tr"]), val=pd.Index([], dtype=object),
                  test=pd.Index(ids["te"]), name="published split")
    return MogonetCohort(omics=omics, labels=all_labels, split=split)
