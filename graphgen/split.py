"""The :class:`Split` type: which ids train, validate and test a model.

It sits at the bottom of the layers (it needs only pandas) because readers of published
splits (:func:`graphgen.io.mogonet.read_mogonet`) return one, as do the split functions of
:mod:`graphgen.evaluation.splits`, which re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Split"]


@dataclass(frozen=True)
class Split:
    """Gene ids of the training, validation and test parts (disjoint).

    Attributes:
        train, val, test: gene ids of each part.
        name: label of the split in reports (e.g. ``"repeat 0, fold 3"``).
    """

    train: pd.Index
    val: pd.Index
    test: pd.Index
    name: str = "split"

    def assignment(self) -> pd.Series:
        """``"train"``/``"val"``/``"test"`` per gene id, in train, val, test order."""
        parts = [pd.Series(name, index=ids) for name, ids in
                 (("train", self.train), ("val", self.val), ("test", self.test))]
        return pd.concat(parts).rename("split")
