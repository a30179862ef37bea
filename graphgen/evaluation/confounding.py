"""Confounders made visible before any model is trusted.

A covariate (processing batch, site, sequencing depth, gene family) that alone predicts the
label lets a model score well for the wrong reason, and random cross-validation rewards it
(Whalen et al., Nat Rev Genet 2022). Two tools:

* :func:`covariate_proba`, the covariate-only baseline: what the covariate alone predicts,
  fitted on training samples. It is a row of every comparison table given covariates; the gap
  between a model and this row is what the data add beyond the covariate.
* :func:`confounding_table`: for each covariate, how well it alone predicts the label on
  cross-validation folds (AUROC, balanced accuracy) and its association (Cramér's V), with a
  :class:`ConfoundingWarning` when the AUROC reaches :data:`CONFOUNDING_AUROC`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold

from graphgen.evaluation.metrics import roc_auc
from graphgen.evaluation.splits import check_groups
from graphgen.exceptions import DataFormatError

__all__ = ["CONFOUNDING_AUROC", "ConfoundingWarning", "confounding_table", "contingency",
           "covariate_proba", "covariate_table", "covariate_values", "is_categorical"]

#: Cross-validated AUROC of a covariate alone from which :func:`confounding_table` warns. A
#: covariate independent of the label scores about 0.5; 0.7 means it ranks a random positive
#: above a random negative seven times in ten without looking at the data.
CONFOUNDING_AUROC = 0.7


class ConfoundingWarning(UserWarning):
    """A covariate alone predicts the label: scores that ignore it may measure it."""


def is_categorical(values: pd.Series) -> bool:
    """Whether a covariate is taken as categories: text, booleans, categoricals, or numbers
    with at most 10 distinct values (batches coded 1-5); otherwise it is continuous."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return True
    return values.nunique() <= 10


def covariate_proba(covariate: pd.Series, labels: pd.Series, new: pd.Series) -> pd.DataFrame:
    """The covariate-only baseline: class probabilities from the covariate alone.

    A categorical covariate predicts, for each level, the class shares of the training
    samples at that level (one pseudo-sample of the overall shares added, so a small level is
    pulled towards them); a level unseen in training gets the overall shares. A continuous
    covariate goes through a logistic regression on its standardised value.

    Args:
        covariate: value per training sample; labels: class per training sample (same ids).
        new: value per sample to predict.

    Returns:
        ``DataFrame`` samples of ``new`` x classes (sorted).

    Example:
        >>> batch = pd.Series(["a", "a", "b", "b"]); y = pd.Series([1, 1, 0, 1])
        >>> covariate_proba(batch, y, pd.Series(["a", "c"])).round(2).to_numpy().tolist()
        [[0.08, 0.92], [0.25, 0.75]]
    """
    classes = sorted(pd.unique(labels))
    y = labels.to_numpy()
    if is_categorical(covariate):
        overall = pd.Series(y).value_counts(normalize=True).reindex(classes).to_numpy()
        counts = pd.crosstab(covariate.astype(str).to_numpy(), y).reindex(columns=classes,
                                                                           fill_value=0)
        shares = (counts.to_numpy() + overall) / (counts.to_numpy().sum(axis=1,
                                                                           keepdims=True) + 1)
        table = pd.DataFrame(shares, index=counts.index, columns=classes)
        proba = table.reindex(new.astype(str).to_numpy()).to_numpy()
        unseen = np.isnan(proba).any(axis=1)
        proba[unseen] = overall
    else:
        x = covariate.to_numpy(dtype=np.float64)
        mean, sd = x.mean(), x.std() or 1.0
        model = LogisticRegression(max_iter=1000, class_weight="balanced")
        model.fit(((x - mean) / sd)[:, None], y)
        proba = model.predict_proba(((new.to_numpy(dtype=np.float64) - mean) / sd)[:, None])
    return pd.DataFrame(proba, index=new.index, columns=classes)


