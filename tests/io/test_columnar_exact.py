"""The columnar engines pinned exactly: a regular file is read by polars or pyarrow alone
(never handed to pandas) and gives pandas' table, line index and dtypes; an irregular one is
handed over; the helpers that renumber category ids are exact (written from the mutation run
of docs/mutation.md)."""

import gzip
import re

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io import delimited
from graphgen.io.delimited import read_delimited

COLUMNAR = [e for e in ("polars", "pyarrow") if delimited._importable(e)]
pytestmark = pytest.mark.skipif(not COLUMNAR, reason="neither polars nor pyarrow installed")


def _no_pandas(*args, **kwargs):
    raise AssertionError("a regular file was handed to another parser")


def _file(tmp_path, name, text):
    path = tmp_path / name
    data = text if isinstance(text, bytes) else text.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def _exact(ours: pd.DataFrame, pandas: pd.DataFrame) -> None:
    """The same columns, line index (name and values), dtypes kind and values."""
    assert ours.columns.tolist() == pandas.columns.tolist()
    assert ours.index.name == pandas.index.name == "line"
    assert ours.index.tolist() == pandas.index.tolist()
    for column in ours.columns:
        left, right = ours[column], pandas[column]
        assert str(left.dtype) == str(right.dtype) or (
            isinstance(left.dtype, pd.CategoricalDtype)
            and isinstance(right.dtype, pd.CategoricalDtype)), column
        assert left.astype(object).tolist() == right.astype(object).tolist(), column
        if isinstance(left.dtype, pd.CategoricalDtype):  # no unused category
            assert sorted(left.cat.categories) == sorted(set(left.astype(object))), column


# A regular table in each layout the readers use: (file name, text, options)
REGULAR = {
    "space separated, header": (
        "s.txt", "protein1 protein2 score\n9606.P1 9606.P2 900\n9606.P2 9606.P3 150\n",
        dict(required=["protein1", "protein2", "score"], numeric=["score"])),
    "gzip, tab, comment lines": (
        "t.tsv.gz", "# one\n# two\na\tb\tw\nA\tB\t1.5\nC\tD\t2\nB\tA\t-3e2\n",
        dict(required=["a", "b", "w"], numeric=["w"], skip_lines=2)),
    "gzip without a .gz name (found by its first bytes)": (
        "links.txt", gzip.compress(b"a b w\nA B 1\nB C 2\n"),
        dict(required=["a", "b", "w"], numeric=["w"])),
    "no header line, names given": (
        "n.txt", "A B 1\nB C 2\nC A 3\n",
        dict(required=["a", "b", "w"], numeric=["w"], names=["a", "b", "w"])),
    "no header, comment lines": (
        "nc.csv", "#x\nA,B\nC,D\nE,F\n",
        dict(required=["a", "b"], names=["a", "b"], skip_lines=1)),
    "quoted header and fields": (
        "q.csv", '"",score,a,b\n1,0.5,"A, x",B\n2,0.25,B,"C ""y"""\n',
        dict(required=["a", "b"], numeric=["score"], optional=["score"])),
    "a number first, a column not kept": (
        "f.csv", "w,a,b,extra\n1,A,B,x\n2,B,C,y\n3,C,A,z\n",
        dict(required=["w", "a", "b"], numeric=["w"])),
    "one column": ("one.txt", "gene\nTP53\nMDM2\n", dict(required=["gene"])),
    "optional column absent": (
        "o.csv", "a,b\nA,B\nB,A\n",
        dict(required=["a", "b"], optional=["note"])),
    "ids shared by two columns": (  # global category ids: the second column's are not 0..k-1
        "g.csv", "a,b\n" + "".join(f"G{i},G{(i * 7 + 3) % 50}\n" for i in range(0, 50, 2)),
        dict(required=["a", "b"])),
    "NA and null are ids": (
        "na.txt", "a b w\nNA B 1\nC null 2\n",
        dict(required=["a", "b", "w"], numeric=["w"])),
}


