"""Parts of a graph: the subgraph over chosen genes, the largest connected component."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import connected_components
from torch_geometric.data import Data

from graphgen.exceptions import IdMappingError
from graphgen.graph.nodes import node_index

__all__ = ["largest_component", "subgraph"]

log = logging.getLogger(__name__)


def subgraph(data: Data, genes: Iterable[str], *, missing: str = "error") -> Data:
    """The graph induced by ``genes``: those nodes and the edges among them.

    Node order follows ``data`` (not ``genes``); node-level attributes (``x``, ``node_ids``)
    and edge-level attributes (``edge_weight``, ``edge_sign``, ...) are sliced alike.
    ``data`` is not changed.

    Args:
        data: graph with ``node_ids``.
        genes: gene ids to keep.
        missing: ``"error"`` (default) raises when a gene is not a node; ``"ignore"`` keeps
            the genes that are nodes and logs how many were not.

    Raises:
        IdMappingError: with ``missing="error"``, genes that are not nodes (named).

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=3,
        ...          node_ids=["A", "B", "C"])
        >>> s = subgraph(g, ["C", "B"])
        >>> s.node_ids, s.edge_index.tolist()
        (['B', 'C'], [[0, 1], [1, 0]])
    """
    if missing not in ("error", "ignore"):
        raise ValueError(f"subgraph: missing must be 'error' or 'ignore', got {missing!r}")
    index = node_index(data)
    wanted = pd.Index(pd.unique(pd.Series([str(g) for g in genes], dtype=object)))
    positions = index.get_indexer(wanted)
    absent = wanted[positions < 0]
    if len(absent):
        if missing == "error":
            raise IdMappingError(
                f"{len(absent)} of {len(wanted)} genes are not nodes of the graph, e.g. "
                f"{absent[:5].tolist()}; pass missing='ignore' to keep the others"
            )
        log.warning("subgraph: %d of %d genes are not nodes of the graph (e.g. %s)",
                    len(absent), len(wanted), absent[:5].tolist())
    keep = np.sort(positions[positions >= 0])
    return data.subgraph(torch.from_numpy(keep))


def largest_component(data: Data) -> Data:
    """The subgraph of the largest connected component (weakly connected if directed).

    Ties between components of equal size go to the one holding the first node in node
    order. ``data`` is not changed.

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.tensor([[0, 1, 2], [1, 0, 3]]), num_nodes=5,
        ...          node_ids=["A", "B", "C", "D", "E"])
        >>> largest_component(g).node_ids
        ['A', 'B']
    """
    n = data.num_nodes
    if n == 0:
        return data.clone()
    src, dst = data.edge_index.numpy()
    adjacency = sp.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, label = connected_components(adjacency, directed=True, connection="weak")
    sizes = np.bincount(label)
    keep = np.flatnonzero(label == np.argmax(sizes))
    if len(keep) < n:
        log.info("largest component: %d of %d nodes kept (%d components)", len(keep), n,
                 len(sizes))
    return data.subgraph(torch.from_numpy(keep))
