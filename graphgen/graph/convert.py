"""Round trips between graphgen graphs (PyG ``Data`` with ``node_ids``) and networkx."""

from __future__ import annotations

import numbers
import os
import re

import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError
from graphgen.graph.nodes import node_index
from graphgen.io.atomic import atomic_write

__all__ = ["from_networkx", "is_undirected", "to_networkx", "write_graphml"]

#: Characters XML 1.0 cannot carry (control characters but tab, newline, carriage return).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_graphml(graph: nx.Graph, path: str | os.PathLike, *, what: str = "write_graphml"
                  ) -> None:
    """Write a networkx graph as GraphML (opens in Cytoscape), atomically.

    Raises:
        DataFormatError: a node id with a character XML cannot carry (a control character),
            named; the file would not parse.
    """
    bad = [str(node) for node in graph.nodes if _XML_INVALID.search(str(node))]
    if bad:
        raise DataFormatError(f"{what}: gene ids {[repr(b) for b in bad[:5]]} hold control "
                              "characters, which GraphML (XML) cannot carry; clean the ids "
                              "where they are read")
    with atomic_write(path, "wb") as handle:
        nx.write_graphml(graph, handle)

#: ``Data`` edge attribute -> networkx edge attribute (others drop their ``edge_`` prefix).
_EDGE_NAMES = {"edge_weight": "weight", "edge_sign": "sign", "edge_evidence": "evidence"}


def is_undirected(data: Data) -> bool:
    """Whether every edge has its reverse with the same edge attributes.

    Example:
        >>> import torch
        >>> is_undirected(Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=2))
        True
    """
    src, dst = data.edge_index.numpy()
    n = max(int(data.num_nodes or 0), 1)
    forward = src.astype(np.int64) * n + dst
    backward = dst.astype(np.int64) * n + src
    order_f, order_b = np.argsort(forward, kind="stable"), np.argsort(backward, kind="stable")
    if not np.array_equal(forward[order_f], backward[order_b]):
        return False
    for key in _edge_attributes(data):
        values = getattr(data, key).numpy()
        if not np.array_equal(values[order_f], values[order_b]):
            return False
    return True


def to_networkx(data: Data, *, directed: bool | None = None, node_attrs: bool = False) -> nx.Graph:
    """A networkx graph whose nodes are the gene ids of ``data``.

    Edge attributes become networkx edge attributes: ``edge_weight`` -> ``weight``,
    ``edge_sign`` -> ``sign``, ``edge_evidence`` -> ``evidence``, any other ``edge_<name>``
    -> ``<name>`` (one value per edge).

    Args:
        data: graph with ``node_ids``.
        directed: return a ``DiGraph``; ``None`` decides by :func:`is_undirected`.
        node_attrs: also copy each row of ``x`` as a node attribute ``x`` (a list).

    Returns:
        ``networkx.Graph`` or ``networkx.DiGraph`` with nodes in node order.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), edge_weight=torch.tensor([.5, .5]),
        ...          num_nodes=3, node_ids=["TP53", "MDM2", "ATM"])
        >>> G = to_networkx(g)
        >>> list(G.nodes), G["TP53"]["MDM2"]["weight"]
        (['TP53', 'MDM2', 'ATM'], 0.5)
    """
    index = node_index(data)
    if directed is None:
        directed = not is_undirected(data)
    graph = nx.DiGraph() if directed else nx.Graph()
    if node_attrs and getattr(data, "x", None) is not None:
        graph.add_nodes_from(zip(index, ({"x": row} for row in data.x.tolist())))
    else:
        graph.add_nodes_from(index)
    src, dst = data.edge_index.numpy()
    keep = np.ones(len(src), dtype=bool) if directed else src <= dst
    names = {key: _EDGE_NAMES.get(key, key.removeprefix("edge_"))
             for key in _edge_attributes(data)}
    columns = {names[k]: getattr(data, k).numpy()[keep].tolist() for k in names}
    ids = np.asarray(index, dtype=object)
    attrs = ({name: values[i] for name, values in columns.items()} for i in range(int(keep.sum())))
    graph.add_edges_from(zip(ids[src[keep]], ids[dst[keep]], attrs))
    return graph


def from_networkx(graph: nx.Graph) -> Data:
    """A graphgen graph from a networkx graph; nodes keep the graph's order.

    Node names become string ``node_ids``. Numeric edge attributes present on every edge
    become edge tensors: ``weight`` -> ``edge_weight`` (float), ``sign`` -> ``edge_sign``
    (int), ``evidence`` -> ``edge_evidence``, any other ``name`` -> ``edge_name``. An
    undirected graph lists each edge in both directions. Self-loops are kept.

    Raises:
        DataFormatError: two nodes with the same string id (e.g. ``1`` and ``"1"``), or an
            edge attribute that is numeric on some edges and not on others.

    Example:
        >>> G = nx.Graph([("TP53", "MDM2", {"weight": 0.9})])
        >>> g = from_networkx(G)
        >>> g.node_ids, g.edge_index.tolist(), g.edge_weight.shape
        (['TP53', 'MDM2'], [[0, 1], [1, 0]], torch.Size([2]))
    """
    ids = [str(n) for n in graph.nodes]
    if len(set(ids)) != len(ids):
        raise DataFormatError("from_networkx: two nodes have the same string id")
    position = {node: i for i, node in enumerate(graph.nodes)}
    edges = list(graph.edges(data=True))
    src = np.fromiter((position[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((position[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
    attributes = _common_numeric_attributes(edges)
    values = {name: np.array([d[name] for _, _, d in edges]) for name in attributes}
    if not graph.is_directed():
        loops = src == dst
        src, dst = (np.concatenate([src, dst[~loops]]), np.concatenate([dst, src[~loops]]))
        values = {k: np.concatenate([v, v[~loops]]) for k, v in values.items()}
    order = np.lexsort((dst, src))
    data = Data(edge_index=torch.from_numpy(np.stack([src[order], dst[order]])),
                num_nodes=len(ids), node_ids=ids)
    reverse = {v: k for k, v in _EDGE_NAMES.items()}
    for name, column in values.items():
        key = reverse.get(name, f"edge_{name}")
        column = column[order]
        tensor = (torch.from_numpy(column.astype(np.float32)) if key == "edge_weight"
                  or column.dtype.kind == "f" else torch.from_numpy(column.astype(np.int64)))
        setattr(data, key, tensor)
    return data


def _edge_attributes(data: Data) -> list[str]:
    n_edges = data.edge_index.shape[1]
    names = data.keys()  # Data is not a dict: iterating it yields (key, value) pairs
    return sorted(key for key in names if key.startswith("edge_") and key != "edge_index"
                  and torch.is_tensor(data[key]) and data[key].dim() == 1
                  and data[key].shape[0] == n_edges)


def _common_numeric_attributes(edges: list) -> list[str]:
    if not edges:
        return []
    names = set(edges[0][2])
    for _, _, attrs in edges:
        names &= set(attrs)
    numeric = []
    for name in sorted(names):
        kinds = {isinstance(d[name], numbers.Number) and not isinstance(d[name], bool)
                 for _, _, d in edges}
        if kinds == {True}:
            numeric.append(name)
        elif True in kinds:
            raise DataFormatError(f"from_networkx: edge attribute {name!r} is numeric on some "
                                  "edges only")
    return numeric
