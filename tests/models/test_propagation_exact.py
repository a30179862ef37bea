"""Network propagation counted exactly: the matrices, the options' defaults, the stopping rule,
the calibration and every refusal's whole message (the gaps a mutation run of
graphgen/models/propagation.py found; docs/mutation.md)."""

import re
import warnings

import numpy as np
import pytest
import scipy.linalg
import torch
from torch_geometric.data import Data

from graphgen import ConfigError, DataFormatError
from graphgen.models.propagation import (
    DegreeScorer,
    HeatDiffusion,
    NetworkPropagation,
    RandomWalkWithRestart,
    calibrate,
    propagation_matrix,
    walk_matrix,
)

# a path 0-1-2-3 with a pendant 4 on 1, weighted; stored both ways
PAIRS = [(0, 1), (1, 2), (2, 3), (1, 4)]
WEIGHTS = [2.0, 1.0, 3.0, 0.5]
EDGES = torch.tensor([[a for a, _ in PAIRS] + [b for _, b in PAIRS],
                      [b for _, b in PAIRS] + [a for a, _ in PAIRS]])
GRAPH = Data(edge_index=EDGES, edge_weight=torch.tensor(WEIGHTS * 2), num_nodes=5)
PLAIN = Data(edge_index=EDGES, num_nodes=5)  # no edge_weight attribute at all


def _dense(weighted=True):
    a = np.zeros((5, 5))
    for (s, t), w in zip(PAIRS, WEIGHTS):
        a[s, t] = a[t, s] = w if weighted else 1.0
    return a


def _whole(message: str) -> str:
    return "^" + re.escape(message) + "$"


def test_propagation_matrix_defaults_to_the_weighted_column_walk():
    a = _dense()
    np.testing.assert_allclose(propagation_matrix(GRAPH).toarray(), a / a.sum(axis=0))
    unweighted = _dense(weighted=False)
    np.testing.assert_allclose(propagation_matrix(GRAPH, use_edge_weight=False).toarray(),
                               unweighted / unweighted.sum(axis=0))
    np.testing.assert_allclose(propagation_matrix(PLAIN).toarray(),
                               unweighted / unweighted.sum(axis=0))  # no weights stored
    d = a.sum(axis=0)
    np.testing.assert_allclose(propagation_matrix(GRAPH, normalization="symmetric").toarray(),
                               a / np.sqrt(np.outer(d, d)))
    directed = Data(edge_index=torch.tensor([[0, 1], [1, 2]]), num_nodes=3)
    forward = propagation_matrix(directed).toarray()
    np.testing.assert_allclose(propagation_matrix(directed, direction="reverse").toarray(),
                               forward.T)
    assert forward[1, 0] == 1 and forward[0, 1] == 0  # W[i, j]: from j to i
    with pytest.raises(ConfigError, match=_whole(
            "propagation: normalization must be 'column' or 'symmetric', got 'row'")):
        propagation_matrix(GRAPH, normalization="row")
    with pytest.raises(ConfigError, match="direction must be one of"):
        propagation_matrix(GRAPH, direction="up")


def test_walk_matrix_refuses_an_unknown_normalisation_and_divides_by_nothing():
    with pytest.raises(ConfigError, match=_whole(
            "propagation: normalization must be 'column', 'symmetric' or 'row', got 'sym'")):
        walk_matrix(EDGES, None, 5, "sym")
    # node 5 is isolated, node 6 only receives (0 -> 6): no division by a zero degree
    edges = torch.cat([EDGES, torch.tensor([[0], [6]])], dim=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a division by zero would warn
        for normalization in ("column", "symmetric", "row"):
            w = walk_matrix(edges, None, 7, normalization).toarray()
            assert np.isfinite(w).all() and not w[5].any() and not w[:, 5].any()
            assert w[6, 0] > 0 and not w[:, 6].any()


def test_weights_are_read_as_float64_and_refusals_are_whole():
    weights = torch.tensor([1.0, 1e-30], dtype=torch.float64)
    w = walk_matrix(torch.tensor([[0, 0], [1, 2]]), weights, 3, "column").toarray()
    assert w[2, 0] == pytest.approx(1e-30)  # float32 would round the share to 1e-30 / 1
    assert w[1, 0] == 1.0 / (1.0 + 1e-30)
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: every edge weight is 0, so nothing propagates and every gene would "
            "get the same score; give positive weights or use_edge_weight=False")):
        walk_matrix(EDGES, torch.zeros(8), 5, "column")
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: 1 edge weights are negative or not finite (e.g. -1.0 on edge 1 -> "
            "0); a walk needs weights >= 0 (signs of a regulatory graph belong in edge_sign), "
            "or use_edge_weight=False")):
        walk_matrix(EDGES, torch.tensor([1.0, 1.0, 1.0, 1.0, -1.0, 1.0, 1.0, 1.0]), 5,
                    "column")


