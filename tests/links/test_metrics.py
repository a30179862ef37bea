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


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unscored_candidates_give_the_metrics_of_the_whole_list(seed):
    """A sparse heuristic scores most pairs 0: the metrics of its nonzero scores plus the
    counts of the zero-scored pairs equal those of the whole list (and scikit-learn's)."""
    rng = np.random.default_rng(seed)
    positive = rng.random(4000) < 0.03
    scores = np.where(rng.random(4000) < 0.4, rng.integers(1, 6, 4000) + positive, 0.0)
    whole = candidate_metrics(scores, positive, ks=(10, 100, 2000, 3900))
    scored = scores > 0
    rest = (int((~scored & ~positive).sum()), int((~scored & positive).sum()))
    part = candidate_metrics(scores[scored], positive[scored], ks=(10, 100, 2000, 3900),
                             unscored=rest)
    assert rest[1] > 0 and part == pytest.approx(whole)
    assert part["auprc"] == pytest.approx(average_precision_score(positive, scores))
    assert part["auroc"] == pytest.approx(roc_auc_score(positive, scores))
    deep = candidate_metrics(scores[scored], positive[scored], recall=0.9, unscored=rest)
    assert deep["precision_at_recall"] == pytest.approx(
        candidate_metrics(scores, positive, recall=0.9)["precision_at_recall"])
    with pytest.raises(DataFormatError, match="unscored counts must be >= 0"):
        candidate_metrics(scores[scored], positive[scored], unscored=(-1, 0))


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
