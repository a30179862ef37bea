"""Network propagation: closed forms, PyG's LabelPropagation, scikit-learn's LabelSpreading."""

import numpy as np
import pytest
import scipy.linalg
import torch
from torch_geometric.data import Data

from graphgen import ConfigError, DataFormatError
from graphgen.models.propagation import (
    DegreeScorer,
    NetworkPropagation,
    RandomWalkWithRestart,
    calibrate,
    propagation_matrix,
)

# Two triangles joined by one edge: 0-1-2 and 3-4-5, bridge 2-3; node 6 hangs off 5.
PAIRS = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3), (5, 6)]
EDGES = torch.tensor([[a for a, b in PAIRS] + [b for a, b in PAIRS],
                      [b for a, b in PAIRS] + [a for a, b in PAIRS]])
WEIGHTS = torch.tensor([0.9, 0.8, 0.7, 0.9, 0.6, 0.9, 0.4, 0.5] * 2)
GRAPH = Data(edge_index=EDGES, edge_weight=WEIGHTS, num_nodes=7)


def _dense_adjacency() -> np.ndarray:
    a = np.zeros((7, 7))
    for (s, t), w in zip(EDGES.T.tolist(), WEIGHTS.tolist()):
        a[t, s] = w
    return a


@pytest.mark.parametrize("normalization", ["column", "symmetric"])
def test_rwr_equals_the_dense_closed_form(normalization):
    a = _dense_adjacency()
    d = a.sum(axis=0)
    w = a / d if normalization == "column" else a / np.sqrt(np.outer(d, d))
    seeds = np.zeros((7, 2))
    seeds[0, 0], seeds[[4, 6], 1] = 1.0, 0.5
    r = 0.3
    expected = r * np.linalg.solve(np.eye(7) - (1 - r) * w, seeds)
    ours = NetworkPropagation(restart=r, normalization=normalization).propagate(GRAPH, seeds)
    np.testing.assert_allclose(ours, expected, atol=1e-8)
    if normalization == "column":  # the column-stochastic walk conserves mass
        np.testing.assert_allclose(ours.sum(axis=0), seeds.sum(axis=0), atol=1e-8)


def test_heat_diffusion_equals_the_matrix_exponential():
    a = _dense_adjacency()
    d = a.sum(axis=0)
    laplacian = np.eye(7) - a / np.sqrt(np.outer(d, d))
    seeds = np.eye(7)[:, [1]]
    expected = scipy.linalg.expm(-2.0 * laplacian) @ seeds
    ours = NetworkPropagation(method="heat", time=2.0).propagate(GRAPH, seeds)
    np.testing.assert_allclose(ours, expected, atol=1e-8)


def test_symmetric_rwr_equals_pyg_label_propagation():
    from torch_geometric.nn.models import LabelPropagation as PygLabelPropagation

    y = torch.tensor([0, 0, 1, 1, 1, 0, 1])
    mask = torch.tensor([True, False, False, True, False, True, False])
    alpha, layers = 0.8, 200
    pyg = PygLabelPropagation(num_layers=layers, alpha=alpha)
    expected = pyg(y, GRAPH.edge_index, mask=mask)  # PyG normalises unweighted graphs only
    seeds = np.zeros((7, 2))
    seeds[mask.numpy(), y[mask].numpy()] = 1.0
    ours = NetworkPropagation(restart=1 - alpha, normalization="symmetric",
                              use_edge_weight=False).propagate(GRAPH, seeds)
    # PyG iterates out = alpha S out + (1 - alpha) Y (clamped to [0, 1], which these values
    # never reach): the walk with restart 1 - alpha
    assert ours.max() < 1.0
    np.testing.assert_allclose(ours, expected.numpy(), atol=1e-5)


def test_classes_mode_equals_scikit_learn_label_spreading():
    from sklearn.semi_supervised import LabelSpreading

    a = _dense_adjacency()
    y = np.array([0, -1, -1, 1, -1, 1, -1])
    spreading = LabelSpreading(kernel=lambda x, z: a[x[:, 0].astype(int)][:, z[:, 0].astype(int)],
                               alpha=0.7, max_iter=10_000, tol=1e-12)
    spreading.fit(np.arange(7)[:, None].astype(float), y)
    targets = np.eye(2)[np.where(y < 0, 0, y)]
    model = NetworkPropagation(restart=0.3, normalization="symmetric", seeds="classes",
                               tol=1e-14)
    ours = model.predict(GRAPH, targets, y >= 0)
    # scikit-learn normalises each class's seed column only through the final row sums
    mass = model.propagate(GRAPH, np.where((y >= 0)[:, None], targets, 0.0))
    np.testing.assert_allclose(mass / mass.sum(axis=1, keepdims=True),
                               spreading.label_distributions_, atol=1e-6)
    assert ours.shape == (7, 2) and np.allclose(ours.sum(axis=1), 1.0)


