"""Tumour subtyping: omics alignment, the expression-graph and patient-graph views, and the
comparison of views with baselines."""

from graphgen.subtyping.classifier import SUBTYPE_TRAINER, SubtypeClassifier
from graphgen.subtyping.combat import ComBat, check_correctable
from graphgen.subtyping.evaluation import (
    SUBTYPE_METRICS,
    SubtypeComparison,
    compare_subtyping,
    subtype_metrics,
)
from graphgen.subtyping.omics import AlignedOmics, OmicsScaler, align_omics
from graphgen.subtyping.views import expression_graph_view, feature_view, patient_graph_view

__all__ = ["SUBTYPE_METRICS", "SUBTYPE_TRAINER", "AlignedOmics", "ComBat", "OmicsScaler",
           "SubtypeClassifier", "SubtypeComparison",
           "align_omics", "check_correctable", "compare_subtyping", "expression_graph_view",
           "feature_view",
           "patient_graph_view", "subtype_metrics"]