def test_options_and_their_defaults():
    model = NetworkPropagation()
    assert (model.method, model.restart, model.time, model.normalization, model.seeds,
            model.use_edge_weight, model.tol, model.max_iterations, model.direction) == (
        "rwr", 0.3, 3.0, "symmetric", "positive", True, 1e-10, 1000, "forward")
    rwr = RandomWalkWithRestart(restart=0.5, normalization="column", seeds="signed",
                                use_edge_weight=False, tol=1e-3, max_iterations=7,
                                direction="reverse")
    assert (rwr.method, rwr.restart, rwr.normalization, rwr.seeds, rwr.use_edge_weight,
            rwr.tol, rwr.max_iterations, rwr.direction) == (
        "rwr", 0.5, "column", "signed", False, 1e-3, 7, "reverse")
    heat = HeatDiffusion(time=2.0, seeds="classes", use_edge_weight=False,
                         direction="undirected")
    assert (heat.method, heat.time, heat.seeds, heat.use_edge_weight, heat.direction) == (
        "heat", 2.0, "classes", False, "undirected")
    assert HeatDiffusion().time == 3.0 and RandomWalkWithRestart().restart == 0.3
    assert HeatDiffusion().use_edge_weight and RandomWalkWithRestart().use_edge_weight
    assert (RandomWalkWithRestart().tol, RandomWalkWithRestart().max_iterations) == (1e-10,
                                                                                    1000)
    NetworkPropagation(restart=1.0)  # restart 1: the seeds themselves
    NetworkPropagation(method="heat", time=0.5)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "walk"}, "propagation: method must be 'rwr' or 'heat', got 'walk'"),
    ({"restart": 1.5}, "propagation: restart must be in (0, 1], got 1.5"),
    ({"restart": 0.0}, "propagation: restart must be in (0, 1], got 0.0"),
    ({"time": 0.0}, "propagation: time must be > 0, got 0.0"),
    ({"seeds": "all"}, "propagation: seeds must be 'positive', 'signed' or 'classes', got "
                       "'all'"),
    ({"normalization": "row"}, "propagation: normalization must be 'column' or 'symmetric', "
                               "got 'row'"),
])
def test_bad_options_are_refused_whole(kwargs, message):
    with pytest.raises(ConfigError, match=_whole(message)):
        NetworkPropagation(**kwargs)


def test_heat_always_diffuses_on_the_symmetric_laplacian():
    a = _dense()
    d = a.sum(axis=0)
    laplacian = np.eye(5) - a / np.sqrt(np.outer(d, d))
    seeds = np.eye(5)[:, [0]]
    expected = scipy.linalg.expm(-3.0 * laplacian) @ seeds  # the default time, 3
    for normalization in ("column", "symmetric"):  # the walk's option does not apply
        ours = NetworkPropagation(method="heat", normalization=normalization).propagate(
            GRAPH, seeds)
        np.testing.assert_allclose(ours, expected, atol=1e-10)


