"""Stack named feature tables into ``data.x``, remembering which columns came from where."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError, IdMappingError
from graphgen.graph.nodes import node_index

__all__ = ["stack_blocks"]


def stack_blocks(data: Data, blocks: Mapping[str, pd.DataFrame]) -> Data:
    """Return a copy of ``data`` whose ``x`` concatenates the given feature blocks.

    Each block is a genes x features DataFrame indexed by gene id; rows are aligned to
    ``data.node_ids``. The copy records ``feature_blocks`` (block name -> ``(start, stop)``
    column range of ``x``) and ``feature_names`` (``"block:column"``). ``data`` is not changed.

    Args:
        data: graph with ``node_ids``.
        blocks: block name -> DataFrame (numeric, one row per node gene).

    Returns:
        A new ``Data`` with ``x [N, sum of block widths]`` (float32).

    Raises:
        DataFormatError: no blocks, a graph without nodes, a block without columns, a
            non-numeric column, or NaN/inf values.
        IdMappingError: a block lacks rows for some nodes (the message names them).

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=2,
        ...          node_ids=["A", "B"])
        >>> f = pd.DataFrame({"deg": [1.0, 2.0]}, index=["B", "A"])
        >>> stack_blocks(g, {"topology": f}).x.squeeze().tolist()
        [2.0, 1.0]
    """
    if not blocks:
        raise DataFormatError("stack_blocks: give at least one feature block")
    index = node_index(data)
    if not len(index):
        raise DataFormatError("stack_blocks: the graph has no node")
    arrays, ranges, names, start = [], {}, [], 0
    for name, frame in blocks.items():
        if not isinstance(frame, pd.DataFrame):
            raise DataFormatError(f"feature block {name!r}: expected a genes x features "
                                  f"DataFrame, got {type(frame).__name__}")
        if frame.index.has_duplicates:
            dup = frame.index[frame.index.duplicated()].unique()[:5].tolist()
            raise DataFormatError(f"feature block {name!r}: gene ids repeat, e.g. {dup}")
        missing = index.difference(frame.index)
        if len(missing):
            raise IdMappingError(
                f"feature block {name!r} has no row for {len(missing)} of {len(index)} graph "
                f"genes, e.g. {missing[:5].tolist()}; fill or drop those genes first"
            )
        if frame.shape[1] == 0:
            raise DataFormatError(f"feature block {name!r} has no column")
        non_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if non_numeric:
            raise DataFormatError(
                f"feature block {name!r}: columns {non_numeric[:5]} are not numeric"
            )
        values = frame.reindex(index).to_numpy(dtype=np.float32)
        bad = ~np.isfinite(values)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise DataFormatError(
                f"feature block {name!r}: {int(bad.sum())} NaN/inf values, first at gene "
                f"{index[row]!r}, column {frame.columns[col]!r}"
            )
        arrays.append(values)
        ranges[name] = (start, start + values.shape[1])
        names += [f"{name}:{c}" for c in frame.columns]
        start += values.shape[1]
    out = data.clone()
    out.x = torch.from_numpy(np.concatenate(arrays, axis=1))
    out.feature_blocks = ranges
    out.feature_names = names
    return out
