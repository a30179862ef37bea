"""The TU reader pinned exactly: a whole data set with labels and attributes, edges listed
out of graph order, the name found by itself, and every message whole (written from the
mutation run of docs/mutation.md)."""

import gzip
import re

import numpy as np
import pytest
import torch

from graphgen.exceptions import DataFormatError
from graphgen.io.tu import read_tu


def _whole(message):
    return "^" + re.escape(message) + "$"


def _folder(tmp_path, name="P", **parts):
    texts = {"A": "3, 4\n1, 2\n2, 1\n4, 3\n4, 5\n5, 4\n6, 6\n",
             "graph_indicator": "1\n1\n2\n2\n2\n3\n",
             "graph_labels": "2\n7\n2\n",
             "node_labels": "5\n3\n5\n9\n3\n9\n",
             "node_attributes": "0.5, 1\n1.5, 2\n-1, 0\n2, 2\n3, 3\n4, 4\n"}
    texts.update(parts)
    for part, text in texts.items():
        if text is not None:
            (tmp_path / f"{name}_{part}.txt").write_text(text)
    return tmp_path


def test_a_whole_data_set(tmp_path):
    data = read_tu(_folder(tmp_path), node_attributes=True)  # the name found by itself
    assert data.name == "P" and len(data) == 3 and data.num_nodes == 6
    assert data.classes.tolist() == [2, 7] and data.labels.tolist() == [2, 7, 2]
    assert data.node_label_values.tolist() == [3, 5, 9]
    first, second, third = data.graphs
    # columns: one-hot of labels 3, 5, 9, then the two attributes
    assert first.x.tolist() == [[0, 1, 0, 0.5, 1], [1, 0, 0, 1.5, 2]]
    assert second.x.tolist() == [[0, 1, 0, -1, 0], [0, 0, 1, 2, 2], [1, 0, 0, 3, 3]]
    assert third.x.tolist() == [[0, 0, 1, 4, 4]]
    assert first.x.dtype == torch.float32
    # edges in the file's order within each graph, renumbered from 0 per graph
    assert first.edge_index.tolist() == [[0, 1], [1, 0]]
    assert second.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert third.edge_index.tolist() == [[0], [0]]
    assert [g.y.tolist() for g in data.graphs] == [[0], [1], [0]]
    assert [g.graph_id for g in data.graphs] == [1, 2, 3]
    assert [g.num_nodes for g in data.graphs] == [2, 3, 1]
    plain = read_tu(tmp_path, "P")
    assert plain.graphs[1].x.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]


def test_without_node_labels_every_node_is_one(tmp_path):
    data = read_tu(_folder(tmp_path, node_labels=None))
    assert [g.x.tolist() for g in data.graphs] == [[[1], [1]], [[1], [1], [1]], [[1]]]
    assert data.node_label_values.tolist() == []
    only = read_tu(tmp_path, node_attributes=True)
    assert only.graphs[0].x.tolist() == [[0.5, 1], [1.5, 2]]


def test_gzip_files_and_a_given_name(tmp_path):
    _folder(tmp_path)
    for part in ("A", "graph_indicator"):
        path = tmp_path / f"P_{part}.txt"
        with gzip.open(f"{path}.gz", "wt") as f:
            f.write(path.read_text())
        path.unlink()
    assert len(read_tu(tmp_path, "P")) == 3


