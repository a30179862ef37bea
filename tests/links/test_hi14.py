"""HI-II-14 under Kovács et al.'s protocol: paths of three beat shared neighbours."""

import numpy as np
import pytest

import graphgen
from graphgen.io import EdgeListFormat
from graphgen.links import candidate_metrics, edge_split
from graphgen.links.heuristics import candidate_blocks


@pytest.mark.slow
def test_l3_recovers_hidden_pairs_far_better_than_common_neighbours(shared_data):
    data = graphgen.load_ppi(shared_data / "ppi_human_hi14" / "hi_ii_14.tsv.gz",
                             format=EdgeListFormat(source="symbol1", target="symbol2"))
    split = edge_split(data, val_size=0.0, test_size=0.5, negatives=0.0, seed=0)
    n = data.num_nodes

    def index(r, c):
        return r * n - r * (r + 1) // 2 + (c - r - 1)

    hidden = np.zeros(n * (n - 1) // 2, dtype=bool)
    held = np.sort(split.test, axis=1)
    hidden[index(held[:, 0], held[:, 1])] = True
    candidate = np.ones_like(hidden)
    known = np.sort(split.train, axis=1)
    candidate[index(known[:, 0], known[:, 1])] = False
    precision = {}
    for method in ("l3", "common_neighbours"):
        scores = np.zeros(len(hidden))
        for r, c, v in candidate_blocks(split.train_graph, method):
            scores[index(r, c)] = v
        precision[method] = candidate_metrics(scores[candidate], hidden[candidate],
                                              ks=(500,))
    assert precision["l3"]["precision_at_500"] > 3 * precision["common_neighbours"][
        "precision_at_500"]
    assert precision["l3"]["precision_at_recall"] > 0.25
    assert precision["common_neighbours"]["precision_at_recall"] < 0.02