def test_positive_and_signed_seeds_rank_the_neighbourhood_and_calibrate():
    targets = np.eye(2)[[1, 1, 1, 0, 0, 0, 0]]
    mask = np.array([True, False, False, False, True, False, False])
    for seeds in ("positive", "signed"):
        scores = NetworkPropagation(seeds=seeds).predict(GRAPH, targets, mask)
        assert scores[1, 1] > scores[5, 1] and scores[2, 1] > scores[6, 1]
        np.testing.assert_allclose(scores.sum(axis=1), 1.0)
    signed = NetworkPropagation(seeds="signed").predict(GRAPH, targets, mask)[:, 1]
    positive = NetworkPropagation(seeds="positive").predict(GRAPH, targets, mask)[:, 1]
    assert signed[5] < positive[5]  # next to the known negative: pushed down
    calibrated = calibrate(np.arange(100.0), np.zeros(100, dtype=bool), prevalence=0.1)
    assert int((calibrated > 0.5).sum()) == 10 and np.all(np.diff(calibrated) >= 0)


def test_degree_scorer_and_bad_inputs():
    targets = np.eye(2)[[1, 0, 1, 1, 0, 0, 0]]
    mask = np.ones(7, dtype=bool)
    degree = DegreeScorer().predict(GRAPH, targets, mask)[:, 1]
    assert np.argsort(degree)[-4:].tolist() == sorted(np.argsort(degree)[-4:].tolist(),
                                                      key=lambda i: degree[i])
    assert degree[6] == degree.min()  # the leaf
    empty = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=7)
    with pytest.raises(DataFormatError, match="graph with edges"):
        NetworkPropagation().predict(empty, targets, mask)
    with pytest.raises(DataFormatError, match="no training gene"):
        NetworkPropagation().predict(GRAPH, targets, np.zeros(7, dtype=bool))
    with pytest.raises(DataFormatError, match="no positive training gene"):
        NetworkPropagation().predict(GRAPH, np.eye(2)[[0] * 7], mask)
    with pytest.raises(ConfigError, match="restart must be in"):
        NetworkPropagation(restart=0.0)
    with pytest.raises(ConfigError, match="normalization"):
        propagation_matrix(GRAPH, normalization="row")


@pytest.mark.parametrize("weights, message", [
    ([0.0] * 6, "every edge weight is 0"),
    ([1.0, 1.0, -0.5, -0.5, 1.0, 1.0], r"2 edge weights are negative or not finite \(e.g. "
                                       r"-0.5 on edge 1 -> 2\)"),
    ([1.0, float("nan"), 1.0, 1.0, 1.0, 1.0], "negative or not finite"),
])
def test_weights_a_walk_cannot_use_are_refused(weights, message):
    from graphgen.models.label_propagation import LabelPropagation

    g = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
             edge_weight=torch.tensor(weights), num_nodes=4)
    targets = np.array([[0, 1], [0, 1], [1, 0], [1, 0]], dtype=float)
    mask = np.array([True, False, False, True])
    for model in (RandomWalkWithRestart(), LabelPropagation()):
        with pytest.raises(DataFormatError, match=message):
            model.predict(g, targets, mask)
    # without the weights, the same graph propagates
    assert np.isfinite(RandomWalkWithRestart(use_edge_weight=False).predict(g, targets,
                                                                             mask)).all()


@pytest.mark.parametrize("normalization", ["column", "symmetric", "row"])
def test_walk_follows_the_stored_direction_on_a_directed_graph(normalization):
    """A regulatory graph (TF -> target): W[i, j] moves mass from j to i. A transposed
    matrix would pass every undirected test; this one fails it."""
    from graphgen.models.propagation import walk_matrix

    edges = torch.tensor([[0, 0, 1, 2], [1, 2, 3, 3]])  # 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3
    weights = torch.tensor([1.0, 3.0, 2.0, 1.0])
    a = np.zeros((4, 4))
    for (s, t), w in zip(edges.T.tolist(), weights.tolist()):
        a[t, s] = w  # A[target, source]
    if normalization == "row":
        d = a.sum(axis=1)
        expected = np.divide(a, d[:, None], out=np.zeros_like(a), where=d[:, None] > 0)
    elif normalization == "column":
        d = a.sum(axis=0)
        expected = np.divide(a, d[None, :], out=np.zeros_like(a), where=d[None, :] > 0)
    else:  # D_in^-1/2 A D_out^-1/2: the sink 3 (no out-edge) still receives mass
        out, into = a.sum(axis=0), a.sum(axis=1)
        expected = a / np.sqrt(np.outer(into, out), out=np.ones_like(a),
                               where=np.outer(into, out) > 0)
        assert expected[3, 1] > 0
    ours = walk_matrix(edges, weights, 4, normalization).toarray()
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    assert not np.allclose(ours, ours.T)  # the direction matters here
    # a walk seeded at the TF reaches its targets, one seeded at a target never the TF
    g = Data(edge_index=edges, edge_weight=weights, num_nodes=4)
    spread = NetworkPropagation(restart=0.3, normalization="column").propagate(
        g, np.eye(4)[:, [0, 3]])
    assert spread[3, 0] > 0 and spread[0, 1] == 0


