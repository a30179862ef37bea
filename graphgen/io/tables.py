"""The one writer of the CSV files graphgen hands to people: atomic, and honest about ids
a spreadsheet would read as formulas.

Gene and sample ids are data and must come back exactly as written (a CSV read by pandas
or R gives the same ids), so they are not rewritten. A cell that begins like a formula
(``=``, ``+``, ``@``, or ``-`` not followed by a digit, e.g. ``=HYPERLINK(...)``, ``+1+1``) is
run by Excel, LibreOffice or Google Sheets when the file is opened there; :func:`write_csv`
warns, naming the file and the cells, so the user can open it as text or quote the cells
(OWASP's CSV injection advice).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pandas as pd

from graphgen.io.atomic import atomic_write

__all__ = ["formula_like", "write_csv"]

log = logging.getLogger(__name__)

_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?![0-9.]))")


def formula_like(values: pd.Index | pd.Series) -> list[str]:
    """The text values a spreadsheet would take for a formula.

    Example:
        >>> formula_like(pd.Index(["TP53", "=HYPERLINK(\\"x\\")", "+1+1", "-0.5", "-x"]))
        ['=HYPERLINK("x")', '+1+1', '-x']
    """
    text = pd.Series(values, dtype=object)
    text = text[text.map(lambda v: isinstance(v, str))]
    return text[text.str.match(_FORMULA)].tolist()


def write_csv(path: str | os.PathLike, frame: pd.DataFrame, *, index: bool = True,
              float_format: str | None = None) -> Path:
    """Write ``frame`` as CSV atomically; warn about cells a spreadsheet would run.

    Args:
        path: the file.
        frame: the table (its index written first when ``index``).
        index: write the index.
        float_format: passed to ``DataFrame.to_csv``.

    Returns:
        ``path`` as a ``Path``.
    """
    path = Path(path)
    cells = formula_like(frame.index) if index else []
    for column in frame.columns:
        if frame[column].dtype == object:
            cells += formula_like(frame[column])
    if cells:
        log.warning("%s: %d cells begin like a spreadsheet formula (e.g. %s); they are written "
                    "as they are (ids must round-trip), so open the file as text or quote them "
                    "before a spreadsheet reads it", path, len(cells), cells[:3])
    with atomic_write(path, newline="") as handle:
        frame.to_csv(handle, index=index, float_format=float_format)
    return path
