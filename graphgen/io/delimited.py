"""The one reader of delimited text tables that every format reader builds on.

It reads plain or gzip-compressed files (detected by their first bytes, not their name),
keeps identifier columns as categoricals (a 12-million-line STRING file then costs a few
hundred MB, not gigabytes of Python strings), converts numeric columns, and turns every
failure into a :class:`~graphgen.exceptions.DataFormatError` that names the file, the line and
the problem. The index of the returned frame is the 1-based line number of each row in the
file, so later checks can name lines too.

Two engines parse the text:

* a **columnar, multi-threaded** one, `polars <https://pola.rs>`_ (or pyarrow's CSV reader
  when polars is not installed; ``pip install graphgen[fast]``), tried first. It only ever
  takes the happy path: a file it cannot parse, or one with any missing value, wrong field
  count, non-number or odd line, is handed to the second engine, so errors are the same;
* pandas' C parser, chunk by chunk, which names the line of every problem.

Both give the same table (``tests/io/test_columnar.py``); ``engine="pandas"`` forces the
second one. ``benchmarks/load_graph.py`` times the bare reads of both on a 12M-line STRING file
(polars 1.0 s, pyarrow 2.5 s on 2 cores), hence polars first.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import warnings
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError, GraphgenError, MissingDependencyError
from graphgen.settings import csv_engine

__all__ = ["ENGINES", "columnar_engine", "first_lines", "open_text", "raise_ragged",
           "read_delimited", "sniff_separator", "table_columns"]

#: What ``read_delimited(engine=...)`` accepts.
ENGINES = ("auto", "polars", "pyarrow", "pandas")
_CHUNK = 250_000
_GZIP_MAGIC = b"\x1f\x8b"
_TOKEN_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def open_text(path: str | os.PathLike) -> io.TextIOBase:
    """Open a plain or gzip file as UTF-8 text (gzip detected from the magic bytes).

    Raises:
        DataFormatError: the file does not exist or is not readable.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
        if magic == _GZIP_MAGIC:
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
        return open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFormatError(f"{path}: is a folder, expected a file") from None
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None


