"""Node order of a graph: gene ids in ``data.node_ids`` and lookups into it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError, IdMappingError

__all__ = ["node_index", "node_positions"]


def node_index(data: Data) -> pd.Index:
    """``data.node_ids`` as a pandas Index (gene ids in node order).

    Raises:
        DataFormatError: ``data`` has no ``node_ids`` or their number differs from
            ``num_nodes``, or an id repeats.
    """
    ids = getattr(data, "node_ids", None)
    if ids is None:
        raise DataFormatError(
            "graph has no node_ids; build it with a graphgen loader or set data.node_ids to "
            "a list of gene ids in node order"
        )
    index = pd.Index([str(i) for i in ids], name="gene_id")
    if len(index) != data.num_nodes:
        raise DataFormatError(
            f"graph has {len(index)} node_ids but {data.num_nodes} nodes"
        )
    if index.has_duplicates:
        dup = index[index.duplicated()].unique()[:5].tolist()
        raise DataFormatError(f"graph node_ids repeat: {dup}")
    return index


def node_positions(data: Data, genes: Iterable[str], *, what: str = "genes") -> np.ndarray:
    """Positions of ``genes`` in the node order of ``data``.

    Args:
        data: graph with ``node_ids``.
        genes: gene ids to look up.
        what: how to call the ids in an error message (e.g. ``"labelled genes"``).

    Returns:
        ``int64`` array of node positions, in the order of ``genes``.

    Raises:
        IdMappingError: some genes are not nodes of the graph (the message names them).

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=2,
        ...          node_ids=["TP53", "MDM2"])
        >>> node_positions(g, ["MDM2"]).tolist()
        [1]
    """
    index = node_index(data)
    genes = pd.Index(list(genes))
    positions = index.get_indexer(genes)
    missing = genes[positions < 0]
    if len(missing):
        raise IdMappingError(
            f"{len(missing)} of {len(genes)} {what} are not nodes of the graph, e.g. "
            f"{missing[:5].tolist()}; restrict them to data.node_ids first"
        )
    return positions.astype(np.int64)
