"""Tumour subtyping: omics alignment, the expression-graph and patient-graph views, and the
comparison of views with baselines."""

from graphgen.subtyping.omics import AlignedOmics, OmicsScaler, align_omics
from graphgen.subtyping.views import expression_graph_view, feature_view, patient_graph_view

__all__ = ["AlignedOmics", "OmicsScaler", "align_omics", "expression_graph_view",
           "feature_view", "patient_graph_view"]
