"""scikit-learn estimators for scripts: ``fit`` / ``predict_proba`` / ``score``.

``GeneClassifier`` (genes of one graph), ``SubtypeClassifier`` (samples of a cohort, over
the views of :mod:`graphgen.subtyping`), ``GraphClassifier`` (whole graphs of different
shapes) and ``LinkPredictor`` (missing interactions of a map), with one input design
(``docs/estimators.md``); each is also exported as ``graphgen.<Name>``.
"""

from graphgen.estimators.base import GraphgenEstimator, Probabilities
from graphgen.estimators.gene_classifier import GeneClassifier
from graphgen.estimators.graph_classifier import GraphClassifier
from graphgen.estimators.link_predictor import LinkPredictor
from graphgen.estimators.subtype_classifier import SUBTYPE_TRAINER, SubtypeClassifier

__all__ = ["SUBTYPE_TRAINER", "GeneClassifier", "GraphClassifier", "GraphgenEstimator",
           "LinkPredictor", "Probabilities", "SubtypeClassifier"]
