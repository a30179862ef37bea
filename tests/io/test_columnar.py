"""The columnar engines (polars, pyarrow) give the pandas engine's tables and errors."""

import gzip

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.graph.load import load_ppi
from graphgen.io import delimited
from graphgen.io.delimited import read_delimited
from graphgen.io.string import read_string

COLUMNAR = [e for e in ("polars", "pyarrow") if delimited._importable(e)]
pytestmark = pytest.mark.skipif(not COLUMNAR, reason="neither polars nor pyarrow installed")

STRING = ("protein1 protein2 combined_score\n"
          "9606.P1 9606.P2 900\n9606.P2 9606.P1 900\n9606.P1 9606.P3 150\n"
          "9606.P3 9606.P1 150\n9606.P4 9606.P2 420\n")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a.index.tolist() == b.index.tolist() and a.index.name == b.index.name
    for column in a.columns:
        left, right = a[column], b[column]
        assert isinstance(left.dtype, pd.CategoricalDtype) == isinstance(
            right.dtype, pd.CategoricalDtype), column
        np.testing.assert_array_equal(left.astype(object).to_numpy(),
                                      right.astype(object).to_numpy())


def _string_file(tmp_path, n_proteins=300, n_pairs=4000, seed=0, compress=True):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n_proteins, n_pairs)
    b = rng.integers(0, n_proteins, n_pairs)
    score = rng.integers(150, 1000, n_pairs)
    lines = ["protein1 protein2 combined_score"] + [
        f"9606.ENSP{x:05d} 9606.ENSP{y:05d} {s}" for x, y, s in zip(a, b, score)]
    text = "\n".join(lines) + "\n"
    path = tmp_path / ("links.txt.gz" if compress else "links.txt")
    path.write_bytes(gzip.compress(text.encode()) if compress else text.encode())
    return path


@pytest.mark.parametrize("engine", COLUMNAR)
@pytest.mark.parametrize("compress", [True, False])
def test_string_file_same_table_and_graph(tmp_path, engine, compress):
    path = _string_file(tmp_path, compress=compress)
    _same(read_string(path), _pandas(read_string, path))
    kwargs = dict(what="x", required=["protein1", "protein2", "combined_score"],
                  numeric=["combined_score"], categorical=["protein1", "protein2"])
    _same(read_delimited(path, engine=engine, **kwargs),
          read_delimited(path, engine="pandas", **kwargs))
    ours, theirs = load_ppi(path), _pandas(load_ppi, path)
    assert ours.node_ids == theirs.node_ids
    assert ours.edge_index.equal(theirs.edge_index)
    assert ours.edge_weight.equal(theirs.edge_weight)
    assert ours.load_report == theirs.load_report


def _pandas(function, *args, **kwargs):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRAPHGEN_CSV_ENGINE", "pandas")
        return function(*args, **kwargs)


@pytest.mark.parametrize("engine", COLUMNAR)
def test_columnar_engine_reads_regular_file_without_pandas(tmp_path, engine, monkeypatch):
    path = tmp_path / "links.txt"
    path.write_text(STRING)

    def no_pandas(*args, **kwargs):
        raise AssertionError("the pandas parser ran on a regular file")

    monkeypatch.setattr(delimited, "_read_chunks", no_pandas)
    table = read_delimited(path, engine=engine, what="x",
                           required=["protein1", "protein2", "combined_score"],
                           numeric=["combined_score"])
    assert table["combined_score"].tolist() == [900, 900, 150, 150, 420]
    assert table.index.tolist() == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("engine", COLUMNAR)
