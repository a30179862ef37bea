"""Edge splits: no evaluated pair in the message-passing graph, negatives never known edges."""

import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from graphgen import ConfigError, DataFormatError
from graphgen.graph import is_undirected
from graphgen.links import edge_split, new_pairs


def _ppi(n=60, m=180, seed=0):
    G = nx.gnm_random_graph(n, m, seed=seed)
    edges = torch.tensor(list(G.edges)).T
    weight = torch.rand(m)  # one confidence per pair, stored with both directions
    return Data(edge_index=torch.cat([edges, edges.flip(0)], dim=1), num_nodes=n,
                node_ids=[f"P{i}" for i in range(n)], x=torch.rand(n, 3),
                edge_weight=torch.cat([weight, weight]))


def _grn(n=50, m=150, seed=1):
    rng = np.random.default_rng(seed)
    pairs = set()
    while len(pairs) < m:
        a, b = rng.integers(0, n, 2)
        if a != b:
            pairs.add((int(a), int(b)))
    edges = torch.tensor(sorted(pairs)).T
    return Data(edge_index=edges, num_nodes=n, node_ids=[f"G{i}" for i in range(n)])


def _edge_set(data, directed):
    src, dst = data.edge_index.tolist()
    return {(a, b) if directed else (min(a, b), max(a, b)) for a, b in zip(src, dst)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_undirected_split_holds_no_evaluated_pair_in_either_direction(seed):
    data = _ppi()
    s = edge_split(data, val_size=0.1, test_size=0.2, seed=seed)
    assert not s.directed and is_undirected(s.train_graph)
    message_passing = {tuple(p) for p in s.train_graph.edge_index.T.tolist()}
    for part in (s.val, s.test):
        for a, b in part.tolist():
            assert (a, b) not in message_passing and (b, a) not in message_passing
    parts = [{tuple(p) for p in x.tolist()} for x in (s.train, s.val, s.test)]
    assert not parts[0] & parts[1] and not parts[0] & parts[2] and not parts[1] & parts[2]
    assert set().union(*parts) == _edge_set(data, directed=False)  # nothing lost
    known = _edge_set(data, directed=False)
    negatives = [tuple(sorted(p)) for p in np.concatenate([s.val_negatives,
                                                           s.test_negatives]).tolist()]
    assert not set(negatives) & known and len(set(negatives)) == len(negatives)
    assert all(a != b for a, b in negatives)
    # the training graph keeps the training pairs' weights, both directions alike
    weight = {tuple(p): w for p, w in zip(data.edge_index.T.tolist(), data.edge_weight.tolist())}
    for (a, b), w in zip(s.train_graph.edge_index.T.tolist(),
                         s.train_graph.edge_weight.tolist()):
        assert w == pytest.approx(weight[(a, b)])


def test_directed_split_orders_pairs_and_allows_the_reverse_as_a_negative():
    data = _grn()
    s = edge_split(data, negatives=2.0, seed=4)
    assert s.directed and len(s.val_negatives) == 2 * len(s.val)
    known = _edge_set(data, directed=True)
    message_passing = _edge_set(s.train_graph, directed=True)
    assert not {tuple(p) for p in s.test.tolist()} & message_passing
    assert not {tuple(p) for p in np.concatenate([s.val_negatives,
                                                  s.test_negatives]).tolist()} & known
    with pytest.raises(DataFormatError, match="the graph is directed"):
        edge_split(data, directed=False)


def test_seeded_and_hard_negatives_share_a_neighbour():
    data = _ppi()
    a, b = edge_split(data, seed=7), edge_split(data, seed=7)
    assert np.array_equal(a.test, b.test) and np.array_equal(a.test_negatives, b.test_negatives)
    assert not np.array_equal(a.test, edge_split(data, seed=8).test)
    hard = edge_split(data, hard=True, seed=7)
    G = nx.Graph(list(_edge_set(data, directed=False)))
    for u, v in hard.test_negatives.tolist():
        assert not G.has_edge(u, v) and set(G[u]) & set(G[v])
    table = hard.as_table("test")
    assert table["label"].sum() == len(hard.test) and table["source"].str.startswith("P").all()


def test_new_pairs_of_another_map():
    known = _ppi(seed=0)
    newer = _ppi(seed=5)
    table = new_pairs(known, newer)
    old = {tuple(sorted(p)) for p in known.edge_index.T.tolist()}
    for a, b in zip(table["source"], table["target"]):
        pair = tuple(sorted((int(a[1:]), int(b[1:]))))
        assert pair not in old
    assert len(table) > 100


def test_bad_splits_are_named():
    tiny = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=2, node_ids=["A", "B"])
    with pytest.raises(DataFormatError, match="1 pair\\(s\\) are too few"):
        edge_split(tiny)
    with pytest.raises(ConfigError, match="val_size"):
        edge_split(_ppi(), val_size=-0.1)
    halves = edge_split(_ppi(), val_size=0.0, test_size=0.5)  # Kovács' protocol
    assert len(halves.val) == 0 and len(halves.val_negatives) == 0
    assert len(halves.test) == len(halves.train) == 90
    with pytest.raises(ConfigError, match="must be < 1"):
        edge_split(_ppi(), val_size=0.5, test_size=0.5)
    dense = Data(edge_index=torch.tensor([[0, 1, 0, 2, 1, 2], [1, 0, 2, 0, 2, 1]]),
                 num_nodes=3, node_ids=["A", "B", "C"])
    with pytest.raises(DataFormatError, match="non-edges, fewer than"):
        edge_split(dense, val_size=0.34, test_size=0.33)


