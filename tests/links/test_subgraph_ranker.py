"""The SEAL-like subgraph model: enclosing subgraphs, DRNL labels, the re-ranked list."""

import os

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from torch_geometric.data import Data

import graphgen
from graphgen import ConfigError
from graphgen.estimators import LinkPredictor
from graphgen.evaluation.metrics import roc_auc
from graphgen.graph.nodes import neighbour_matrix
from graphgen.links.heuristics import candidate_blocks
from graphgen.links.splits import edge_split
from graphgen.links.subgraph_ranker import (
    SubgraphRanker,
    check_settings,
    drnl_labels,
    enclosing_subgraph,
)

DEVICE = os.environ.get("GRAPHGEN_TEST_DEVICE", "cpu")
SMALL = {"epochs": 20, "rerank": 60, "hidings": 2, "share": 0.2}


def _adjacency(edges, n):
    rows, cols = np.array(edges).T
    m = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return sp.csr_matrix(m + m.T)


@pytest.fixture(scope="module")
def ppi():
    return graphgen.make_organism(n_genes=300, n_samples=5, seed=0).ppi


@pytest.fixture(scope="module")
def ranker(ppi):
    return SubgraphRanker(SMALL, seed=0, device=DEVICE).fit(ppi)


def test_drnl_labels_counted_by_hand():
    # ends 0 and 1 joined by an edge; 2 is a common neighbour; 0-3-4-1 a path of length
    # three; 5 hangs off 0; 6 hangs off 3; 7 hangs off 1 only
    edges = [(0, 1), (0, 2), (1, 2), (0, 3), (3, 4), (4, 1), (0, 5), (3, 6), (1, 7)]
    nodes, sub = enclosing_subgraph(_adjacency(edges, 8), 0, 1, hops=2)
    assert nodes[:2].tolist() == [0, 1] and sorted(nodes.tolist()) == list(range(8))
    assert sub[0, 1] == 0 and sub[1, 0] == 0  # the pair's own edge is removed
    z = dict(zip(nodes.tolist(), drnl_labels(sub).tolist()))
    # (d_a, d_b): 2 (1, 1) -> 2; 3 (1, 2) and 4 (2, 1) -> 3; 6 (2, 3) -> 1 + 2 + 2 * 2 = 7;
    # 5 and 7 reach one end only -> 0
    assert z == {0: 1, 1: 1, 2: 2, 3: 3, 4: 3, 5: 0, 6: 7, 7: 0}


def test_distances_avoid_the_other_end():
    # 2 reaches 0 only through 1: with 1 removed, 2 cannot reach 0, so its label is 0
    nodes, sub = enclosing_subgraph(_adjacency([(0, 3), (3, 1), (1, 2)], 4), 0, 1, hops=2)
    z = dict(zip(nodes.tolist(), drnl_labels(sub).tolist()))
    assert z == {0: 1, 1: 1, 3: 2, 2: 0}


def test_enclosing_subgraph_hops_and_neighbour_cap():
    star = _adjacency([(0, i) for i in range(2, 12)] + [(1, 12), (12, 13)], 14)
    nodes, _ = enclosing_subgraph(star, 0, 1, hops=1)
    assert sorted(nodes.tolist()) == list(range(13))  # 13 is two steps from 1
    nodes, _ = enclosing_subgraph(star, 0, 1, hops=2)
    assert sorted(nodes.tolist()) == list(range(14))
    capped, _ = enclosing_subgraph(star, 0, 1, hops=1, max_neighbours=3,
                                   rng=np.random.default_rng(1))
    assert len(capped) == 2 + 3 + 1  # three of 0's ten neighbours, 1's one
    again, _ = enclosing_subgraph(star, 0, 1, hops=1, max_neighbours=3,
                                  rng=np.random.default_rng(1))
    assert capped.tolist() == again.tolist()  # seeded


