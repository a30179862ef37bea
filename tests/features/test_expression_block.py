"""Expression feature block: alignment, scaling, missing genes, NaN policy."""

import logging

import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError, IdMappingError
from graphgen.features import expression_features

GRAPH = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=3,
             node_ids=["A", "B", "C"])
MATRIX = pd.DataFrame({"A": [1.0, 3.0, 5.0], "B": [2.0, 2.0, 2.0], "Z": [9.0, 9.0, 9.0]},
                      index=["s1", "s2", "s3"])


def test_features_scaling_and_report(caplog):
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        block = expression_features(GRAPH, MATRIX)
    assert list(block.index) == ["A", "B", "C"] and list(block.columns) == ["s1", "s2", "s3"]
    measured = block.loc[["A", "B"]].to_numpy()
    assert np.allclose(measured.mean(axis=0), 0) and np.allclose(measured.std(axis=0), 1)
    assert block.loc["C"].tolist() == [0.0, 0.0, 0.0]
    assert block.attrs == {"missing_genes": ["C"], "unused_genes": ["Z"]}
    assert "1 of 3 graph genes have no values" in caplog.text


def test_gene_scaling_and_mean_fill():
    block = expression_features(GRAPH, MATRIX, scale="genes", missing="mean")
    assert block.loc["A"].tolist() == pytest.approx([-1.2247449, 0.0, 1.2247449])
    assert block.loc["B"].tolist() == [0.0, 0.0, 0.0]
    assert block.loc["C"].tolist() == pytest.approx(block.loc[["A", "B"]].mean().tolist())


def test_errors():
    with pytest.raises(IdMappingError, match="'C'"):
        expression_features(GRAPH, MATRIX, missing="error")
    holey = MATRIX.copy()
    holey.iloc[1, 0] = np.nan
    with pytest.raises(DataFormatError, match="gene 'A', sample 's2'"):
        expression_features(GRAPH, holey)
    imputed = expression_features(GRAPH, holey, scale="none", nan="mean")
    assert imputed.loc["A", "s2"] == 3.0
    with pytest.raises(DataFormatError, match="none of the 3 matrix genes"):
        expression_features(GRAPH, MATRIX.rename(columns=str.lower))
    with pytest.raises(DataFormatError, match="log1p needs values >= 0"):
        expression_features(GRAPH, -MATRIX, log1p=True)
