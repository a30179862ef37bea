"""Node order of a graph: gene ids in ``data.node_ids`` and lookups into it."""

from __future__ import annotations

import copy
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError, IdMappingError

__all__ = ["MAX_FEATURE", "check_node_features", "float_features", "neighbour_matrix",
           "node_degree", "node_index", "node_positions"]

#: The largest feature value (in absolute value) a model accepts: raw read counts stay far
#: below it; a value like 1e30 saturates every layer, so every probability is the same.
MAX_FEATURE = 1e10


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


def node_degree(data: Data) -> pd.Series:
    """Distinct interaction partners of every gene (in- and out-neighbours together).

    Returns:
        Integer Series indexed by gene id, in node order.

    Example:
        >>> g = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]), num_nodes=3)
        >>> g.node_ids = ["A", "B", "C"]
        >>> node_degree(g).to_dict()
        {'A': 1, 'B': 2, 'C': 1}
    """
    counts = np.asarray(neighbour_matrix(data).sum(axis=1)).ravel()
    return pd.Series(counts.astype(np.int64), index=node_index(data), name="degree")


def neighbour_matrix(data: Data, *, ordered: bool = False) -> sp.csr_matrix:
    """The binary, symmetric adjacency of ``data``'s interactions: ``1`` where two genes
    interact in either stored direction, no self-loops, duplicates counted once. The one
    definition of "interaction partners" (:func:`node_degree` counts them; the link
    heuristics read them). ``ordered=True`` keeps the stored direction (``a[s, t] = 1`` for
    an edge ``s -> t`` only: a regulator's targets in its row).

    Example:
        >>> g = Data(edge_index=torch.tensor([[0, 0, 1], [1, 1, 1]]), num_nodes=2)
        >>> neighbour_matrix(g).toarray().tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        >>> neighbour_matrix(g, ordered=True).toarray().tolist()
        [[0.0, 1.0], [0.0, 0.0]]
    """
    src, dst = data.edge_index.cpu().numpy()
    keep = src != dst
    src, dst = src[keep], dst[keep]
    n = data.num_nodes
    rows, cols = (src, dst) if ordered else (np.r_[src, dst], np.r_[dst, src])
    a = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    a.data[:] = 1.0  # duplicates (and both stored directions) count once
    return a


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


def float_features(data: Data) -> Data:
    """``data`` with float32 node features, as every model computes in float32: the same
    object when they are already, else a shallow copy (float64 or integer features from a
    user's own table would otherwise stop the first layer with a dtype error).

    Example:
        >>> g = Data(x=torch.ones(2, 1, dtype=torch.float64), num_nodes=2)
        >>> float_features(g).x.dtype, g.x.dtype
        (torch.float32, torch.float64)
    """
    x = getattr(data, "x", None)
    if x is None or x.dtype == torch.float32:
        return data
    out = copy.copy(data)
    out.x = x.float()
    return out


def check_node_features(data: Data, *, what: str = "graph") -> None:
    """Check that ``data.x`` exists, has one row per node and holds finite numbers of a sane
    size (at most :data:`MAX_FEATURE` in absolute value).

    A single NaN or inf in ``x`` spreads through every message-passing layer and turns
    every prediction into NaN, so models refuse it at the door.

    Args:
        data: graph with node features ``x`` (``node_ids`` name the offending gene).
        what: how to call the caller in the message (e.g. ``"GeneClassifier.fit"``).

    Raises:
        DataFormatError: no ``x``, a row count other than ``num_nodes``, no feature column,
            NaN/inf values or values beyond :data:`MAX_FEATURE` (the message names the first
            gene and feature column).

    Example:
        >>> import torch
        >>> g = Data(x=torch.tensor([[1.0], [float("nan")]]), num_nodes=2,
        ...          node_ids=["TP53", "MDM2"])
        >>> try:
        ...     check_node_features(g)
        ... except DataFormatError as err:
        ...     print(str(err)[:69])
        graph: node features x hold 1 NaN/inf value(s), first at gene 'MDM2',
    """
    x = getattr(data, "x", None)
    if x is None:
        raise DataFormatError(f"{what}: the graph has no node features x; build them with "
                              "graphgen.stack_blocks")
    if x.dim() != 2 or x.shape[0] != data.num_nodes:
        raise DataFormatError(f"{what}: node features x must be [num_nodes={data.num_nodes}, "
                              f"features], got shape {tuple(x.shape)}")
    if x.shape[1] == 0:
        raise DataFormatError(f"{what}: node features x have no column")
    if not x.is_floating_point():
        return
    bad = ~torch.isfinite(x)
    if bool(bad.any()):
        _, _, gene, column = _first(data, bad)
        raise DataFormatError(
            f"{what}: node features x hold {int(bad.sum())} NaN/inf value(s), first at gene "
            f"{gene}, column {column}; impute or drop them before training")
    huge = x.abs() > MAX_FEATURE
    if bool(huge.any()):
        row, col, gene, column = _first(data, huge)
        raise DataFormatError(
            f"{what}: node features x reach {float(x[row, col]):.3g} (gene {gene}, column "
            f"{column}), beyond {MAX_FEATURE:.0e}: values that large saturate every layer and "
            "every probability comes out the same; log-transform or standardise the column")


def _first(data: Data, mask: torch.Tensor) -> tuple[int, int, str, str]:
    """Row, column, gene and feature name of the first ``True`` of a nodes x features mask."""
    row, col = (int(v) for v in mask.nonzero()[0].tolist())
    ids = getattr(data, "node_ids", None)
    gene = repr(str(ids[row])) if ids is not None and len(ids) > row else f"#{row}"
    names = getattr(data, "feature_names", None)
    column = repr(names[col]) if names is not None and len(names) > col else str(col)
    return row, col, gene, column
