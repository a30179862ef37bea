"""scikit-learn style estimators for scripts: ``fit`` / ``predict_proba`` / ``score``."""

from graphgen.estimators.gene_classifier import GeneClassifier

__all__ = ["GeneClassifier"]