@pytest.mark.parametrize("text, sep, names, skip", [
    ('"",score,protein1,protein2\n1,0.5,A,B\n2,0.25,B,C\n', None, None, 0),  # quoted header
    ("# comment\n# more\na\tb\tw\nA\tB\t1.5\nC\tD\t2\n", None, None, 2),
    ("A B 1\nB C 2\nC A 3\n", None, ["a", "b", "w"], 0),  # no header line
    ("a,b,w\n\"A, x\",B,1\nC,D,2\n", None, None, 0),  # quoted field with the separator
    ("a b w\nNA B 1\nC null 2\n", None, None, 0),  # NA and null are ids, not missing
])
def test_layouts_same_table(tmp_path, engine, text, sep, names, skip):
    path = tmp_path / "t.txt"
    path.write_text(text)
    columns = names or None
    required = (["a", "b", "w"] if columns else
                [c for c in ("protein1", "protein2", "a", "b") if c in text.splitlines()[skip]])
    numeric = [c for c in ("w", "score") if c in (columns or text.splitlines()[skip])]
    kwargs = dict(what="t", required=required, numeric=numeric, names=names,
                  skip_lines=skip, sep=sep)
    _same(read_delimited(path, engine=engine, **kwargs),
          read_delimited(path, engine="pandas", **kwargs))


MALFORMED = {
    "extra field": "protein1 protein2 combined_score\nA B 900\nB A 900 7\n",
    "missing field": "protein1 protein2 combined_score\nA B 900\nB A\n",
    "not a number": "protein1 protein2 combined_score\nA B 900\nB A high\n",
    "blank line": "protein1 protein2 combined_score\nA B 900\n\nB A 900\n",
    "double space": "protein1 protein2 combined_score\nA  B 900\nB A 900\n",
    "NaN score": "protein1 protein2 combined_score\nA B nan\nB A 900\n",
    "out of range": "protein1 protein2 combined_score\nA B 900\nB A 1900\n",
    "mixed scales": "protein1 protein2 combined_score\nA B 900\nB A 0.5\n",
}


@pytest.mark.parametrize("engine", COLUMNAR)
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_lines_same_outcome(tmp_path, engine, case, monkeypatch):
    path = tmp_path / "links.txt"
    path.write_text(MALFORMED[case])
    outcomes = []
    for name in (engine, "pandas"):
        monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", name)
        try:
            table = read_string(path).reset_index()  # the line numbers too
            outcomes.append(("table", table.astype(object).values.tolist()))
        except DataFormatError as exc:
            outcomes.append(("error", str(exc)))
    assert outcomes[0] == outcomes[1]
    if case in ("extra field", "missing field", "not a number", "out of range",
                "mixed scales"):
        assert outcomes[0][0] == "error" and "line 3" in outcomes[0][1]


@pytest.mark.parametrize("engine", COLUMNAR)
def test_broken_files_same_error(tmp_path, engine, monkeypatch):
    truncated = tmp_path / "cut.txt.gz"
    truncated.write_bytes(gzip.compress(STRING.encode() * 200)[:-40])
    latin = tmp_path / "latin.txt"
    latin.write_bytes(STRING.encode() + "9606.P\xe9 9606.P1 300\n".encode("latin-1"))
    for path in (truncated, latin):
        errors = []
        for name in (engine, "pandas"):
            monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", name)
            with pytest.raises(DataFormatError) as caught:
                read_string(path)
            errors.append(str(caught.value))
        assert errors[0] == errors[1]


def test_engine_checked():
    with pytest.raises(ConfigError, match="engine must be one of"):
        read_delimited("x", engine="spark", what="x", required=["a"])


@pytest.mark.slow
@pytest.mark.parametrize("engine", COLUMNAR)
def test_real_string_and_trrust_same_table(shared_data, engine, monkeypatch):
    from graphgen.io.trrust import read_trrust

    string = shared_data / "string" / "string_human_score900_symbols.csv.gz"
    trrust = next((shared_data / "trrust").glob("*.tsv*"))
    for reader, path in ((read_string, string), (read_trrust, trrust)):
        monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", engine)
        ours = reader(path)
        monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "pandas")
        _same(ours, reader(path))


@pytest.mark.parametrize("value, engine", [("PANDAS", None), (" polars ", "polars"),
                                           ("PyArrow", "pyarrow"), ("", "polars")])
