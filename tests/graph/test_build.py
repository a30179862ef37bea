"""edges_to_data: node order, duplicate merging, sign rule, self-loops."""

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.graph.build import edges_to_data


def test_undirected_merge_keeps_max_weight_and_sums_evidence():
    edges = pd.DataFrame({"source": ["B", "A", "A", "C", "C"], "target": ["A", "B", "C", "C", "A"],
                          "weight": [0.2, 0.9, 0.4, 1.0, 0.1], "evidence": [1, 2, 1, 5, 3]})
    g = edges_to_data(edges, directed=False)
    assert g.node_ids == ["A", "B", "C"]
    assert g.edge_index.tolist() == [[0, 0, 1, 2], [1, 2, 0, 0]]
    assert np.allclose(g.edge_weight.numpy(), [0.9, 0.4, 0.9, 0.4])
    assert g.edge_evidence.tolist() == [3, 4, 3, 4]
    assert g.load_report == {"source": "edge table", "lines": 5, "self_loops_dropped": 1,
                             "duplicates_merged": 2, "nodes": 3, "edges": 2, "directed": False}


def test_directed_sign_rule():
    edges = pd.DataFrame({
        "source": ["T", "T", "T", "T", "T", "T", "U"],
        "target": ["a", "a", "b", "b", "c", "d", "a"],
        "sign": [1, 0, 1, -1, 0, -1, -1],
    })
    g = edges_to_data(edges, directed=True)
    ids = g.node_ids
    signs = {(ids[s], ids[t]): v
             for (s, t), v in zip(g.edge_index.T.tolist(), g.edge_sign.tolist())}
    # activation + unknown -> +1; activation + repression -> 0; unknown only -> 0
    assert signs == {("T", "a"): 1, ("T", "b"): 0, ("T", "c"): 0, ("T", "d"): -1, ("U", "a"): -1}


def test_line_order_does_not_change_the_graph():
    rng = np.random.default_rng(0)
    edges = pd.DataFrame({"source": rng.choice(list("ABCDEFG"), 50),
                          "target": rng.choice(list("ABCDEFG"), 50),
                          "weight": rng.random(50)})
    a = edges_to_data(edges, directed=False)
    b = edges_to_data(edges.sample(frac=1, random_state=1), directed=False)
    assert a.node_ids == b.node_ids
    assert a.edge_index.equal(b.edge_index) and a.edge_weight.equal(b.edge_weight)


def test_isolated_nodes_and_bad_weights():
    edges = pd.DataFrame({"source": ["A"], "target": ["B"], "weight": [1.0]})
    assert edges_to_data(edges, directed=False, nodes=["Z"]).node_ids == ["A", "B", "Z"]
    edges.loc[0, "weight"] = np.nan
    with pytest.raises(DataFormatError, match="weight is missing"):
        edges_to_data(edges, directed=False)
    with pytest.raises(DataFormatError, match="lacks column"):
        edges_to_data(pd.DataFrame({"a": [1]}), directed=True)