@pytest.mark.parametrize("engine", COLUMNAR)
@pytest.mark.parametrize("case", sorted(REGULAR))
def test_a_regular_file_is_read_by_the_columnar_engine_alone(tmp_path, engine, case,
                                                             monkeypatch):
    name, text, options = REGULAR[case]
    path = _file(tmp_path, name, text)
    kwargs = dict(what="t", **options)
    pandas = read_delimited(path, engine="pandas", **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(delimited, "_read_chunks", _no_pandas)  # nor the other engine
        patch.setattr(delimited, "_arrow_table" if engine == "polars" else "_polars_table",
                      _no_pandas)
        ours = read_delimited(path, engine=engine, **kwargs)
    _exact(ours, pandas)
    assert isinstance(ours.index, pd.RangeIndex)


@pytest.mark.parametrize("engine", COLUMNAR)
def test_a_file_in_several_blocks_with_ids_first_seen_late(tmp_path, engine, monkeypatch):
    """Larger than one block of pyarrow's reader (1 MiB): a column arrives in chunks whose
    dictionaries differ and are unified; polars' global ids are renumbered per column."""
    rows = [f"GENE{i:07d}\tPARTNER{(i * 37) % 90_000:07d}\t{i % 1000}" for i in range(90_000)]
    path = _file(tmp_path, "big.tsv", "a\tb\tw\n" + "\n".join(rows) + "\n")
    monkeypatch.setattr(delimited, "_read_chunks", _no_pandas)
    ours = read_delimited(path, engine=engine, what="t", required=["a", "b", "w"],
                          numeric=["w"])
    assert ours.index[0] == 2 and ours.index[-1] == 90_001
    assert ours["a"].iloc[[0, 45_000, -1]].tolist() == ["GENE0000000", "GENE0045000",
                                                         "GENE0089999"]
    assert ours["b"].iloc[-1] == f"PARTNER{(89_999 * 37) % 90_000:07d}"
    assert ours["w"].sum() == sum(i % 1000 for i in range(90_000))
    assert len(ours["a"].cat.categories) == 90_000


IRREGULAR = {  # each handed to pandas, which gives the table or names the line
    "blank line": ("a,b,w\nA,B,1\n\nB,A,2\n", None),
    "empty id": ("a,b,w\nA,,1\nB,A,2\n", "line 2: t has no value in column 'b'"),
    "quoted empty id": ('a,b,w\nA,"",1\nB,A,2\n', "line 2: t has no value in column 'b'"),
    "empty number": ("a,b,w\nA,B,\nB,A,2\n", "line 2: t has no value in column 'w'"),
    "NaN number": ("a,b,w\nA,B,1\nB,A,nan\n", "line 3: t column 'w' must be a number, got 'nan'"),
    "surplus field": ("a,b,w\nA,B,1\nB,A,2,9\n", "line 3: expected 3 fields, saw 4"),
    "missing field": ("a,b,w\nA,B,1\nB,A\n", "line 3: t has no value in column 'w'"),
    "not a number": ("a,b,w\nA,B,1\nB,A,x\n", "line 3: t column 'w' must be a number"),
    "header only": ("a,b,w\n", "t has a header but no data lines"),
}


@pytest.mark.parametrize("engine", COLUMNAR)
@pytest.mark.parametrize("case", sorted(IRREGULAR))
def test_an_irregular_file_is_handed_to_pandas(tmp_path, engine, case, monkeypatch):
    text, error = IRREGULAR[case]
    path = _file(tmp_path, "x.csv", text)
    kwargs = dict(what="t", required=["a", "b", "w"], numeric=["w"])
    calls = []
    chunks = delimited._read_chunks
    monkeypatch.setattr(delimited, "_read_chunks", lambda *a: calls.append(1) or chunks(*a))
    if error is None:
        ours = read_delimited(path, engine=engine, **kwargs)
        assert calls == [1]
        _exact(ours, read_delimited(path, engine="pandas", **kwargs))
        assert ours.index.tolist() == [2, 4]
    else:
        with pytest.raises(DataFormatError, match=error):
            read_delimited(path, engine=engine, **kwargs)
        assert calls == [1]


@pytest.mark.parametrize("engine", COLUMNAR)
def test_the_columnar_reader_itself(tmp_path, engine):
    layout = delimited._Layout(_file(tmp_path, "r.csv", "w,a\n1.5,X\n2,Y\n2,X\n"), ",", None,
                               0, ["w", "a"])
    frame = delimited._read_columnar(engine, layout, ["w", "a"], ["w"], 1)
    assert isinstance(frame.index, pd.RangeIndex) and frame.index.name == "line"
    assert frame.index.tolist() == [2, 3, 4]
    assert frame["w"].tolist() == [1.5, 2.0, 2.0] and frame["w"].dtype == np.float64
    assert frame["a"].tolist() == ["X", "Y", "X"]
    shifted = delimited._read_columnar(engine, layout, ["w", "a"], ["w"], 4)
    assert shifted.index.tolist() == [5, 6, 7]
    nan = delimited._Layout(_file(tmp_path, "n.csv", "w,a\n1,X\nNaN,Y\n"), ",", None, 0,
                            ["w", "a"])
    assert delimited._read_columnar(engine, nan, ["w", "a"], ["w"], 1) is None
    empty = delimited._Layout(_file(tmp_path, "e.csv", "a,w\n"), ",", None, 0, ["a", "w"])
    assert delimited._read_columnar(engine, empty, ["a", "w"], ["w"], 1) is None
    absent = delimited._Layout(tmp_path / "none.csv", ",", None, 0, ["a"])
    assert delimited._read_columnar(engine, absent, ["a"], [], 1) is None


@pytest.mark.parametrize("engine", COLUMNAR)
def test_a_panic_hands_over_but_an_interrupt_stops(tmp_path, engine, monkeypatch):
    layout = delimited._Layout(_file(tmp_path, "r.csv", "a\nX\n"), ",", None, 0, ["a"])
    table = "_polars_table" if engine == "polars" else "_arrow_table"

    class Panic(BaseException):  # what a polars panic is (not an Exception)
        pass

    def raising(error):
        def parse(*args):
            raise error
        return parse

    for stop in (KeyboardInterrupt, SystemExit):
        monkeypatch.setattr(delimited, table, raising(stop()))
        with pytest.raises(stop):
            delimited._read_columnar(engine, layout, ["a"], [], 1)
    monkeypatch.setattr(delimited, table, raising(Panic()))
    assert delimited._read_columnar(engine, layout, ["a"], [], 1) is None


def test_category_ids_renumbered():
    codes, used = delimited._compact(np.array([5, 2, 5, 9], dtype=np.uint32))
    assert codes.tolist() == [1, 0, 1, 2] and codes.dtype == np.int32
    assert used.tolist() == [2, 5, 9]
    codes, used = delimited._compact(np.array([1, 0, 1, 2], dtype=np.uint32))
    assert codes.tolist() == [1, 0, 1, 2] and codes.dtype == np.int32
    assert used.tolist() == [0, 1, 2]
    codes, used = delimited._compact(np.array([0, 3, 3], dtype=np.int64))
    assert codes.tolist() == [0, 1, 1] and codes.dtype == np.int32
    assert used.tolist() == [0, 3]
    codes, used = delimited._compact(np.array([1, 0], dtype=np.int64))
    assert codes.tolist() == [1, 0] and codes.dtype == np.int32
    codes, used = delimited._compact(np.array([], dtype=np.uint32))
    assert len(codes) == 0 and codes.dtype == np.int32
    assert len(used) == 0 and used.dtype == np.int64
    values = delimited._categorical(np.array([1, 0, 1], np.int32),
                                    np.array(["b", "a"], dtype=object))
    assert values.tolist() == ["a", "b", "a"] and values.categories.tolist() == ["b", "a"]


@pytest.mark.skipif("polars" not in COLUMNAR, reason="polars not installed")
def test_polars_names_of_physical_ids():
    import polars as pl

    series = pl.Series(["x", "y", "z", "y"], dtype=pl.Categorical)
    physical = series.to_physical().to_numpy()
    used = np.unique(physical)
    names = delimited._polars_names(series, used)
    assert dict(zip(used.tolist(), names.tolist())) == {
        int(i): v for i, v in zip(physical, ["x", "y", "z", "y"])}
    assert names.dtype == object
    # ids local to the column (an Enum, as older polars' categoricals): the fallback
    enum = pl.Series(["b", "a", "b"], dtype=pl.Enum(["c", "b", "a", "d"]))
    names = delimited._polars_names(enum, np.array([1, 2]))
    assert names.tolist() == ["b", "a"] and names.dtype == object


@pytest.mark.parametrize("engine", COLUMNAR)
@pytest.mark.parametrize("header, row", [("a,b,w", "E,F\x00G,3"), ("w,a,b", "3,E,F\x00G")])
def test_a_nul_byte_named_by_its_line_in_a_later_column(tmp_path, engine, header, row):
    """After a clean id column or a number column, the NUL is still found."""
    path = _file(tmp_path, "z.csv", "#c\n" + header + "\n" + "\n".join(
        ",".join(dict(a=a, b=b, w=w)[c] for c in header.split(","))
        for a, b, w in (("A", "B", "1"), ("C", "D", "2"))) + "\n" + row + "\n")
    message = (f"{path}, line 5: a NUL byte (\\x00) in column 'b'; a table of ids must not "
               "hold one (is it a binary file, or a field padded with zeros?)")
    with pytest.raises(DataFormatError, match="^" + re.escape(message) + "$"):
        read_delimited(path, engine=engine, what="t", required=header.split(","),
                       numeric=["w"], skip_lines=1)
