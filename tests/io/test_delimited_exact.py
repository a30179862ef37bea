"""The table reader's pandas path pinned exactly: the table, its line index and dtypes, the
separator sniffer, chunks, and every message whole (written from the mutation run of
docs/mutation.md; the columnar engines are compared with it in test_columnar.py)."""

import gzip
import re

import pandas as pd
import pytest

from graphgen.exceptions import ConfigError, DataFormatError, MissingDependencyError
from graphgen.io import delimited
from graphgen.io.delimited import (
    columnar_engine,
    first_lines,
    open_text,
    raise_ragged,
    read_delimited,
    sniff_separator,
    table_columns,
)

EDGES = dict(what="edge file", required=["source", "target"], engine="pandas")


def _whole(message):
    return "^" + re.escape(message) + "$"


def _file(tmp_path, name, text):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_a_table_its_line_index_columns_and_dtypes(tmp_path):
    f = _file(tmp_path, "t.tsv", "source\ttarget\tweight\textra\nA\tB\t0.5\tx\n\t\t\t\n"
                                  "007\tTRUE\t1\ty\n")
    table = read_delimited(f, **EDGES, numeric=["weight"], optional=["weight", "absent"],
                           categorical=["source", "target"])
    assert table.columns.tolist() == ["source", "target", "weight"]  # extra is not kept
    assert table.index.tolist() == [2, 4] and table.index.name == "line"  # blank line gone
    assert table["source"].astype(str).tolist() == ["A", "007"]
    assert table["target"].astype(str).tolist() == ["B", "TRUE"]
    assert str(table["source"].dtype) == "category" and table["weight"].dtype == "float64"
    assert table["weight"].tolist() == [0.5, 1.0]
    small = read_delimited(f, **EDGES, numeric=["weight"], optional=["weight"], chunksize=1)
    whole = read_delimited(f, **EDGES, numeric=["weight"], optional=["weight"])
    pd.testing.assert_frame_equal(small.astype(str), whole.astype(str))  # categories' order
    pd.testing.assert_frame_equal(small[["weight"]], whole[["weight"]])


def test_a_headerless_file_after_comment_lines(tmp_path):
    f = _file(tmp_path, "s.txt", "# one\n# two\nA B\nC D\n")
    table = read_delimited(f, **EDGES, names=["source", "target"], skip_lines=2)
    assert table.index.tolist() == [3, 4]
    assert table[["source", "target"]].astype(str).to_numpy().tolist() == [["A", "B"],
                                                                          ["C", "D"]]


def test_a_header_with_spaces_after_the_separators(tmp_path):
    f = _file(tmp_path, "h.csv", "source , target\nA,B\nC,D\n")
    table = read_delimited(f, **EDGES)
    assert table.columns.tolist() == ["source", "target"] and table.index.tolist() == [2, 3]


@pytest.mark.parametrize(("name", "text", "options", "message"), [
    ("empty.csv", "", {}, "{f}: edge file is empty (no header or data line)"),
    ("blank.csv", "\n\n", {}, "{f}: edge file is empty (no header or data line)"),
    ("header.csv", "source,target\n", {}, "{f}: edge file has a header but no data lines"),
    ("missing.csv", "source,dest\nA,B\n", {},
     "{f}: edge file lacks column(s) ['target']; it has ['source', 'dest']"),
    ("names.csv", "A,B\n", {"names": ["source", "target"], "required": ["source", "w"]},
     "{f}: edge file lacks column(s) ['w']; it has ['source', 'target'] (the file is read "
     "without a header line)"),
    ("repeat.csv", "source,target,source,target\nA,B,C,D\n", {},
     "{f}: edge file: the header line names column(s) ['source', 'target'] more than once; "
     "rename them so each column has one name"),
    ("novalue.csv", "source,target\nA,B\n,C\nD,E\n,F\n", {},
     "{f}, line 3: edge file has no value in column 'source' (2 line(s) like this)"),
    ("number.csv", "source,target,w\nA,B,1\nC,D,x\n", {"numeric": ["w"], "required":
                                                       ["source", "target", "w"]},
     "{f}, line 3: edge file column 'w' must be a number, got 'x'"),
    ("chunks.csv", "source,target,w\n" + "A,B,1\n" * 5 + "C,D,2e\n",
     {"numeric": ["w"], "chunksize": 2, "required": ["source", "target", "w"]},
     "{f}, line 7: edge file column 'w' must be a number, got '2e'"),
    ("first.csv", "source,target\nA,B,C\nD,E\n", {}, "{f}, line 2: expected 2 fields, saw 3"),
    ("later.csv", "source,target\nA,B\nD,E\nF,G,H,I\n", {},
     "{f}, line 4: expected 2 fields, saw 4"),
    ("nul.csv", "source,target\nA,B\nA\x00X,B\n", {},
     "{f}, line 3: a NUL byte (\\x00) in the text; a table of ids must not hold one (is it a "
     "binary file, or a field padded with zeros?)"),
    ("quote.csv", 'source,target\n"A,B\n', {},
     "{f}: cannot parse (ParserError: Error tokenizing data. C error: EOF inside string "
     "starting at row 1)"),
])
def test_messages_whole(tmp_path, name, text, options, message):
    f = _file(tmp_path, name, text)
    with pytest.raises(DataFormatError, match=_whole(message.format(f=f))):
        read_delimited(f, **{**EDGES, **options})


