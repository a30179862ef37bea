"""Read STRING protein-association files (``protein.links``, ``.detailed``, ``.full``).

STRING ships one line per *directed* listing of a pair (each pair appears twice), space
separated, with integer scores on a 0-1000 scale::

    protein1 protein2 combined_score
    9606.ENSP00000000233 9606.ENSP00000250971 900

The ``detailed`` and ``full`` files add one column per evidence channel (``experimental``,
``database``, ``textmining``, ...). Tables derived from STRING often use a ``score`` column on a
0-1 scale and gene symbols instead of STRING ids (e.g. ``"",score,protein1,protein2``); they are
read the same way. Scores are returned on the 0-1 scale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.delimited import read_delimited, table_columns
from graphgen.io.edgelist import at_least

__all__ = ["STRING_CHANNELS", "StringFormat", "read_string", "scale_score"]

#: Evidence channels of STRING's ``detailed``/``full`` files (any column may serve as score).
STRING_CHANNELS = (
    "neighborhood", "fusion", "cooccurence", "coexpression", "experimental", "experiments",
    "database", "textmining", "combined_score",
)


@dataclass(frozen=True)
class StringFormat:
    """Options for reading a STRING links file (see :func:`read_string`).

    Attributes:
        score_column: column giving the edge weight (default ``combined_score``, else
            ``score``); name one evidence channel (e.g. ``"experimental"``) of a detailed
            file to keep curated databases out of the weights.
    """

    score_column: str | None = None


def scale_score(value: float | None) -> float | None:
    """A score threshold on STRING's 0-1 scale.

    Values in [0, 1] are on the 0-1 scale; whole numbers in (1, 1000] are on STRING's
    integer 0-1000 scale. Anything else (``1.5``, ``-1``, ``2000``) is on neither, and an
    error rather than a guess.

    Raises:
        ConfigError: a value on neither scale.

    Example:
        >>> scale_score(700), scale_score(0.7), scale_score(None)
        (0.7, 0.7, None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConfigError(f"min_score must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or value > 1000 or (value > 1
                                                              and value != round(value)):
        raise ConfigError(
            f"min_score must be in [0, 1] or a whole number on STRING's 0-1000 scale "
            f"(700 = 0.7), got {value!r}")
    return value / 1000.0 if value > 1 else value


def read_string(
    path: str | os.PathLike,
    *,
    min_score: float | None = None,
    score_column: str | None = None,
) -> pd.DataFrame:
    """Read a STRING links file into an edge table.

    Args:
        path: plain or gzip file, space/tab/comma separated, with a header line.
        min_score: keep links whose score is at least this (0-1 scale; whole numbers above 1
            are read on STRING's 0-1000 scale, so ``700`` and ``0.7`` mean the same; see
            :func:`scale_score`).
        score_column: column that gives the edge weight (default ``combined_score``, else
            ``score``). Pick one evidence channel, e.g. ``"experimental"``, to keep curated
            databases (``"database"``) out of the weight when labels come from them.

    Returns:
        Edge table indexed by line number: ``source``, ``target`` (categorical ids as in the
        file) and ``weight`` (float, 0-1). Both listings of a pair are kept; graph
        construction merges them.

    Raises:
        DataFormatError: missing columns, a non-numeric or out-of-range score, scores on
            both scales in one file, a line with the wrong number of fields, an empty or
            truncated file.
        ConfigError: a ``min_score`` on neither scale.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "links.txt"
        >>> _ = f.write_text("protein1 protein2 combined_score\\nA B 900\\nB A 900\\nA C 150\\n")
        >>> read_string(f, min_score=400)[["source", "target", "weight"]].values.tolist()
        [['A', 'B', 0.9], ['B', 'A', 0.9]]
    """
    threshold = scale_score(min_score)
    sep, columns = table_columns(path, what="STRING file")
    if score_column is None:
        score_column = next((c for c in ("combined_score", "score") if c in columns), None)
        if score_column is None:
            raise DataFormatError(
                f"{path}: STRING file has no score column (combined_score or score); its "
                f"columns are {columns}; pass score_column= to name one"
            )
    table = read_delimited(
        path, what="STRING file", required=["protein1", "protein2", score_column],
        sep=sep, numeric=[score_column], categorical=["protein1", "protein2"],
    )
    score = table[score_column].to_numpy(dtype=np.float64)
    if not score.flags.writeable:
        score = score.copy()
    values = torch.from_numpy(score)  # the checks below on all cores
    high = float(values.max()) if len(score) else 0.0
    if len(score) and (float(values.min()) < 0 or high > 1000):
        bad = (score < 0) | (score > 1000)
        line = int(table.index[np.argmax(bad)])
        raise DataFormatError(
            f"{path}, line {line}: STRING score {float(score[np.argmax(bad)])!r} in column "
            f"{score_column!r} is outside 0-1000"
        )
    if high > 1:
        if bool((torch.frac(values) != 0).any()):
            fractional = score != np.round(score)
            line = int(table.index[np.argmax(fractional)])
            raise DataFormatError(
                f"{path}, line {line}: STRING score {float(score[np.argmax(fractional)])!r} in "
                f"column "
                f"{score_column!r} is not a whole number, but other lines (up to {high:g}) are "
                "on STRING's 0-1000 scale: the file mixes the 0-1 and 0-1000 scales")
        score = score / 1000.0
    edges = pd.DataFrame(
        {"source": table["protein1"], "target": table["protein2"], "weight": score},
        index=table.index, copy=False,
    )
    if threshold is not None:
        edges = edges[at_least(score, threshold)]
    return edges
