"""Propagated training labels as features: out-of-fold inside training, no leak."""

import numpy as np
import pandas as pd
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


def test_label_sources_are_the_exact_shares_of_the_propagated_mass(organism_split):
    from scipy.linalg import expm

    from graphgen.train.label_features import _parts, label_sources

    data, labels, split = organism_split
    spec = LabelFeatures(folds=4, method="heat", time=2.0)
    task = make_task(data, labels, split)
    raw = propagated_labels(data, task, spec, standardize=False)[:, 0]
    # an independent propagation matrix: exp(-t (I - W)) with W = D^-1/2 A D^-1/2, dense
    n = data.num_nodes
    adjacency = np.zeros((n, n))
    src, dst = data.edge_index.numpy()
    adjacency[dst, src] = data.edge_weight.numpy() if data.edge_weight is not None else 1.0
    degree = adjacency.sum(axis=1)
    inv = np.where(degree > 0, 1.0 / np.sqrt(np.maximum(degree, 1e-12)), 0.0)
    walk = inv[:, None] * adjacency * inv[None, :]
    heat = expm(-spec.time * (np.eye(n) - walk))
    train = task.train_index.numpy()
    positives = train[labels.reindex(data.node_ids).to_numpy()[train] == 1]
    test_gene = int(np.flatnonzero(np.array(data.node_ids) == split.test[0])[0])
    shares = label_sources(data, task, test_gene, 0, spec)
    expected = heat[test_gene, positives] / heat[test_gene, positives].sum()
    expected = pd.Series(expected, index=np.array(data.node_ids)[positives])
    expected = expected[expected > 0].sort_values(ascending=False)
    np.testing.assert_allclose(shares.to_numpy(), expected.to_numpy(), rtol=1e-6, atol=1e-9)
    assert np.isclose(heat[test_gene, positives].sum() / len(positives), raw[test_gene])
    # a training gene is fed by the other parts only: never by itself or its part-mates
    part = _parts(train, spec)[0]
    gene = int(part[0])
    own = set(np.array(data.node_ids)[part])
    assert not own & set(label_sources(data, task, gene, 0, spec).index)
