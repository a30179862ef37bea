"""Sequence feature block: embeddings computed once (k-mer frequencies, or any encoder)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
import torch

from graphgen.exceptions import ConfigError, IdMappingError
from graphgen.io.fasta import ALPHABETS
from graphgen.sequences.encoders import SequenceEncoder
from graphgen.sequences.tokens import encode, kmer_counts

__all__ = ["sequence_features"]

log = logging.getLogger(__name__)


def sequence_features(
    node_ids: Iterable[str],
    sequences: pd.Series,
    encoder: SequenceEncoder | Literal["kmer"] = "kmer",
    *,
    alphabet: Literal["dna", "protein"] = "dna",
    k: int = 3,
    missing: Literal["zero", "error"] = "zero",
    batch_size: int = 256,
) -> pd.DataFrame:
    """One row per gene: its sequence embedded once, for :func:`~graphgen.features.stack_blocks`.

    Args:
        node_ids: the genes (rows, in this order).
        sequences: sequence per gene id.
        encoder: ``"kmer"`` (k-mer frequencies, no training) or a
            :class:`~graphgen.sequences.encoders.SequenceEncoder` (e.g. the trained encoder of
            a fusion model), applied without gradients in evaluation mode.
        alphabet: ``"dna"`` or ``"protein"``.
        k: k-mer length (``encoder="kmer"``).
        missing: genes without a sequence get a zero row (``"zero"``, listed in
            ``attrs["missing_genes"]``) or raise (``"error"``).
        batch_size: sequences per encoder call (length-bucketed).

    Returns:
        ``DataFrame`` (float32) indexed by gene id; columns are k-mers or ``emb_0``...

    Raises:
        IdMappingError: genes without a sequence with ``missing="error"``.

    Example:
        >>> block = sequence_features(["A", "B"], pd.Series({"A": "ACGA"}), k=1)
        >>> block.loc["A"].tolist(), block.attrs["missing_genes"]
        ([0.5, 0.25, 0.25, 0.0], ['B'])
    """
    if missing not in ("zero", "error"):
        raise ConfigError(f"sequence_features: missing must be 'zero' or 'error', got {missing!r}")
    genes = pd.Index([str(g) for g in node_ids], name="gene_id")
    present = genes[genes.isin(sequences.index)]
    absent = genes.difference(present, sort=False)
    if len(absent) and missing == "error":
        raise IdMappingError(f"{len(absent)} of {len(genes)} genes have no sequence, e.g. "
                             f"{absent[:5].tolist()}")
    batch = encode(sequences.loc[present].tolist(), alphabet=alphabet)
    if isinstance(encoder, str):
        if encoder != "kmer":
            raise ConfigError(f"sequence_features: encoder must be 'kmer' or a "
                              f"SequenceEncoder, got {encoder!r}")
        values = kmer_counts(batch, k).numpy()
        letters = ALPHABETS[alphabet][0][:-1]
        columns = ["".join(p) for p in itertools.product(letters, repeat=k)]
    else:
        encoder.eval()
        with torch.no_grad():
            values = encoder.embed(batch, batch_size=batch_size).numpy()
        columns = [f"emb_{i}" for i in range(values.shape[1])]
    frame = pd.DataFrame(np.zeros((len(genes), values.shape[1]), dtype=np.float32),
                         index=genes, columns=columns)
    frame.loc[present] = values
    if len(absent):
        log.warning("sequence block: %d of %d genes have no sequence (zero rows), e.g. %s",
                    len(absent), len(genes), absent[:5].tolist())
    frame.attrs["missing_genes"] = absent.tolist()
    return frame
