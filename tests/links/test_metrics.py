"""Link metrics: checked against scikit-learn and by hand."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from graphgen import DataFormatError
from graphgen.links import candidate_metrics, hits_at_k, mean_reciprocal_rank


def test_candidate_metrics_equal_scikit_learn_and_hand_counts():
    rng = np.random.default_rng(0)
    positive = rng.random(5000) < 0.02
    scores = rng.random(5000) + 0.8 * positive  # informative, with noise
    out = candidate_metrics(scores, positive, ks=(10, 100))
    assert out["auprc"] == pytest.approx(average_precision_score(positive, scores))
    assert out["auroc"] == pytest.approx(roc_auc_score(positive, scores))
    order = np.argsort(-scores)
    assert out["precision_at_10"] == positive[order][:10].mean()
    assert out["precision_at_100"] == positive[order][:100].mean()
    needed = int(np.ceil(0.1 * positive.sum()))
    cut = int(np.argmax(np.cumsum(positive[order]) >= needed)) + 1
    assert out["precision_at_recall"] == pytest.approx(needed / cut)


def test_ties_count_against_the_positives():
    flat = candidate_metrics(np.zeros(10), np.array([1] + [0] * 9), ks=(1,))
    assert flat["precision_at_1"] == 0.0 and flat["precision_at_recall"] == 0.1
    with pytest.raises(DataFormatError, match="held-out pairs and other candidates"):
        candidate_metrics(np.zeros(3), np.zeros(3))


def test_sampled_protocols():
    assert hits_at_k(np.array([0.9, 0.5, 0.7]), np.array([0.8, 0.6, 0.1]), 2) == 2 / 3
    assert mean_reciprocal_rank(np.array([0.9, 0.2]),
                                np.array([[0.5, 0.1], [0.3, 0.2]])) == pytest.approx(
        (1 / 1 + 1 / 3) / 2)
