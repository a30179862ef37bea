import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from graphgen import DataFormatError
from graphgen.evaluation.metrics import classification_metrics


def test_binary_by_hand():
    y = np.array([0, 0, 1, 1])
    s = np.array([0.1, 0.6, 0.4, 0.9])
    m = classification_metrics(y, s)
    assert m["auroc"] == pytest.approx(0.75)  # 3 of 4 positive-negative pairs ordered
    assert m["auprc"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert m["accuracy"] == pytest.approx(0.5)  # predictions 0,1,0,1
    assert m["macro_f1"] == pytest.approx(0.5)


def test_binary_two_column_scores_equal_one_column():
    y = np.array([0, 1, 1, 0, 1])
    p1 = np.array([0.2, 0.7, 0.4, 0.55, 0.9])
    assert classification_metrics(y, np.c_[1 - p1, p1]) == classification_metrics(y, p1)


def test_multiclass_matches_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60)
    p = rng.dirichlet(np.ones(3), 60)
    m = classification_metrics(y, p)
    assert m["auroc"] == pytest.approx(roc_auc_score(y, p, multi_class="ovr", average="macro"))
    onehot = np.eye(3)[y]
    assert m["auprc"] == pytest.approx(average_precision_score(onehot, p, average="macro"))
    assert m["macro_f1"] == pytest.approx(f1_score(y, p.argmax(1), average="macro"))


def test_single_class_gives_nan_ranking_metrics():
    m = classification_metrics(np.array([1, 1, 1]), np.array([0.2, 0.7, 0.9]))
    assert math.isnan(m["auroc"]) and math.isnan(m["auprc"])
    assert m["accuracy"] == pytest.approx(2 / 3)


def test_length_mismatch_is_reported():
    with pytest.raises(DataFormatError, match="3 labels but 2 score rows"):
        classification_metrics(np.array([0, 1, 1]), np.array([0.2, 0.7]))


def test_fast_auroc_and_ap_equal_sklearn_with_ties():
    import numpy as np
    from sklearn.metrics import average_precision_score, roc_auc_score

    from graphgen.evaluation.metrics import average_precision, roc_auc

    rng = np.random.default_rng(0)
    for _ in range(30):
        n = int(rng.integers(5, 200))
        y = rng.integers(0, 2, n)
        if y.min() == y.max():
            continue
        s = np.round(rng.random(n), int(rng.integers(1, 3)))  # rounding makes ties
        assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert average_precision(y, s) == pytest.approx(average_precision_score(y, s), abs=1e-12)
    ys = rng.integers(0, 2, (50, 4))
    ss = rng.random((50, 4))
    assert np.allclose(roc_auc(ys, ss), [roc_auc_score(ys[:, j], ss[:, j]) for j in range(4)])


def test_degree_stratified_auprc_is_auprc_within_degree_bins():
    from sklearn.metrics import average_precision_score

    from graphgen.evaluation.metrics import degree_stratified_auprc

    rng = np.random.default_rng(0)
    degree = rng.integers(1, 100, 300)
    y = (rng.random(300) < 0.2 + 0.005 * degree).astype(int)  # hubs are positive more often
    by_degree = degree_stratified_auprc(y, degree.astype(float), degree)
    order = np.argsort(degree, kind="stable")
    for k, part in enumerate(np.array_split(order, 3)):
        assert by_degree[f"auprc_degree_bin_{k + 1}"] == pytest.approx(
            average_precision_score(y[part], degree[part]))
    assert average_precision_score(y, degree) > by_degree["degree_stratified_auprc"]
