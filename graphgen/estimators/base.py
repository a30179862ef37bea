"""What every graphgen estimator shares: scikit-learn's estimator protocol.

graphgen's estimators are scikit-learn estimators (``BaseEstimator``): ``get_params`` /
``set_params``, ``clone``, ``repr``, ``is_classifier`` (with ``ClassifierMixin``) and
``check_is_fitted`` work as for any scikit-learn model. This base adds what scikit-learn leaves
to each estimator: an unknown parameter name is a :class:`~graphgen.exceptions.ConfigError`
naming the allowed ones, and ``predict`` before ``fit`` a
:class:`~graphgen.exceptions.NotFittedError`.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from sklearn.base import BaseEstimator

from graphgen.exceptions import ConfigError, NotFittedError

__all__ = ["GraphgenEstimator"]


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
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit first")


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays, tables: not the default
        return False


def _short(value: Any) -> str:
    if hasattr(value, "shape"):
        return f"<{type(value).__name__} {tuple(value.shape)}>"
    return repr(value)