def test_messages_whole(tmp_path):
    folder = tmp_path / "missing"
    with pytest.raises(DataFormatError, match=_whole(
            f"{folder}: not a folder (a TU dataset is a folder of files)")):
        read_tu(folder)
    (tmp_path / "two").mkdir()
    two = _folder(tmp_path / "two")
    _folder(two, name="Q")
    with pytest.raises(DataFormatError, match=_whole(
            f"{two}: expected one *_graph_indicator.txt(.gz) file, found "
            "['P_graph_indicator.txt', 'Q_graph_indicator.txt']; pass name=")):
        read_tu(two)
    outside = ("{d}/P_A.txt, line 2: node id outside 1..6 (the number of lines of "
               "P_graph_indicator.txt)")
    ids = ("{{d}}/P_graph_indicator.txt{line}: graph ids must run 1..3 (one per line of "
           "P_graph_labels.txt) in order, every graph with a node; found ids {found}, "
           "{distinct} distinct")
    cases = {
        "order": ({"graph_indicator": "1\n2\n1\n2\n2\n3\n"},
                  ids.format(line=", line 3", found="1..3", distinct=3)),
        "range": ({"graph_indicator": "1\n1\n2\n2\n2\n4\n"},
                  ids.format(line="", found="1..4", distinct=3)),
        "gap": ({"graph_indicator": "1\n1\n3\n3\n3\n3\n"},
                ids.format(line="", found="1..3", distinct=2)),
        "low": ({"graph_indicator": "0\n1\n2\n2\n2\n3\n"},
                ids.format(line="", found="0..3", distinct=4)),
        "outside": ({"A": "1, 2\n2, 7\n"}, outside),
        "zero": ({"A": "1, 2\n0, 1\n"}, outside),
        "across": ({"A": "1, 2\n5, 6\n"}, "{d}/P_A.txt, line 2: the edge joins graphs 2 and 3"),
        "labels": ({"node_labels": "5\n3\n"},
                   "{d}/P_node_labels.txt: 2 lines, but P_graph_indicator.txt lists 6 nodes "
                   "(one line per node in both)"),
        "whole": ({"A": "1, 2\n2, 1.5\n"},
                  "{d}/P_A.txt, line 2: edge must hold whole numbers, got np.float64(1.5)"),
    }
    for case, (parts, message) in cases.items():
        folder = tmp_path / case
        folder.mkdir()
        _folder(folder, **parts)
        with pytest.raises(DataFormatError, match=_whole(message.format(d=folder))):
            read_tu(folder, "P")
    short = tmp_path / "short"
    short.mkdir()
    _folder(short, node_attributes="1, 2\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{short}/P_node_attributes.txt: 1 lines, but P_graph_indicator.txt lists 6 nodes "
            "(one line per node in both)")):
        read_tu(short, node_attributes=True)
    bare = tmp_path / "bare"
    bare.mkdir()
    _folder(bare, graph_labels=None)
    with pytest.raises(DataFormatError, match=_whole(
            f"{bare}: no P_graph_labels.txt(.gz); a TU dataset folder holds P_A, "
            "P_graph_indicator and P_graph_labels")):
        read_tu(bare, "P")
    given = tmp_path / "given"
    given.mkdir()
    _folder(given)
    for values in ([5, 3, 9], [3, 3, 9]):
        with pytest.raises(DataFormatError, match=_whole(
                f"node label values must be distinct and sorted, got {values}")):
            read_tu(given, node_label_values=values)
    with pytest.raises(DataFormatError, match=_whole(
            f"{given}/P_node_labels.txt, line 4: node label 9 is not one of the values given "
            "[3, 5]")):
        read_tu(given, node_label_values=[3, 5])
    with pytest.raises(DataFormatError, match=_whole(
            f"{given}/P_graph_labels.txt, line 2: graph class 7 is not one of the values given "
            "[1, 2, 3]")):
        read_tu(given, classes=[1, 2, 3])
    assert read_tu(given, classes=[2, 5, 7]).graphs[1].y.tolist() == [2]
    assert np.array_equal(read_tu(given, node_label_values=[1, 3, 5, 9]).graphs[2].x[0].numpy(),
                          [0, 0, 0, 1])


@pytest.mark.parametrize(("part", "text", "message"), [
    ("graph_indicator", "1\n1\nx\n2\n2\n3\n",
     "P_graph_indicator.txt, line 3: graph indicator column 'graph' must be a number, got 'x'"),
    ("graph_labels", "2\nseven\n2\n",
     "P_graph_labels.txt, line 2: graph label column 'label' must be a number, got 'seven'"),
    ("node_labels", "5\n3\n5\nC\n3\n9\n",
     "P_node_labels.txt, line 4: node label column 'label' must be a number, got 'C'"),
    ("node_attributes", "0.5, 1\n1.5, 2\n-1, 0\n2, high\n3, 3\n4, 4\n",
     "P_node_attributes.txt, line 4: node attributes column 'a1' must be a number, "
     "got ' high'"),
    # another separator: the line is one field, not two numbers
    ("A", "1\t2\n2\t1\n", "P_A.txt, line 1: edge column 'row' must be a number, got '1\\t2'"),
    ("node_attributes", "0.5;1\n1.5;2\n-1;0\n2;2\n3;3\n4;4\n",
     "P_node_attributes.txt, line 1: node attributes column 'a0' must be a number, "
     "got '0.5;1'"),
    # white space or tabs are no separator either: comma-separated only, as the format says
    ("node_attributes", "0.5 1\n1.5 2\n-1 0\n2 2\n3 3\n4 4\n",
     "P_node_attributes.txt, line 1: node attributes column 'a0' must be a number, "
     "got '0.5 1'"),
    ("node_attributes", "0.5\t1\n1.5\t2\n-1\t0\n2\t2\n3\t3\n4\t4\n",
     "P_node_attributes.txt, line 1: node attributes column 'a0' must be a number, "
     "got '0.5\\t1'"),
])
def test_a_non_number_names_the_file_kind_and_line(tmp_path, part, text, message):
    _folder(tmp_path, **{part: text})
    with pytest.raises(DataFormatError, match=_whole(f"{tmp_path}/{message}")):
        read_tu(tmp_path, "P", node_attributes=True)


