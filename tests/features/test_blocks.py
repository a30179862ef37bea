import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

from graphgen import DataFormatError, IdMappingError, stack_blocks


@pytest.fixture
def graph():
    return Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=3, node_ids=["A", "B", "C"])


def test_blocks_are_aligned_and_recorded(graph):
    expr = pd.DataFrame({"s1": [3.0, 1.0, 2.0], "s2": [30.0, 10.0, 20.0]}, index=["C", "A", "B"])
    topo = pd.DataFrame({"degree": [1, 1, 0]}, index=["A", "B", "C"])
    out = stack_blocks(graph, {"expression": expr, "topology": topo})
    assert out.x.tolist() == [[1, 10, 1], [2, 20, 1], [3, 30, 0]]
    assert out.x.dtype == torch.float32
    assert out.feature_blocks == {"expression": (0, 2), "topology": (2, 3)}
    assert out.feature_names == ["expression:s1", "expression:s2", "topology:degree"]
    assert getattr(graph, "x", None) is None  # the input graph is not changed


def test_missing_genes_are_named(graph):
    with pytest.raises(IdMappingError, match=r"no row for 1 of 3 graph genes.*'C'"):
        stack_blocks(graph, {"expression": pd.DataFrame({"s": [1.0, 2.0]}, index=["A", "B"])})


def test_bad_values_are_named(graph):
    frame = pd.DataFrame({"s": [1.0, np.nan, 2.0]}, index=["A", "B", "C"])
    with pytest.raises(DataFormatError, match="gene 'B', column 's'"):
        stack_blocks(graph, {"expression": frame})
    text = pd.DataFrame({"s": ["x", "y", "z"]}, index=["A", "B", "C"])
    with pytest.raises(DataFormatError, match="not numeric"):
        stack_blocks(graph, {"expression": text})
    with pytest.raises(DataFormatError, match="at least one"):
        stack_blocks(graph, {})


def test_empty_blocks_and_graphs_refused(graph):
    with pytest.raises(DataFormatError, match="'go' has no column"):
        stack_blocks(graph, {"go": pd.DataFrame(index=["A", "B", "C"])})
    with pytest.raises(DataFormatError, match="expected a genes x features DataFrame"):
        stack_blocks(graph, {"expression": np.ones((3, 2))})
    empty = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=0, node_ids=[])
    with pytest.raises(DataFormatError, match="no node"):
        stack_blocks(empty, {"x": pd.DataFrame({"a": []})})
    from graphgen.features import topology_features

    with pytest.raises(DataFormatError, match="no node"):
        topology_features(empty)


def test_the_builders_old_names_warn_and_give_the_new_functions():
    import graphgen.features as features

    for old, new in (("expression", "expression_features"), ("go", "go_features"),
                     ("sequence", "sequence_features"), ("topology", "topology_features")):
        with pytest.warns(FutureWarning, match=rf"graphgen.features.{old} is renamed "
                                               rf"graphgen.features.{new}; the old name goes "
                                               r"in version 0.4"):
            assert getattr(features, old) is getattr(features, new)
    with pytest.raises(AttributeError, match="has no attribute 'expresion'"):
        features.expresion  # noqa: B018