def first_lines(path: str | os.PathLike, n: int = 5) -> list[str]:
    """The first ``n`` lines of a text file (without line ends); ``[]`` for an empty file.

    Raises:
        DataFormatError: unreadable, not UTF-8 text, or a corrupt gzip stream.
    """
    lines = []
    try:
        with open_text(path) as handle:
            for line in handle:
                lines.append(line.rstrip("\r\n"))
                if len(lines) >= n:
                    break
    except GraphgenError:
        raise
    except (UnicodeDecodeError, EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(f"{path}: not a readable text table ({_describe(exc)})") from None
    return lines


def sniff_separator(line: str) -> str:
    """Tab if the line has one, else comma if it has one, else runs of white space."""
    if "\t" in line:
        return "\t"
    if "," in line:
        return ","
    return r"\s+"


def table_columns(
    path: str | os.PathLike, *, sep: str | None = None, skip_lines: int = 0, what: str = "table"
) -> tuple[str, list[str]]:
    """The separator and the column names of a table's header line.

    Args:
        path: plain or gzip file.
        sep: separator; ``None`` sniffs it (tab, comma, white space).
        skip_lines: lines before the header line.
        what: what the file holds, for messages.

    Raises:
        DataFormatError: the file is empty or unreadable.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = f.write_text('"",score,a\\n1,0.5,x\\n')
        >>> table_columns(f)
        (',', ['', 'score', 'a'])
    """
    head = first_lines(path, skip_lines + 1)
    if len(head) <= skip_lines or not head[skip_lines].strip():
        raise DataFormatError(f"{path}: {what} is empty (no header or data line)")
    line = head[skip_lines]
    sep = sniff_separator(line) if sep is None else sep
    return sep, [f.strip() for f in _fields(line, sep, path, skip_lines + 1)]


def read_delimited(
    path: str | os.PathLike,
    *,
    what: str,
    required: Sequence[str],
    names: Sequence[str] | None = None,
    sep: str | None = None,
    skip_lines: int = 0,
    numeric: Sequence[str] = (),
    categorical: Sequence[str] = (),
    optional: Sequence[str] = (),
    chunksize: int = _CHUNK,
    engine: str = "auto",
) -> pd.DataFrame:
    """Read a delimited table, checking columns and values with line-level errors.

    Args:
        path: plain or gzip file.
        what: what the file holds, for messages (e.g. ``"TRRUST file"``).
        required: columns that must exist and have a value on every line.
        names: column names when the file has no header line (``None``: the first line after
            ``skip_lines`` is the header).
        sep: separator; ``None`` sniffs it from the first line (tab, comma, white space).
        skip_lines: lines to skip before the header or data (e.g. comment lines).
        numeric: columns converted to float (a value that is not a number is an error).
        categorical: columns kept as pandas categoricals (identifiers).
        optional: further columns to keep when present.
        chunksize: rows per parser chunk (pandas engine).
        engine: ``"auto"`` (default: the columnar engine of :func:`columnar_engine` when one
            is installed, pandas for files it does not take), ``"polars"``, ``"pyarrow"``
            (that columnar engine, still falling back to pandas on any irregular line) or
            ``"pandas"`` (pandas' C parser only).

    Returns:
        A DataFrame of the required and present optional columns; its index is the 1-based
        line number of each row. Lines that are entirely empty are dropped.

    Raises:
        DataFormatError: empty file, missing columns (the message lists those present), a
            line with the wrong number of fields, a missing or non-numeric value, a truncated
            gzip stream, or bytes that are not UTF-8 text.
        ConfigError: an unknown ``engine``, or a columnar engine that is not installed.
    """
    path = Path(path)
    columnar = _pick_engine(engine)
    head = first_lines(path, skip_lines + 1)
    if len(head) <= skip_lines or not head[skip_lines].strip():
        raise DataFormatError(f"{path}: {what} is empty (no header or data line)")
    if sep is None:
        sep = sniff_separator(head[skip_lines])
    headerless = names is not None
    header_lines = skip_lines + (0 if headerless else 1)
    wanted = list(dict.fromkeys([*required, *optional]))
    if not headerless:
        raw = _fields(head[skip_lines], sep, path, skip_lines + 1)
        columns = [f.strip() for f in raw]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise DataFormatError(f"{path}: {what}: the header line names column(s) {repeated} "
                                  "more than once; rename them so each column has one name")
        if columns != raw:
            # "source, target": every engine reads the names as stripped, so one file gives
            # one table whatever the engine (the header line is skipped, the names given)
            names, skip_lines = columns, skip_lines + 1
    else:
        columns = list(names)
    missing = [c for c in required if c not in columns]
    if missing:
        raise DataFormatError(
            f"{path}: {what} lacks column(s) {missing}; it has {columns}"
            + (" (the file is read without a header line)" if headerless else "")
        )
    use = [c for c in wanted if c in columns]
    numeric = [c for c in numeric if c in use]  # a column not kept is not converted
    dtypes = {c: "category" for c in categorical}
    dtypes.update({c: "float64" for c in numeric})
    layout = _Layout(path, sep, names, skip_lines, use)
    frame = None
    if columnar is not None and (sep == r"\s+" or len(sep) == 1):
        frame = _read_columnar(columnar, layout, columns, numeric, header_lines)
    if frame is not None:
        _check_nul(frame, path)
        return frame
    try:
        frame = _read_chunks(layout, dtypes, chunksize)
    except ValueError as exc:
        if isinstance(exc, GraphgenError) or not numeric:
            raise
        # The fast parse failed on a numeric column: find the line and the value.
        _locate_bad_number(layout, numeric, header_lines, what)
        raise DataFormatError(f"{path}: {what}: {exc}") from None
    frame.index = frame.index + header_lines + 1
    frame.index.name = "line"
    blank = frame[use].isna().all(axis=1)
    if blank.any():
        frame = frame[~blank]
    if frame.empty:
        raise DataFormatError(f"{path}: {what} has a header but no data lines")
    for column in required:
        absent = frame[column].isna()
        if absent.any():
            line = int(frame.index[np.argmax(absent.to_numpy())])
            raise DataFormatError(
                f"{path}, line {line}: {what} has no value in column {column!r} "
                f"({int(absent.sum())} line(s) like this)"
            )
    return frame


def columnar_engine() -> str | None:
    """The columnar engine ``read_delimited`` uses by default: ``"polars"`` when installed,
    else ``"pyarrow"``, else ``None`` (pandas only).

    ``GRAPHGEN_CSV_ENGINE=pandas`` (or ``polars``/``pyarrow``, any case) in the environment
    overrides it (:func:`graphgen.settings.csv_engine`).

    Raises:
        ConfigError: an unknown ``GRAPHGEN_CSV_ENGINE``.
        MissingDependencyError: ``GRAPHGEN_CSV_ENGINE`` names an engine that is not installed.
    """
    wanted = csv_engine()
    if wanted == "pandas":
        return None
    if wanted in ("polars", "pyarrow"):
        if not _importable(wanted):
            raise MissingDependencyError(
                f"GRAPHGEN_CSV_ENGINE={wanted} but {wanted} is not installed: "
                f"pip install {wanted} (or unset GRAPHGEN_CSV_ENGINE)")
        return wanted
    for name in ("polars", "pyarrow"):
        if _importable(name):
            return name
    return None


def _importable(name: str) -> bool:
    try:
        if name == "polars":
            import polars  # noqa: F401
        else:
            import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def _pick_engine(engine: str) -> str | None:
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {list(ENGINES)}, got {engine!r}")
    if engine == "auto":
        return columnar_engine()
    if engine == "pandas":
        return None
    if not _importable(engine):
        raise ConfigError(f"engine {engine!r} is not installed (pip install {engine})")
    return engine


def _read_columnar(engine: str, layout: _Layout, columns: list[str], numeric: Sequence[str],
                   header_lines: int) -> pd.DataFrame | None:
    """The table parsed by a columnar engine, or ``None`` when the file is anything but
    regular (then pandas reads it and names the problem).

    Regular: the engine parses every line with the header's field count, every number, and
    finds no missing value in any column (a blank line, an empty field, a NaN). The index is
    then the line numbers, as the pandas path gives them.
    """
    try:
        raw = (_polars_table(layout, columns, numeric) if engine == "polars"
               else _arrow_table(layout, columns, numeric))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - any failure of the fast path, a polars panic (a
        return None        # BaseException) included: pandas names the line
    if raw is None:  # a missing value
        return None
    frame = {}
    for column in layout.use:
        codes, values = raw[column]
        if codes is None:
            if np.isnan(values).any():
                return None
            frame[column] = values
        else:
            frame[column] = _categorical(codes, values)
    first = raw[layout.use[0]]
    n = len(first[1] if first[0] is None else first[0])
    if not n:
        return None
    index = pd.RangeIndex(header_lines + 1, header_lines + 1 + n, name="line")
    return pd.DataFrame(frame, index=index, copy=False)


def _categorical(codes: np.ndarray, names: np.ndarray) -> pd.Categorical:
    """A categorical from codes known to be valid (``0 <= code < len(names)``)."""
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(names)),
                                     validate=False)


