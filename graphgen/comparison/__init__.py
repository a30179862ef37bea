"""Comparisons: several models fitted on shared splits, side by side, and the run folders
that record them.

:func:`compare_models` and :func:`cross_validate` compare gene models (through the one fit
path, :func:`~graphgen.train.fitting.fit_model`); :func:`compare_subtyping` compares
``SubtypeClassifier`` views with MOGONET's recipe and plain baselines (it fits the estimator,
so this room sits above :mod:`graphgen.estimators`); :class:`RunFolder` writes a run's
``config.toml``, ``metrics.json`` and tables atomically.
"""

from graphgen.comparison.genes import (
    CVResult,
    ModelResult,
    compare_models,
    compare_on_task,
    cross_validate,
    format_summary,
    results_table,
    summary_table,
)
from graphgen.comparison.run_folder import RunFolder
from graphgen.comparison.subtypes import (
    SUBTYPE_METRICS,
    SubtypeComparison,
    compare_subtyping,
    subtype_metrics,
)

__all__ = ["CVResult", "ModelResult", "RunFolder", "SUBTYPE_METRICS", "SubtypeComparison",
           "compare_models", "compare_on_task", "compare_subtyping", "cross_validate",
           "format_summary", "results_table", "subtype_metrics", "summary_table"]
