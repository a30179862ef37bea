"""The one top-k selection over score blocks, counted by hand (fast: no fitting)."""

import re

import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

from graphgen import ConfigError, DataFormatError, IdMappingError
from graphgen.links.ranking import (
    best_of_blocks,
    check_k,
    gene_focus,
    pair_positions,
    pairs_table,
)

GRAPH = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=5,
             node_ids=["A", "B", "C", "D", "E"])


def _blocks():
    yield np.array([0, 0, 1]), np.array([2, 3, 4]), np.array([0.5, 0.9, 0.1])
    yield np.array([2, 2]), np.array([3, 4]), np.array([0.7, 0.8])
    yield np.array([3]), np.array([4]), np.array([0.6])


def test_best_of_blocks_equals_a_full_sort():
    for k in range(1, 7):
        rows, cols, scores = best_of_blocks(_blocks(), k)
        every = sorted(zip(*[np.concatenate(p) for p in zip(*_blocks())]),
                       key=lambda t: -t[2])[:k]
        assert list(zip(rows.tolist(), cols.tolist(), scores.tolist())) == [
            (int(r), int(c), float(v)) for r, c, v in every]
    rows, cols, scores = best_of_blocks(_blocks(), 10)  # more than there are: all of them
    assert len(rows) == 6 and rows.dtype == np.int64 and scores.dtype == np.float64


def test_best_of_blocks_equals_a_dense_argsort_on_many_scores():
    rng = np.random.default_rng(0)
    blocks = [(np.full(400, i), np.arange(400) + i + 1, rng.random(400)) for i in range(5)]
    every = np.concatenate([b[2] for b in blocks])
    for k in (1, 2, 10, 57, 399):
        _, _, scores = best_of_blocks(iter(blocks), k)
        np.testing.assert_array_equal(scores, np.sort(every)[::-1][:k])
    assert check_k(1, "top_links") is None  # k = 1 is a list of one


def test_best_of_blocks_keeps_the_kth_best_within_one_block():
    # one block of 6 values whose 3 best are not the first 3: a partition at k - 2 instead
    # of k - 1 could keep a worse third
    block = (np.zeros(6, dtype=np.int64), np.arange(1, 7), np.array([0.1, 0.6, 0.2, 0.5,
                                                                       0.9, 0.4]))
    for seed in range(20):
        order = np.random.default_rng(seed).permutation(6)
        shuffled = tuple(part[order] for part in block)
        _, cols, scores = best_of_blocks([shuffled], 3)
        assert scores.tolist() == [0.9, 0.6, 0.5] and cols.tolist() == [5, 2, 4]


def test_ties_break_by_position_and_focus_keeps_pairs_touching_the_genes():
    blocks = [(np.array([1, 0]), np.array([2, 3]), np.array([1.0, 1.0])),
              (np.array([0]), np.array([2]), np.array([1.0]))]
    rows, cols, _ = best_of_blocks(blocks, 2)
    assert list(zip(rows.tolist(), cols.tolist())) == [(0, 2), (0, 3)]
    focus = gene_focus(GRAPH, ["E"])
    assert focus.tolist() == [False, False, False, False, True]
    rows, cols, _ = best_of_blocks(_blocks(), 5, focus=focus)
    assert sorted(zip(rows.tolist(), cols.tolist())) == [(1, 4), (2, 4), (3, 4)]
    assert gene_focus(GRAPH, None) is None


def test_pairs_table_names_the_pairs():
    table = pairs_table(GRAPH, np.array([0, 2]), np.array([4, 3]), np.array([3, 1]))
    assert table.to_dict("list") == {"source": ["A", "C"], "target": ["E", "D"],
                                     "score": [3.0, 1.0]}
    assert table["score"].dtype == np.float64 and table.index.tolist() == [0, 1]


def test_pair_positions_reads_tuples_and_tables():
    frame, a, b = pair_positions(GRAPH, [("A", "C"), ("E", "B")], what="test")
    assert frame.to_dict("list") == {"source": ["A", "E"], "target": ["C", "B"]}
    assert a.tolist() == [0, 4] and b.tolist() == [2, 1]
    table = pd.DataFrame({"x": ["D"], "y": ["A"], "extra": [1]}, index=[7])
    frame, a, b = pair_positions(GRAPH, table, what="test")
    assert frame.index.tolist() == [0] and a.tolist() == [3] and b.tolist() == [0]
    with pytest.raises(DataFormatError, match=re.escape(
            "test: each pair must hold two gene ids, got 3 columns")):
        pair_positions(GRAPH, [("A", "B", "C")], what="test")
    for pairs in ([("A", "Z")], [("Z", "A")]):  # either end of the pair
        with pytest.raises(IdMappingError, match="^" + re.escape(
                "1 of 1 pair genes are not nodes of the graph, e.g. ['Z']; restrict them to "
                "data.node_ids first") + "$"):
            pair_positions(GRAPH, pairs, what="test")
    with pytest.raises(IdMappingError, match=r"^1 of 2 genes are not nodes of the graph"):
        gene_focus(GRAPH, ["A", "Z"])


@pytest.mark.parametrize("k", [0, -1, 1.5, "3", True])
def test_check_k_names_the_caller(k):
    with pytest.raises(ConfigError, match=r"^top_links: k must be"):
        check_k(k, "top_links")
