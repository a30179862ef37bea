"""scikit-learn estimators for scripts: ``fit`` / ``predict_proba`` / ``score``.

``GeneClassifier`` (genes of one graph) and ``GraphClassifier`` (whole graphs of different
shapes) live here; ``SubtypeClassifier`` lives with the other subtyping tools in
:mod:`graphgen.subtyping` (a layer above this one) and, like this one, is exported as
``graphgen.SubtypeClassifier``.
"""

from graphgen.estimators.base import GraphgenEstimator
from graphgen.estimators.gene_classifier import GeneClassifier
from graphgen.estimators.graph_classifier import GraphClassifier

__all__ = ["GeneClassifier", "GraphClassifier", "GraphgenEstimator"]
