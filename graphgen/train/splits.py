"""Stratified train/validation/test splits of labelled genes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from graphgen.exceptions import ConfigError, DataFormatError

__all__ = ["Split", "stratified_split"]


@dataclass(frozen=True)
class Split:
    """Gene ids of the training, validation and test parts (disjoint)."""

    train: pd.Index
    val: pd.Index
    test: pd.Index

    def assignment(self) -> pd.Series:
        """``"train"``/``"val"``/``"test"`` per gene id, in train, val, test order."""
        parts = [pd.Series(name, index=ids) for name, ids in
                 (("train", self.train), ("val", self.val), ("test", self.test))]
        return pd.concat(parts).rename("split")


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