def contingency(labels: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Label by group counts (groups as rows), for the run folder.

    Example:
        >>> contingency(pd.Series(["C", "N", "C"]), pd.Series(["1", "1", "2"])).to_numpy()
        array([[1, 1],
               [1, 0]])
    """
    names = check_groups(groups, groups.index, what="contingency: groups", min_groups=1)
    table = pd.crosstab(names.to_numpy(), labels.to_numpy())
    table.index.name, table.columns.name = groups.name or "group", "label"
    return table


def confounding_table(
    covariates: pd.DataFrame | pd.Series,
    labels: pd.Series,
    *,
    k: int = 5,
    seed: int = 0,
    warn: bool = True,
) -> pd.DataFrame:
    """How well each covariate alone predicts the label, on cross-validation folds.

    Args:
        covariates: samples x covariates (or one covariate as a Series), indexed by sample id;
            every labelled sample needs a value (:func:`~graphgen.evaluation.splits.check_groups`).
        labels: class per sample id (NaN: left out).
        k: stratified folds (fewer when the smallest class is smaller).
        seed: seed of the folds.
        warn: issue a :class:`ConfoundingWarning` for every covariate
            whose cross-validated AUROC reaches :data:`CONFOUNDING_AUROC`.

    Returns:
        One row per covariate: ``kind`` (categorical/continuous), ``levels``, ``cramers_v``
        (categorical only), ``auroc`` (out-of-fold; macro one-vs-rest for several classes),
        ``balanced_accuracy`` and ``confounded`` (AUROC >= :data:`CONFOUNDING_AUROC`).

    Raises:
        DataFormatError: covariates missing for labelled samples, NaN values, one class.

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"s{i}" for i in range(20)])
        >>> balanced = pd.Series(np.repeat(["a", "b"], 10), index=y.index)
        >>> bool(confounding_table(balanced, y).loc["batch", "confounded"])
        False
    """
    if isinstance(covariates, pd.Series):
        covariates = covariates.to_frame(covariates.name or "batch")
    labels = labels.dropna()
    labels.index = pd.Index([str(i) for i in labels.index])
    if labels.nunique() < 2:
        raise DataFormatError("confounding_table: the labels hold a single class")
    smallest = int(labels.value_counts().min())
    folds = StratifiedKFold(n_splits=max(2, min(k, smallest)), shuffle=True, random_state=seed)
    parts = list(folds.split(np.zeros(len(labels)), labels.to_numpy()))
    classes = sorted(pd.unique(labels))
    y = labels.map({c: i for i, c in enumerate(classes)}).to_numpy()
    rows = []
    for name in covariates.columns:
        values = covariate_values(covariates[name], labels.index, str(name))
        proba = np.zeros((len(labels), len(classes)))
        for train, test in parts:
            fold = covariate_proba(values.iloc[train], labels.iloc[train], values.iloc[test])
            proba[test] = fold.reindex(columns=classes, fill_value=0.0).to_numpy()
        onehot = np.eye(len(classes))[y]
        auroc = roc_auc(onehot[:, 1], proba[:, 1]) if len(classes) == 2 else \
            np.nanmean(roc_auc(onehot, proba))
        categorical = is_categorical(values)
        rows.append({"covariate": str(name), "kind": "categorical" if categorical else
                     "continuous", "levels": int(values.nunique()),
                     "cramers_v": _cramers_v(values, labels) if categorical else np.nan,
                     "auroc": float(auroc),
                     "balanced_accuracy": float(balanced_accuracy_score(y, proba.argmax(1))),
                     "confounded": bool(auroc >= CONFOUNDING_AUROC)})
    table = pd.DataFrame(rows).set_index("covariate")
    if warn:
        for name, row in table[table["confounded"]].iterrows():
            message = (f"covariate {name!r} alone predicts the label (cross-validated AUROC "
                       f"{row['auroc']:.2f}, balanced accuracy {row['balanced_accuracy']:.2f}): "
                       "random splits may reward a model for learning it; compare with its "
                       "covariate-only row and split by it (groups=, leave_one_group_out)")
            warnings.warn(message, ConfoundingWarning, stacklevel=2)
    return table


def covariate_table(covariates: pd.DataFrame | pd.Series | None,
                    named: dict[str, pd.Series | None], ids: pd.Index, *,
                    what: str = "covariates") -> pd.DataFrame | None:
    """The covariates on ``ids``, with the named groupings (groups, batch) added as columns:
    the one table behind every comparison's covariate-only rows and confounding check.

    Args:
        covariates: ids x covariates (or one covariate as a Series), or ``None``.
        named: name -> a checked grouping (:func:`~graphgen.evaluation.splits.check_groups`) or
            ``None``; one equal to a covariate already in the table is not added again.
        ids: the labelled ids (genes or samples).
        what: how the message names the caller.

    Returns:
        ``DataFrame`` indexed by ``ids`` as strings, or ``None`` when there is no column.

    Raises:
        DataFormatError: covariates that lack some ids (named).
    """
    ids = pd.Index([str(i) for i in ids])
    table = pd.DataFrame(index=ids)
    if covariates is not None:
        frame = covariates.to_frame(covariates.name or "covariate") if isinstance(
            covariates, pd.Series) else covariates
        frame = frame.set_axis([str(i) for i in frame.index])
        missing = ids.difference(frame.index, sort=False)
        if len(missing):
            raise DataFormatError(f"{what}: covariates lack {len(missing)} of the {len(ids)} "
                                  f"ids, e.g. {missing[:5].tolist()}")
        table = frame.loc[ids].copy()
    for name, grouping in named.items():
        if grouping is None:
            continue
        values = grouping.loc[ids]
        if any(check_groups(table[c], ids, min_groups=1).equals(values)
               for c in table.columns if is_categorical(table[c])):
            continue  # the same grouping under another name: one row, not two
        table[name if name not in table.columns else f"{name} (argument)"] = values
    return table if len(table.columns) else None


def covariate_values(column: pd.Series, ids: pd.Index, name: str) -> pd.Series:
    """One covariate on the given ids (as strings), checked as groups are (missing ids,
    NaN: :func:`~graphgen.evaluation.splits.check_groups`); categories as strings, continuous
    values as floats."""
    checked = check_groups(column, ids, what=f"covariate {name!r}", min_groups=1)
    if is_categorical(column):
        return checked
    return column.set_axis([str(i) for i in column.index]).loc[checked.index].astype(np.float64)


def _cramers_v(values: pd.Series, labels: pd.Series) -> float:
    table = pd.crosstab(values.to_numpy(), labels.to_numpy()).to_numpy(dtype=np.float64)
    n = table.sum()
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    chi2 = ((table - expected) ** 2 / expected).sum()
    smaller = min(table.shape) - 1
    return float(np.sqrt(chi2 / (n * smaller))) if smaller > 0 else 0.0
