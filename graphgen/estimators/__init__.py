"""scikit-learn estimators for scripts: ``fit`` / ``predict_proba`` / ``score``.

``GeneClassifier`` (genes of one graph), ``GraphClassifier`` (whole graphs of different
shapes) and ``LinkPredictor`` (missing interactions of a map) live here;
``SubtypeClassifier`` lives with the other subtyping tools in
:mod:`graphgen.subtyping` (a layer above this one) and, like this one, is exported as
``graphgen.SubtypeClassifier``.
"""

from graphgen.estimators.base import GraphgenEstimator
from graphgen.estimators.gene_classifier import GeneClassifier
from graphgen.estimators.graph_classifier import GraphClassifier
from graphgen.estimators.link_predictor import LinkPredictor

__all__ = ["GeneClassifier", "GraphClassifier", "GraphgenEstimator", "LinkPredictor"]
