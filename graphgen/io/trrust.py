"""Read TRRUST transcriptional regulations (Han et al., Nucleic Acids Res 2018).

The upstream file (``trrust_rawdata.human.tsv``) has no header line and four tab-separated
columns: TF, target, mode (``Activation``/``Repression``/``Unknown``) and the PubMed ids of
the supporting papers, ``;``-separated. Copies with a header line ``TF Target Regulation
Reference`` are read too. A pair is listed once per mode reported for it; graph construction
merges the lines of a pair (see :func:`graphgen.graph.build.edges_to_data` for the sign rule).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError
from graphgen.io.delimited import first_lines, read_delimited
from graphgen.io.edgelist import parse_signs

__all__ = ["TRRUST_COLUMNS", "read_trrust"]

TRRUST_COLUMNS = ("TF", "Target", "Regulation", "Reference")
_MODES = {"activation", "repression", "unknown"}


def read_trrust(path: str | os.PathLike) -> pd.DataFrame:
    """Read a TRRUST file (with or without its header line) into an edge table.

    Returns:
        Edge table indexed by line number: ``source`` (TF), ``target``, ``sign`` (+1
        Activation, -1 Repression, 0 Unknown) and ``evidence``: the number of PubMed ids of
        the line that no earlier line of the same pair cites, so that summing ``evidence``
        over the lines of a pair gives its number of distinct supporting papers.

    Raises:
        DataFormatError: empty file, a line without four fields, a mode other than
            Activation/Repression/Unknown, a missing TF or target.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "trrust.tsv"
        >>> _ = f.write_text("AATF\\tBAX\\tRepression\\t22909821\\n"
        ...                  "AATF\\tBAX\\tActivation\\t22909821;1234\\n")
        >>> read_trrust(f)[["sign", "evidence"]].values.tolist()
        [[-1, 1], [1, 1]]
    """
    head = first_lines(path, 1)
    if not head or not head[0].strip():
        raise DataFormatError(f"{path}: TRRUST file is empty")
    has_header = head[0].split("\t")[0].strip().lower() == "tf"
    table = read_delimited(
        path, what="TRRUST file", required=list(TRRUST_COLUMNS[:3]),
        names=None if has_header else list(TRRUST_COLUMNS), sep="\t",
        categorical=list(TRRUST_COLUMNS[:3]), optional=[TRRUST_COLUMNS[3]],
    )
    if has_header:
        missing = [c for c in TRRUST_COLUMNS if c not in table.columns]
        if missing:
            raise DataFormatError(f"{path}: TRRUST header lacks column(s) {missing}")
    modes = table["Regulation"].astype("string").str.strip().str.lower()
    unknown_mode = ~modes.isin(_MODES)
    if unknown_mode.any():
        line = int(table.index[np.argmax(unknown_mode.to_numpy())])
        raise DataFormatError(
            f"{path}, line {line}: TRRUST mode {table['Regulation'].loc[line]!r} is not "
            "Activation, Repression or Unknown"
        )
    edges = pd.DataFrame({"source": table["TF"], "target": table["Target"]}, index=table.index)
    edges["sign"] = parse_signs(table["Regulation"], path=path, what="TRRUST")
    edges["evidence"] = _new_references(table)
    return edges


def _new_references(table: pd.DataFrame) -> np.ndarray:
    """Per line, the PubMed ids not cited by an earlier line of the same (TF, target) pair."""
    refs = table["Reference"].astype("string").fillna("").str.split(";")
    long = pd.DataFrame({
        "line": np.repeat(np.arange(len(table)), refs.str.len().to_numpy()),
        "tf": np.repeat(table["TF"].cat.codes.to_numpy(), refs.str.len().to_numpy()),
        "target": np.repeat(table["Target"].astype("string").to_numpy(),
                            refs.str.len().to_numpy()),
        "pmid": np.concatenate(refs.to_numpy()) if len(refs) else np.array([], dtype=object),
    })
    long["pmid"] = long["pmid"].astype("string").str.strip()
    long = long[long["pmid"] != ""]
    first = ~long.duplicated(["tf", "target", "pmid"])
    return np.bincount(long["line"][first], minlength=len(table)).astype(np.int64)
