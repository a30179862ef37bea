"""scikit-learn style estimators for scripts: ``fit`` / ``predict_proba`` / ``score``."""

from graphgen.estimators.gene_classifier import GeneClassifier
from graphgen.estimators.subtype_classifier import SubtypeClassifier

__all__ = ["GeneClassifier", "SubtypeClassifier"]