def test_engine_variable_is_read_in_any_case(monkeypatch, value, engine):
    from graphgen.io.delimited import columnar_engine

    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", value)
    assert columnar_engine() == engine


def test_unknown_or_missing_engine_is_an_error(monkeypatch):
    from graphgen import ConfigError, MissingDependencyError
    from graphgen.io import delimited

    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "duckdb")
    with pytest.raises(ConfigError, match=r"GRAPHGEN_CSV_ENGINE='duckdb' is not an engine; "
                                          r"use one of \['auto', 'pandas', 'polars', 'pyarrow'\]"):
        delimited.columnar_engine()
    monkeypatch.setenv("GRAPHGEN_CSV_ENGINE", "pyarrow")
    monkeypatch.setattr(delimited, "_importable", lambda name: False)
    with pytest.raises(MissingDependencyError, match="pyarrow is not installed"):
        delimited.columnar_engine()


@pytest.mark.parametrize("engine", ["pandas", "polars", "pyarrow"])
def test_header_spaces_and_repeats_read_alike_in_every_engine(tmp_path, engine):
    from graphgen import DataFormatError
    from graphgen.io.delimited import read_delimited

    spaced = tmp_path / "spaced.csv"
    spaced.write_text("protein1 , protein2 , score\nA , B , 0.9\nB , C , 0.8\n")
    table = read_delimited(spaced, what="links", required=["protein1", "protein2", "score"],
                           numeric=["score"], engine=engine)
    assert table.columns.tolist() == ["protein1", "protein2", "score"]
    assert table["score"].tolist() == [0.9, 0.8] and table.index.tolist() == [2, 3]
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("source,target,source\nA,B,C\n")
    with pytest.raises(DataFormatError, match=r"names column\(s\) \['source'\] more than once"):
        read_delimited(repeated, what="edges", required=["source", "target"], engine=engine)


@pytest.mark.parametrize("engine", ["pandas", "polars", "pyarrow"])
def test_nul_bytes_refused_and_long_decimals_equal_in_every_engine(tmp_path, engine):
    from graphgen import DataFormatError
    from graphgen.io.delimited import read_delimited

    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"source,target,score\nA,C,0.5\nA\x00X,B,0.9\n")
    with pytest.raises(DataFormatError, match=r"nul.csv, line 3: a NUL byte"):
        read_delimited(nul, what="edges", required=["source", "target"], engine=engine)
    decimals = tmp_path / "decimals.csv"
    decimals.write_text("source,target,score\nA,B,0.30000000000000004441\n"
                        "A,C,0.1234567890123456789\n")
    scores = read_delimited(decimals, what="edges", required=["source", "target", "score"],
                            numeric=["score"], engine=engine)["score"].tolist()
    assert scores == [float("0.30000000000000004441"), float("0.1234567890123456789")]


@pytest.mark.parametrize("engine", COLUMNAR)
def test_a_quote_left_open_at_the_end_is_pandas_error_not_an_engine_panic(tmp_path, engine):
    """polars panics on it (a BaseException that ``except Exception`` let through)."""
    path = tmp_path / "open.csv"
    path.write_text('source,target,weight\n,,"')
    errors = []
    for name in (engine, "pandas"):
        with pytest.raises(DataFormatError, match="EOF inside string") as caught:
            read_delimited(path, engine=name, what="edge list",
                           required=["source", "target", "weight"], numeric=["weight"])
        errors.append(str(caught.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("engine", [*COLUMNAR, "pandas"])
def test_a_surplus_field_under_a_header_is_named_not_dropped(tmp_path, engine):
    """pandas dropped a data line's extra field with a warning only when the file has a
    header line (without one it was already an error); every engine now names the line."""
    path = tmp_path / "edges.tsv"
    path.write_text("a\tb\nA\tB\tC\nD\tE\n")
    with pytest.raises(DataFormatError, match=r"line 2: expected 2 fields, saw 3"):
        read_delimited(path, engine=engine, what="edges", required=["a", "b"], sep="\t")
