"""k-fold and published-fold cross-validation; bad splits."""

import numpy as np
import pandas as pd
import pytest

from graphgen import ConfigError, DataFormatError, stack_blocks
from graphgen.comparison import compare_models, cross_validate
from graphgen.evaluation import Split, kfold_splits, splits_from_folds
from graphgen.train import TrainerConfig


def test_kfold_partitions_every_gene_once(small_organism):
    labels = small_organism.labels
    splits = kfold_splits(labels, k=5, repeats=2, seed=3)
    assert len(splits) == 10 and splits[7].name == "repeat 1, fold 2"
    for r in range(2):
        tests = pd.Index([]).append([s.test for s in splits[5 * r: 5 * r + 5]])
        assert sorted(tests) == sorted(labels.index)
    for s in splits:
        assert not (set(s.train) & set(s.val)) and not (set(s.train) | set(s.val)) & set(s.test)
        share = labels.loc[s.test].mean()
        assert abs(share - labels.mean()) < 0.05  # stratified


def test_published_folds(small_organism):
    labels = small_organism.labels
    rng = np.random.default_rng(0)
    folds = pd.DataFrame({"repeat0_test_fold": rng.integers(0, 3, len(labels)),
                          "repeat1_test_fold": rng.integers(0, 3, len(labels))},
                         index=labels.index)
    splits = splits_from_folds(folds, labels)
    assert len(splits) == 6 and splits[4].name == "repeat1_test_fold, fold 1"
    assert set(splits[4].test) == set(folds.index[folds["repeat1_test_fold"] == 1])


def test_bad_splits(small_organism):
    labels = small_organism.labels
    with pytest.raises(ConfigError):
        kfold_splits(labels, k=1)
    with pytest.raises(DataFormatError, match="single class"):
        kfold_splits(labels * 0)
    data = stack_blocks(small_organism.ppi, {"attributes": small_organism.features})
    empty = Split(train=pd.Index([]), val=labels.index[:20], test=labels.index[20:40])
    with pytest.raises(DataFormatError, match="the train part of the split is empty"):
        compare_models(data, labels, empty, {"mlp": {}})
    one_class = labels[labels == 0]
    only = Split(train=one_class.index[:50], val=one_class.index[50:80], test=one_class.index[80:])
    with pytest.raises(DataFormatError, match="single class"):
        compare_models(data, labels, only, {"mlp": {}})


def test_cross_validate_side_by_side(small_organism):
    data = stack_blocks(small_organism.ppi, {"attributes": small_organism.features})
    cv = cross_validate(data, small_organism.labels, kfold_splits(small_organism.labels, k=3),
                        {"gcn": {}, "logreg": {}, "label_propagation": {}},
                        trainer=TrainerConfig(max_epochs=30, progress=False))
    summary = cv.summary()
    assert list(summary.index) == ["gcn", "logreg", "label_propagation"]
    assert (summary["splits"] == 3).all()
    per = cv.per_split()
    assert summary.loc["gcn", "auroc_mean"] == pytest.approx(
        per[per.model == "gcn"]["auroc"].mean())
    oof = cv.out_of_fold["label_propagation"]
    assert len(oof) == len(small_organism.labels)  # every labelled gene scored once
