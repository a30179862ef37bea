"""Link heuristics: equal to networkx's link prediction and to a brute-force L3 path count."""

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

from graphgen import ConfigError, DataFormatError, IdMappingError
from graphgen.links import HEURISTICS, pair_scores


@pytest.fixture(scope="module")
def graph():
    G = nx.gnm_random_graph(40, 90, seed=3)
    edges = torch.tensor(list(G.edges)).T
    data = Data(edge_index=torch.cat([edges, edges.flip(0)], dim=1), num_nodes=40,
                node_ids=[f"P{i}" for i in range(40)])
    return G, data


def _all_pairs():
    return list(itertools.combinations(range(40), 2))


def test_equal_to_networkx(graph):
    G, data = graph
    pairs = _all_pairs()
    scores = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in pairs])
    expected = {
        "jaccard": nx.jaccard_coefficient(G, pairs),
        "adamic_adar": nx.adamic_adar_index(G, pairs),
        "resource_allocation": nx.resource_allocation_index(G, pairs),
        "preferential_attachment": nx.preferential_attachment(G, pairs),
    }
    for method, triples in expected.items():
        np.testing.assert_allclose(scores[method], [v for _, _, v in triples], atol=1e-12,
                                   err_msg=method)
    common = [len(list(nx.common_neighbors(G, a, b))) for a, b in pairs]
    np.testing.assert_array_equal(scores["common_neighbours"], common)


def test_l3_equals_a_brute_force_path_count(graph):
    G, data = graph
    degree = dict(G.degree)
    pairs = _all_pairs()[::7]

    def l3(a, b):
        return sum(1.0 / math.sqrt(degree[u] * degree[v])
                   for u in G[a] for v in G[b] if G.has_edge(u, v))

    scores = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in pairs], methods=["l3"])
    np.testing.assert_allclose(scores["l3"], [l3(a, b) for a, b in pairs], atol=1e-12)
    assert (scores["l3"] > 0).mean() > 0.3  # the random graph has paths of three


@pytest.mark.parametrize("alpha,beta", [(0.0, 0.0), (0.75, 0.25), (1.0, 0.5)])
def test_l3_and_endpoint_exponents_equal_a_brute_force_count(graph, alpha, beta):
    G, data = graph
    degree = dict(G.degree)
    pairs = _all_pairs()[::5]

    def l3(a, b):
        paths = sum((degree[u] * degree[v]) ** -alpha
                    for u in G[a] for v in G[b] if G.has_edge(u, v))
        return paths / (degree[a] * degree[b]) ** beta if paths else 0.0

    def ra(a, b):
        shared = sum(1.0 / degree[w] for w in nx.common_neighbors(G, a, b))
        return shared / (degree[a] * degree[b]) ** beta if shared else 0.0

    scores = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in pairs],
                         methods=["l3", "resource_allocation"], l3_exponent=alpha,
                         endpoint_exponent=beta)
    np.testing.assert_allclose(scores["l3"], [l3(a, b) for a, b in pairs], atol=1e-12)
    np.testing.assert_allclose(scores["resource_allocation"], [ra(a, b) for a, b in pairs],
                               atol=1e-12)


@pytest.mark.parametrize("bad", [-0.5, float("nan"), "1", True])
def test_bad_exponents_are_named(graph, bad):
    from graphgen.links import top_pairs

    _, data = graph
    with pytest.raises(ConfigError, match="l3_exponent must be a finite number >= 0"):
        pair_scores(data, [("P0", "P1")], l3_exponent=bad)
    with pytest.raises(ConfigError, match="endpoint_exponent must be a finite number >= 0"):
        top_pairs(data, 3, endpoint_exponent=bad)


