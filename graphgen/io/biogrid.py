"""Read BioGRID interactions in the tab-delimited ``tab3`` format (BIOGRID-ALL/ORGANISM files).

A tab3 file has a header line starting with ``#BioGRID Interaction ID`` and one line per
reported interaction (one experiment in one paper), so a pair appears once per piece of
evidence. Genetic interactions are mixed in with physical ones; a protein-interaction graph
keeps ``Experimental System Type == "physical"`` only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.delimited import read_delimited

__all__ = ["BIOGRID_ID_COLUMNS", "BiogridFormat", "read_biogrid"]

#: id kind -> (column of interactor A, column of interactor B) in a tab3 file.
BIOGRID_ID_COLUMNS = {
    "symbol": ("Official Symbol Interactor A", "Official Symbol Interactor B"),
    "entrez": ("Entrez Gene Interactor A", "Entrez Gene Interactor B"),
    "biogrid": ("BioGRID ID Interactor A", "BioGRID ID Interactor B"),
}
_SYSTEM_TYPE = "Experimental System Type"
_ORGANISM = ("Organism ID Interactor A", "Organism ID Interactor B")


@dataclass(frozen=True)
class BiogridFormat:
    """Options for reading a BioGRID tab3 file (see :func:`read_biogrid`).

    Attributes:
        ids: node ids from official symbols, Entrez ids or BioGRID ids.
        interaction_type: ``"physical"`` (default), ``"genetic"`` or ``"all"``.
        organism: NCBI taxonomy id both partners must have (``9606`` human; ``None`` any).
    """

    ids: Literal["symbol", "entrez", "biogrid"] = "symbol"
    interaction_type: Literal["physical", "genetic", "all"] = "physical"
    organism: int | None = None


def read_biogrid(
    path: str | os.PathLike,
    *,
    ids: Literal["symbol", "entrez", "biogrid"] = "symbol",
    interaction_type: Literal["physical", "genetic", "all"] = "physical",
    organism: int | None = None,
) -> pd.DataFrame:
    """Read a BioGRID tab3 file into an edge table.

    Args:
        path: plain or gzip tab3 file.
        ids: which identifiers name the nodes: official symbols, Entrez gene ids or BioGRID
            ids.
        interaction_type: keep physical interactions (default), genetic ones, or all.
        organism: NCBI taxonomy id (e.g. ``9606``); keep interactions whose two partners
            both belong to it. ``None`` keeps every organism.

    Returns:
        Edge table indexed by line number: ``source``, ``target`` (categorical),
        ``evidence`` (1 per line: graph construction sums it into the number of supporting
        records of a pair) and ``system`` (the experimental system, categorical).

    Raises:
        ConfigError: unknown ``ids`` or ``interaction_type``.
        DataFormatError: not a tab3 file (missing columns), a line with the wrong number of
            fields, an empty or truncated file.

    Example:
        >>> import tempfile, pathlib
        >>> cols = ["#BioGRID Interaction ID", *BIOGRID_ID_COLUMNS["symbol"],
        ...         "Experimental System", _SYSTEM_TYPE, *_ORGANISM]
        >>> rows = [["1", "TP53", "MDM2", "Two-hybrid", "physical", "9606", "9606"],
        ...         ["2", "TP53", "BRCA1", "Synthetic Lethality", "genetic", "9606", "9606"]]
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "b.tab3.txt"
        >>> _ = f.write_text("\\n".join("\\t".join(r) for r in [cols] + rows) + "\\n")
        >>> read_biogrid(f)[["source", "target"]].values.tolist()
        [['TP53', 'MDM2']]
    """
    if ids not in BIOGRID_ID_COLUMNS:
        raise ConfigError(f"read_biogrid: ids must be one of {sorted(BIOGRID_ID_COLUMNS)}, "
                          f"got {ids!r}")
    if interaction_type not in ("physical", "genetic", "all"):
        raise ConfigError("read_biogrid: interaction_type must be 'physical', 'genetic' or "
                          f"'all', got {interaction_type!r}")
    col_a, col_b = BIOGRID_ID_COLUMNS[ids]
    table = read_delimited(
        path, what="BioGRID tab3 file", required=[col_a, col_b, _SYSTEM_TYPE], sep="\t",
        categorical=[col_a, col_b, _SYSTEM_TYPE, "Experimental System", *_ORGANISM],
        optional=["Experimental System", *_ORGANISM],
    )
    keep = np.ones(len(table), dtype=bool)
    if interaction_type != "all":
        kind = table[_SYSTEM_TYPE].astype("string").str.strip().str.lower()
        keep &= (kind == interaction_type).to_numpy()
    if organism is not None:
        missing = [c for c in _ORGANISM if c not in table.columns]
        if missing:
            raise DataFormatError(f"{path}: BioGRID file lacks {missing} needed to filter "
                                  f"organism {organism}")
        taxon = str(int(organism))
        for column in _ORGANISM:
            keep &= (table[column].astype("string").str.strip() == taxon).to_numpy()
    for column in (col_a, col_b):
        dash = (table[column].astype("string").str.strip() == "-").to_numpy()
        if (dash & keep).any():
            line = int(table.index[np.argmax(dash & keep)])
            raise DataFormatError(f"{path}, line {line}: BioGRID interactor has no id in "
                                  f"{column!r} ('-'); choose another ids= kind")
    system = table["Experimental System"] if "Experimental System" in table else pd.Categorical(
        ["unknown"] * len(table))
    edges = pd.DataFrame({
        "source": table[col_a], "target": table[col_b],
        "evidence": np.ones(len(table), dtype=np.int64), "system": system,
    }, index=table.index)
    return edges[keep]
