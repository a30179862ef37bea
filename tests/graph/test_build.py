"""edges_to_data: node order, duplicate merging, sign rule, self-loops."""

import numpy as np
import pandas as pd
import pytest
import torch

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


def _reference(edges: pd.DataFrame, directed: bool, nodes=()) -> dict:
    """The merge rules of edges_to_data written plainly with pandas, pair by pair."""
    table = edges.assign(source=edges["source"].astype(str).str.strip(),
                         target=edges["target"].astype(str).str.strip())
    ids = sorted(set(table["source"]) | set(table["target"]) | {str(n) for n in nodes} - {""})
    table = table[table["source"] != table["target"]]
    if not directed:
        lo = np.minimum(table["source"], table["target"])
        hi = np.maximum(table["source"], table["target"])
        table = table.assign(source=lo, target=hi)
    merged = {}
    for (s, t), group in table.groupby(["source", "target"]):
        row = {}
        if "weight" in group:
            row["weight"] = group["weight"].max()
        if "evidence" in group:
            row["evidence"] = int(group["evidence"].sum())
        if "sign" in group:
            pos, neg = (group["sign"] > 0).any(), (group["sign"] < 0).any()
            row["sign"] = int(pos) - int(neg)
        merged[(s, t)] = row
        if not directed:
            merged[(t, s)] = row
    return {"ids": ids, "edges": dict(sorted(merged.items(), key=lambda kv: (
        ids.index(kv[0][0]), ids.index(kv[0][1]))))}


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_every_merge_rule_matches_a_plain_pandas_reference(directed, seed):
    rng = np.random.default_rng(seed)
    n_lines = int(rng.integers(1, 120))
    names = [f"g{i}" for i in range(int(rng.integers(2, 15)))] + [" g1", "g2 "]
    edges = pd.DataFrame({"source": rng.choice(names, n_lines),
                          "target": rng.choice(names, n_lines),
                          "weight": rng.random(n_lines).round(2),
                          "sign": rng.choice([-1, 0, 1], n_lines),
                          "evidence": rng.integers(0, 5, n_lines)})
    g = edges_to_data(edges, directed=directed, nodes=["zz", ""])
    ref = _reference(edges, directed, nodes=["zz"])
    assert g.node_ids == ref["ids"] and g.num_nodes == len(ref["ids"])
    pairs = [(g.node_ids[s], g.node_ids[t]) for s, t in g.edge_index.T.tolist()]
    assert pairs == list(ref["edges"])
    assert g.edge_weight.dtype == torch.float32 and g.edge_evidence.dtype == torch.int64
    assert g.edge_weight.tolist() == pytest.approx([r["weight"] for r in ref["edges"].values()])
    assert g.edge_evidence.tolist() == [r["evidence"] for r in ref["edges"].values()]
    assert g.edge_sign.tolist() == [r["sign"] for r in ref["edges"].values()]
    n_loops = int((edges["source"].str.strip() == edges["target"].str.strip()).sum())
    n_pairs = len(ref["edges"]) // (1 if directed else 2)
    assert g.load_report == {"source": "edge table", "lines": n_lines,
                             "self_loops_dropped": n_loops,
                             "duplicates_merged": n_lines - n_loops - n_pairs,
                             "nodes": len(ref["ids"]), "edges": n_pairs, "directed": directed}


@pytest.mark.parametrize("directed", [False, True])
def test_pair_keys_do_not_overflow_past_46341_nodes(directed):
    # n * n passes 2**31 at 46,341 nodes: the pair key must widen to int64 there
    many = [f"n{i:05d}" for i in range(50_000)]
    edges = pd.DataFrame({"source": ["n49999", "n49998", "n00001"],
                          "target": ["n49998", "n00000", "n49999"]})
    g = edges_to_data(edges, directed=directed, nodes=many)
    got = {(g.node_ids[s], g.node_ids[t]) for s, t in g.edge_index.T.tolist()}
    want = set(zip(edges["source"], edges["target"]))
    if not directed:
        want |= {(t, s) for s, t in want}
    assert got == want and g.num_nodes == 50_000