def test_file_level_messages_whole(tmp_path):
    body = "source,target\n" + "".join(f"G{i},H{i}\n" for i in range(5000))
    gz = _file(tmp_path, "t.csv.gz", gzip.compress(body.encode())[:5000])
    with pytest.raises(DataFormatError, match=_whole(
            f"{gz}: truncated or corrupt gzip file (EOFError: Compressed file ended before the "
            "end-of-stream marker was reached); download it again")):
        read_delimited(gz, **EDGES)
    latin = _file(tmp_path, "l.csv", b"source,target\n" + b"A,B\n" * 10 + b"\xe9,B\n")
    with pytest.raises(DataFormatError, match=re.escape(
            f"{latin}: not a readable text table (UnicodeDecodeError: ")):
        read_delimited(latin, **EDGES)
    with pytest.raises(DataFormatError, match=_whole(f"{tmp_path}: is a folder, expected a "
                                                     "file")):
        open_text(tmp_path)
    with pytest.raises(DataFormatError, match=_whole(f"{tmp_path}/none.csv: no such file")):
        read_delimited(tmp_path / "none.csv", **EDGES)
    with pytest.raises(ConfigError, match=_whole(
            "engine must be one of ['auto', 'polars', 'pyarrow', 'pandas'], got 'duckdb'")):
        read_delimited(latin, **{**EDGES, "engine": "duckdb"})


def test_separators_headers_and_first_lines(tmp_path):
    assert (sniff_separator("a\tb,c"), sniff_separator("a,b c"),
            sniff_separator("a b")) == ("\t", ",", r"\s+")
    f = _file(tmp_path, "t.csv", "source , target\nA,B\nC,D\nE,F\n")
    assert table_columns(f) == (",", ["source", "target"])
    assert table_columns(f, sep="\t") == ("\t", ["source , target"])
    assert first_lines(f, 2) == ["source , target", "A,B"]
    assert len(first_lines(f)) == 4  # five by default, fewer in a shorter file
    empty = _file(tmp_path, "e.csv", "")
    with pytest.raises(DataFormatError, match=_whole(f"{empty}: thing is empty (no header or "
                                                     "data line)")):
        table_columns(empty, what="thing")
    ragged = _file(tmp_path, "r.csv", "# skip\na,b\nc,d\ne,f,g\n")
    with pytest.raises(DataFormatError, match=_whole(f"{ragged}, line 4: expected 2 fields, "
                                                     "saw 3")):
        raise_ragged(ragged, ",", 2, skip_lines=1)
    with pytest.raises(DataFormatError, match=_whole(f"{ragged}: some line has more than 3 "
                                                     "fields")):
        raise_ragged(ragged, ",", 3)


def test_the_engine_setting(monkeypatch):
    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "pandas")
    assert columnar_engine() is None
    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "polars")
    monkeypatch.setattr(delimited, "_importable", lambda name: False)
    with pytest.raises(MissingDependencyError, match=_whole(
            "GRAPHGEN_CSV_ENGINE=polars but polars is not installed: pip install polars (or "
            "unset GRAPHGEN_CSV_ENGINE)")):
        columnar_engine()
    monkeypatch.setattr(delimited, "_importable", lambda name: name == "pyarrow")
    monkeypatch.delenv("GRAPHGEN_CSV_ENGINE")
    assert columnar_engine() == "pyarrow"  # polars missing: the next one
    monkeypatch.setattr(delimited, "_importable", lambda name: False)
    assert columnar_engine() is None