def test_stored_directions_weights_and_self_loops_count_once():
    once = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=3,
                node_ids=["A", "B", "C"])
    twice = Data(edge_index=torch.tensor([[0, 1, 1, 2, 0, 0], [1, 0, 2, 1, 1, 0]]),
                 num_nodes=3, node_ids=["A", "B", "C"], edge_weight=torch.rand(6))
    a, b = pair_scores(once, [("A", "C")]), pair_scores(twice, [("A", "C")])
    assert a.equals(b) and a.loc[0, "common_neighbours"] == 1


def test_bad_inputs_are_named(graph):
    _, data = graph
    with pytest.raises(ConfigError, match="methods must be among"):
        pair_scores(data, [("P0", "P1")], methods=["katz"])
    with pytest.raises(IdMappingError, match="NOPE"):
        pair_scores(data, [("P0", "NOPE")])
    with pytest.raises(DataFormatError, match="two gene ids, got 3 columns"):
        pair_scores(data, [("P0", "P1", "P2")])
    empty = Data(edge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=2,
                 node_ids=["A", "B"])
    with pytest.raises(DataFormatError, match="graph with edges"):
        pair_scores(empty, [("A", "B")])
    assert set(HEURISTICS) >= {"l3", "adamic_adar"}


@pytest.mark.parametrize("method", ["common_neighbours", "adamic_adar", "resource_allocation",
                                    "l3"])
@pytest.mark.parametrize("block,exponents", [(1, (0.5, 0.0)), (7, (0.75, 0.25)),
                                             (1024, (0.5, 0.0))])
def test_top_pairs_equal_a_dense_argsort_over_all_non_edges(graph, method, block, exponents):
    from graphgen.links import top_pairs

    G, data = graph
    alpha, beta = exponents
    candidates = [(a, b) for a, b in _all_pairs() if not G.has_edge(a, b)]
    dense = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in candidates], methods=[method],
                        l3_exponent=alpha, endpoint_exponent=beta)
    dense = dense[dense[method] > 0].sort_values(method, ascending=False, kind="mergesort")
    top = top_pairs(data, 15, method=method, block=block, l3_exponent=alpha,
                    endpoint_exponent=beta)
    cut = top["score"].iloc[-1]
    np.testing.assert_allclose(top["score"], dense[method].iloc[:15], atol=1e-12)
    above = dense[dense[method] > cut + 1e-12]  # pairs strictly above the cut are all there
    chosen = set(zip(top["source"], top["target"]))
    assert set(zip(above["source"], above["target"])) <= chosen
    assert not any(G.has_edge(int(a[1:]), int(b[1:])) for a, b in chosen)


def test_top_pairs_restricted_to_genes_and_bad_k(graph):
    from graphgen.links import top_pairs

    _, data = graph
    top = top_pairs(data, 5, genes=["P3"])
    assert ((top["source"] == "P3") | (top["target"] == "P3")).all()
    with pytest.raises(ConfigError, match="fewer than k=100000"):
        top_pairs(data, 100000)
    with pytest.raises(ConfigError, match="method must be one of"):
        top_pairs(data, 5, method="jaccard")


@pytest.fixture(scope="module")
def regulation():
    G = nx.gnm_random_graph(40, 140, seed=5, directed=True)
    edges = torch.tensor(list(G.edges)).T
    data = Data(edge_index=edges, num_nodes=40, node_ids=[f"P{i}" for i in range(40)])
    return G, data