def test_the_power_iteration_stops_at_tol_or_after_max_iterations():
    a = _dense()
    w = a / np.sqrt(np.outer(a.sum(axis=0), a.sum(axis=0)))
    seeds = np.eye(5)[:, [0]]
    # a huge tol: the first step is returned
    one = NetworkPropagation(restart=0.3, tol=1e9).propagate(GRAPH, seeds)
    np.testing.assert_allclose(one, 0.7 * w @ seeds + 0.3 * seeds)
    # tol 0 never stops early: exactly max_iterations steps (1000 by default)
    p = seeds.copy()
    for _ in range(1000):
        p = (1 - 1e-4) * w @ p + 1e-4 * seeds
    slow = NetworkPropagation(restart=1e-4, tol=0.0).propagate(GRAPH, seeds)
    np.testing.assert_allclose(slow, p, rtol=1e-12)
    further = (1 - 1e-4) * w @ p + 1e-4 * seeds
    assert np.abs(slow - further).max() > 1e-6  # one step more would differ
    # a tol between: stop at the first step that moves less than it
    p, step = seeds.copy(), 0
    while True:
        nxt, step = 0.7 * w @ p + 0.3 * seeds, step + 1
        if np.abs(nxt - p).max() < 1e-3:
            break
        p = nxt
    assert 2 < step < 100
    np.testing.assert_allclose(NetworkPropagation(tol=1e-3).propagate(GRAPH, seeds), nxt,
                               rtol=1e-12)
    three = seeds.copy()
    for _ in range(3):
        three = 0.7 * w @ three + 0.3 * seeds
    np.testing.assert_allclose(NetworkPropagation(tol=0.0, max_iterations=3).propagate(
        GRAPH, seeds), three)


def test_propagate_takes_one_seed_vector_and_refuses_the_wrong_length():
    flat = NetworkPropagation().propagate(GRAPH, np.eye(5)[0])
    np.testing.assert_allclose(flat, NetworkPropagation().propagate(GRAPH, np.eye(5)[:, [0]]))
    assert flat.shape == (5, 1) and flat.dtype == np.float64
    ints = NetworkPropagation().propagate(GRAPH, np.eye(5, dtype=int)[:, [0]])
    np.testing.assert_allclose(ints, flat)  # integer seeds are read as floats
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: seeds have 4 rows for 5 nodes")):
        NetworkPropagation().propagate(GRAPH, np.zeros((4, 2)))
    empty = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=3)
    with pytest.raises(DataFormatError, match=_whole(
            "network propagation needs a graph with edges; this one has 3 nodes and none")):
        NetworkPropagation().propagate(empty, np.ones(3))
    # a graph without stored weights propagates unweighted
    np.testing.assert_allclose(
        NetworkPropagation().propagate(PLAIN, np.eye(5)[0]),
        NetworkPropagation(use_edge_weight=False).propagate(GRAPH, np.eye(5)[0]))


def test_predict_binary_scores_are_the_calibrated_walk():
    targets = np.eye(2)[[1, 1, 0, 0, 0]]
    train = np.array([True, True, True, False, False])
    model = NetworkPropagation()
    out = model.predict(GRAPH, targets, train)
    raw = model.propagate(GRAPH, np.array([0.5, 0.5, 0, 0, 0]))[:, 0]
    np.testing.assert_allclose(out[:, 1], calibrate(raw, train, prevalence=2 / 3))
    np.testing.assert_allclose(out[:, 0], 1 - out[:, 1])
    # signed: the two known negatives share -1 between them
    train = np.array([True, True, True, True, False])
    signed = NetworkPropagation(seeds="signed").predict(GRAPH, targets, train)
    raw = model.propagate(GRAPH, np.array([0.5, 0.5, -0.5, -0.5, 0]))[:, 0]
    np.testing.assert_allclose(signed[:, 1], calibrate(raw, train, prevalence=0.5))
    # a 0/1 integer mask is a boolean mask (not positions 0 and 1)
    mask = np.array([True, False, True, False, False])
    for scorer in (model, DegreeScorer()):
        ours = scorer.predict(GRAPH, targets, mask.astype(int))
        np.testing.assert_allclose(ours, scorer.predict(GRAPH, targets, mask))
        assert len(np.unique(ours[:, 1].round(9))) > 2  # the check can tell them apart
    # signed seeds of several labels: each label's negatives share -1 among themselves
    labels = np.array([[1, 1], [0, 0], [1, 0], [1, 0], [0, 0]], dtype=float)
    everyone = np.array([True, True, True, True, False])
    signed = NetworkPropagation(seeds="signed").predict(GRAPH, labels, everyone,
                                                         multilabel=True)
    seeds = np.array([[1 / 3, 1.0], [-1.0, -1 / 3], [1 / 3, -1 / 3], [1 / 3, -1 / 3], [0, 0]])
    raw = model.propagate(GRAPH, seeds)
    for j, prevalence in enumerate((0.75, 0.25)):
        np.testing.assert_allclose(signed[:, j], calibrate(raw[:, j], everyone,
                                                           prevalence=prevalence))
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: no training gene to propagate from")):
        model.predict(GRAPH, targets, np.zeros(5, dtype=bool))


