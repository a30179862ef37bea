"""Propagated training labels as features: out-of-fold inside training, no leak."""

import numpy as np
import pytest

import graphgen
from graphgen import ConfigError, TrainerConfig
from graphgen.train import make_task
from graphgen.train.label_features import LabelFeatures, add_label_features, propagated_labels


def test_no_label_of_a_validation_or_test_gene_reaches_the_block(organism_split):
    data, labels, split = organism_split
    block = propagated_labels(data, make_task(data, labels, split))
    flipped = labels.copy()
    held_out = split.val.append(split.test)
    flipped[held_out] = 1 - flipped[held_out]
    again = propagated_labels(data, make_task(data, flipped, split))
    np.testing.assert_array_equal(block, again)
    train_flipped = labels.copy()
    train_flipped[split.train[:20]] = 1 - train_flipped[split.train[:20]]
    assert not np.array_equal(block, propagated_labels(data, make_task(data, train_flipped,
                                                                       split)))


def test_training_genes_do_not_see_their_own_label(organism_split):
    data, labels, split = organism_split
    spec = LabelFeatures(folds=4)
    task = make_task(data, labels, split)
    block = propagated_labels(data, task, spec, standardize=False)
    one = split.train[0]
    changed = labels.copy()
    changed[one] = 1 - changed[one]
    position = list(data.node_ids).index(one)
    again = propagated_labels(data, make_task(data, changed, split), spec, standardize=False)
    assert again[position, 0] == block[position, 0]  # out of fold: its own label is unseen
    assert not np.array_equal(again, block)  # the other parts' genes do see it


def test_block_is_informative_and_wired_into_comparisons_and_the_estimator(organism_split):
    data, labels, split = organism_split
    task = make_task(data, labels, split)
    out = add_label_features(data, task)
    assert out.feature_names[-1] == "labels:1" and out.feature_blocks["labels"][1] == out.x.shape[1]
    quick = TrainerConfig(max_epochs=60, progress=False)
    plain = graphgen.compare_models(data, labels, split, {"logreg": {}}, trainer=quick)
    with_labels = graphgen.compare_models(data, labels, split, {"logreg": {}}, trainer=quick,
                                          label_features=LabelFeatures())
    assert with_labels[0].test["auprc"] > plain[0].test["auprc"] + 0.2  # the graph's signal
    clf = graphgen.GeneClassifier("logreg", trainer=quick, label_features=LabelFeatures())
    clf.fit(data, labels)
    assert clf.data_.x.shape[1] == data.num_features + 1
    with pytest.raises(graphgen.DataFormatError, match="label_features"):
        clf.predict_proba(data=data)
    with pytest.raises(ConfigError, match="folds"):
        LabelFeatures(folds=1)


def test_toml_table(tmp_path):
    from graphgen.experiment.config import FeaturesConfig, _build

    config = _build(FeaturesConfig, {"labels": {"method": "rwr", "restart": 0.4}}, "x")
    assert config.labels == LabelFeatures(method="rwr", restart=0.4)
