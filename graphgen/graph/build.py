"""Turn an edge table into a graph: node order, merged duplicates, dropped self-loops.

Every reader of :mod:`graphgen.io` returns an *edge table*: a DataFrame with ``source`` and
``target`` id columns and optionally ``weight`` (float), ``sign`` (-1/0/+1) and ``evidence``
(a count). :func:`edges_to_data` is the one place where such a table becomes a PyG ``Data``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError

__all__ = ["edges_to_data"]

log = logging.getLogger(__name__)


def edges_to_data(
    edges: pd.DataFrame,
    *,
    directed: bool,
    nodes: Iterable[str] | None = None,
    source: str = "edge table",
) -> Data:
    """Build a graph from an edge table.

    Node ids are strings sorted lexicographically, so the same edges in any line order give
    the same graph. Self-loops are dropped. Duplicate edges are merged:

    * **undirected** graphs merge ``(a, b)`` with ``(b, a)``; ``edge_index`` lists every pair
      in both directions;
    * **weight**: the largest weight of the duplicates (STRING lists a pair twice with the
      same score; a pair read from several sources keeps its best score);
    * **evidence**: the sum over the duplicates (e.g. papers or BioGRID records);
    * **sign** (directed graphs): +1 if some line says activation and none repression, -1 in
      the opposite case, and 0 when the lines disagree or none gives a direction. This is
      the documented rule for TRRUST pairs listed under several modes.

    Args:
        edges: edge table (see the module docstring); its index, if named ``line``, is used
            to name lines in messages.
        directed: build a directed graph (``edge_index [2, E]``, one column per pair) or an
            undirected one (``[2, 2E]``).
        nodes: further node ids to include even without edges (isolated genes).
        source: where the table came from, for messages and the report.

    Returns:
        ``Data`` with ``edge_index`` (sorted by source, then target), ``num_nodes``,
        ``node_ids`` (list of str), ``edge_weight`` / ``edge_sign`` / ``edge_evidence`` when
        the table has those columns, and ``load_report``: a dict with the number of lines
        read, self-loops dropped, duplicate lines merged, and the nodes and edges kept.

    Raises:
        DataFormatError: no ``source``/``target`` columns, missing ids, non-finite weights.

    Example:
        >>> edges = pd.DataFrame({"source": ["B", "A", "A", "C"], "target": ["A", "B", "A", "A"],
        ...                       "weight": [0.9, 0.7, 1.0, 0.4]})
        >>> g = edges_to_data(edges, directed=False)
        >>> g.node_ids, g.edge_index.tolist(), [round(w, 2) for w in g.edge_weight.tolist()]
        (['A', 'B', 'C'], [[0, 0, 1, 2], [1, 2, 0, 0]], [0.9, 0.4, 0.9, 0.4])
        >>> g.load_report["self_loops_dropped"], g.load_report["duplicates_merged"]
        (1, 1)
    """
    missing = [c for c in ("source", "target") if c not in edges.columns]
    if missing:
        raise DataFormatError(f"{source}: edge table lacks column(s) {missing}")
    node_ids, src, dst = _codes(edges["source"], edges["target"], nodes, source)
    n_lines = len(src)
    weight = _column(edges, "weight", np.float64, source)
    sign = _column(edges, "sign", np.int8, source)
    evidence = _column(edges, "evidence", np.int64, source)

    loops = src == dst
    n_loops = int(loops.sum())
    if n_loops:
        keep = ~loops
        src, dst = src[keep], dst[keep]
        weight, sign, evidence = (None if a is None else a[keep] for a in (weight, sign, evidence))
    n = len(node_ids)
    # One integer key per (source, target); int32 while n * n fits, to halve the memory.
    key_type = np.int32 if n * n < 2**31 else np.int64
    if directed:
        key = src.astype(key_type) * key_type(n) + dst
    else:
        key = np.minimum(src, dst).astype(key_type) * key_type(n) + np.maximum(src, dst)
    del src, dst
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if len(key) else (
        np.zeros(0, dtype=np.int64))
    unique = key[starts]
    del key
    src, dst = (unique // n, unique % n) if n else (unique, unique)
    merged: dict[str, np.ndarray] = {}
    if weight is not None:
        merged["edge_weight"] = np.maximum.reduceat(weight[order], starts) if len(starts) else (
            weight[:0])
    if sign is not None:
        s = sign[order]
        if len(starts):
            pos = np.logical_or.reduceat(s > 0, starts)
            neg = np.logical_or.reduceat(s < 0, starts)
            merged["edge_sign"] = pos.astype(np.int64) - neg.astype(np.int64)
        else:
            merged["edge_sign"] = s[:0].astype(np.int64)
    if evidence is not None:
        merged["edge_evidence"] = np.add.reduceat(evidence[order], starts) if len(starts) else (
            evidence[:0])

    del order
    if not directed:
        both = np.argsort(np.concatenate([unique, dst * key_type(n) + src]), kind="stable")
        src, dst = np.concatenate([src, dst])[both], np.concatenate([dst, src])[both]
        merged = {k: np.concatenate([v, v])[both] for k, v in merged.items()}
        del both

    edge_index = np.empty((2, len(src)), dtype=np.int64)
    edge_index[0], edge_index[1] = src, dst
    del src, dst
    data = Data(edge_index=torch.from_numpy(edge_index), num_nodes=n, node_ids=list(node_ids))
    if "edge_weight" in merged:
        data.edge_weight = torch.from_numpy(merged["edge_weight"].astype(np.float32))
    if "edge_sign" in merged:
        data.edge_sign = torch.from_numpy(merged["edge_sign"].astype(np.int64))
    if "edge_evidence" in merged:
        data.edge_evidence = torch.from_numpy(merged["edge_evidence"].astype(np.int64))
    n_pairs = len(starts)
    data.load_report = {
        "source": source,
        "lines": int(n_lines),
        "self_loops_dropped": n_loops,
        "duplicates_merged": int(n_lines - n_loops - n_pairs),
        "nodes": int(n),
        "edges": int(n_pairs),
        "directed": bool(directed),
    }
    log.info("%s: %d lines -> %d nodes, %d %s edges (%d self-loops dropped, %d duplicate "
             "lines merged)", source, n_lines, n, n_pairs, "directed" if directed else
             "undirected", data.load_report["self_loops_dropped"],
             data.load_report["duplicates_merged"])
    return data


def _codes(
    source_ids: pd.Series, target_ids: pd.Series, nodes: Iterable[str] | None, what: str
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Sorted node ids and the node position of every source and target."""
    parts = []
    for column, values in (("source", source_ids), ("target", target_ids)):
        cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype(
            "category")
        cat = cat.cat.remove_unused_categories()  # ids of filtered-out lines are not nodes
        if cat.isna().any():
            line = cat.index[np.argmax(cat.isna().to_numpy())]
            raise DataFormatError(f"{what}, line {line}: edge has no {column} id")
        categories = pd.Index(cat.cat.categories.astype(str).str.strip())
        parts.append((categories, cat.cat.codes.to_numpy()))
    extra = pd.Index([str(n) for n in nodes]) if nodes is not None else pd.Index([], dtype=str)
    node_ids = parts[0][0].union(parts[1][0]).union(extra).unique().sort_values()
    node_ids = node_ids[node_ids != ""]
    codes = []
    for categories, raw in parts:
        lookup = node_ids.get_indexer(categories)
        if (lookup < 0).any():
            raise DataFormatError(f"{what}: an edge has an empty id")
        codes.append(lookup.astype(np.int32 if len(node_ids) < 2**31 else np.int64)[raw])
    return node_ids, codes[0], codes[1]


def _column(edges: pd.DataFrame, name: str, dtype: type, what: str) -> np.ndarray | None:
    if name not in edges.columns:
        return None
    values = edges[name].to_numpy()
    if name == "weight":
        values = values.astype(np.float64)
        if not np.isfinite(values).all():
            line = edges.index[np.argmax(~np.isfinite(values))]
            raise DataFormatError(f"{what}, line {line}: edge weight is missing or not finite")
        return values
    return values.astype(dtype)
