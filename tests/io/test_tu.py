"""TU dataset reader: real PROTEINS counts and line-level errors on malformed files."""

import gzip

import numpy as np
import pytest
import torch

from graphgen.exceptions import DataFormatError
from graphgen.io.tu import read_tu


def _write(folder, name="T", a="1, 2\n2, 1\n3, 4\n4, 3\n4, 5\n5, 4\n",
           indicator="1\n1\n2\n2\n2\n", labels="1\n-1\n", node_labels="0\n1\n0\n2\n1\n"):
    for part, text in (("A", a), ("graph_indicator", indicator), ("graph_labels", labels),
                       ("node_labels", node_labels)):
        if text is not None:
            (folder / f"{name}_{part}.txt").write_text(text)
    return folder


def test_small_dataset_graphs(tmp_path):
    data = read_tu(_write(tmp_path))
    assert len(data) == 2 and data.num_nodes == 5 and data.name == "T"
    first, second = data.graphs
    assert first.edge_index.tolist() == [[0, 1], [1, 0]]
    assert second.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert list(data.classes) == [-1, 1]
    assert first.y.item() == 1 and second.y.item() == 0
    assert first.x.tolist() == [[1, 0, 0], [0, 1, 0]]  # one-hot node labels


@pytest.mark.parametrize("kwargs, message", [
    ({"indicator": "1\n1\nx\n2\n2\n"}, "line 3"),
    ({"indicator": "1\n2\n1\n2\n2\n"}, "line 3: graph ids must run"),
    ({"indicator": "1\n1\n3\n3\n3\n"}, "graph ids must run 1..2"),
    ({"a": "1, 2\n2, 9\n"}, "line 2: node id outside 1..5"),
    ({"a": "1, 2\n2, 3\n"}, "line 2: the edge joins graphs 1 and 2"),
    ({"node_labels": "0\n1\n0\n"}, "3 lines, but T_graph_indicator.txt lists 5 nodes"),
    ({"labels": None}, "no T_graph_labels.txt"),
    ({"a": "1, 2.5\n"}, "must hold whole numbers"),
])
def test_malformed_files_named_with_line(tmp_path, kwargs, message):
    with pytest.raises(DataFormatError, match=message):
        read_tu(_write(tmp_path, **kwargs))


@pytest.mark.slow
def test_real_proteins(shared_data):
    data = read_tu(shared_data / "tu_proteins", "PROTEINS")
    assert len(data) == 1113 and data.num_nodes == 43471
    assert sum(g.edge_index.shape[1] for g in data.graphs) == 162088
    assert list(data.classes) == [1, 2]
    assert np.bincount([g.y.item() for g in data.graphs]).tolist() == [663, 450]
    assert data.graphs[0].x.shape[1] == 3  # one-hot of the 3 node labels
    with_attributes = read_tu(shared_data / "tu_proteins", node_attributes=True)
    assert with_attributes.graphs[0].x.shape[1] == 4
    assert torch.equal(with_attributes.graphs[5].x[:, :3], data.graphs[5].x)
    with gzip.open(shared_data / "tu_proteins" / "PROTEINS_node_attributes.txt.gz", "rt") as f:
        assert float(f.readline()) == with_attributes.graphs[0].x[0, 3].item()


def test_a_second_file_keeps_the_first_files_label_columns_and_classes(tmp_path):
    (tmp_path / "train").mkdir()
    train = read_tu(_write(tmp_path / "train"))
    assert train.node_label_values.tolist() == [0, 1, 2]
    # a test file whose nodes carry labels 1 and 2 only, and whose graphs are all class 1
    (tmp_path / "test").mkdir()
    folder = _write(tmp_path / "test", node_labels="1\n2\n1\n2\n2\n", labels="1\n1\n")
    alone = read_tu(folder)  # on its own, label 1 takes column 0: the first file's label 0
    assert alone.graphs[0].x.tolist()[0] == [1, 0] and alone.graphs[0].y.item() == 0
    aligned = read_tu(folder, node_label_values=train.node_label_values,
                      classes=train.classes)
    assert aligned.graphs[0].x.tolist() == [[0, 1, 0], [0, 0, 1]]  # label 1, label 2
    assert [g.y.item() for g in aligned.graphs] == [1, 1]  # class 1 of [-1, 1]
    with pytest.raises(DataFormatError, match=r"T_node_labels.txt, line 1: node label 1 is "
                                              r"not one of the values given \[0\]"):
        read_tu(folder, node_label_values=[0])
    with pytest.raises(DataFormatError, match="line 1: graph class 1 is not one of"):
        read_tu(folder, classes=[-1, 0])