def test_an_edgeless_table_gives_the_listed_nodes():
    empty = pd.DataFrame({"source": pd.Series([], dtype=str), "target": pd.Series([], dtype=str),
                          "weight": pd.Series([], dtype=float)})
    for directed in (False, True):
        g = edges_to_data(empty, directed=directed, nodes=["B", "A"])
        assert g.node_ids == ["A", "B"] and g.edge_index.shape == (2, 0)
        assert g.edge_weight.shape == (0,)
    g = edges_to_data(empty, directed=False)
    assert g.node_ids == [] and g.num_nodes == 0 and g.edge_index.shape == (2, 0)


def test_bad_lines_are_named_and_the_load_is_logged(caplog):
    edges = pd.DataFrame({"source": ["A", None, "C"], "target": ["B", "C", "A"]},
                         index=pd.Index([3, 4, 5], name="line"))
    with pytest.raises(DataFormatError, match=r"^ppi.tsv, line 4: edge has no source id$"):
        edges_to_data(edges, directed=False, source="ppi.tsv")
    edges = pd.DataFrame({"source": ["A", "C", "C"], "target": ["B", None, "A"]},
                         index=pd.Index([3, 4, 5], name="line"))
    with pytest.raises(DataFormatError, match=r"^ppi.tsv, line 4: edge has no target id$"):
        edges_to_data(edges, directed=False, source="ppi.tsv")
    edges = pd.DataFrame({"source": ["A", "  "], "target": ["B", "A"]})
    with pytest.raises(DataFormatError, match=r"^ppi.tsv: an edge has an empty id$"):
        edges_to_data(edges, directed=False, source="ppi.tsv")
    edges = pd.DataFrame({"source": ["A", "B", "C"], "target": ["B", "C", "A"],
                          "weight": [0.5, 0.7, np.inf]}, index=pd.Index([7, 8, 9], name="line"))
    with pytest.raises(DataFormatError,
                       match=r"^ppi.tsv, line 9: edge weight is missing or not finite$"):
        edges_to_data(edges, directed=False, source="ppi.tsv")
    with pytest.raises(DataFormatError, match=r"^ppi.tsv: edge table lacks column\(s\) "
                                              r"\['target'\]$"):
        edges_to_data(pd.DataFrame({"source": ["A"]}), directed=False, source="ppi.tsv")
    edges = pd.DataFrame({"source": ["A", "A", "B", "C"], "target": ["B", "B", "A", "C"]})
    with caplog.at_level("INFO", logger="graphgen.graph.build"):
        edges_to_data(edges, directed=True, source="ppi.tsv")
        edges_to_data(edges, directed=False, source="ppi.tsv")
    assert caplog.messages == ["ppi.tsv: 4 lines -> 3 nodes, 2 directed edges (1 self-loops "
                               "dropped, 1 duplicate lines merged)",
                               "ppi.tsv: 4 lines -> 3 nodes, 1 undirected edges (1 self-loops "
                               "dropped, 2 duplicate lines merged)"]


def test_integer_and_decimal_weights_are_read_as_numbers():
    edges = pd.DataFrame({"source": ["A", "B", "A"], "target": ["B", "C", "B"],
                          "weight": [3, 1, 7]})
    g = edges_to_data(edges, directed=False)
    assert g.edge_weight.dtype == torch.float32 and g.edge_weight.tolist() == [7, 7, 1, 1]
    edges["weight"] = edges["weight"].astype(object)  # e.g. built row by row
    assert edges_to_data(edges, directed=False).edge_weight.tolist() == [7, 7, 1, 1]


def test_categorical_ids_and_unused_categories():
    # a filtered categorical column keeps its categories: only ids on kept lines are nodes
    source = pd.Categorical(["A", "B"], categories=["A", "B", "X"])
    target = pd.Categorical(["B", "C"], categories=["B", "C", "Y"])
    g = edges_to_data(pd.DataFrame({"source": source, "target": target}), directed=True)
    assert g.node_ids == ["A", "B", "C"]
    assert g.edge_index.tolist() == [[0, 1], [1, 2]]