# -- counted exactly (the gaps a mutation run of graphgen/links/splits.py found) -----------

def _whole(message):
    import re
    return "^" + re.escape(message) + "$"


def test_edge_split_defaults_one_negative_per_positive_and_seed_zero():
    g = _ppi()
    split = edge_split(g)
    assert len(split.val) == len(split.test) == 18  # 10 % of 180 pairs each
    assert len(split.val_negatives) == 18 and len(split.test_negatives) == 18
    again = edge_split(g, seed=0)
    assert np.array_equal(split.test, again.test)
    assert not np.array_equal(split.test, edge_split(g, seed=1).test)
    half = edge_split(g, negatives=0.5)
    assert len(half.val_negatives) == 9 and len(half.test_negatives) == 9
    none = edge_split(g, negatives=0.0)
    assert none.val_negatives.shape == none.test_negatives.shape == (0, 2)


@pytest.mark.parametrize("kwargs, message", [
    ({"test_size": 0.0}, "edge_split: test_size must be in (0, 1), got 0.0"),
    ({"test_size": 1.0}, "edge_split: test_size must be in (0, 1), got 1.0"),
    ({"test_size": 1.5}, "edge_split: test_size must be in (0, 1), got 1.5"),
    ({"val_size": 1.0}, "edge_split: val_size must be in [0, 1), got 1.0"),
    ({"val_size": 1.5}, "edge_split: val_size must be in [0, 1), got 1.5"),
    ({"val_size": -0.1}, "edge_split: val_size must be in [0, 1), got -0.1"),
    ({"val_size": 0.5, "test_size": 0.5}, "edge_split: val_size + test_size must be < 1"),
    ({"negatives": -1.0}, "edge_split: negatives must be >= 0, got -1.0"),
])
def test_edge_split_refuses_bad_sizes_whole(kwargs, message):
    with pytest.raises(ConfigError, match=_whole(message)):
        edge_split(_ppi(), **kwargs)


def test_edge_split_direction_choices():
    ppi, grn = _ppi(), _grn()
    assert not edge_split(ppi, directed=False).directed
    ordered = edge_split(ppi, directed=True)  # a PPI split as ordered pairs: both ways
    assert ordered.directed and len(ordered.train) + len(ordered.val) + len(
        ordered.test) == 360
    with pytest.raises(DataFormatError, match=_whole(
            "edge_split: the graph is directed (some edges are stored one way only, as in a "
            "GRN); split it with directed=True")):
        edge_split(grn, directed=False)
    three = Data(edge_index=torch.tensor([[0, 1, 2, 1, 2, 3], [1, 2, 3, 0, 1, 2]]),
                 num_nodes=4, node_ids=list("ABCD"))
    with pytest.raises(DataFormatError, match=_whole(
            "edge_split: 3 pairs are too few for val_size=0.3 and test_size=0.6 (training "
            "keeps none)")):
        edge_split(three, val_size=0.3, test_size=0.6, negatives=0.0)
    two = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=3,
               node_ids=list("ABC"))
    with pytest.raises(DataFormatError, match=_whole(
            "edge_split: 2 pair(s) are too few to split into training, validation and test "
            "parts")):
        edge_split(two)


def test_new_pairs_keeps_order_on_a_directed_map_and_genes_of_the_known_one():
    known = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=3,
                 node_ids=["A", "B", "C"])
    # directed other map: B -> A (known, either way), C -> B (new, kept as C -> B),
    # A -> X (X not a gene of the known map), C -> C (a self-loop)
    other = Data(edge_index=torch.tensor([[1, 2, 0, 2], [0, 1, 3, 2]]), num_nodes=4,
                 node_ids=["A", "B", "C", "X"])
    assert new_pairs(known, other).to_numpy().tolist() == [["C", "B"]]
    undirected = Data(edge_index=torch.tensor([[2, 1, 0, 3], [1, 2, 3, 0]]), num_nodes=4,
                      node_ids=["A", "B", "C", "X"])
    assert new_pairs(known, undirected).to_numpy().tolist() == [["B", "C"]]
    with pytest.raises(DataFormatError, match=_whole(
            "new_pairs: the other map adds no interaction between genes of the known one")):
        new_pairs(known, known)


