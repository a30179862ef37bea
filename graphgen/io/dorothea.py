"""Read DoRothEA regulons (Garcia-Alonso et al., Genome Res 2019).

The table has four columns, ``tf confidence target mor``: confidence is a letter from A
(curated, highest) to E (lowest) and ``mor`` the mode of regulation, +1 activation or -1
repression. The usual high-confidence subset is levels A-C.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.delimited import read_delimited

__all__ = ["DOROTHEA_LEVELS", "DorotheaFormat", "read_dorothea"]

DOROTHEA_LEVELS = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class DorotheaFormat:
    """Options for reading a DoRothEA table (see :func:`read_dorothea`).

    Attributes:
        levels: confidence letters to keep; ``"ABC"`` (default) is the usual
            high-confidence subset.
    """

    levels: str = "ABC"


def read_dorothea(
    path: str | os.PathLike, *, levels: Iterable[str] | str = "ABC"
) -> pd.DataFrame:
    """Read a DoRothEA table into an edge table, keeping the chosen confidence levels.

    Args:
        path: plain or gzip table with columns ``tf``, ``confidence``, ``target``, ``mor``.
        levels: confidence letters to keep (``"ABC"`` or ``["A", "B"]``).

    Returns:
        Edge table indexed by line number: ``source`` (TF), ``target``, ``sign`` (``mor``:
        +1/-1, 0 where DoRothEA gives 0) and ``confidence`` (categorical letter).

    Raises:
        ConfigError: a level outside A-E.
        DataFormatError: missing columns, a ``mor`` other than -1/0/1, an unknown confidence
            letter, an empty file.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "d.tsv"
        >>> _ = f.write_text("tf\\tconfidence\\ttarget\\tmor\\nMYC\\tA\\tCDK4\\t1\\n"
        ...                  "MYC\\tE\\tTP53\\t-1\\n")
        >>> read_dorothea(f, levels="AB")[["source", "target", "sign"]].values.tolist()
        [['MYC', 'CDK4', 1]]
    """
    keep = sorted({str(level).upper() for level in levels})
    wrong = [level for level in keep if level not in DOROTHEA_LEVELS]
    if wrong or not keep:
        raise ConfigError(
            f"read_dorothea: levels must be letters among {''.join(DOROTHEA_LEVELS)}, "
            f"got {levels!r}"
        )
    table = read_delimited(
        path, what="DoRothEA table", required=["tf", "confidence", "target", "mor"],
        numeric=["mor"], categorical=["tf", "confidence", "target"],
    )
    mor = table["mor"].to_numpy()
    bad = ~np.isin(mor, (-1.0, 0.0, 1.0))
    if bad.any():
        line = int(table.index[np.argmax(bad)])
        raise DataFormatError(f"{path}, line {line}: DoRothEA mor must be -1, 0 or 1, got "
                              f"{mor[np.argmax(bad)]!r}")
    confidence = table["confidence"].astype("string").str.strip().str.upper()
    odd = ~confidence.isin(DOROTHEA_LEVELS)
    if odd.any():
        line = int(table.index[np.argmax(odd.to_numpy())])
        raise DataFormatError(f"{path}, line {line}: DoRothEA confidence "
                              f"{table['confidence'].loc[line]!r} is not a letter A-E")
    chosen = confidence.isin(keep).to_numpy()
    edges = pd.DataFrame({
        "source": table["tf"], "target": table["target"], "sign": mor.astype(np.int8),
        "confidence": pd.Categorical(confidence, categories=list(DOROTHEA_LEVELS)),
    }, index=table.index)
    return edges[chosen]
