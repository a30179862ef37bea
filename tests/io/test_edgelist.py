"""Generic edge-list reader, including random bytes and random tables (hypothesis)."""

import gzip

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.edgelist import EdgeListFormat, parse_signs, read_edgelist


def test_named_columns_weight_and_sign(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("a,b,w,effect\nTP53,MDM2,0.5,activation\nMDM2,TP53,0.7,-\n")
    edges = read_edgelist(f, EdgeListFormat("a", "b", weight="w", sign="effect"))
    assert edges["weight"].tolist() == [0.5, 0.7]
    assert edges["sign"].tolist() == [1, -1]


def test_headerless_positions(tmp_path):
    f = tmp_path / "e.tsv"
    f.write_text("TP53\tMDM2\t3\nATM\tCHEK2\t1\n")
    edges = read_edgelist(f, EdgeListFormat(0, 1, weight=2, header=False))
    assert edges["source"].astype(str).tolist() == ["TP53", "ATM"]
    assert edges["weight"].tolist() == [3.0, 1.0]
    with pytest.raises(DataFormatError, match="positions \\[5\\] do not exist"):
        read_edgelist(f, EdgeListFormat(0, 5, header=False))


def test_format_validation():
    with pytest.raises(ConfigError, match="header=True"):
        EdgeListFormat(0, 1)
    with pytest.raises(ConfigError, match="used twice"):
        EdgeListFormat("a", "a")


def test_missing_columns_named(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("x,y\n1,2\n")
    with pytest.raises(DataFormatError, match=r"lacks column\(s\) \['source', 'target'\]; it has"):
        read_edgelist(f)
    f.write_text("source,target\nA,B\n")
    with pytest.raises(DataFormatError, match="no weight column 'score'"):
        read_edgelist(f, EdgeListFormat(weight="score"))


def test_bad_sign_names_line_and_value():
    with pytest.raises(DataFormatError, match=r"line 3.*'sometimes'"):
        parse_signs(pd.Series(["+", "-", "sometimes"], index=[1, 2, 3]), path="f", what="x")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=400), gz=st.booleans())
def test_random_bytes_give_a_table_or_our_error(tmp_path, blob, gz):
    f = tmp_path / "random.bin"
    f.write_bytes(gzip.compress(blob) if gz else blob)
    try:
        edges = read_edgelist(f, EdgeListFormat(0, 1, header=False))
    except DataFormatError:
        return
    assert list(edges.columns) == ["source", "target"]


_cell = st.one_of(st.text(alphabet="ab,;\t\"'\n 1.-", max_size=6),
                  st.floats(allow_nan=True, allow_infinity=True).map(str))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=1, max_size=4), max_size=6))
def test_random_tables_give_a_table_or_our_error(tmp_path, rows):
    f = tmp_path / "random.csv"
    f.write_text("source,target,weight\n" + "\n".join(",".join(r) for r in rows))
    try:
        edges = read_edgelist(f, EdgeListFormat(weight="weight"))
    except DataFormatError:
        return
    assert np.isfinite(edges["weight"]).all() or edges["weight"].isna().sum() == 0


def test_headerless_surplus_field_is_an_error_not_a_silent_drop(tmp_path):
    f = tmp_path / "e.tsv"
    f.write_text("TP53\tMDM2\nATM\tCHEK2\t0.9\n")
    with pytest.raises(DataFormatError, match="line 2: expected 2 fields, saw 3"):
        read_edgelist(f, EdgeListFormat(0, 1, header=False))
