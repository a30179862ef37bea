"""Read a generic edge list (CSV/TSV) with chosen columns, optional weight and sign."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.delimited import read_delimited, table_columns

__all__ = ["EdgeListFormat", "SIGN_WORDS", "at_least", "parse_signs", "read_edgelist"]

#: How far below a ``min_score`` a weight may be and still reach it: parsers differ in the
#: last bit of a long decimal, and STRING's ``700 / 1000`` is not exactly ``0.7``.
SCORE_TOLERANCE = 1e-12


def at_least(weights, min_score: float):
    """The one rule of ``min_score`` (``read_string``, ``load_ppi``, every format): a weight
    is kept when it reaches ``min_score`` up to :data:`SCORE_TOLERANCE`.

    Example:
        >>> at_least([0.7, 700 / 1000, 0.7 - 1e-13, 0.6999], 0.7).tolist()
        [True, True, True, False]
    """
    return np.asarray(weights, dtype=np.float64) >= float(min_score) - SCORE_TOLERANCE

#: Words (case-insensitive) accepted in a sign column, besides the numbers -1, 0 and 1.
SIGN_WORDS: dict[str, int] = {
    "activation": 1, "activating": 1, "activates": 1, "activator": 1, "stimulation": 1,
    "positive": 1, "up": 1, "+": 1, "+1": 1,
    "repression": -1, "repressing": -1, "represses": -1, "repressor": -1, "inhibition": -1,
    "inhibits": -1, "negative": -1, "down": -1, "-": -1,
    "unknown": 0, "neutral": 0, "?": 0, "": 0,
}


@dataclass(frozen=True)
class EdgeListFormat:
    """Which columns of a delimited edge-list file hold what.

    Attributes:
        source, target: column names (with ``header=True``) or 0-based column positions.
        weight: optional numeric column (e.g. a confidence score).
        sign: optional sign column: -1/0/+1 or words such as Activation/Repression/Unknown
            (see :data:`SIGN_WORDS`).
        sep: separator; ``None`` sniffs tab, comma or white space from the first line.
        header: whether the first line names the columns.
        comment_lines: lines to skip at the top of the file.

    Example:
        >>> EdgeListFormat(source="gene_a", target="gene_b", weight="score").weight
        'score'
    """

    source: str | int = "source"
    target: str | int = "target"
    weight: str | int | None = None
    sign: str | int | None = None
    sep: str | None = None
    header: bool = True
    comment_lines: int = 0

    def __post_init__(self) -> None:
        columns = [c for c in (self.source, self.target, self.weight, self.sign) if c is not None]
        for column in columns:
            if not isinstance(column, (str, int)) or isinstance(column, bool):
                raise ConfigError(f"EdgeListFormat: columns are names or positions, got {column!r}")
            if isinstance(column, int) and self.header:
                raise ConfigError(
                    f"EdgeListFormat: column position {column} given but header=True; name the "
                    "column or set header=False"
                )
        if len(set(columns)) != len(columns):
            raise ConfigError(f"EdgeListFormat: a column is used twice in {columns}")
        if self.comment_lines < 0:
            raise ConfigError(f"EdgeListFormat: comment_lines must be >= 0, got "
                              f"{self.comment_lines}")


def parse_signs(values: pd.Series, *, path: str | os.PathLike, what: str) -> np.ndarray:
    """Turn a sign column (numbers or words) into ``int8`` -1/0/+1.

    Raises:
        DataFormatError: a value that is neither -1/0/1 nor a word of :data:`SIGN_WORDS`
            (the message names the line and the value).

    Example:
        >>> parse_signs(pd.Series(["Activation", "Repression", "Unknown", "1"]),
        ...             path="f", what="x").tolist()
        [1, -1, 0, 1]
    """
    codes = pd.Categorical(values.astype("string").fillna(""))
    table = {}
    bad = []
    for word in codes.categories:
        key = str(word).strip().lower()
        if key in SIGN_WORDS:
            table[word] = SIGN_WORDS[key]
            continue
        try:
            number = float(key)
        except ValueError:
            number = np.nan
        if number in (-1.0, 0.0, 1.0):
            table[word] = int(number)
        else:
            bad.append(word)
    if bad:
        first = int(np.argmax(np.isin(np.asarray(codes.astype(object)), bad)))
        raise DataFormatError(
            f"{path}, line {values.index[first]}: {what} sign {values.iloc[first]!r} is not "
            f"-1/0/1 or one of Activation/Repression/Unknown ({len(bad)} such value(s))"
        )
    lookup = np.array([table[c] for c in codes.categories], dtype=np.int8)
    return lookup[codes.codes] if len(lookup) else np.zeros(len(values), dtype=np.int8)


def read_edgelist(
    path: str | os.PathLike, spec: EdgeListFormat | None = None
) -> pd.DataFrame:
    """Read an edge list into an edge table.

    Args:
        path: plain or gzip delimited file.
        spec: column layout (default: header with ``source`` and ``target`` columns).

    Returns:
        Edge table indexed by line number: ``source``, ``target`` (categorical), and
        ``weight`` (float) and/or ``sign`` (int8) when the spec names them.

    Raises:
        DataFormatError: empty file, missing columns (the message lists those present), the
            wrong number of fields on a line, a missing id, a non-numeric weight, an unknown
            sign word.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "e.tsv"
        >>> _ = f.write_text("a\\tb\\tw\\nTP53\\tMDM2\\t0.9\\n")
        >>> read_edgelist(f, EdgeListFormat("a", "b", weight="w")).values.tolist()
        [['TP53', 'MDM2', 0.9]]
    """
    spec = spec or EdgeListFormat()
    names = None
    if not spec.header:
        _, fields = table_columns(path, sep=spec.sep, skip_lines=spec.comment_lines,
                                  what="edge list")
        names = [str(i) for i in range(len(fields))]
    role = {"source": spec.source, "target": spec.target, "weight": spec.weight,
            "sign": spec.sign}
    column = {k: str(v) for k, v in role.items() if v is not None}
    if names is not None:
        beyond = [int(v) for v in column.values() if int(v) >= len(names)]
        if beyond:
            raise DataFormatError(
                f"{path}: edge list has {len(names)} columns; positions {beyond} do not exist"
            )
    table = read_delimited(
        path, what="edge list", required=[column["source"], column["target"]],
        names=names, sep=spec.sep, skip_lines=spec.comment_lines,
        numeric=[column["weight"]] if "weight" in column else [],
        categorical=[column["source"], column["target"]],
        optional=[column[k] for k in ("weight", "sign") if k in column],
    )
    for key in ("weight", "sign"):
        if key in column and column[key] not in table.columns:
            raise DataFormatError(
                f"{path}: edge list has no {key} column {column[key]!r}; its columns are "
                f"{[c for c in table.columns]}"
            )
    edges = pd.DataFrame({"source": table[column["source"]],
                          "target": table[column["target"]]}, index=table.index)
    if "weight" in column:
        weight = table[column["weight"]].to_numpy(dtype=np.float64)
        if np.isnan(weight).any():
            line = int(table.index[np.argmax(np.isnan(weight))])
            raise DataFormatError(f"{path}, line {line}: edge list has no weight value")
        edges["weight"] = weight
    if "sign" in column:
        edges["sign"] = parse_signs(table[column["sign"]], path=path, what="edge list")
    return edges
