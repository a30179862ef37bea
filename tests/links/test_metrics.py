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


def test_unscored_candidates_counted_by_hand():
    """Every candidate unscored: 5 negatives then 2 positives (ties go against them)."""
    out = candidate_metrics(np.zeros(0), np.zeros(0, dtype=bool), ks=(1, 6, 7, 50),
                            unscored=(5, 2))
    assert out["precision_at_1"] == 0.0 and out["precision_at_6"] == pytest.approx(1 / 6)
    assert out["precision_at_7"] == pytest.approx(2 / 7)
    assert out["precision_at_50"] == pytest.approx(2 / 7)  # k beyond the list: all of it
    assert out["precision_at_recall"] == pytest.approx(1 / 6)  # the first positive is 6th
    assert out["auprc"] == pytest.approx(2 / 7) and out["auroc"] == pytest.approx(0.5)
    # two scored pairs above 3 unscored negatives and 3 unscored positives
    out = candidate_metrics(np.array([2.0, 1.0]), np.array([True, False]), ks=(1, 2, 5, 8),
                            recall=0.5, unscored=(3, 3))
    assert [out[f"precision_at_{k}"] for k in (1, 2, 5, 8)] == pytest.approx(
        [1.0, 0.5, 1 / 5, 4 / 8])
    assert out["precision_at_recall"] == pytest.approx(2 / 6)  # 2 of 4 found at rank 6
    # AUPRC: thresholds 2.0 (P 1, R 1/4), 1.0 (P 1/2, R 1/4), the unscored (P 4/8, R 1)
    assert out["auprc"] == pytest.approx(0.25 * 1.0 + 0.75 * 0.5)
    labels = np.r_[1, 0, [0] * 3, [1] * 3]
    assert out["auroc"] == pytest.approx(roc_auc_score(labels, np.r_[2.0, 1.0, [0.0] * 6]))
    assert out["auprc"] == pytest.approx(average_precision_score(labels,
                                                                 np.r_[2.0, 1.0, [0.0] * 6]))
    # the lowest scored threshold holds a positive: it counts at its own precision
    out = candidate_metrics(np.array([2.0, 1.0]), np.array([False, True]), unscored=(3, 1))
    labels, scores = np.r_[0, 1, 0, 0, 0, 1], np.r_[2.0, 1.0, 0, 0, 0, 0]
    assert out["auprc"] == pytest.approx(average_precision_score(labels, scores))
    assert out["auprc"] == pytest.approx(0.5 * 0.5 + 0.5 * 2 / 6)


def test_precision_at_recall_counts_the_needed_share_by_hand():
    scores = np.arange(20, 0, -1, dtype=float)  # ranks 1..20
    positive = np.zeros(20, dtype=bool)
    positive[[0, 4, 9, 14]] = True  # at ranks 1, 5, 10, 15
    assert candidate_metrics(scores, positive, recall=0.5)["precision_at_recall"] == \
        pytest.approx(2 / 5)  # 2 of 4 positives found at rank 5
    assert candidate_metrics(scores, positive, recall=1.0)["precision_at_recall"] == \
        pytest.approx(4 / 15)
    assert candidate_metrics(scores, positive, recall=0.25)["precision_at_recall"] == 1.0


def test_sampled_protocols_by_hand():
    # the first-ranked negative is the best one (0.9): no positive is above it
    assert hits_at_k(np.array([0.5]), np.array([0.1, 0.9, 0.2]), 1) == 0.0
    assert hits_at_k(np.array([0.5, 0.95]), np.array([0.1, 0.9, 0.2]), 2) == 1.0
    assert hits_at_k(np.array([0.2]), np.array([0.1, 0.9, 0.2]), 2) == 0.0  # a tie is no hit
    assert hits_at_k(np.array([0.0]), np.array([0.1, 0.9]), 3) == 1.0  # fewer negatives than k
    assert hits_at_k(np.array([0.0]), np.array([0.1, 0.9]), 2) == 0.0
    with pytest.raises(DataFormatError, match=r"^mean_reciprocal_rank: negatives must be "
                                              r"\[positives, M\]$"):
        mean_reciprocal_rank(np.array([0.9, 0.2]), np.array([0.5, 0.1]))
    with pytest.raises(DataFormatError, match=r"negatives must be \[positives, M\]"):
        mean_reciprocal_rank(np.array([0.9, 0.2]), np.array([[0.5, 0.1, 0.3]]))
    assert mean_reciprocal_rank(np.array([0.9]), np.array([[0.1, 0.2, 0.3]])) == 1.0
    assert mean_reciprocal_rank(np.array([0.9, 0.2]), np.array([[0.5, 0.1, 0.3],
                                                                 [0.3, 0.4, 0.1]])) == \
        pytest.approx((1 + 1 / 3) / 2)
    with pytest.raises(DataFormatError, match="^candidate_metrics: needs held-out pairs and "
                                              "other candidates$"):
        candidate_metrics(np.zeros(3), np.zeros(3))


def test_scores_and_labels_of_other_lengths_are_named():
    with pytest.raises(DataFormatError, match=r"scores \(3,\) and labels \(4,\) must be one "
                                              "value per candidate"):
        candidate_metrics(np.zeros(3), np.zeros(4))
    with pytest.raises(DataFormatError, match="must be one value per candidate"):
        candidate_metrics(np.zeros((2, 2)), np.zeros((2, 2)))