def test_the_ranking_reorders_the_base_top_above_the_rest(ppi, ranker):
    n = ppi.num_nodes
    base = {}
    for r, c, v in candidate_blocks(ppi, "l3"):
        base.update(zip((r * n + c).tolist(), v.tolist()))
    ours = {}
    for r, c, v in ranker.candidate_blocks():
        ours.update(zip((r * n + c).tolist(), v.tolist()))
    assert ours.keys() == base.keys()  # every candidate L3 scores, once
    keys = np.array(list(base))
    base_v, ours_v = np.array([base[k] for k in keys]), np.array([ours[k] for k in keys])
    top = np.argsort(-base_v, kind="stable")[:60]
    rest = np.setdiff1d(np.arange(len(keys)), top)
    assert ours_v[top].min() > ours_v[rest].max()  # the re-ranked top first
    steps = np.diff(ours_v[rest][np.argsort(-base_v[rest], kind="stable")])
    assert steps.max() <= 1e-15, steps.max()  # the base order (to rounding)
    rows, cols, probability = ranker.top_
    assert set((rows * n + cols).tolist()) == set(keys[top].tolist())
    assert np.all((probability > 0) & (probability < 1))
    # pair_scores gives the same score as the ranking, inside the top and below it
    pick = keys[np.r_[top[:5], rest[:5]]]
    np.testing.assert_allclose(ranker.pair_scores(pick // n, pick % n),
                               [ours[k] for k in pick])
    np.testing.assert_allclose(ranker.pair_scores(pick % n, pick // n),
                               [ours[k] for k in pick])  # either order of the pair


def test_the_model_separates_hidden_pairs_it_was_trained_on(ppi, ranker):
    """The network learns: on the first hiding's list, the hidden pairs score higher."""
    hiding = edge_split(ppi, val_size=0.0, test_size=SMALL["share"], negatives=0.0, seed=0)
    n = ppi.num_nodes
    rows, cols, base = ranker._base_top(hiding.train_graph)
    hidden = np.sort(hiding.test, axis=1)
    y = np.isin(rows * n + cols, hidden[:, 0] * n + hidden[:, 1])
    graphs = ranker._graphs(neighbour_matrix(hiding.train_graph), rows, cols, base,
                            np.random.default_rng(0))
    logits = ranker._logits(graphs, torch.device("cpu"))
    assert 0 < y.sum() < len(y)
    assert float(roc_auc(y.astype(float), logits)) > 0.8


def test_link_predictor_seal_saves_and_loads(ppi, tmp_path):
    clf = LinkPredictor("seal", model_settings=SMALL, device=DEVICE).fit(ppi)
    top = clf.top_links(20)
    assert isinstance(clf.ranker_, SubgraphRanker) and clf.settings_["readout"] == "ends"
    back = LinkPredictor.load(clf.save(tmp_path / "seal.pt"))
    assert back.top_links(20).equals(top)
    pairs = list(zip(top["source"][:3], top["target"][:3]))
    np.testing.assert_allclose(back.predict_proba(pairs)[1].to_numpy(), top["score"][:3])
    with pytest.raises(ConfigError, match="no path or feature table explains"):
        clf.explain(*pairs[0])


@pytest.mark.parametrize("settings, match", [
    ({"rerank": 0}, "rerank"), ({"base": "jaccard"}, "base must be one of"),
    ({"readout": "max"}, "readout must be"), ({"share": 1.0}, "share must be in"),
    ({"degree": "yes"}, "degree must be True or False"), ({"layer": 2}, "unknown subgraph"),
    ({"l3_exponent": -1}, "exponent"),
])
def test_bad_settings_are_named(settings, match):
    with pytest.raises(ConfigError, match=match):
        check_settings(settings, "test")


def test_a_directed_map_is_refused(ppi):
    grn = Data(edge_index=torch.tensor([[0, 1, 2], [1, 2, 3]]), num_nodes=4,
               node_ids=["A", "B", "C", "D"])
    with pytest.raises(ConfigError, match="learned models rank unordered pairs"):
        LinkPredictor("seal").fit(grn)
