"""Read a TUDataset (Morris et al. 2020) from its raw text files into one graph per entry.

A TU dataset ``DS`` is a folder of comma-separated files (plain or gzip, ``.txt`` or
``.txt.gz``), with 1-based node and graph ids:

* ``DS_A.txt``: one directed edge ``node, node`` per line (undirected graphs list both);
* ``DS_graph_indicator.txt``: the graph of every node, one line per node;
* ``DS_graph_labels.txt``: the class of every graph;
* optional ``DS_node_labels.txt`` (one categorical label per node) and
  ``DS_node_attributes.txt`` (comma-separated floats per node).

:func:`read_tu` returns PyG ``Data`` objects with ``x`` = one-hot node labels (plus the node
attributes with ``node_attributes=True``), ``edge_index`` local to the graph, and ``y``.
Every check names the file and the line: an id out of range, an edge between two graphs, a
node count that differs between files, graph ids that are not 1..N in order.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError
from graphgen.io.delimited import first_lines, read_delimited

__all__ = ["TUDataset", "read_tu"]


@dataclass
class TUDataset:
    """The graphs of a TU dataset and what they are.

    Attributes:
        graphs: one ``Data`` per graph (``x``, ``edge_index``, ``y`` as a 1-element tensor,
            ``graph_id`` 1-based as in the files).
        labels: the class of every graph as in the file (``numpy`` array).
        classes: the classes ``y`` is the position in (sorted; given to :func:`read_tu` or
            those of the file).
        name: the dataset name (file prefix).
        node_label_values: the node labels the one-hot columns of ``x`` stand for, in column
            order (empty without a node-label file); pass them to :func:`read_tu` for another
            file of the same dataset, so the same column means the same label.
    """

    graphs: list[Data]
    labels: np.ndarray
    classes: np.ndarray
    name: str
    node_label_values: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, position: int) -> Data:
        """The graph at ``position`` (so scikit-learn's splitters can index the dataset)."""
        return self.graphs[position]

    @property
    def num_nodes(self) -> int:
        """Nodes over all graphs."""
        return int(sum(g.num_nodes for g in self.graphs))


def _file(folder: Path, name: str, part: str, required: bool = True) -> Path | None:
    for suffix in (".txt", ".txt.gz"):
        path = folder / f"{name}_{part}{suffix}"
        if path.exists():
            return path
    if required:
        raise DataFormatError(f"{folder}: no {name}_{part}.txt(.gz); a TU dataset folder holds "
                              f"{name}_A, {name}_graph_indicator and {name}_graph_labels")
    return None


def _integers(path: Path, names: list[str], what: str) -> dict[str, np.ndarray]:
    table = read_delimited(path, what=what, required=names, names=names, sep=",",
                           numeric=names)
    out = {}
    for column in names:
        values = table[column].to_numpy()
        odd = values != np.round(values)
        if odd.any():
            raise DataFormatError(f"{path}, line {int(table.index[np.argmax(odd)])}: {what} "
                                  f"must hold whole numbers, got {values[np.argmax(odd)]!r}")
        out[column] = values.astype(np.int64)
    out["line"] = table.index.to_numpy()
    return out


def read_tu(folder: str | os.PathLike, name: str | None = None, *,
            node_attributes: bool = False, node_label_values: Sequence[int] | None = None,
            classes: Sequence[int] | None = None) -> TUDataset:
    """Read the TU dataset in ``folder``.

    Args:
        folder: the folder of the raw files.
        name: the file prefix (``"PROTEINS"``); ``None`` takes it from the one
            ``*_graph_indicator`` file there.
        node_attributes: append the continuous node attributes to the one-hot node labels.
        node_label_values: the node labels of the one-hot columns, in order (default: those
            in this file, sorted). Give a first file's ``node_label_values`` when reading a
            second one (a test set): otherwise two files with different label sets would
            give the same column to different labels.
        classes: the graph classes ``y`` counts in (default: those in this file, sorted);
            give the training file's ``classes`` for a test file likewise.

    Returns:
        A :class:`TUDataset`.

    Raises:
        DataFormatError: a missing file, a line that is not numbers, an id out of range, an
            edge joining two graphs, files that disagree on the number of nodes or graphs, a
            node label or class outside the values given (the line is named).

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "T_A.txt").write_text("1, 2\\n2, 1\\n3, 4\\n4, 3\\n")
        >>> _ = (d / "T_graph_indicator.txt").write_text("1\\n1\\n2\\n2\\n")
        >>> _ = (d / "T_graph_labels.txt").write_text("0\\n1\\n")
        >>> data = read_tu(d)
        >>> len(data), data.graphs[1].edge_index.tolist(), data.graphs[1].y.tolist()
        (2, [[0, 1], [1, 0]], [1])
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFormatError(f"{folder}: not a folder (a TU dataset is a folder of files)")
    if name is None:
        found = sorted(folder.glob("*_graph_indicator.txt*"))
        if len(found) != 1:
            raise DataFormatError(f"{folder}: expected one *_graph_indicator.txt(.gz) file, "
                                  f"found {[p.name for p in found]}; pass name=")
        name = found[0].name.split("_graph_indicator")[0]
    indicator_path = _file(folder, name, "graph_indicator")
    indicator = _integers(indicator_path, ["graph"], "graph indicator")["graph"]
    n_nodes = len(indicator)
    labels_path = _file(folder, name, "graph_labels")
    labels = _integers(labels_path, ["label"], "graph label")["label"]
    n_graphs = len(labels)
    if indicator.min() != 1 or indicator.max() != n_graphs or (np.diff(indicator) < 0).any() \
            or len(np.unique(indicator)) != n_graphs:
        bad = int(np.argmax(np.diff(indicator) < 0)) + 2 if (np.diff(indicator) < 0).any() \
            else None
        raise DataFormatError(
            f"{indicator_path}" + (f", line {bad}" if bad else "") + ": graph ids must run "
            f"1..{n_graphs} (one per line of {labels_path.name}) in order, every graph with a "
            f"node; found ids {indicator.min()}..{indicator.max()}, "
            f"{len(np.unique(indicator))} distinct")
    edges_path = _file(folder, name, "A")
    edges = _integers(edges_path, ["row", "col"], "edge")
    row, col = edges["row"] - 1, edges["col"] - 1
    out = (row < 0) | (row >= n_nodes) | (col < 0) | (col >= n_nodes)
    if out.any():
        line = int(edges["line"][np.argmax(out)])
        raise DataFormatError(f"{edges_path}, line {line}: node id outside 1..{n_nodes} (the "
                              f"number of lines of {indicator_path.name})")
    graph_of = indicator - 1
    across = graph_of[row] != graph_of[col]
    if across.any():
        line = int(edges["line"][np.argmax(across)])
        raise DataFormatError(f"{edges_path}, line {line}: the edge joins graphs "
                              f"{graph_of[row][np.argmax(across)] + 1} and "
                              f"{graph_of[col][np.argmax(across)] + 1}")
    features = []
    node_labels_path = _file(folder, name, "node_labels", required=False)
    if node_labels_path is not None:
        node_labels = _integers(node_labels_path, ["label"], "node label")["label"]
        _same_count(node_labels_path, len(node_labels), n_nodes, indicator_path)
        values = (np.unique(node_labels) if node_label_values is None
                  else np.asarray(node_label_values, dtype=np.int64))
        position = _positions(values, node_labels, node_labels_path, "node label")
        onehot = np.zeros((n_nodes, len(values)), dtype=np.float32)
        onehot[np.arange(n_nodes), position] = 1.0
        features.append(onehot)
    else:
        values = np.array([], dtype=np.int64)
    if node_attributes:
        attributes_path = _file(folder, name, "node_attributes")
        attributes = _attributes(attributes_path)
        _same_count(attributes_path, len(attributes), n_nodes, indicator_path)
        features.append(attributes)
    x = (np.concatenate(features, axis=1) if features
         else np.ones((n_nodes, 1), dtype=np.float32))
    classes = np.unique(labels) if classes is None else np.asarray(classes, dtype=np.int64)
    y = _positions(classes, labels, labels_path, "graph class")
    starts = np.concatenate([[0], np.flatnonzero(np.diff(graph_of)) + 1, [n_nodes]])
    order = np.argsort(graph_of[row], kind="stable")
    row, col = row[order], col[order]
    edge_starts = np.searchsorted(graph_of[row], np.arange(n_graphs + 1))
    x_all = torch.from_numpy(x)
    graphs = []
    for g in range(n_graphs):
        lo, hi = starts[g], starts[g + 1]
        e_lo, e_hi = edge_starts[g], edge_starts[g + 1]
        edge_index = torch.from_numpy(np.stack([row[e_lo:e_hi] - lo, col[e_lo:e_hi] - lo]))
        graphs.append(Data(x=x_all[lo:hi], edge_index=edge_index, num_nodes=int(hi - lo),
                           y=torch.tensor([int(y[g])]), graph_id=g + 1))
    return TUDataset(graphs=graphs, labels=labels, classes=classes, name=name,
                     node_label_values=values)


def _positions(values: np.ndarray, found: np.ndarray, path: Path, what: str) -> np.ndarray:
    """Positions of ``found`` in the sorted ``values``; an unknown value is named by line."""
    if len(np.unique(values)) != len(values) or (np.diff(values) < 0).any():
        raise DataFormatError(f"{what} values must be distinct and sorted, got "
                              f"{values.tolist()[:10]}")
    position = np.searchsorted(values, found)
    unknown = (position >= len(values)) | (values[np.minimum(position, len(values) - 1)]
                                           != found)
    if unknown.any():
        line = int(np.argmax(unknown)) + 1
        raise DataFormatError(f"{path}, line {line}: {what} {int(found[line - 1])} is not one "
                              f"of the values given {values.tolist()[:10]}")
    return position


def _same_count(path: Path, count: int, n_nodes: int, indicator: Path) -> None:
    if count != n_nodes:
        raise DataFormatError(f"{path}: {count} lines, but {indicator.name} lists {n_nodes} "
                              "nodes (one line per node in both)")


def _attributes(path: Path) -> np.ndarray:
    width = len(first_lines(path, 1)[0].split(","))
    names = [f"a{i}" for i in range(width)]
    table = read_delimited(path, what="node attributes", required=names, names=names, sep=",",
                           numeric=names)
    return table[names].to_numpy(dtype=np.float32)