def _polars_table(layout: _Layout, columns: list[str], numeric: Sequence[str]) -> dict | None:
    """``{column: (codes or None, names or numbers)}``; ``None`` when a value is missing."""
    import polars as pl

    schema = {c: pl.Float64 if c in numeric else pl.Categorical for c in columns}
    table = pl.read_csv(
        layout.path, separator=" " if layout.sep == r"\s+" else layout.sep,
        has_header=layout.names is None, skip_rows=layout.skip_lines, schema=schema,
        quote_char='"', truncate_ragged_lines=False, null_values=[""])
    if table.null_count().sum_horizontal().item():
        return None
    out = {}
    for column in layout.use:
        series = table[column]
        if column in numeric:
            out[column] = (None, series.to_numpy())
            continue
        # Physical ids of a categorical may be global (shared by every column and file);
        # renumber this column's own values 0..k-1 in one counting pass.
        codes, used = _compact(series.to_physical().to_numpy())
        out[column] = (codes, _polars_names(series, used))
    return out


def _compact(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes renumbered 0..k-1, the old ids in use)``, in one counting pass: category ids
    of a columnar engine may number values of other columns or files too."""
    used = np.flatnonzero(np.bincount(codes)) if len(codes) else codes[:0].astype(np.int64)
    if not len(used) or int(used[-1]) + 1 == len(used):  # already 0..k-1
        return (codes.view(np.int32) if codes.dtype == np.uint32
                else codes.astype(np.int32, copy=False)), used
    lookup = np.full(int(used[-1]) + 1, -1, np.int32)
    lookup[used] = np.arange(len(used), dtype=np.int32)
    return lookup[codes], used


def _polars_names(series, used: np.ndarray) -> np.ndarray:
    """The strings of a polars categorical's physical ids ``used`` (sorted)."""
    import polars as pl

    categories = getattr(series.dtype, "categories", None)
    if categories is not None and hasattr(categories, "to_series"):  # polars >= 1.32
        return categories.to_series().gather(used).to_numpy().astype(object)
    distinct = series.unique()  # older polars: ids are local to the column
    order = np.argsort(distinct.to_physical().to_numpy())
    return distinct.cast(pl.String).to_numpy().astype(object)[order]


