"""Tumour subtyping's parts: omics alignment and training-only scaling, ComBat, the
expression-graph, patient-graph and propagation views, the scikit-learn heads and MOGONET's
recipe. The estimator that joins them is :class:`graphgen.estimators.SubtypeClassifier`;
the comparison of views with baselines is :func:`graphgen.comparison.compare_subtyping`."""

from graphgen.subtyping.combat import ComBat, check_correctable
from graphgen.subtyping.omics import AlignedOmics, OmicsScaler, align_omics
from graphgen.subtyping.views import expression_graph_view, feature_view, patient_graph_view

__all__ = ["AlignedOmics", "ComBat", "OmicsScaler", "align_omics", "check_correctable",
           "expression_graph_view", "feature_view", "patient_graph_view"]
