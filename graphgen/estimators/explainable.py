"""What explanations read from a fitted estimator, as typed protocols.

:mod:`graphgen.explain` reads a fitted classifier through these protocols only, so what it
depends on is named here (and the layer test sees the import) instead of being private
attributes read by name. :func:`explainable` checks an object against one and says which
attributes it lacks.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from graphgen.exceptions import ConfigError, NotFittedError

__all__ = ["ExplainableGenes", "ExplainableSamples", "explainable"]


@runtime_checkable
class ExplainableGenes(Protocol):
    """A fitted gene classifier (:class:`~graphgen.estimators.GeneClassifier`) as the gene
    explanations read it.

    Attributes:
        classes_: class values (or label names).
        kind_: ``"binary"``, ``"multiclass"`` or ``"multilabel"``.
        settings_: what was fitted (``model``, ``hparams``, ``label_features``).
        data_: the fitted graph (with the label block, if any).
        task_: the task it was fitted for.
        fitted_: the :class:`~graphgen.train.fitting.FittedModel` (its members are the
            networks whose gradients are attributed).
    """

    classes_: Any
    kind_: str
    settings_: dict
    data_: Any
    task_: Any
    fitted_: Any

    def predict_proba(self, genes: Any = None, *, data: Any = None) -> Any: ...


@runtime_checkable
class ExplainableSamples(Protocol):
    """A fitted sample classifier (:class:`~graphgen.estimators.SubtypeClassifier`) as the
    sample explanations read it.

    Attributes:
        classes_: class values.
        model_: the trained head (a ``torch.nn.Module`` when it has gradients).
        fitted_: the :class:`~graphgen.train.fitting.FittedModel`, or ``None`` for a
            scikit-learn head.
        view_: the fitted view; genes_: the expression-graph view's genes.
    """

    classes_: Any
    model_: Any
    fitted_: Any
    view_: str

    def sample_view(self, omics: Any, *, what: str = "predict", batch: Any = None) -> tuple:
        ...


def explainable(estimator: Any, protocol: type, *, what: str) -> Any:
    """``estimator`` if it is fitted and has what ``protocol`` names.

    Raises:
        NotFittedError: an estimator of the right kind before ``fit``.
        ConfigError: another object (the missing attributes are named).
    """
    if isinstance(estimator, protocol):
        return estimator
    names = [n for n in (*protocol.__annotations__, *_methods(protocol))
             if not hasattr(estimator, n)]
    fitted = getattr(estimator, "__sklearn_is_fitted__", None)
    if fitted is not None and not fitted():  # a classifier before fit
        raise NotFittedError(f"{type(estimator).__name__} is not fitted yet: call fit() "
                             "before explaining it")
    raise ConfigError(f"{what}: give a fitted {_KINDS.get(protocol.__name__, 'classifier')}; "
                      f"{type(estimator).__name__} lacks {names}")


_KINDS = {"ExplainableGenes": "gene classifier (GeneClassifier)",
          "ExplainableSamples": "sample classifier (SubtypeClassifier)"}


def _methods(protocol: type) -> list[str]:
    return [n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")]