DIRECTED = torch.tensor([[0, 0, 1, 2, 4], [1, 2, 3, 3, 3]])  # 0 -> 1, 0 -> 2, 1 -> 3, ...
DIRECTED_WEIGHTS = torch.tensor([1.0, 3.0, 2.0, 1.0, 0.5])


def _directed_adjacency(direction: str) -> np.ndarray:
    a = np.zeros((5, 5))
    for (s, t), w in zip(DIRECTED.T.tolist(), DIRECTED_WEIGHTS.tolist()):
        a[t, s] = w
    return {"forward": a, "reverse": a.T, "undirected": np.maximum(a, a.T)}[direction]


@pytest.mark.parametrize("direction", ["forward", "reverse", "undirected"])
def test_each_direction_equals_its_closed_form_on_a_directed_graph(direction):
    from graphgen.models.label_propagation import LabelPropagation

    g = Data(edge_index=DIRECTED, edge_weight=DIRECTED_WEIGHTS, num_nodes=5)
    a = _directed_adjacency(direction)
    seeds = np.eye(5)[:, [0, 3]]
    # random walk with restart, column-stochastic walk
    d = a.sum(axis=0)
    w = np.divide(a, d[None, :], out=np.zeros_like(a), where=d[None, :] > 0)
    r = 0.3
    expected = r * np.linalg.solve(np.eye(5) - (1 - r) * w, seeds)
    ours = NetworkPropagation(restart=r, normalization="column",
                              direction=direction).propagate(g, seeds)
    np.testing.assert_allclose(ours, expected, atol=1e-8)
    # heat diffusion on the symmetric normalised Laplacian
    into = a.sum(axis=1)
    sym = a / np.sqrt(np.outer(into, d), out=np.ones_like(a), where=np.outer(into, d) > 0)
    heat = scipy.linalg.expm(-2.0 * (np.eye(5) - sym)) @ seeds
    np.testing.assert_allclose(NetworkPropagation(method="heat", time=2.0, direction=direction)
                               .propagate(g, seeds), heat, atol=1e-8)
    # label propagation's row-normalised walk, iterated
    rows = a.sum(axis=1)
    walk = np.divide(a, rows[:, None], out=np.zeros_like(a), where=rows[:, None] > 0)
    targets = np.array([[0, 1], [1, 0], [1, 0], [0, 1], [1, 0]], dtype=float)
    mask = np.array([True, False, False, True, False])
    start = np.where(mask[:, None], targets, 0.0)
    values = start.copy()
    for _ in range(50):
        values = 0.9 * walk @ values + 0.1 * start
    total = values.sum(axis=1, keepdims=True)
    prior = targets[mask].mean(axis=0)
    expected_lp = np.where(total > 0, values / np.maximum(total, 1e-300), prior)
    np.testing.assert_allclose(LabelPropagation(direction=direction).predict(g, targets, mask),
                               expected_lp, atol=1e-8)


def test_direction_matters_on_directed_graphs_only():
    seeds = np.eye(5)[:, [3]]  # a target gene
    g = Data(edge_index=DIRECTED, edge_weight=DIRECTED_WEIGHTS, num_nodes=5)
    forward = NetworkPropagation(restart=0.3, normalization="column").propagate(g, seeds)
    undirected = NetworkPropagation(restart=0.3, normalization="column",
                                    direction="undirected").propagate(g, seeds)
    assert forward[0, 0] == 0 and undirected[0, 0] > 0  # the TF is reached both ways only
    both = Data(edge_index=torch.cat([DIRECTED, DIRECTED.flip(0)], dim=1),
                edge_weight=torch.cat([DIRECTED_WEIGHTS, DIRECTED_WEIGHTS]), num_nodes=5)
    outcomes = [NetworkPropagation(direction=d).propagate(both, seeds)
                for d in ("forward", "reverse", "undirected")]
    np.testing.assert_allclose(outcomes[0], outcomes[1], atol=1e-12)
    np.testing.assert_allclose(outcomes[0], outcomes[2], atol=1e-12)
    with pytest.raises(ConfigError, match="direction must be one of"):
        NetworkPropagation(direction="sideways")


def test_direction_through_the_registry_and_the_label_block():
    from graphgen.models.registry import build_model
    from graphgen.train.label_features import LabelFeatures

    assert build_model("rwr", 4, 2, direction="undirected").direction == "undirected"
    assert LabelFeatures(direction="reverse").propagation().direction == "reverse"
    with pytest.raises(ConfigError, match="direction"):
        LabelFeatures(direction="up")


def test_undirected_counts_a_pair_stored_both_ways_once():
    from graphgen.models.propagation import walk_matrix

    edges = torch.tensor([[0, 1, 1], [1, 0, 2]])  # 0 -> 1 (1.0), 1 -> 0 (3.0), 1 -> 2 (2.0)
    weights = torch.tensor([1.0, 3.0, 2.0])
    row = walk_matrix(edges, weights, 3, "row", direction="undirected").toarray()
    # symmetrised adjacency max(A, A^T): 0-1 weighs 3, 1-2 weighs 2; row-normalised
    np.testing.assert_allclose(row, [[0, 1, 0], [0.6, 0, 0.4], [0, 1, 0]])
