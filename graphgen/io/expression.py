"""Read expression matrices: CSV/TSV (either orientation) and AnnData ``.h5ad`` files.

Whatever the file's layout, the result is a samples x genes ``DataFrame`` of floats, with
string gene ids as columns and sample ids as index, so every later step sees one shape.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError, MissingDependencyError
from graphgen.io.delimited import open_text, raise_ragged, table_columns

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
        orientation: layout of a text file. ``"auto"`` decides, in this order: the axis
            whose ids overlap ``genes`` more is the gene axis; else a first header cell that
            names the row ids (``gene``, ``gene_id``, ``symbol``, ``ensembl``... means genes
            are rows; ``sample``, ``sample_id``, ``patient``, ``barcode``... means samples
            are rows); else a whole-transcriptome shape (one axis of at least 5,000 ids and
            at least ten times the other) puts genes on the long axis. Anything else is an
            error asking for ``orientation=`` or ``genes=``: a guess on a 769 x 200 table
            would silently swap samples and genes.
        genes: known gene ids (e.g. ``data.node_ids``) to decide the orientation.
        nan: ``"error"`` raises on a missing value naming gene and sample; ``"keep"`` keeps
            NaN for a later imputation step.
        layer: AnnData layer to read instead of ``X``.

    Returns:
        ``DataFrame`` (float32), index ``sample_id``, columns ``gene_id`` (strings).

    Raises:
        DataFormatError: empty file, ragged lines, non-numeric values (named by row and
            column), repeated gene or sample ids (in the header line too), NaN values with
            ``nan="error"``, an orientation that ``"auto"`` cannot tell.
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
        frame, first_header = _read_text(path)
        frame = _orient(frame, orientation, genes, first_header, path)
    return check_expression(frame, what=str(path), nan=nan)


def check_expression(
    frame: pd.DataFrame, *, what: str = "expression matrix", nan: str = "error"
) -> pd.DataFrame:
    """Validate a samples x genes matrix: unique string ids, numeric values, NaN policy.

    Returns:
        A float32 copy with string index (``sample_id``) and columns (``gene_id``).

    Raises:
        DataFormatError: repeated ids, non-numeric or complex columns, NaN with
            ``nan="error"``.
    """
    frame = frame.copy()
    frame.index = pd.Index([str(i) for i in frame.index], name="sample_id")
    frame.columns = pd.Index([str(c) for c in frame.columns], name="gene_id")
    for axis, ids in (("gene", frame.columns), ("sample", frame.index)):
        if ids.has_duplicates:
            dup = ids[ids.duplicated()].unique()[:5].tolist()
            raise DataFormatError(f"{what}: {axis} ids repeat, e.g. {dup}; aggregate them first")
    complex_genes = [g for g, t in frame.dtypes.items() if pd.api.types.is_complex_dtype(t)]
    if complex_genes:  # numeric to pandas, but float32 would drop the imaginary part
        raise DataFormatError(f"{what}: Complex data not supported: gene {complex_genes[0]!r} "
                              f"holds complex values ({len(complex_genes)} such gene(s)); give "
                              "real numbers")
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


#: First header cells saying which ids the rows hold (compared lower-case).
_GENE_HEADERS = {"gene", "genes", "gene_id", "geneid", "gene_name", "gene_symbol", "symbol",
                 "hgnc_symbol", "ensembl", "ensembl_gene", "ensembl_gene_id", "entrez",
                 "entrez_id", "entrezid", "feature", "features", "probe", "probe_id", "id_ref"}
_SAMPLE_HEADERS = {"sample", "samples", "sample_id", "sampleid", "sample_name", "patient",
                   "patient_id", "barcode", "cell", "cell_id", "case", "case_id", "subject",
                   "subject_id"}
_WHOLE_TRANSCRIPTOME = 5000
#: The words a value cell reads as missing (pandas' default list); an id cell keeps them.
MISSING_VALUES = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                  "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan",
                  "null"]


def _read_text(path: Path) -> tuple[pd.DataFrame, str]:
    sep, columns = table_columns(path, what="expression matrix")
    if len(columns) < 2:
        raise DataFormatError(f"{path}: expression matrix needs an id column and at least one "
                              "value column")
    ids = pd.Index(columns[1:])
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()[:5].tolist()
        raise DataFormatError(f"{path}: column ids repeat in the header line, e.g. {dup}; "
                              "aggregate or rename them first")
    try:
        # ids stay text as written ("001" is not 1, "NA" is an id); only value cells read
        # pandas' missing-value words. The columns are read under plain names of their
        # positions and given back their header's names after.
        values = [f"v{i}" for i in range(len(columns) - 1)]
        with open_text(path) as handle, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(handle, sep=sep, header=0, names=["id", *values],
                                index_col=False, engine="c", dtype={"id": str},
                                keep_default_na=False,
                                na_values={c: MISSING_VALUES for c in values})
        if any("names does not match" in str(w.message) for w in caught):
            raise_ragged(path, sep, len(columns))  # a surplus field would be dropped
        frame = frame.set_index("id").set_axis(pd.Index(columns[1:]), axis=1)
    except pd.errors.ParserError as exc:
        if "Expected" in str(exc):  # a line with more fields than the header line
            raise_ragged(path, sep, len(columns))
        raise DataFormatError(f"{path}: cannot parse expression matrix "
                              f"({str(exc).strip()})") from None
    except (EOFError, OSError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{path}: truncated or unreadable file ({exc})") from None
    if frame.empty:
        raise DataFormatError(f"{path}: expression matrix has no data rows")
    if (frame.index.str.strip() == "").any():
        raise DataFormatError(f"{path}: a row has no id in the first column")
    return frame, str(columns[0]).strip().lower()


def _orient(frame: pd.DataFrame, orientation: str, genes: Iterable[str] | None,
            first_header: str, path: Path) -> pd.DataFrame:
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
    if first_header in _GENE_HEADERS:
        return frame.T
    if first_header in _SAMPLE_HEADERS:
        return frame
    rows, cols = frame.shape
    if rows >= _WHOLE_TRANSCRIPTOME and rows >= 10 * cols:
        return frame.T
    if cols >= _WHOLE_TRANSCRIPTOME and cols >= 10 * rows:
        return frame
    raise DataFormatError(
        f"{path}: cannot tell whether the {rows} rows x {cols} columns hold genes x samples "
        f"or samples x genes (first header cell {first_header!r}); pass "
        "orientation='genes_x_samples' or 'samples_x_genes', or genes=<known gene ids>")


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
