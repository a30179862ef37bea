"""Read STRING ``protein.actions`` files: typed interactions (binding, catalysis, ...).

Each line is one (protein a, protein b, mode) record; a pair is listed once per mode and
direction. The reader returns one row per unordered pair with a 0/1 column per mode: the
multi-label targets of the SHS27k / SHS148k benchmarks (PIPR, GNN-PPI).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from graphgen.exceptions import DataFormatError
from graphgen.io.delimited import read_delimited

__all__ = ["read_string_actions"]


def read_string_actions(path: str | os.PathLike) -> pd.DataFrame:
    """One row per unordered protein pair, one 0/1 column per interaction mode.

    Args:
        path: plain or gzip file with columns ``item_id_a item_id_b mode`` (and others).

    Returns:
        ``DataFrame`` indexed by (``protein_a``, ``protein_b``) with ``protein_a <
        protein_b``, columns the modes in alphabetical order (``int8``). Self-pairs are
        dropped (and counted in ``attrs["self_pairs"]``).

    Raises:
        DataFormatError: missing columns, empty file, a missing mode.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = f.write_text("item_id_a\\titem_id_b\\tmode\\nP2\\tP1\\tbinding\\n"
        ...                  "P1\\tP2\\tcatalysis\\nP1\\tP2\\tbinding\\n")
        >>> read_string_actions(f).to_dict("records")
        [{'binding': 1, 'catalysis': 1}]
    """
    table = read_delimited(path, what="STRING actions file",
                           required=["item_id_a", "item_id_b", "mode"], sep="\t",
                           categorical=["item_id_a", "item_id_b", "mode"])
    a = table["item_id_a"].astype(str).to_numpy()
    b = table["item_id_b"].astype(str).to_numpy()
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    mode = table["mode"].astype(str).str.strip().to_numpy()
    loops = lo == hi
    frame = pd.DataFrame({"protein_a": lo[~loops], "protein_b": hi[~loops],
                          "mode": mode[~loops], "one": 1})
    if frame.empty:
        raise DataFormatError(f"{path}: no protein pair besides self-pairs")
    wide = frame.pivot_table(index=["protein_a", "protein_b"], columns="mode", values="one",
                             aggfunc="max", fill_value=0).astype(np.int8)
    wide.columns.name = None
    wide.attrs["self_pairs"] = int(loops.sum())
    return wide.sort_index()