def test_ordered_scores_follow_the_stored_directions(regulation):
    """Ordered pairs on a directed graph equal a brute-force walk of a -> w -> b and
    a -> u <- v -> b, and differ between a -> b and b -> a."""
    G, data = regulation
    out_deg, in_deg = dict(G.out_degree), dict(G.in_degree)
    partners = {g: len(set(G.successors(g)) | set(G.predecessors(g))) for g in G}
    pairs = [(a, b) for a in range(40) for b in range(40) if a != b][::9]

    def expected(a, b, alpha=0.75, beta=0.25):
        middle = [w for w in G.successors(a) if G.has_edge(w, b)]
        l3 = sum((in_deg[u] * out_deg[v]) ** -alpha for u in G.successors(a)
                 for v in G.predecessors(u) if G.has_edge(v, b))
        ends = ((out_deg[a] * in_deg[b]) ** -beta) if out_deg[a] and in_deg[b] else 0.0
        union = len(set(G.successors(a)) | set(G.predecessors(b)))
        return {"common_neighbours": len(middle) * ends,
                "resource_allocation": sum(1 / partners[w] for w in middle) * ends,
                "jaccard": (len(middle) / union if union else 0.0) * ends,
                "preferential_attachment": out_deg[a] * in_deg[b] * ends,
                "l3": l3 * ends}

    methods = ["common_neighbours", "resource_allocation", "jaccard",
               "preferential_attachment", "l3"]
    scores = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in pairs], methods=methods,
                         l3_exponent=0.75, endpoint_exponent=0.25, ordered=True)
    truth = pd.DataFrame([expected(a, b) for a, b in pairs])
    for method in methods:
        np.testing.assert_allclose(scores[method], truth[method], atol=1e-12, err_msg=method)
    forward = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in pairs], methods=["l3"],
                          ordered=True)["l3"]
    backward = pair_scores(data, [(f"P{b}", f"P{a}") for a, b in pairs], methods=["l3"],
                           ordered=True)["l3"]
    assert not np.allclose(forward, backward)  # the direction matters


@pytest.mark.parametrize("method", ["common_neighbours", "l3"])
def test_ordered_top_pairs_equal_a_dense_argsort_over_ordered_non_edges(regulation, method):
    from graphgen.links import top_pairs

    G, data = regulation
    candidates = [(a, b) for a in range(40) for b in range(40)
                  if a != b and not G.has_edge(a, b)]
    dense = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in candidates], methods=[method],
                        ordered=True)
    dense = dense[dense[method] > 0].sort_values(method, ascending=False, kind="mergesort")
    top = top_pairs(data, 12, method=method, block=7, ordered=True)
    np.testing.assert_allclose(top["score"], dense[method].iloc[:12], atol=1e-12)
    cut = top["score"].iloc[-1]
    above = dense[dense[method] > cut + 1e-12]
    chosen = set(zip(top["source"], top["target"]))
    assert set(zip(above["source"], above["target"])) <= chosen
    assert not any(G.has_edge(int(a[1:]), int(b[1:])) for a, b in chosen)


@pytest.mark.parametrize("method", ["common_neighbours", "adamic_adar", "resource_allocation",
                                    "l3"])
@pytest.mark.parametrize("ordered", [False, True])
def test_pair_paths_sum_to_the_score_and_name_real_paths(graph, regulation, method, ordered):
    from graphgen.links.heuristics import pair_paths

    G, data = regulation if ordered else graph
    pairs = [(a, b) for a in range(40) for b in range(40) if a != b][::13]
    options = {"l3_exponent": 0.75, "endpoint_exponent": 0.25, "ordered": ordered}
    scores = pair_scores(data, [(f"P{a}", f"P{b}") for a, b in pairs], methods=[method],
                         **options)[method]
    explained = 0
    for (a, b), score in zip(pairs, scores):
        paths = pair_paths(data, f"P{a}", f"P{b}", method=method, **options)
        assert paths["contribution"].sum() == pytest.approx(score, abs=1e-12)
        assert paths["contribution"].is_monotonic_decreasing
        for path in paths["path"]:  # every step is an edge, in its stored direction
            tokens = path.split(" ")
            genes, arrows = [int(g[1:]) for g in tokens[::2]], tokens[1::2]
            assert genes[0] == a and genes[-1] == b
            for x, y, arrow in zip(genes, genes[1:], arrows):
                assert G.has_edge(y, x) if arrow == "<-" else G.has_edge(x, y)
        explained += len(paths) > 0
    assert explained > 3
