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

    n = len(node_ids)
    # The merge runs on torch tensors: its sort is a radix sort and its element-wise steps
    # use every core.
    src, dst = torch.from_numpy(src), torch.from_numpy(dst)
    columns = {name: torch.from_numpy(values) for name, values in
               (("weight", weight), ("sign", sign), ("evidence", evidence)) if values is not None}
    loops = src == dst
    n_loops = int(loops.sum())
    if n_loops:
        keep = ~loops
        src, dst = src[keep], dst[keep]
        columns = {k: v[keep] for k, v in columns.items()}
    # One integer key per (source, target); int32 while n * n fits, to halve the memory.
    key_type = torch.int32 if n * n < 2**31 else torch.int64
    if directed:
        key = src.to(key_type) * n + dst
    else:
        key = torch.minimum(src, dst).to(key_type) * n + torch.maximum(src, dst)
    del src, dst
    key, order = torch.sort(key, stable=True)
    first = torch.ones(len(key), dtype=torch.bool)
    if len(key):
        torch.ne(key[1:], key[:-1], out=first[1:])
    group = torch.cumsum(first, 0) - 1  # merged edge of every sorted line
    unique = key[first]
    del key
    n_pairs = len(unique)
    src, dst = (unique // n, unique % n) if n else (unique, unique)
    del unique
    merged: dict[str, torch.Tensor] = {}
    if "weight" in columns:
        weight = columns["weight"].index_select(0, order)
        merged["edge_weight"] = torch.full((n_pairs,), -torch.inf, dtype=torch.float64
                                           ).scatter_reduce_(0, group, weight, "amax")
    if "sign" in columns:
        s = columns["sign"].index_select(0, order)
        pos = torch.zeros(n_pairs, dtype=torch.int64).index_add_(0, group, (s > 0).long()) > 0
        neg = torch.zeros(n_pairs, dtype=torch.int64).index_add_(0, group, (s < 0).long()) > 0
        merged["edge_sign"] = pos.long() - neg.long()
    if "evidence" in columns:
        merged["edge_evidence"] = torch.zeros(n_pairs, dtype=torch.int64).index_add_(
            0, group, columns["evidence"].index_select(0, order).long())
    del order, group, columns
    if directed:
        edge_index = torch.stack([src.long(), dst.long()])
    else:
        edge_index, merged = _both_directions(src.long(), dst.long(), merged, n)
    del src, dst
    data = Data(edge_index=edge_index, num_nodes=n, node_ids=list(node_ids))
    if "edge_weight" in merged:
        data.edge_weight = merged["edge_weight"].float()
    if "edge_sign" in merged:
        data.edge_sign = merged["edge_sign"]
    if "edge_evidence" in merged:
        data.edge_evidence = merged["edge_evidence"]
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


def _both_directions(lo: torch.Tensor, hi: torch.Tensor, merged: dict[str, torch.Tensor],
                     n: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """``edge_index [2, 2m]`` of the pairs ``lo < hi`` (sorted by ``lo``, then ``hi``) in both
    directions, sorted by source then target, and the merged columns doubled alike, without
    sorting the doubled list: node ``u`` lists first its neighbours below it (pairs with
    ``hi == u``, ``lo`` ascending after a stable sort by ``hi``), then those above it (pairs
    with ``lo == u``, already in order)."""
    m = len(lo)
    below = torch.bincount(hi, minlength=n)   # neighbours listed before u's own pairs
    above = torch.bincount(lo, minlength=n)
    ptr = torch.cumsum(below + above, 0) - below - above  # first slot of every node
    reverse = torch.sort(hi, stable=True)[1]
    rank = torch.arange(m)
    slot_rev = (ptr - (torch.cumsum(below, 0) - below)).index_select(
        0, hi.index_select(0, reverse)) + rank
    slot_fwd = (ptr + below - (torch.cumsum(above, 0) - above)).index_select(0, lo) + rank
    del rank

    def spread(forward: torch.Tensor, backward: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        out.index_copy_(0, slot_fwd, forward)
        return out.index_copy_(0, slot_rev, backward.index_select(0, reverse))

    edge_index = torch.empty((2, 2 * m), dtype=torch.int64)
    spread(lo, hi, edge_index[0])
    spread(hi, lo, edge_index[1])
    return edge_index, {name: spread(values, values, torch.empty(2 * m, dtype=values.dtype))
                        for name, values in merged.items()}


def _codes(
    source_ids: pd.Series, target_ids: pd.Series, nodes: Iterable[str] | None, what: str
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Sorted node ids and the node position of every source and target."""
    parts = []
    for column, values in (("source", source_ids), ("target", target_ids)):
        cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype(
            "category")
        raw = cat.cat.codes.to_numpy()
        if (raw < 0).any():
            line = cat.index[np.argmax(raw < 0)]
            raise DataFormatError(f"{what}, line {line}: edge has no {column} id")
        # Ids of filtered-out lines are not nodes (one counting pass, not a sort).
        used = np.bincount(raw, minlength=len(cat.cat.categories)) > 0
        categories = pd.Index(cat.cat.categories[used].astype(str).str.strip())
        parts.append((categories, used, raw))
    extra = pd.Index([str(n) for n in nodes]) if nodes is not None else pd.Index([], dtype=str)
    node_ids = parts[0][0].union(parts[1][0]).union(extra).unique().sort_values()
    node_ids = node_ids[node_ids != ""]
    code_type = torch.int32 if len(node_ids) < 2**31 else torch.int64
    codes = []
    for categories, used, raw in parts:
        lookup = node_ids.get_indexer(categories)
        if (lookup < 0).any():
            raise DataFormatError(f"{what}: an edge has an empty id")
        # category -> node position in one table, then one (multi-threaded) gather
        table = np.full(len(used), -1, dtype=np.int64)
        table[used] = lookup
        raw = raw.astype(np.int64, copy=not raw.flags.writeable)  # torch wants it writable
        codes.append(torch.from_numpy(table).to(code_type).index_select(
            0, torch.from_numpy(raw)).numpy())
    return node_ids, codes[0], codes[1]


def _column(edges: pd.DataFrame, name: str, dtype: type, what: str) -> np.ndarray | None:
    if name not in edges.columns:
        return None
    values = edges[name].to_numpy()
    if name == "weight":
        values = np.asarray(values, dtype=np.float64)  # no copy when already float64
        if not bool(torch.isfinite(torch.from_numpy(values)).all()):
            line = edges.index[np.argmax(~np.isfinite(values))]
            raise DataFormatError(f"{what}, line {line}: edge weight is missing or not finite")
        return values
    return values.astype(dtype)
