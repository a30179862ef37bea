"""What every graphgen estimator shares: scikit-learn's estimator protocol.

graphgen's estimators are scikit-learn estimators (``BaseEstimator``): ``get_params`` /
``set_params``, ``clone``, ``repr``, ``is_classifier`` (with ``ClassifierMixin``) and
``check_is_fitted`` work as for any scikit-learn model. This base adds what scikit-learn leaves
to each estimator: an unknown parameter name is a :class:`~graphgen.exceptions.ConfigError`
naming the allowed ones, and ``predict`` before ``fit`` a
:class:`~graphgen.exceptions.NotFittedError`.

It also holds the one input design of the family, so that scikit-learn's model selection
(``cross_val_score``, ``GridSearchCV``, ``Pipeline``) splits what a user indexes:

- ``X`` is the list of *items* (gene ids for ``GeneClassifier``, whose graph is given to the
  estimator as ``graph=``; the rows of a samples x genes table for ``SubtypeClassifier``; a
  list or dataset of graphs for ``GraphClassifier``) and ``y`` their classes in the same
  order (:func:`item_labels`).
- ``predict_proba`` returns :class:`Probabilities`: a ``DataFrame`` indexed by the items'
  ids, whose NumPy-style positional indexing (``proba[:, 1]``, as scikit-learn's scorers read
  it) also works.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from graphgen.exceptions import ConfigError, DataFormatError, NotFittedError

__all__ = ["EstimatorNotFittedError", "GraphgenEstimator", "Probabilities", "item_ids",
           "item_labels"]


class EstimatorNotFittedError(NotFittedError, SklearnNotFittedError):
    """An estimator used before ``fit``: graphgen's :class:`~graphgen.exceptions.NotFittedError`
    and scikit-learn's at once, so either ``except`` catches it."""