def _arrow_table(layout: _Layout, columns: list[str], numeric: Sequence[str]) -> dict | None:
    """As :func:`_polars_table`, with pyarrow's CSV reader."""
    import pyarrow as pa
    import pyarrow.csv as pc

    types = {c: pa.float64() if c in numeric else pa.dictionary(pa.int32(), pa.string())
             for c in columns}
    with open(layout.path, "rb") as handle:
        gzipped = handle.read(2) == _GZIP_MAGIC
    source = pa.input_stream(str(layout.path), compression="gzip" if gzipped else None)
    table = pc.read_csv(
        source,
        read_options=pc.ReadOptions(skip_rows=layout.skip_lines, column_names=columns,
                                    skip_rows_after_names=0 if layout.names else 1),
        parse_options=pc.ParseOptions(delimiter=" " if layout.sep == r"\s+" else layout.sep,
                                      ignore_empty_lines=False),
        convert_options=pc.ConvertOptions(column_types=types, null_values=[""],
                                          strings_can_be_null=True,
                                          quoted_strings_can_be_null=True))
    out = {}
    for column in layout.use:
        array = table[column]
        if array.null_count:
            return None
        if column in numeric:
            out[column] = (None, array.to_numpy())
        else:
            array = array.unify_dictionaries().combine_chunks()  # chunks: one dictionary
            codes, used = _compact(array.indices.to_numpy(zero_copy_only=False))
            out[column] = (codes, np.asarray(array.dictionary.to_pylist(), dtype=object)[used])
    return out


def _fields(text: str, sep: str, path: Path, number: int) -> list[str]:
    """The fields of line ``number`` (``text``, without its line end) split by ``sep``.

    Raises:
        DataFormatError: a field longer than Python's csv module takes (128 KiB).
    """
    if sep == r"\s+":
        return text.split()
    try:
        return next(csv.reader([text], delimiter=sep)) if text else []
    except csv.Error as exc:
        raise DataFormatError(f"{path}, line {number}: cannot split into fields ({exc})"
                              ) from None


@dataclass(frozen=True)
class _Layout:
    """Where a table's data are and which columns to keep."""

    path: Path
    sep: str
    names: Sequence[str] | None
    skip_lines: int
    use: list[str]


def _chunks(layout: _Layout, dtypes: dict[str, str], chunksize: int) -> Iterator[pd.DataFrame]:
    # No `usecols`: pandas then checks the field count of every line. Columns we do not keep
    # are parsed as categoricals (cheap) and dropped chunk by chunk.
    path, sep, names, skip_lines, use = (layout.path, layout.sep, layout.names,
                                         layout.skip_lines, layout.use)
    kwargs = dict(
        sep=sep, header=None if names is not None else 0, names=list(names) if names else None,
        skiprows=skip_lines, index_col=False, dtype=defaultdict(lambda: "category", dtypes),
        keep_default_na=False, na_values=[""], skip_blank_lines=False, chunksize=chunksize,
        engine="c", float_precision="round_trip",  # correctly rounded, as polars and pyarrow
    )
    with open_text(path) as raw, warnings.catch_warnings(record=True) as caught:
        handle = _NoNul(raw, path)  # pandas' parser cuts a field at a NUL byte
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            for chunk in pd.read_csv(handle, **kwargs):
                if any("names does not match" in str(w.message) for w in caught):
                    # pandas drops a line's surplus fields with a warning only (with a header
                    # line or without one): the line is named instead.
                    raise_ragged(path, sep, len(names) if names is not None
                                  else chunk.shape[1], skip_lines)
                yield chunk[use]
        except pd.errors.ParserError as exc:
            match = _TOKEN_ERROR.search(str(exc))
            if match:
                expected, line, saw = match.groups()
                raise DataFormatError(
                    f"{path}, line {line}: expected {expected} fields, saw {saw}"
                ) from None
            raise DataFormatError(f"{path}: cannot parse ({_describe(exc)})") from None
        except pd.errors.EmptyDataError:
            return
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise DataFormatError(
                f"{path}: truncated or corrupt gzip file ({_describe(exc)}); download it again"
            ) from None
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{path}: not UTF-8 text ({_describe(exc)})") from None
        except OverflowError as exc:
            raise DataFormatError(f"{path}: cannot parse ({_describe(exc)})") from None