def test_long_decimals_are_correctly_rounded(tmp_path):
    # pandas' default float parser is one ulp off on this one; polars and pyarrow are not
    value = "0.8652300018695697655928603"
    f = _file(tmp_path, "w.csv", f"source,target,w\nA,B,{value}\n")
    table = read_delimited(f, **{**EDGES, "required": ["source", "target", "w"]},
                           numeric=["w"])
    assert table["w"].iloc[0] == float(value)


def test_a_number_located_after_a_numeric_column_that_is_not_kept(tmp_path):
    f = _file(tmp_path, "n.csv", "source,target,w\nA,B,1\nC,D,x\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 3: edge file column 'w' must be a number, got 'x'")):
        read_delimited(f, **{**EDGES, "required": ["source", "target", "w"]},
                       numeric=["absent", "w"])


def test_nul_bytes_named_by_their_line_after_skipped_lines(tmp_path):
    f = _file(tmp_path, "z.txt", "# comment\n# comment\nA B\nC\x00 D\n")
    with pytest.raises(DataFormatError, match=re.escape(f"{f}, line 4: a NUL byte")):
        read_delimited(f, **EDGES, names=["source", "target"], skip_lines=2)


def test_the_ragged_line_finder_by_separator(tmp_path):
    tab = _file(tmp_path, "t.tsv", "a\tb\nc\td\t\n")  # a trailing tab is one field more
    with pytest.raises(DataFormatError, match=_whole(f"{tab}, line 2: expected 2 fields, "
                                                     "saw 3")):
        raise_ragged(tab, "\t", 2)
    first = _file(tmp_path, "f.csv", "a,b,c\r\nd,e\r\n")  # CRLF, the first line itself
    with pytest.raises(DataFormatError, match=_whole(f"{first}, line 1: expected 2 fields, "
                                                     "saw 3")):
        raise_ragged(first, ",", 2)
    spaced = _file(tmp_path, "s.txt", "x y z w\na  b\nc d e\n")  # the skipped line is wide
    with pytest.raises(DataFormatError, match=_whole(f"{spaced}, line 3: expected 2 fields, "
                                                     "saw 3")):
        raise_ragged(spaced, r"\s+", 2, skip_lines=1)
    empty = _file(tmp_path, "e.csv", "")
    with pytest.raises(DataFormatError, match=_whole(f"{empty}: table is empty (no header or "
                                                     "data line)")):
        table_columns(empty)


def test_chunks_join_into_the_table_of_one_read(tmp_path):
    # categories that first appear in later chunks, missing optional values, a blank line
    lines = ["source,target,note"]
    for i in range(40):
        lines.append(f"G{i % 7},H{(i * 3) % 11},{'' if i % 4 == 0 else f'n{i % 5}'}")
        if i == 25:
            lines.append(",,")
    f = _file(tmp_path, "c.csv", "\n".join(lines) + "\n")
    whole = read_delimited(f, **EDGES, optional=["note"], chunksize=10_000)
    assert whole.index.tolist() == [*range(2, 28), *range(29, 43)]
    expected = [line.split(",") for line in lines[1:] if line != ",,"]
    got = whole.astype(object).where(whole.notna(), "").astype(str).to_numpy().tolist()
    assert got == expected
    for size in (1, 3, 7):
        part = read_delimited(f, **EDGES, optional=["note"], chunksize=size)
        assert part.index.tolist() == whole.index.tolist()
        pd.testing.assert_frame_equal(part.astype(object), whole.astype(object))
        assert sorted(part["source"].cat.categories) == sorted(whole["source"].cat.categories)


def test_a_nul_byte_far_into_a_file_is_named_by_its_line(tmp_path):
    rows = [f"GENE{i:06d},PARTNER{i:06d}" for i in range(60_000)]  # several reads of pandas
    rows[54_321] = "GENE\x00X,PARTNER"
    f = _file(tmp_path, "z.csv", "source,target\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataFormatError, match=re.escape(f"{f}, line 54323: a NUL byte")):
        read_delimited(f, **EDGES)


def test_an_engine_asked_for_by_name(tmp_path, monkeypatch):
    f = _file(tmp_path, "t.csv", "source,target\nA,B\n")
    monkeypatch.setattr(delimited, "_importable", lambda name: False)
    with pytest.raises(ConfigError, match=_whole(
            "engine 'pyarrow' is not installed (pip install pyarrow)")):
        read_delimited(f, **{**EDGES, "engine": "pyarrow"})
    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "pandas")
    auto = read_delimited(f, **{**EDGES, "engine": "auto"})  # auto: the setting, pandas
    pd.testing.assert_frame_equal(auto, read_delimited(f, **EDGES))


