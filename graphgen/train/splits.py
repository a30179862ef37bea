"""Stratified train/validation/test splits of labelled genes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.split import Split

__all__ = ["Split", "kfold_splits", "splits_from_folds", "stratification_key",
           "stratified_split", "train_val_split"]


def stratified_split(
    labels: pd.Series, *, val_size: float = 0.2, test_size: float = 0.2, seed: int = 0
) -> Split:
    """Split labelled genes into train/val/test with the class shares kept in each part.

    Args:
        labels: class label per gene id (NaN = unlabelled, left out).
        val_size: share of labelled genes for validation.
        test_size: share of labelled genes for testing.
        seed: seed of the shuffle.

    Returns:
        A :class:`Split` of gene ids.

    Raises:
        ConfigError: sizes outside (0, 1) or summing to >= 1.
        DataFormatError: fewer than two classes, or a class too small to appear in every part.

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"g{i}" for i in range(20)])
        >>> s = stratified_split(y, val_size=0.2, test_size=0.2, seed=0)
        >>> len(s.train), len(s.val), len(s.test)
        (12, 4, 4)
    """
    for name, value in (("val_size", val_size), ("test_size", test_size)):
        if not 0.0 < value < 1.0:
            raise ConfigError(f"stratified_split: {name} must be in (0, 1), got {value!r}")
    if val_size + test_size >= 1.0:
        raise ConfigError(
            f"stratified_split: val_size + test_size must be < 1, got {val_size + test_size}"
        )
    labelled = labels.dropna()
    counts = labelled.value_counts()
    if len(counts) < 2:
        raise DataFormatError(
            f"stratified_split: labels hold a single class ({counts.index.tolist()}); "
            "a classifier needs at least two"
        )
    smallest = counts.index[counts.argmin()]
    smallest = smallest.item() if hasattr(smallest, "item") else smallest
    if counts.min() < 3:
        raise DataFormatError(
            f"stratified_split: class {smallest!r} has {counts.min()} gene(s); each class needs "
            "at least 3 to appear in train, validation and test"
        )
    ids = labelled.index.to_numpy()
    y = labelled.to_numpy()
    rest_ids, test_ids, rest_y, _ = train_test_split(
        ids, y, test_size=test_size, stratify=y, random_state=seed
    )
    train_ids, val_ids = train_test_split(
        rest_ids, test_size=val_size / (1.0 - test_size), stratify=rest_y, random_state=seed
    )
    return Split(
        train=pd.Index(np.sort(train_ids), name=labels.index.name),
        val=pd.Index(np.sort(val_ids), name=labels.index.name),
        test=pd.Index(np.sort(test_ids), name=labels.index.name),
    )


def stratification_key(labels: pd.Series | pd.DataFrame, *, min_count: int = 3) -> pd.Series:
    """A single class per gene to stratify on.

    For a Series, the labels themselves. For a multi-label genes x labels 0/1 table, each
    gene's rarest positive label (``"none"`` when it has none), a common approximation of
    multi-label stratification; keys with fewer than ``min_count`` genes are pooled as
    ``"rare"``.

    Example:
        >>> t = pd.DataFrame({"A": [1, 1, 1, 1, 0], "B": [1, 0, 0, 0, 0]}, index=list("abcde"))
        >>> stratification_key(t, min_count=1).tolist()
        ['B', 'A', 'A', 'A', 'none']
    """
    if isinstance(labels, pd.Series):
        return labels.dropna()
    table = labels.dropna(how="all")
    values = table.to_numpy(dtype=np.float64) > 0
    frequency = values.sum(axis=0)
    rank = np.where(values, frequency[None, :], np.inf)
    rarest = np.argmin(rank, axis=1)
    key = np.where(values.any(axis=1), np.asarray(table.columns, dtype=object)[rarest], "none")
    key = pd.Series(key.astype(str), index=table.index)
    counts = key.value_counts()
    small = counts.index[counts < min_count]
    key = key.where(~key.isin(small), "rare")
    counts = key.value_counts()
    if counts.get("rare", min_count) < min_count and len(counts) > 1:
        # too few even when pooled: join the largest stratum
        key = key.replace("rare", counts.drop("rare").idxmax())
    return key


def kfold_splits(
    labels: pd.Series | pd.DataFrame,
    *,
    k: int = 5,
    repeats: int = 1,
    val_size: float = 0.2,
    seed: int = 0,
) -> list[Split]:
    """Stratified k-fold cross-validation, optionally repeated with new shuffles.

    Each fold is the test part once; the other genes are split into training and validation
    (``val_size`` of them, stratified) for early stopping.

    Args:
        labels: class per gene (Series) or genes x labels 0/1 table (multi-label,
            stratified by :func:`stratification_key`).
        k: number of folds (>= 2).
        repeats: how many times to repeat with another shuffle (seed ``seed + r``).
        val_size: share of the non-test genes used for validation.
        seed: seed of the first shuffle.

    Returns:
        ``k * repeats`` :class:`Split` objects named ``"repeat r, fold f"``.

    Raises:
        ConfigError: ``k < 2``, ``repeats < 1`` or ``val_size`` outside (0, 1).
        DataFormatError: a single class, or a class with fewer genes than folds.

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"g{i}" for i in range(20)])
        >>> folds = kfold_splits(y, k=5)
        >>> len(folds), len(folds[0].test), len(folds[0].train) + len(folds[0].val)
        (5, 4, 16)
    """
    if not isinstance(k, int) or k < 2:
        raise ConfigError(f"kfold_splits: k must be an integer >= 2, got {k!r}")
    if not isinstance(repeats, int) or repeats < 1:
        raise ConfigError(f"kfold_splits: repeats must be an integer >= 1, got {repeats!r}")
    if not 0.0 < val_size < 1.0:
        raise ConfigError(f"kfold_splits: val_size must be in (0, 1), got {val_size!r}")
    key = stratification_key(labels, min_count=k)
    counts = key.value_counts()
    if len(counts) < 2:
        raise DataFormatError(f"kfold_splits: labels hold a single class "
                              f"({counts.index.tolist()}); a classifier needs at least two")
    if counts.min() < k:
        raise DataFormatError(f"kfold_splits: class {counts.idxmin()!r} has {counts.min()} "
                              f"gene(s), fewer than k={k} folds")
    ids = key.index.to_numpy()
    splits = []
    for r in range(repeats):
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed + r)
        for f, (rest, test) in enumerate(folds.split(ids, key.to_numpy())):
            train, val = _carve_validation(ids[rest], key.to_numpy()[rest], val_size, seed + r)
            splits.append(Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                                test=pd.Index(np.sort(ids[test])), name=f"repeat {r}, fold {f}"))
    return splits


def splits_from_folds(
    folds: pd.DataFrame,
    labels: pd.Series | pd.DataFrame,
    *,
    val_size: float = 0.2,
    seed: int = 0,
) -> list[Split]:
    """Cross-validation splits from a published fold table (e.g. EMOGI's 10 x 5 folds).

    Args:
        folds: one row per gene id, one column per repeat holding the test fold of the gene
            (integers; NaN: the gene is not in that repeat).
        labels: class per gene id (only genes with a label and a fold are used).
        val_size: share of each fold's training genes held out, stratified, for early
            stopping (published folds usually give only train and test).
        seed: seed of the validation hold-out.

    Returns:
        One :class:`Split` per (repeat column, fold), named ``"<column>, fold f"``.

    Raises:
        DataFormatError: a fold that leaves no training or test genes.
    """
    key = stratification_key(labels, min_count=1)
    table = folds.loc[folds.index.intersection(key.index)]
    splits = []
    for column in table.columns:
        assigned = table[column].dropna()
        for fold in sorted(assigned.unique()):
            test = assigned.index[assigned == fold]
            rest = assigned.index[assigned != fold]
            if not len(test) or not len(rest):
                raise DataFormatError(f"fold table: {column} fold {fold} leaves no "
                                      f"{'test' if not len(test) else 'training'} genes")
            train, val = _carve_validation(rest.to_numpy(), key.loc[rest].to_numpy(), val_size,
                                           seed)
            splits.append(Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                                test=pd.Index(np.sort(test.to_numpy())),
                                name=f"{column}, fold {int(fold)}"))
    return splits


def _carve_validation(ids: np.ndarray, key: np.ndarray, val_size: float, seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    values, counts = np.unique(key, return_counts=True)
    stratify = key if counts.min() >= 2 else None
    train, val = train_test_split(ids, test_size=val_size, stratify=stratify, random_state=seed)
    return train, val


def train_val_split(labels: pd.Series | pd.DataFrame, *, val_size: float = 0.2,
                    seed: int = 0) -> Split:
    """All labelled genes into training and validation parts (no test part), stratified.

    For fitting a final model: the validation part chooses the epoch.

    Raises:
        ConfigError: ``val_size`` outside (0, 1).
        DataFormatError: fewer than two classes.

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"g{i}" for i in range(20)])
        >>> s = train_val_split(y, val_size=0.25)
        >>> len(s.train), len(s.val), len(s.test)
        (15, 5, 0)
    """
    if not 0.0 < val_size < 1.0:
        raise ConfigError(f"train_val_split: val_size must be in (0, 1), got {val_size!r}")
    key = stratification_key(labels, min_count=2)
    if key.nunique() < 2 and not isinstance(labels, pd.DataFrame):
        raise DataFormatError(f"labels hold a single class ({key.unique().tolist()}); a "
                              "classifier needs at least two")
    if not isinstance(labels, pd.DataFrame):
        counts = key.value_counts()
        n_val = math.ceil(val_size * len(key))
        if counts.min() < 2:
            raise DataFormatError(
                f"train_val_split: class {_plain(counts.idxmin())!r} has a single labelled "
                "gene; each class needs at least two (one to train on, one to validate with)")
        if n_val < len(counts) or len(key) - n_val < len(counts):
            raise DataFormatError(
                f"train_val_split: {len(key)} labelled genes are too few for a stratified "
                f"validation part of val_size={val_size} with {len(counts)} classes (each "
                "part needs every class); label more genes or change val_size")
    train, val = _carve_validation(key.index.to_numpy(), key.to_numpy(), val_size, seed)
    return Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                 test=pd.Index([], dtype=object), name="train/val")


def _plain(value):
    return value.item() if hasattr(value, "item") else value
