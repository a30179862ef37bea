"""Read expression matrices: CSV/TSV (either orientation) and AnnData ``.h5ad`` files.

Whatever the file's layout, the result is a samples x genes ``DataFrame`` of floats, with
string gene ids as columns and sample ids as index, so every later step sees one shape.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError, MissingDependencyError
from graphgen.io.delimited import open_text, table_columns

__all__ = ["read_expression", "check_expression"]

Orientation = Literal["auto", "genes_x_samples", "samples_x_genes"]


def read_expression(
    path: str | os.PathLike,
    *,
    orientation: Orientation = "auto",
    genes: Iterable[str] | None = None,
    nan: Literal["error", "keep"] = "error",
    layer: str | None = None,
) -> pd.DataFrame:
    """Read an expression matrix as samples x genes.

    Args:
        path: CSV/TSV (plain or gzip; first column = row ids, first line = column ids) or an
            AnnData ``.h5ad`` file (needs ``pip install anndata``; observations are samples,
            variables genes).
        orientation: layout of a text file. ``"auto"``: the axis whose ids overlap ``genes``
            more is the gene axis; without ``genes``, the longer axis is (expression tables
            have more genes than samples).
        genes: known gene ids (e.g. ``data.node_ids``) to decide the orientation.
        nan: ``"error"`` raises on a missing value naming gene and sample; ``"keep"`` keeps
            NaN for a later imputation step.
        layer: AnnData layer to read instead of ``X``.

    Returns:
        ``DataFrame`` (float32), index ``sample_id``, columns ``gene_id`` (strings).

    Raises:
        DataFormatError: empty file, ragged lines, non-numeric values (named by row and
            column), repeated gene or sample ids, NaN values with ``nan="error"``.
        MissingDependencyError: an ``.h5ad`` file without anndata installed.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "expr.csv"
        >>> _ = f.write_text("gene,s1,s2\\nTP53,1.5,2\\nMDM2,0,3\\nATM,1,1\\n")
        >>> read_expression(f).loc["s2"].to_dict()
        {'TP53': 2.0, 'MDM2': 3.0, 'ATM': 1.0}
    """
    path = Path(path)
    if orientation not in ("auto", "genes_x_samples", "samples_x_genes"):
        raise DataFormatError(f"read_expression: orientation must be auto, genes_x_samples or "
                              f"samples_x_genes, got {orientation!r}")
    if path.suffix == ".h5ad":
        frame = _read_h5ad(path, layer)
    else:
        frame = _read_text(path)
        frame = _orient(frame, orientation, genes)
    return check_expression(frame, what=str(path), nan=nan)


def check_expression(
    frame: pd.DataFrame, *, what: str = "expression matrix", nan: str = "error"
) -> pd.DataFrame:
    """Validate a samples x genes matrix: unique string ids, numeric values, NaN policy.

    Returns:
        A float32 copy with string index (``sample_id``) and columns (``gene_id``).

    Raises:
        DataFormatError: repeated ids, non-numeric columns, NaN with ``nan="error"``.
    """
    frame = frame.copy()
    frame.index = pd.Index([str(i) for i in frame.index], name="sample_id")
    frame.columns = pd.Index([str(c) for c in frame.columns], name="gene_id")
    for axis, ids in (("gene", frame.columns), ("sample", frame.index)):
        if ids.has_duplicates:
            dup = ids[ids.duplicated()].unique()[:5].tolist()
            raise DataFormatError(f"{what}: {axis} ids repeat, e.g. {dup}; aggregate them first")
    if not all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        numeric = frame.apply(pd.to_numeric, errors="coerce")
        bad = (numeric.isna() & frame.notna()).to_numpy()
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise DataFormatError(
                f"{what}: gene {frame.columns[col]!r}, sample {frame.index[row]!r}: value "
                f"{frame.iat[row, col]!r} is not a number ({int(bad.sum())} such value(s))"
            )
        frame = numeric
    values = frame.to_numpy(dtype=np.float32)
    missing = np.isnan(values)
    if missing.any() and nan == "error":
        row, col = np.argwhere(missing)[0]
        raise DataFormatError(
            f"{what}: {int(missing.sum())} missing (NaN) values, first at gene "
            f"{frame.columns[col]!r}, sample {frame.index[row]!r}; impute them or pass "
            "nan='keep' and impute later"
        )
    if np.isinf(values).any():
        row, col = np.argwhere(np.isinf(values))[0]
        raise DataFormatError(f"{what}: infinite value at gene {frame.columns[col]!r}, sample "
                              f"{frame.index[row]!r}")
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)


def _read_text(path: Path) -> pd.DataFrame:
    sep, columns = table_columns(path, what="expression matrix")
    if len(columns) < 2:
        raise DataFormatError(f"{path}: expression matrix needs an id column and at least one "
                              "value column")
    try:
        with open_text(path) as handle:
            frame = pd.read_csv(handle, sep=sep, index_col=0, engine="c")
    except pd.errors.ParserError as exc:
        raise DataFormatError(f"{path}: cannot parse expression matrix ({exc})") from None
    except (EOFError, OSError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{path}: truncated or unreadable file ({exc})") from None
    if frame.empty:
        raise DataFormatError(f"{path}: expression matrix has no data rows")
    if frame.index.isna().any():
        raise DataFormatError(f"{path}: a row has no id in the first column")
    return frame


def _orient(frame: pd.DataFrame, orientation: str, genes: Iterable[str] | None) -> pd.DataFrame:
    if orientation == "samples_x_genes":
        return frame
    if orientation == "genes_x_samples":
        return frame.T
    if genes is not None:
        known = set(map(str, genes))
        in_rows = sum(str(i) in known for i in frame.index)
        in_cols = sum(str(c) in known for c in frame.columns)
        if in_rows != in_cols:
            return frame.T if in_rows > in_cols else frame
    return frame.T if frame.shape[0] > frame.shape[1] else frame


def _read_h5ad(path: Path, layer: str | None) -> pd.DataFrame:
    try:
        import anndata
    except ImportError:
        raise MissingDependencyError(
            f"{path}: reading .h5ad files needs anndata; pip install 'graphgen[anndata]'"
        ) from None
    adata = anndata.read_h5ad(path)
    matrix = adata.layers[layer] if layer is not None else adata.X
    if hasattr(matrix, "toarray"):
        matrix = matrix.toarray()
    return pd.DataFrame(np.asarray(matrix, dtype=np.float32), index=adata.obs_names,
                        columns=adata.var_names)