def test_a_file_that_cannot_be_opened_is_named_with_the_reason(tmp_path):
    long = tmp_path / ("x" * 300)  # longer than a file name may be, even for root
    with pytest.raises(DataFormatError, match=_whole(f"{long}: cannot read (File name too "
                                                     "long)")):
        read_delimited(long, **EDGES)


def test_a_lone_carriage_return_inside_quotes_is_kept(tmp_path):
    text = b'source,target\n"A\rB",C\nD,E\n'
    for f in (_file(tmp_path, "cr.csv", text), _file(tmp_path, "cr.gz", gzip.compress(text))):
        table = read_delimited(f, **EDGES)
        assert table.astype(object).to_numpy().tolist() == [["A\rB", "C"], ["D", "E"]]
        assert table.index.tolist() == [2, 3]


def test_files_are_read_as_utf8_whatever_the_default_encoding(tmp_path, monkeypatch):
    """Python opens text in the locale's encoding unless told; with an ASCII default (a POSIX
    locale) ids must still be read as UTF-8, plain or gzip."""
    import builtins
    import io
    import types

    def ascii_default(opener):
        def opened(*args, **kwargs):
            if "b" in (args[1] if len(args) > 1 and isinstance(args[1], str) else
                       kwargs.get("mode", "")):
                return opener(*args, **kwargs)
            return opener(*args, **{**kwargs, "encoding": kwargs.get("encoding") or "ascii"})
        return opened

    monkeypatch.setattr(delimited, "open", ascii_default(builtins.open), raising=False)
    monkeypatch.setattr(delimited, "io", types.SimpleNamespace(
        TextIOWrapper=ascii_default(io.TextIOWrapper), TextIOBase=io.TextIOBase))
    text = "source,target\nCAFÉ,Ω1\nβ2,CAFÉ\n"
    for path in (_file(tmp_path, "u.csv", text.encode()),
                 _file(tmp_path, "u.csv.gz", gzip.compress(text.encode()))):
        assert first_lines(path, 2) == ["source,target", "CAFÉ,Ω1"]
        table = read_delimited(path, **EDGES)
        assert table.astype(object).to_numpy().tolist() == [["CAFÉ", "Ω1"], ["β2", "CAFÉ"]]


def test_first_lines_keep_what_is_not_a_line_end(tmp_path):
    f = _file(tmp_path, "l.tsv", "".join(f"a\tX{i} \t\r\n" for i in range(7)))
    assert first_lines(f) == [f"a\tX{i} \t" for i in range(5)]  # five by default
    assert first_lines(f, 7)[-1] == "a\tX6 \t"
    x = _file(tmp_path, "x.csv", "source,GENEX\nA,B\n")
    assert table_columns(x) == (",", ["source", "GENEX"])
    assert table_columns(f, skip_lines=6) == ("\t", ["a", "X6", ""])


def test_a_header_line_with_trailing_spaces(tmp_path):
    f = _file(tmp_path, "h.csv", "source,target \nA,B\n")
    table = read_delimited(f, **EDGES)
    assert table.columns.tolist() == ["source", "target"]
    assert table.astype(object).to_numpy().tolist() == [["A", "B"]]


def test_a_field_too_long_to_split_is_named(tmp_path):
    f = _file(tmp_path, "long.csv", "a," + "x" * 200_000 + "\nA,B\n")
    message = f"{f}, line 1: cannot split into fields (field larger than field limit (131072))"
    with pytest.raises(DataFormatError, match=_whole(message)):
        table_columns(f)
    with pytest.raises(DataFormatError, match=_whole(message)):
        read_delimited(f, **{**EDGES, "required": ["a"]})
    ragged = _file(tmp_path, "r.csv", "a,b\nA," + "x" * 200_000 + "\nC,D,E\n")
    with pytest.raises(DataFormatError, match=_whole(message.replace("line 1", "line 2")
                                                     .replace(str(f), str(ragged)))):
        raise_ragged(ragged, ",", 2)


def test_blank_lines_keep_the_line_numbers(tmp_path):
    f = _file(tmp_path, "b.csv", "source,target\nA,B\n\n\nC,D\n")
    for size in (1, 10):
        table = read_delimited(f, **EDGES, chunksize=size)
        assert table.index.tolist() == [2, 5]
        assert table.astype(object).to_numpy().tolist() == [["A", "B"], ["C", "D"]]


