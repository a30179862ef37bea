"""Label propagation: graph-only scores for binary, multi-class and multi-label tasks."""

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.evaluation.splits import Split
from graphgen.models import LabelPropagation
from graphgen.train.tasks import make_task

# Two triangles joined by one edge: 0-1-2 and 3-4-5, bridge 2-3; node 6 isolated.
PAIRS = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]
EDGES = torch.tensor([[a for a, b in PAIRS] + [b for a, b in PAIRS],
                      [b for a, b in PAIRS] + [a for a, b in PAIRS]])
GRAPH = Data(x=torch.zeros(7, 1), edge_index=EDGES, num_nodes=7,
             node_ids=[f"g{i}" for i in range(7)])
IDS = GRAPH.node_ids


def test_binary_scores_follow_the_communities():
    labels = pd.Series([1, 1, 1, 0, 0, 0, 0], index=IDS)
    split = Split(train=pd.Index(["g0", "g5"]), val=pd.Index(["g1", "g4"]),
                  test=pd.Index(["g2", "g3"]))
    task = make_task(GRAPH, labels, split)
    mask = np.isin(IDS, split.train)
    scores = LabelPropagation().predict(GRAPH, task.target_matrix(), mask)[:, 1]
    assert scores.shape == (7,)
    assert scores[1] > 0.5 > scores[4] and scores[2] > scores[3]
    assert scores[6] == 0.5  # unreachable: training class frequency


def test_multilabel_positive_and_negative_evidence():
    labels = pd.DataFrame({"A": [1, 1, 1, 0, 0, 0, 0], "B": [0, 0, 1, 1, 1, 1, 0]}, index=IDS)
    split = Split(train=pd.Index(["g0", "g5"]), val=pd.Index(["g1", "g4"]),
                  test=pd.Index(["g2", "g3", "g6"]))
    task = make_task(GRAPH, labels, split)
    mask = np.isin(IDS, split.train)
    scores = LabelPropagation().predict(GRAPH, task.target_matrix(), mask, multilabel=True)
    assert scores.shape == (7, 2)
    assert scores[1, 0] > 0.5 > scores[4, 0]
    assert scores[4, 1] > 0.5 > scores[1, 1]
    assert np.allclose(scores[6], [0.5, 0.5])  # isolated: training prevalence


def test_labels_and_mask_only_and_clear_errors():
    import pytest

    from graphgen import DataFormatError

    targets = np.eye(2)[[1, 1, 1, 0, 0, 0, 0]]
    with pytest.raises(DataFormatError, match="no training node"):
        LabelPropagation().predict(GRAPH, targets, np.zeros(7, dtype=bool))
    with pytest.raises(DataFormatError, match="must cover the 7 nodes"):
        LabelPropagation().predict(GRAPH, targets[:5], np.ones(5, dtype=bool))
    # only the training rows are read: other rows may hold anything
    mask = np.array([True, False, False, False, False, True, False])
    noisy = targets.copy()
    noisy[~mask] = 7.0
    assert np.allclose(LabelPropagation().predict(GRAPH, noisy, mask),
                       LabelPropagation().predict(GRAPH, targets, mask))