class _NoNul:
    """A text handle that refuses NUL bytes as pandas reads it (its C parser would end a
    field there and merge two ids; the columnar engines keep the byte)."""

    def __init__(self, handle, path: Path) -> None:
        self.handle, self.path, self.lines = handle, path, 0

    def read(self, size: int = -1) -> str:
        return self._checked(self.handle.read(size))

    def __iter__(self):  # pandas takes a handle with `read` and `__iter__` as a file
        for line in self.handle:
            yield self._checked(line)

    def _checked(self, text: str) -> str:
        at = text.find("\x00")
        if at >= 0:
            line = self.lines + text.count("\n", 0, at) + 1
            raise DataFormatError(f"{self.path}, line {line}: a NUL byte (\\x00) in the "
                                  "text; a table of ids must not hold one (is it a binary "
                                  "file, or a field padded with zeros?)")
        self.lines += text.count("\n")
        return text


def _check_nul(frame: pd.DataFrame, path: Path) -> None:
    """The columnar engines keep NUL bytes: refuse them as the pandas path does (its id
    columns are categoricals, so the few names are searched, then the first row using one)."""
    for column in frame.columns:
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            continue  # numbers
        bad = [code for code, name in enumerate(values.cat.categories) if "\x00" in name]
        if bad:
            row = int(np.argmax(np.isin(values.cat.codes.to_numpy(), bad)))
            raise DataFormatError(f"{path}, line {int(frame.index[row])}: a NUL byte (\\x00) in "
                                  f"column {column!r}; a table of ids must not hold one (is it "
                                  "a binary file, or a field padded with zeros?)")


def raise_ragged(path: Path, sep: str, n_fields: int, skip_lines: int = 0) -> None:
    """Find the first line with more than ``n_fields`` fields and raise (error path only:
    pandas drops surplus fields with a ``ParserWarning`` only).

    Raises:
        DataFormatError: always, naming the line.
    """
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if number <= skip_lines:
                continue
            fields = _fields(line.rstrip("\r\n"), sep, path, number)
            if len(fields) > n_fields:
                raise DataFormatError(
                    f"{path}, line {number}: expected {n_fields} fields, saw {len(fields)}")
    raise DataFormatError(f"{path}: some line has more than {n_fields} fields")


def _read_chunks(layout: _Layout, dtypes: dict[str, str], chunksize: int) -> pd.DataFrame:
    """Read chunk by chunk; categorical columns are recoded into one growing category index
    as they come, so memory holds small integer codes, not one category set per chunk.

    The rows are numbered 0, 1, ... as pandas numbers them across chunks (the caller turns
    that into line numbers; a line pandas reads is never dropped, blank ones included)."""
    use = layout.use
    categories: dict[str, pd.Index] = {}
    pieces: dict[str, list[np.ndarray]] = {c: [] for c in use}
    for chunk in _chunks(layout, dtypes, chunksize):
        for column in use:
            values = chunk[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                known = categories.get(column)
                cats = values.cat.categories
                if known is None:
                    known = cats
                else:
                    new = cats.difference(known, sort=False)
                    if len(new):
                        known = known.append(new)
                categories[column] = known
                lookup = known.get_indexer(cats).astype(np.int32)
                codes = values.cat.codes.to_numpy()
                mapped = lookup[np.maximum(codes, 0)] if len(lookup) else np.zeros(len(codes),
                                                                                   np.int32)
                pieces[column].append(np.where(codes >= 0, mapped, -1).astype(np.int32))
            else:
                pieces[column].append(values.to_numpy())
    if not use or not pieces[use[0]]:  # no chunk at all
        return pd.DataFrame({c: pd.Series(dtype="object") for c in use})
    merged = {}
    for column in use:  # column by column, freeing the pieces as we go
        values = np.concatenate(pieces.pop(column))
        if column in categories:
            values = pd.Categorical.from_codes(values, categories=categories[column])
        merged[column] = values
    return pd.DataFrame(merged, copy=False)


def _locate_bad_number(layout: _Layout, numeric: Sequence[str], header_lines: int,
                       what: str) -> None:
    path = layout.path
    offset = header_lines + 1
    for chunk in _chunks(layout, {}, _CHUNK):
        for column in numeric:
            raw = chunk[column]
            values = pd.to_numeric(raw, errors="coerce")
            bad = values.isna() & raw.notna()
            if bad.any():
                row = int(np.argmax(bad.to_numpy()))
                raise DataFormatError(
                    f"{path}, line {int(chunk.index[row]) + offset}: {what} column {column!r} "
                    f"must be a number, got {raw.iloc[row]!r}"
                )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