def test_predict_multilabel_and_classes():
    targets = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 0, 0], [0, 1, 0]], dtype=float)
    train = np.array([True, True, True, False, True])
    model = NetworkPropagation()
    out = model.predict(GRAPH, targets, train, multilabel=True)
    for j in range(3):  # each label its own walk from its own positives
        seed = np.where(train, targets[:, j], 0.0)
        raw = model.propagate(GRAPH, seed / seed.sum())[:, 0]
        np.testing.assert_allclose(out[:, j], calibrate(raw, train,
                                                        prevalence=seed.sum() / train.sum()))
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: multi-class tasks need seeds='classes'")):
        model.predict(GRAPH, targets, train)
    missing = targets.copy()
    missing[:, 2] = 0
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: label 2 has no positive training gene")):
        model.predict(GRAPH, missing, train, multilabel=True)
    with pytest.raises(DataFormatError, match=_whole(
            "propagation: targets [5, C] and train_mask [5] must cover the 5 nodes")):
        model.predict(GRAPH, targets[:4], train)
    # classes: each class's mass, shared out; an unreachable gene gets the training prior
    lonely = Data(edge_index=EDGES, edge_weight=GRAPH.edge_weight, num_nodes=6)
    classes = np.eye(3)[[0, 1, 2, 0, 0, 2]]
    mask = np.array([True, True, True, False, True, False])
    probabilities = NetworkPropagation(seeds="classes").predict(lonely, classes, mask)
    np.testing.assert_allclose(probabilities[5], [0.5, 0.25, 0.25])  # the training shares
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities[3].argmax() == 2  # gene 3 hangs off gene 2
    # each class's seeds sum to 1, however many genes it has
    two = np.eye(2)[[0, 0, 1, 1, 0]]
    train = np.array([True, True, True, False, False])
    model = NetworkPropagation(seeds="classes")
    mass = model.propagate(GRAPH, np.array([[0.5, 0], [0.5, 0], [0, 1], [0, 0], [0, 0]]))
    np.testing.assert_allclose(model.predict(GRAPH, two, train),
                               mass / mass.sum(axis=1, keepdims=True))


