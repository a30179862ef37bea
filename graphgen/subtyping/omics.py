"""Multi-omics tables of one cohort: sample alignment and scaling fitted on training samples."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError, NotFittedError
from graphgen.io.expression import check_expression

__all__ = ["AlignedOmics", "OmicsScaler", "align_omics", "as_omics"]

#: The name a single samples x features table gets when given without one.
SINGLE_OMICS = "omics"


def as_omics(omics, *, what: str = "omics") -> dict[str, pd.DataFrame]:
    """Omics as name -> samples x features table.

    - a ``DataFrame`` is one omics named ``"omics"``; one whose columns have two levels
      (omics name, feature), as ``pd.concat({"rna": a, "meth": b}, axis=1)`` builds, is one
      omics per first-level name (scikit-learn's ``X`` for several omics);
    - a 2-D NumPy array is one omics whose samples are its rows (ids ``"0"``, ``"1"``, ...
      by position) and whose features are its columns (what a scikit-learn ``Pipeline``
      step hands on);
    - a mapping's values must be DataFrames with sample ids as index.

    Raises:
        DataFormatError: another type, or a value that is not a DataFrame (arrays and lists
            in a mapping carry no sample ids), named.

    Example:
        >>> list(as_omics(pd.DataFrame({"g": [1.0]}, index=["s1"])))
        ['omics']
        >>> two = pd.concat({"rna": pd.DataFrame({"g": [1.0]}, index=["s1"]),
        ...                  "meth": pd.DataFrame({"c": [0.5]}, index=["s1"])}, axis=1)
        >>> {name: list(table.columns) for name, table in as_omics(two).items()}
        {'rna': ['g'], 'meth': ['c']}
    """
    if isinstance(omics, pd.DataFrame):
        if omics.columns.nlevels == 1:
            return {SINGLE_OMICS: omics}
        if omics.columns.nlevels != 2:
            raise DataFormatError(f"{what}: a table's columns have one level (features) or two "
                                  f"(omics, feature), got {omics.columns.nlevels}")
        return {str(name): omics[name] for name in omics.columns.unique(level=0)}
    if isinstance(omics, np.ndarray) and omics.ndim == 2:
        return {SINGLE_OMICS: pd.DataFrame(omics, index=[str(i) for i in range(len(omics))])}
    if not isinstance(omics, Mapping):
        raise DataFormatError(f"{what}: give a samples x features DataFrame, or a dict of them "
                              f"(name -> table), got {type(omics).__name__}")
    bad = {str(name): type(table).__name__ for name, table in omics.items()
           if not isinstance(table, pd.DataFrame)}
    if bad:
        raise DataFormatError(f"{what}: omics {bad} are not DataFrames; give each as a samples "
                              "x features DataFrame with sample ids as index (an array or list "
                              "has no sample ids to align)")
    return dict(omics)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignedOmics:
    """Omics tables restricted to the samples they share (and that have a label).

    Attributes:
        omics: name -> samples x features table, all with the same sample order.
        labels: label per sample in that order (``None`` if no labels were given).
        dropped: sample id -> why it was left out (missing in an omics, no label).
    """

    omics: dict[str, pd.DataFrame]
    labels: pd.Series | None
    dropped: dict[str, str]

    @property
    def samples(self) -> pd.Index:
        return next(iter(self.omics.values())).index


def align_omics(
    omics: Mapping[str, pd.DataFrame],
    labels: pd.Series | None = None,
    *,
    missing: Literal["intersect", "error"] = "intersect",
) -> AlignedOmics:
    """Put several samples x features tables (and labels) on one common sample order.

    Args:
        omics: name -> samples x features table (numeric, sample ids as index).
        labels: label per sample id; samples without a label are left out. Float labels
            that are all whole numbers (as a NaN leaves integer labels) come back as integers.
        missing: ``"intersect"`` keeps the samples present everywhere and reports the others
            (``dropped``, and a warning with counts per omics); ``"error"`` raises instead.

    Raises:
        DataFormatError: no omics, non-numeric or NaN values (named), repeated ids, no shared
            sample, or (``missing="error"``) samples missing from some table.

    Example:
        >>> a = pd.DataFrame({"g1": [1.0, 2.0, 3.0]}, index=["s1", "s2", "s3"])
        >>> b = pd.DataFrame({"m1": [0.1, 0.2]}, index=["s2", "s1"])
        >>> al = align_omics({"rna": a, "meth": b})
        >>> al.samples.tolist(), al.dropped
        (['s1', 's2'], {'s3': 'missing in meth'})
    """
    omics = as_omics(omics, what="align_omics")
    if not omics:
        raise DataFormatError("align_omics: give at least one omics table")
    checked = {name: check_expression(table, what=f"omics {name!r}")
               for name, table in omics.items()}
    order = next(iter(checked.values())).index
    shared = order
    for table in checked.values():
        shared = shared.intersection(table.index, sort=False)
    dropped: dict[str, str] = {}
    for name, table in checked.items():
        for sample in order.union(table.index, sort=False).difference(table.index, sort=False):
            dropped.setdefault(str(sample), f"missing in {name}")
    if labels is not None:
        if not isinstance(labels, pd.Series):
            raise DataFormatError(f"align_omics: labels must be a pandas Series indexed by "
                                  f"sample id, got {type(labels).__name__}")
        labels = labels.copy()
        labels.index = pd.Index([str(i) for i in labels.index])
        kinds = labels.dropna().map(lambda v: "text" if isinstance(v, str) else "number")
        if kinds.nunique() > 1:
            text, number = (labels.dropna()[kinds == k].iloc[0] for k in ("text", "number"))
            raise DataFormatError(f"align_omics: labels mix text and numbers (e.g. {text!r} "
                                  f"and {number!r}); make them one type, e.g. "
                                  "labels.astype(str)")
        labelled = labels.dropna().index
        for sample in shared.difference(labelled, sort=False):
            dropped.setdefault(str(sample), "no label")
        shared = shared.intersection(labelled, sort=False)
    if dropped and missing == "error":
        example = list(dropped.items())[:5]
        raise DataFormatError(f"align_omics: {len(dropped)} samples are not in every omics table "
                              f"(or have no label), e.g. {example}; pass missing='intersect' to "
                              "keep the shared ones")
    if not len(shared):
        raise DataFormatError("align_omics: the omics tables share no sample id (check that all "
                              "use the same sample ids, e.g. TCGA barcodes of the same length)")
    if dropped:
        reasons = pd.Series(dropped).value_counts().to_dict()
        log.warning("align_omics: %d samples left out (%s); %d kept", len(dropped), reasons,
                    len(shared))
    aligned = {name: table.loc[shared] for name, table in checked.items()}
    return AlignedOmics(omics=aligned, labels=None if labels is None else
                        _whole_numbers(labels.loc[shared]), dropped=dropped)


def _whole_numbers(labels: pd.Series) -> pd.Series:
    """Float labels that are all whole numbers (integers that a NaN turned into floats, or
    MOGONET's ``0.0``..``4.0``) as integers, so classes read 0..4, not 0.0..4.0."""
    if pd.api.types.is_float_dtype(labels) and len(labels) and \
            np.array_equal(labels.to_numpy(), np.round(labels.to_numpy())):
        return labels.astype(np.int64)
    return labels


class OmicsScaler:
    """Standardise every feature with the mean and sd of the *training* samples only.

    This is the leakage guard of every feature step: ``fit`` sees training samples,
    ``transform`` applies the same numbers to any sample.

    Example:
        >>> t = pd.DataFrame({"g": [1.0, 3.0, 100.0]}, index=["a", "b", "test"])
        >>> s = OmicsScaler().fit({"rna": t.loc[["a", "b"]]})
        >>> s.transform({"rna": t})["rna"]["g"].tolist()
        [-1.0, 1.0, 98.0]
    """

    def fit(self, omics: Mapping[str, pd.DataFrame]) -> OmicsScaler:
        self.mean_ = {name: table.mean(axis=0) for name, table in omics.items()}
        self.scale_ = {name: table.std(axis=0, ddof=0).replace(0.0, 1.0).fillna(1.0)
                       for name, table in omics.items()}
        return self

    def transform(self, omics: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        if not hasattr(self, "mean_"):
            raise NotFittedError("OmicsScaler: call fit on the training samples first")
        out = {}
        for name, table in omics.items():
            if name not in self.mean_:
                raise DataFormatError(f"OmicsScaler: omics {name!r} was not seen in fit")
            missing = self.mean_[name].index.difference(table.columns)
            if len(missing):
                raise DataFormatError(f"omics {name!r} lacks features seen in fit, e.g. "
                                      f"{missing[:5].tolist()}")
            table = table[self.mean_[name].index]
            out[name] = ((table - self.mean_[name]) / self.scale_[name]).astype(np.float32)
        return out
