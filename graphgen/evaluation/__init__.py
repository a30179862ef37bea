"""Evaluation above the estimators: comparisons that fit estimators on shared splits.

:func:`compare_subtyping` compares ``SubtypeClassifier`` views with MOGONET's recipe and
plain baselines on the same splits (it fits the estimator, so it sits above
:mod:`graphgen.estimators`).
"""

from graphgen.evaluation.subtypes import (
    SUBTYPE_METRICS,
    SubtypeComparison,
    compare_subtyping,
    subtype_metrics,
)

__all__ = ["SUBTYPE_METRICS", "SubtypeComparison", "compare_subtyping", "subtype_metrics"]