class Probabilities(pd.DataFrame):
    """Class probabilities: a ``DataFrame`` (rows: the items' ids; columns: ``classes_``)
    that also answers NumPy's positional indexing, so scikit-learn's scorers (which read
    ``predict_proba(X)[:, 1]``) work on it.

    A key that is a tuple holding a slice, a list, an array or ``...`` is read as positions
    of the values (``proba[:, 1]`` is the second column as an array); every other key is
    pandas' (``proba[label]`` is a column). Anything derived from it (``.loc``, arithmetic)
    is a plain ``DataFrame``.

    Example:
        >>> proba = Probabilities([[0.9, 0.1], [0.2, 0.8]], index=["G1", "G2"], columns=[0, 1])
        >>> proba[:, 1].tolist(), proba[1].tolist()
        ([0.1, 0.8], [0.1, 0.8])
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def __getitem__(self, key: Any):
        if isinstance(key, tuple) and any(
                k is Ellipsis or isinstance(k, (slice, list, np.ndarray)) for k in key):
            return self.to_numpy()[key]
        return super().__getitem__(key)


def item_ids(X: Any, *, what: str) -> list[str]:
    """The ids in ``X``: a list, tuple, ``Index``, ``Series`` or 1-D array of ids, or a
    one-column 2-D array or ``DataFrame`` of them (scikit-learn's ``[n, 1]`` shape); each as
    a string (a node's ``node_ids`` entry).

    Raises:
        DataFormatError: another shape or type, named by ``what``.
    """
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise DataFormatError(f"{what}: give the ids as one column, got a table of "
                                  f"{X.shape[1]} columns")
        X = X.iloc[:, 0]
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise DataFormatError(f"{what}: give a list of ids, got {type(X).__name__}")
    values = np.asarray(list(X) if isinstance(X, (list, tuple)) else X, dtype=object)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise DataFormatError(f"{what}: give a list of ids (or one column of them), got shape "
                              f"{values.shape}")
    return [str(v) for v in values]


def item_labels(ids: list[str], y: Any, *, what: str) -> pd.Series | pd.DataFrame:
    """``y`` as labels indexed by ``ids``, the items of ``X`` in the same order.

    A 1-D array or list gives one class per item; a 2-D one (or a ``DataFrame``) 0/1 per
    label (multi-label). A ``Series`` or ``DataFrame`` keeps its alignment: indexed by the
    same ids (in any order), it is read by id; with a default ``RangeIndex`` (or one that
    scikit-learn's splitters cut out of it) by position.

    Raises:
        DataFormatError: another length, or a pandas index that is neither the items' ids nor
            positions.
    """
    if isinstance(y, (pd.Series, pd.DataFrame)):
        index = y.index.map(str)
        if len(index) == len(ids) and set(index) == set(ids) and index.is_unique:
            return y.set_axis(index).loc[ids]
        if not pd.api.types.is_integer_dtype(y.index.dtype):
            raise DataFormatError(f"{what}: y is indexed by other ids than X (e.g. "
                                  f"{list(index[:3])} vs {ids[:3]}); index it by the same ids "
                                  "or give an array in the order of X")
        values = y.to_numpy()
        columns = y.columns if isinstance(y, pd.DataFrame) else None
    else:
        values = np.asarray(y, dtype=object if np.asarray(y).dtype.kind in "OUS" else None)
        columns = None
    if len(values) != len(ids):
        raise DataFormatError(f"{what}: {len(ids)} items in X but {len(values)} labels in y")
    if values.ndim == 1:
        return pd.Series(values, index=pd.Index(ids))
    if values.ndim == 2:
        return pd.DataFrame(values, index=pd.Index(ids),
                            columns=columns if columns is not None else range(values.shape[1]))
    raise DataFormatError(f"{what}: y must be one class per item or a 0/1 table, got shape "
                          f"{values.shape}")


class GraphgenEstimator(BaseEstimator):
    """scikit-learn's ``BaseEstimator`` with graphgen's errors.

    Subclasses store every constructor argument under its own name and nothing else in
    ``__init__`` (scikit-learn's rule), and name fitted attributes with a trailing ``_``.
    """

    def set_params(self, **params: Any):
        """Set constructor arguments; an unknown name is an error naming the allowed ones."""
        allowed = sorted(self._get_param_names())
        unknown = [name for name in params if name not in allowed]
        if unknown:
            raise ConfigError(f"{type(self).__name__} has no parameter {unknown[0]!r}; its "
                              f"parameters are {allowed}")
        return super().set_params(**params)

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:  # noqa: N803 - scikit-learn's name
        """Constructor arguments that differ from their defaults; tables and arrays (e.g.
        ``sequences``) as ``<Series (300,)>`` instead of their contents."""
        signature = inspect.signature(type(self).__init__)
        shown = []
        for name, value in self.get_params(deep=False).items():
            default = signature.parameters[name].default
            if default is inspect.Parameter.empty or not _equal(value, default):
                shown.append(f"{name}={_short(value)}")
        text = f"{type(self).__name__}({', '.join(shown)})"
        selection = getattr(self, "selection_", None)
        return text if selection is None else f"{text} [auto chose {selection.chosen.name!r}]"

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    def _adopt(self, fitted: GraphgenEstimator, selection: Any) -> None:
        """Take the fitted state of ``fitted`` (the refitted winner of an automatic
        selection) as this estimator's own, with the ``selection_`` that chose it."""
        for name, value in vars(fitted).items():
            if name.endswith("_") and not name.startswith("_"):
                setattr(self, name, value)
        self.selection_ = selection
        logging.getLogger(type(self).__module__).info(
            "%s chose %s", type(self).__name__, selection.chosen.name)

    def _check_fitted(self, attribute: str = "model_") -> None:
        if not hasattr(self, attribute):
            raise EstimatorNotFittedError(f"this {type(self).__name__} is not fitted yet; call "
                                          "fit first")


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays, tables: not the default
        return False


def _short(value: Any) -> str:
    if hasattr(value, "shape"):
        return f"<{type(value).__name__} {tuple(value.shape)}>"
    return repr(value)