def test_an_indicator_names_the_first_id_lower_than_the_one_before(tmp_path):
    # 1, 1 is in order; the first decrease is on line 4, not the repeat on line 2
    _folder(tmp_path, graph_indicator="1\n1\n2\n1\n2\n3\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{tmp_path}/P_graph_indicator.txt, line 4: graph ids must run 1..3 (one per line "
            "of P_graph_labels.txt) in order, every graph with a node; found ids 1..3, "
            "3 distinct")):
        read_tu(tmp_path, "P")


@pytest.mark.parametrize("edges", ["1, 2\n7, 1\n", "1, 2\n2, 7\n", "1, 2\n0, 1\n",
                                   "1, 2\n1, 0\n", "1, 2\n-3, 9\n"])
def test_a_node_id_just_outside_either_column_is_refused(tmp_path, edges):
    _folder(tmp_path, A=edges)
    with pytest.raises(DataFormatError, match=_whole(
            f"{tmp_path}/P_A.txt, line 2: node id outside 1..6 (the number of lines of "
            "P_graph_indicator.txt)")):
        read_tu(tmp_path, "P")


def test_features_without_node_labels_are_float32_ones(tmp_path):
    data = read_tu(_folder(tmp_path, node_labels=None))
    assert all(g.x.dtype == torch.float32 for g in data.graphs)
    assert data.node_label_values.dtype == np.int64


def test_graphs_without_edges_keep_their_size_and_id(tmp_path):
    # graphs 1 and 3 have no edge: their node count and id come from the indicator alone
    data = read_tu(_folder(tmp_path, A="3, 4\n4, 5\n", node_labels=None))
    assert [(g.num_nodes, g.graph_id, g.edge_index.shape[1]) for g in data.graphs] == [
        (2, 1, 0), (3, 2, 2), (1, 3, 0)]
    assert [g.x.shape[0] for g in data.graphs] == [2, 3, 1]


def test_given_values_messages_and_a_label_between_two_values(tmp_path):
    _folder(tmp_path)
    with pytest.raises(DataFormatError, match=_whole(
            f"{tmp_path}/P_node_labels.txt, line 1: node label 5 is not one of the values "
            "given [3, 9]")):
        read_tu(tmp_path, node_label_values=[3, 9])
    many = list(range(10, 22))  # 12 values: the message shows the first ten
    with pytest.raises(DataFormatError, match=_whole(
            f"{tmp_path}/P_node_labels.txt, line 1: node label 5 is not one of the values "
            f"given {many[:10]}")):
        read_tu(tmp_path, node_label_values=many)
    with pytest.raises(DataFormatError, match=_whole(
            f"node label values must be distinct and sorted, got {many[::-1][:10]}")):
        read_tu(tmp_path, node_label_values=many[::-1])


def test_many_edges_out_of_graph_order_keep_the_file_order_within_each_graph(tmp_path):
    # two graphs of 30 nodes, 400 edges listed alternately: NumPy's default (unstable) sort
    # would shuffle the edges of one graph among themselves
    rng = np.random.default_rng(0)
    first = rng.integers(0, 30, size=(200, 2))
    second = rng.integers(0, 30, size=(200, 2))
    lines = []
    for a, b in zip(first, second):
        lines.append(f"{a[0] + 1}, {a[1] + 1}")
        lines.append(f"{b[0] + 31}, {b[1] + 31}")
    (tmp_path / "L_A.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "L_graph_indicator.txt").write_text("1\n" * 30 + "2\n" * 30)
    (tmp_path / "L_graph_labels.txt").write_text("0\n1\n")
    data = read_tu(tmp_path)
    assert data.graphs[0].edge_index.t().tolist() == first.tolist()
    assert data.graphs[1].edge_index.t().tolist() == second.tolist()