def test_a_surplus_field_named_by_its_line_after_skipped_lines(tmp_path):
    f = _file(tmp_path, "s.csv", "# a, b, c, d\nsource,target\nA,B,C\nD,E\n")
    with pytest.raises(DataFormatError, match=_whole(f"{f}, line 3: expected 2 fields, saw 3")):
        read_delimited(f, **EDGES, skip_lines=1)
    spaced = _file(tmp_path, "w.txt", "a b\nc d X\n")  # the last field ends in X
    with pytest.raises(DataFormatError, match=_whole(f"{spaced}, line 2: expected 2 fields, "
                                                     "saw 3")):
        raise_ragged(spaced, r"\s+", 2)


def test_bytes_not_utf8_far_into_a_file(tmp_path):
    f = _file(tmp_path, "l.csv", b"source,target\n" + b"GENE,PARTNER\n" * 5000 + b"\xe9,B\n")
    with pytest.raises(DataFormatError, match=re.escape(
            f"{f}: not UTF-8 text (UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9")):
        read_delimited(f, **EDGES)


def test_nul_bytes_named_by_the_first_line_that_holds_one(tmp_path):
    two = _file(tmp_path, "two.csv", "source,target\nA,B\nC\x00,D\nE\x00,F\n")
    with pytest.raises(DataFormatError, match=re.escape(f"{two}, line 3: a NUL byte")):
        read_delimited(two, **EDGES)
    first = _file(tmp_path, "first.csv", "\x00A,B\nC,D\n")  # the very first byte
    with pytest.raises(DataFormatError, match=re.escape(f"{first}, line 1: a NUL byte")):
        read_delimited(first, **EDGES, names=["source", "target"])
    blank = _file(tmp_path, "blank.csv", "\nA,B\nC\x00,D\n")  # a line end first
    with pytest.raises(DataFormatError, match=re.escape(f"{blank}, line 3: a NUL byte")):
        read_delimited(blank, **EDGES, names=["source", "target"], skip_lines=1)


def test_the_nul_guard_reads_and_iterates(tmp_path):
    import io

    handle = delimited._NoNul(io.StringIO("a,b\nc,d\n"), tmp_path / "t.csv")
    assert list(handle) == ["a,b\n", "c,d\n"]
    handle = delimited._NoNul(io.StringIO("a,b\nc,d\ne\x00,f\n"), tmp_path / "t.csv")
    assert handle.read(4) == "a,b\n"
    with pytest.raises(DataFormatError, match=re.escape(f"{tmp_path / 't.csv'}, line 3: ")):
        list(handle)


def test_a_numeric_column_not_kept_is_not_converted(tmp_path):
    f = _file(tmp_path, "n.csv", "source,target,w\nA,B,1\nC,D,high\n")
    table = read_delimited(f, **EDGES, numeric=["w"])
    assert table.columns.tolist() == ["source", "target"] and len(table) == 2


def test_the_engine_named_by_the_setting_or_found(monkeypatch):
    monkeypatch.setattr(delimited, "_importable", lambda name: True)
    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "pyarrow")
    assert columnar_engine() == "pyarrow"  # asked for, though polars would come first
    monkeypatch.setattr(delimited, "_importable", lambda name: name == "pyarrow")
    assert columnar_engine() == "pyarrow"
    assert delimited._pick_engine("pyarrow") == "pyarrow"
    monkeypatch.setattr(delimited, "_importable", lambda name: name == "polars")
    monkeypatch.delenv("GRAPHGEN_CSV_ENGINE")
    assert columnar_engine() == "polars"
    assert delimited._pick_engine("pandas") is None


def test_no_chunk_at_all_gives_an_empty_table(tmp_path):
    f = _file(tmp_path, "e.csv", "a,b\n")  # pandas finds no header past line 5: no chunk
    layout = delimited._Layout(f, ",", None, 5, ["a", "b"])
    table = delimited._read_chunks(layout, {}, 10)
    assert table.columns.tolist() == ["a", "b"] and len(table) == 0
    assert table.dtypes.tolist() == [object, object]


def test_an_exception_described_without_a_message():
    assert delimited._describe(EOFError()) == "EOFError"
    assert delimited._describe(ValueError("first\nsecond")) == "ValueError: first"


def test_a_missing_column_under_a_header_with_spaces(tmp_path):
    f = _file(tmp_path, "s.csv", "source , target\nA,B\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: edge file lacks column(s) ['weight']; it has ['source', 'target']")):
        read_delimited(f, **{**EDGES, "required": ["source", "weight"]})
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: edge file lacks column(s) ['weight']; it has ['a', 'b'] (the file is read "
            "without a header line)")):
        read_delimited(f, **{**EDGES, "required": ["a", "weight"]}, names=["a", "b"])
