"""What every graphgen estimator shares: scikit-learn's parameter protocol."""

from __future__ import annotations

import copy
import inspect
from typing import Any

from graphgen.exceptions import ConfigError, NotFittedError

__all__ = ["EstimatorParams"]


class EstimatorParams:
    """``get_params`` / ``set_params`` / ``repr`` from the constructor's keyword arguments.

    Subclasses store every constructor argument under its own name and nothing else in
    ``__init__`` (scikit-learn's rule), and name fitted attributes with a trailing ``_``.
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments (scikit-learn protocol)."""
        return {name: copy.deepcopy(getattr(self, name)) if deep else getattr(self, name)
                for name in self._param_names()}

    def set_params(self, **params: Any):
        """Set constructor arguments; an unknown name is an error naming the allowed ones."""
        allowed = self._param_names()
        for name, value in params.items():
            if name not in allowed:
                raise ConfigError(f"{type(self).__name__} has no parameter {name!r}; its "
                                  f"parameters are {sorted(allowed)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        signature = inspect.signature(type(self).__init__)
        shown = []
        for name in self._param_names():
            value = getattr(self, name)
            default = signature.parameters[name].default
            if default is inspect.Parameter.empty or not _equal(value, default):
                shown.append(f"{name}={_short(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"

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