def _pairs_of(array):
    return [tuple(p) for p in array.tolist()]


def test_negatives_are_distinct_sorted_non_edges_that_cover_every_gene():
    g = _ppi(n=60, m=180)
    split = edge_split(g, negatives=5.0, seed=3)
    drawn = np.concatenate([split.val_negatives, split.test_negatives])
    assert drawn.dtype == np.int64 and drawn.shape == (180, 2)
    assert (drawn[:, 0] < drawn[:, 1]).all()  # unordered pairs once, never a self-pair
    assert len(set(_pairs_of(drawn))) == 180  # distinct, val and test disjoint
    known = _edge_set(g, directed=False)
    assert not set(_pairs_of(drawn)) & known
    assert 0 in drawn and 59 in drawn  # the first and the last gene can be drawn
    touching = np.bincount(drawn.ravel(), minlength=60)
    assert touching.max() < 30  # no gene in every pair: both ends are drawn


def test_directed_negatives_are_ordered_and_may_reverse_a_known_edge():
    grn = _grn()
    split = edge_split(grn, negatives=3.0, seed=0)
    drawn = np.concatenate([split.val_negatives, split.test_negatives])
    assert (drawn[:, 0] > drawn[:, 1]).any() and (drawn[:, 0] < drawn[:, 1]).any()
    assert (drawn[:, 0] != drawn[:, 1]).all()
    assert 0 in drawn[:, 0] and 0 in drawn[:, 1]  # the first gene at either end
    # a cycle's only non-edges are the reverses of its edges: they are the negatives
    cycle = Data(edge_index=torch.tensor([[0, 1, 0], [1, 2, 2]]), num_nodes=3,
                 node_ids=list("ABC"))
    split = edge_split(cycle, val_size=0.3, test_size=0.3, negatives=1.0, seed=0)
    drawn = np.concatenate([split.val_negatives, split.test_negatives])
    assert set(_pairs_of(drawn)) <= {(1, 0), (2, 1), (2, 0)} and len(set(_pairs_of(drawn))) == 2
    with pytest.raises(DataFormatError, match=_whole(
            "edge_split: 3 non-edges, fewer than the 4 negatives asked; lower negatives")):
        edge_split(cycle, val_size=0.3, test_size=0.3, negatives=2.0, seed=0)


def test_negatives_up_to_the_last_non_edge_and_one_more_is_refused():
    # 4 genes, 5 of the 6 pairs are edges: one non-edge is left
    pairs = torch.tensor([[0, 0, 0, 1, 1], [1, 2, 3, 2, 3]])
    g = Data(edge_index=torch.cat([pairs, pairs.flip(0)], dim=1), num_nodes=4,
             node_ids=list("ABCD"))
    one = edge_split(g, val_size=0.2, test_size=0.2, negatives=0.5, seed=0)
    drawn = np.concatenate([one.val_negatives, one.test_negatives])
    assert _pairs_of(drawn) == [(2, 3)] and drawn.dtype == np.int64
    with pytest.raises(DataFormatError, match=_whole(
            "edge_split: 1 non-edges, fewer than the 2 negatives asked; lower negatives")):
        edge_split(g, val_size=0.2, test_size=0.2, negatives=1.0, seed=0)
    none = edge_split(g, negatives=0.0)
    assert none.test_negatives.dtype == np.int64


def test_hard_negatives_are_every_pair_two_steps_apart_when_asked_for_all():
    # a star: its 10 leaf pairs are the non-edges two steps apart
    star = torch.tensor([[0] * 5, [1, 2, 3, 4, 5]])
    g = Data(edge_index=torch.cat([star, star.flip(0)], dim=1), num_nodes=6,
             node_ids=list("ABCDEF"))
    split = edge_split(g, val_size=0.2, test_size=0.2, negatives=5.0, hard=True, seed=0)
    drawn = np.concatenate([split.val_negatives, split.test_negatives])
    assert drawn.dtype == np.int64
    assert sorted(_pairs_of(drawn)) == [(a, b) for a in range(1, 6) for b in range(a + 1, 6)]
    with pytest.raises(DataFormatError, match=_whole(
            "edge_split: 10 non-edges two steps apart, fewer than the 11 hard negatives "
            "asked; lower negatives")):
        edge_split(g, val_size=0.2, test_size=0.2, negatives=5.5, hard=True, seed=0)


def test_a_graph_without_weights_gives_a_training_graph_without_weights():
    g = _ppi()
    del g.edge_weight
    split = edge_split(g, negatives=0.03)  # one negative in all (0.03 x 36 positives)
    assert split.train_graph.edge_weight is None
    assert split.train_graph.edge_index.dtype == torch.long
    assert len(split.val_negatives) + len(split.test_negatives) == 1