def test_calibrate_is_the_stated_logistic_map():
    score = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    train = np.array([True, False, False, False, False, False])
    rest = score[1:]
    cut, spread = np.quantile(rest, 1 - 0.4), np.std(rest)
    np.testing.assert_allclose(calibrate(score, train, prevalence=0.4),
                               1 / (1 + np.exp(-(score - cut) / spread * 4)))
    # prevalence 0 or 1: cut at the median; constant scores: 0.5; far scores clipped at 50
    np.testing.assert_allclose(calibrate(score, train, prevalence=0.0),
                               1 / (1 + np.exp(-(score - 3.0) / spread * 4)))
    np.testing.assert_allclose(calibrate(score, train, prevalence=1.0),
                               calibrate(score, train, prevalence=0.0))
    np.testing.assert_allclose(calibrate(np.ones(4), np.zeros(4, dtype=bool),
                                         prevalence=0.5), 0.5)
    far = calibrate(np.r_[np.zeros(999), 1.0], np.zeros(1000, dtype=bool), prevalence=0.5)
    assert far[-1] == 1 / (1 + np.exp(-50.0))  # (1 - 0) / 0.0316 * 4 = 126, clipped
    assert far[0] == 0.5
    low = calibrate(np.r_[0.0, np.ones(999)], np.zeros(1000, dtype=bool), prevalence=0.5)
    assert low[0] == 1 / (1 + np.exp(50.0))  # clipped below too: no overflow to 0
    # constant non-training scores: spread 1, read on the training genes' own scores
    one = calibrate(np.array([5.0, 1.0, 1.0, 1.0]), np.array([True, False, False, False]),
                    prevalence=0.5)
    np.testing.assert_allclose(one, [1 / (1 + np.exp(-16.0)), 0.5, 0.5, 0.5])
    np.testing.assert_allclose(calibrate(score, train, prevalence=-0.5),
                               calibrate(score, train, prevalence=0.0))  # clipped to 0
    # every gene in training: the cut is read on all of them
    everyone = np.ones(6, dtype=bool)
    np.testing.assert_allclose(calibrate(score, everyone, prevalence=0.5),
                               1 / (1 + np.exp(-(score - 2.5) / np.std(score) * 4)))
    np.testing.assert_allclose(calibrate(score, train, prevalence=1.5),
                               calibrate(score, train, prevalence=1.0))  # clipped to 1


def test_degree_scorer_counts_and_weighs():
    assert DegreeScorer().degree(GRAPH).tolist() == [1.0, 3.0, 2.0, 1.0, 1.0]
    assert DegreeScorer(weighted=True).degree(GRAPH).tolist() == [2.0, 3.5, 4.0, 3.0, 0.5]
    assert DegreeScorer(weighted=True).degree(PLAIN).tolist() == [1.0, 3.0, 2.0, 1.0, 1.0]
    assert DegreeScorer().degree(Data(edge_index=EDGES, num_nodes=7)).tolist()[5:] == [0, 0]
    targets = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 0, 0], [0, 1, 0]], dtype=float)
    train = np.array([True, True, True, False, True])
    out = DegreeScorer(weighted=True).predict(GRAPH, targets, train, multilabel=True)
    degree = DegreeScorer(weighted=True).degree(GRAPH)
    for j in range(3):
        np.testing.assert_allclose(out[:, j], calibrate(degree, train,
                                                        prevalence=targets[train, j].mean()))
    binary = DegreeScorer().predict(GRAPH, targets[:, :2], train)
    np.testing.assert_allclose(binary[:, 1], calibrate(DegreeScorer().degree(GRAPH), train,
                                                       prevalence=0.5))
    np.testing.assert_allclose(binary[:, 0], 1 - binary[:, 1])
    with pytest.raises(DataFormatError, match=_whole(
            "degree: a score for binary or multi-label tasks only")):
        DegreeScorer().predict(GRAPH, targets, train)
    with pytest.raises(DataFormatError, match=_whole(
            "degree: targets must cover the nodes and some gene must be a training gene")):
        DegreeScorer().predict(GRAPH, targets, np.zeros(5, dtype=bool))
    with pytest.raises(DataFormatError, match="targets must cover the nodes"):
        DegreeScorer().predict(GRAPH, targets[:3], train)
    with pytest.raises(DataFormatError, match="targets must cover the nodes"):
        DegreeScorer().predict(GRAPH, targets[:, 0], train)


def test_reprs_name_the_settings():
    assert repr(NetworkPropagation()) == (
        "NetworkPropagation(restart=0.3, normalization='symmetric', seeds='positive')")
    assert repr(HeatDiffusion(time=2.0, direction="reverse")) == (
        "HeatDiffusion(time=2.0, seeds='positive', direction='reverse')")
    assert repr(DegreeScorer(weighted=True)) == "DegreeScorer(weighted=True)"
