"""Expression feature block: each gene's values over the samples of a cohort."""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np
import pandas as pd
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.graph.nodes import node_index
from graphgen.io.expression import check_expression

__all__ = ["expression_features"]

log = logging.getLogger(__name__)


def expression_features(
    data: Data,
    matrix: pd.DataFrame,
    *,
    log1p: bool = False,
    scale: Literal["features", "genes", "none"] = "features",
    missing: Literal["zero", "mean", "error"] = "zero",
    nan: Literal["error", "mean"] = "error",
) -> pd.DataFrame:
    """Node features from an expression matrix, aligned to ``data.node_ids``.

    Each sample becomes a feature column; each graph gene a row.

    Args:
        data: graph with ``node_ids``.
        matrix: samples x genes values (see :func:`~graphgen.io.expression.read_expression`).
        log1p: apply ``log(1 + x)`` first (for counts or TPM; values must be >= 0).
        scale: ``"features"`` standardises every sample column over the genes (zero mean,
            unit variance); ``"genes"`` standardises every gene over the samples; ``"none"``
            keeps the values.
        missing: what graph genes absent from the matrix get: ``"zero"`` (after scaling,
            i.e. the average), ``"mean"`` (the mean profile of the measured genes) or
            ``"error"``.
        nan: ``"error"`` on missing values in the matrix, or ``"mean"`` to impute each
            gene's mean over its measured samples.

    Returns:
        ``DataFrame`` (float32) indexed by gene id in node order, one column per sample.
        The report of what did not match sits in ``attrs``: ``missing_genes`` (graph genes
        without values) and ``unused_genes`` (matrix genes not in the graph); both are
        logged too.

    Raises:
        DataFormatError: NaN with ``nan="error"``, negative values with ``log1p``, no
            overlap between the matrix and the graph.
        IdMappingError: graph genes without values and ``missing="error"`` (named).

    Example:
        >>> import torch
        >>> g = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=3,
        ...          node_ids=["A", "B", "C"])
        >>> m = pd.DataFrame({"A": [1.0, 3.0], "B": [2.0, 2.0], "Z": [0.0, 0.0]},
        ...                  index=["s1", "s2"])
        >>> f = expression_features(g, m, scale="none")
        >>> f.loc["C"].tolist(), f.attrs["missing_genes"], f.attrs["unused_genes"]
        ([0.0, 0.0], ['C'], ['Z'])
    """
    for name, value, allowed in (("scale", scale, ("features", "genes", "none")),
                                 ("missing", missing, ("zero", "mean", "error")),
                                 ("nan", nan, ("error", "mean"))):
        if value not in allowed:
            raise ConfigError(f"expression_features: {name} must be one of {list(allowed)}, "
                              f"got {value!r}")
    index = node_index(data)
    matrix = check_expression(matrix, nan="keep")
    values = matrix.to_numpy(dtype=np.float64)
    holes = np.isnan(values)
    if holes.any():
        if nan == "error":
            row, col = np.argwhere(holes)[0]
            raise DataFormatError(
                f"expression matrix: {int(holes.sum())} NaN values, first at gene "
                f"{matrix.columns[col]!r}, sample {matrix.index[row]!r}; pass nan='mean' to "
                "impute gene means"
            )
        means = np.nanmean(np.where(holes.all(axis=0), 0.0, values), axis=0)
        values = np.where(holes, means[None, :], values)
    if log1p:
        if (values < 0).any():
            row, col = np.argwhere(values < 0)[0]
            raise DataFormatError(f"expression_features: log1p needs values >= 0; gene "
                                  f"{matrix.columns[col]!r}, sample {matrix.index[row]!r} is "
                                  f"{values[row, col]}")
        values = np.log1p(values)
    genes = matrix.columns
    present = index.intersection(genes)
    missing_genes = index.difference(genes)
    unused = genes.difference(index)
    if not len(present):
        raise DataFormatError(f"expression_features: none of the {len(genes)} matrix genes is "
                              f"a graph node (e.g. matrix {genes[:3].tolist()}, graph "
                              f"{index[:3].tolist()}); map the ids first")
    if len(missing_genes) and missing == "error":
        raise IdMappingError(f"expression_features: {len(missing_genes)} graph genes have no "
                             f"values, e.g. {missing_genes[:5].tolist()}")
    block = values.T  # genes x samples
    if scale == "genes":
        block = _standardise(block.T).T
    rows = pd.DataFrame(block, index=genes, columns=matrix.index)
    out = rows.reindex(index)
    if scale == "features":
        measured = out.loc[present].to_numpy()
        mu, sd = measured.mean(axis=0), measured.std(axis=0)
        out = (out - mu) / np.where(sd > 0, sd, 1.0)
    if len(missing_genes):
        fill = 0.0 if missing == "zero" else out.loc[present].mean(axis=0)
        out.loc[missing_genes] = np.broadcast_to(np.asarray(fill, dtype=np.float64),
                                                 (len(missing_genes), out.shape[1]))
        log.warning("expression_features: %d of %d graph genes have no values (filled with "
                    "%s), e.g. %s",
                    len(missing_genes), len(index), missing, missing_genes[:5].tolist())
    if len(unused):
        log.info("expression_features: %d matrix genes are not graph nodes and were not used",
                 len(unused))
    out = out.astype(np.float32)
    out.index.name = "gene_id"
    out.attrs["missing_genes"] = missing_genes.tolist()
    out.attrs["unused_genes"] = unused.tolist()
    return out


def _standardise(values: np.ndarray) -> np.ndarray:
    """Columns to zero mean and unit variance (constant columns to zero)."""
    mu, sd = values.mean(axis=0), values.std(axis=0)
    return (values - mu) / np.where(sd > 0, sd, 1.0)
