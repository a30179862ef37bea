"""Topology feature block: degree, clustering, PageRank, core number, computed sparsely."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.nodes import node_index

__all__ = ["TOPOLOGY_FEATURES", "append_topology", "topology_features"]

#: Every feature :func:`topology` can compute.
TOPOLOGY_FEATURES = ("degree", "log_degree", "in_degree", "out_degree", "weighted_degree",
                     "clustering", "pagerank", "core_number", "neighbour_degree")
_DEFAULT = ("log_degree", "weighted_degree", "clustering", "pagerank", "core_number",
            "neighbour_degree")


def topology_features(
    data: Data, *, features: Sequence[str] = _DEFAULT, damping: float = 0.85,
    scale: Literal["standard", "none"] = "standard",
) -> pd.DataFrame:
    """Structural features of every node, from sparse matrix operations.

    Features (the graph is taken as undirected except for ``in_degree``, ``out_degree`` and
    ``pagerank``, which follow edge directions):

    * ``degree``, ``log_degree`` (``log(1 + degree)``), ``in_degree``, ``out_degree``;
    * ``weighted_degree``: sum of ``edge_weight`` (degree if the graph has none);
    * ``clustering``: local clustering coefficient, triangles / possible triangles;
    * ``pagerank``: PageRank with ``damping``, scaled by the number of nodes (mean 1);
    * ``core_number``: largest k such that the node is in the k-core (networkx);
    * ``neighbour_degree``: mean ``log_degree`` of the neighbours.

    Args:
        data: graph with ``node_ids``.
        features: which features, in this order.
        damping: PageRank damping factor in (0, 1).
        scale: ``"standard"`` (default) centres every column and divides it by its standard
            deviation over the graph's nodes, so that hub-sized values (a weighted degree of
            hundreds) do not swamp the other features; ``"none"`` keeps raw values. Scaling
            uses no labels, so it cannot leak them.

    Returns:
        ``DataFrame`` (float32) indexed by gene id, one column per feature.

    Raises:
        ConfigError: an unknown feature name, damping outside (0, 1).

    Example:
        >>> import torch
        >>> tri = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 0, 2], [1, 0, 2, 1, 0, 2, 3]]),
        ...            num_nodes=4, node_ids=["A", "B", "C", "D"])
        >>> block = topology_features(tri, features=["degree", "clustering"], scale="none")
        >>> block.loc["C"].tolist()
        [3.0, 0.3333333432674408]
    """
    unknown = [f for f in features if f not in TOPOLOGY_FEATURES]
    if unknown or not features:
        raise ConfigError(f"topology_features: unknown feature(s) {unknown}; choose from "
                          f"{list(TOPOLOGY_FEATURES)}")
    if not 0 < damping < 1:
        raise ConfigError(f"topology_features: damping must be in (0, 1), got {damping}")
    if scale not in ("standard", "none"):
        raise ConfigError(f"topology_features: scale must be 'standard' or 'none', got {scale!r}")
    index = node_index(data)
    n = len(index)
    if not n:
        raise DataFormatError("topology_features: the graph has no node")
    src, dst = data.edge_index.numpy()
    weight = getattr(data, "edge_weight", None)
    w = np.ones(len(src)) if weight is None else weight.numpy().astype(np.float64)
    directed = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    directed.data[:] = 1.0
    loops = src == dst
    sym = ((directed + directed.T) > 0).astype(np.float64).tocsr()
    sym.setdiag(0)
    sym.eliminate_zeros()
    degree = np.asarray(sym.sum(axis=1)).ravel()
    columns: dict[str, np.ndarray] = {}
    for name in features:
        if name == "degree":
            columns[name] = degree
        elif name == "log_degree":
            columns[name] = np.log1p(degree)
        elif name == "in_degree":
            columns[name] = np.bincount(dst[~loops], minlength=n).astype(np.float64)
        elif name == "out_degree":
            columns[name] = np.bincount(src[~loops], minlength=n).astype(np.float64)
        elif name == "weighted_degree":
            wsym = sp.csr_matrix((w[~loops], (src[~loops], dst[~loops])), shape=(n, n))
            wsym = wsym.maximum(wsym.T)
            columns[name] = np.asarray(wsym.sum(axis=1)).ravel()
        elif name == "clustering":
            triangles = np.asarray((sym @ sym).multiply(sym).sum(axis=1)).ravel() / 2.0
            possible = degree * (degree - 1) / 2.0
            columns[name] = np.divide(triangles, possible, out=np.zeros(n), where=possible > 0)
        elif name == "pagerank":
            columns[name] = _pagerank(directed, damping) * n
        elif name == "core_number":
            graph = nx.from_scipy_sparse_array(sym)
            core = nx.core_number(graph)
            columns[name] = np.array([core[i] for i in range(n)], dtype=np.float64)
        elif name == "neighbour_degree":
            total = sym @ np.log1p(degree)
            columns[name] = np.divide(total, degree, out=np.zeros(n), where=degree > 0)
    frame = pd.DataFrame(columns, index=index)[list(features)]
    if scale == "standard" and n > 1:
        sd = frame.std(ddof=0).replace(0.0, 1.0)
        frame = (frame - frame.mean()) / sd
    return frame.astype(np.float32)


def append_topology(graphs: Sequence[Data], features: Sequence[str]) -> list[Data]:
    """Copies of ``graphs`` (a set of small graphs: proteins, molecules) with the raw
    :func:`topology` features of each node appended to its ``x``.

    Values are not standardised within a graph (``scale="none"``), so graphs stay comparable:
    a readout over ``log_degree`` then counts edges, over ``clustering`` triangles.

    Raises:
        ConfigError: an unknown feature.
        DataFormatError: a graph without ``x``.

    Example:
        >>> import torch
        >>> tri = Data(x=torch.ones(3, 1), edge_index=torch.tensor([[0, 1, 2, 1, 2, 0],
        ...                                                        [1, 2, 0, 0, 1, 2]]))
        >>> append_topology([tri], ["degree", "clustering"])[0].x[0].tolist()
        [1.0, 2.0, 1.0]
    """
    out = []
    for position, graph in enumerate(graphs):
        if getattr(graph, "x", None) is None:
            raise DataFormatError(f"append_topology: graph {position} has no node features x")
        named = Data(edge_index=graph.edge_index, num_nodes=graph.num_nodes,
                     node_ids=list(range(graph.num_nodes)))
        extra = topology_features(named, features=features, scale="none").to_numpy()
        copy = graph.clone()
        copy.x = torch.cat([graph.x, torch.from_numpy(extra).to(graph.x.dtype)], dim=1)
        out.append(copy)
    return out


def _pagerank(adjacency: sp.csr_matrix, damping: float, tol: float = 1e-10,
              max_iter: int = 200) -> np.ndarray:
    """Power iteration; dangling nodes spread their rank uniformly."""
    n = adjacency.shape[0]
    if n == 0:
        return np.zeros(0)
    out = np.asarray(adjacency.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    transition = sp.diags(inv) @ adjacency  # row-stochastic
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (transition.T @ rank + rank[dangling].sum() / n) + (1 - damping) / n
        if np.abs(new - rank).sum() < tol:
            return new
        rank = new
    return rank
