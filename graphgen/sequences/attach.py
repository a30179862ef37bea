"""Put gene sequences on a graph, with an explicit policy for genes without a sequence."""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, IdMappingError
from graphgen.graph.nodes import node_index
from graphgen.graph.subgraph import subgraph
from graphgen.sequences.tokens import encode

__all__ = ["attach_sequences"]

log = logging.getLogger(__name__)


def attach_sequences(
    data: Data,
    sequences: pd.Series,
    *,
    alphabet: Literal["dna", "protein"] = "dna",
    missing: Literal["error", "zero", "drop"] = "error",
    max_length: int | None = None,
) -> Data:
    """A copy of ``data`` with ``sequences`` (one per node) and ``has_sequence``.

    Args:
        data: graph with ``node_ids``.
        sequences: sequence per gene id (e.g. from :func:`graphgen.io.fasta.read_fasta`).
        alphabet: ``"dna"`` or ``"protein"``.
        missing: genes without a sequence: ``"error"`` (named), ``"zero"`` (kept with a
            placeholder and ``has_sequence`` False: their sequence embedding is zero), or
            ``"drop"`` (the genes leave the graph, with their edges).
        max_length: truncate longer sequences.

    Raises:
        IdMappingError: genes without a sequence with ``missing="error"``.
        ConfigError: an unknown policy.

    Example:
        >>> g = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=2, node_ids=["A", "B"])
        >>> out = attach_sequences(g, pd.Series({"A": "ACGT"}), missing="zero")
        >>> out.has_sequence.tolist(), out.sequences.lengths.tolist()
        ([True, False], [4, 1])
    """
    if missing not in ("error", "zero", "drop"):
        raise ConfigError(f"attach_sequences: missing must be 'error', 'zero' or 'drop', got "
                          f"{missing!r}")
    index = node_index(data)
    absent = index.difference(sequences.index, sort=False)
    if len(absent):
        if missing == "error":
            raise IdMappingError(f"{len(absent)} of {len(index)} graph genes have no sequence, "
                                 f"e.g. {absent[:5].tolist()}; choose missing='zero' or 'drop'")
        log.warning("%d of %d graph genes have no sequence (%s), e.g. %s", len(absent),
                    len(index), "zero embedding" if missing == "zero" else "dropped",
                    absent[:5].tolist())
        if missing == "drop":
            data = subgraph(data, index.intersection(sequences.index, sort=False))
            index = node_index(data)
    out = data.clone()
    has = index.isin(sequences.index)
    placeholder = "N" if alphabet == "dna" else "X"
    texts = sequences.reindex(index).where(has, placeholder).tolist()
    out.sequences = encode(texts, alphabet=alphabet, max_length=max_length)
    out.has_sequence = torch.from_numpy(np.asarray(has))
    return out
