"""The expression reader pinned exactly: ids as written, every message whole, the shape rule's
bounds, sparse AnnData, float32 (written from the mutation run of docs/mutation.md)."""

import gzip
import re

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.expression import _orient, check_expression, read_expression


def _whole(message):
    return "^" + re.escape(message) + "$"


def test_ids_stay_as_written_and_only_values_can_be_missing(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("gene,001,TRUE\nNA,1,2\nnull,3,NA\n007,1,1e3\n")
    m = read_expression(f, orientation="genes_x_samples", nan="keep")
    assert m.index.tolist() == ["001", "TRUE"] and m.columns.tolist() == ["NA", "null", "007"]
    assert m.index.name == "sample_id" and m.columns.name == "gene_id"
    assert m.dtypes.unique().tolist() == [np.float32]
    assert m.loc["TRUE"].tolist()[:1] == [2.0] and np.isnan(m.loc["TRUE", "null"])
    assert m.loc["TRUE", "007"] == 1000.0
    f.write_text("gene,s1\n001,1\n002,2\n")  # ids that all look like numbers; one sample
    assert read_expression(f, orientation="genes_x_samples").columns.tolist() == ["001",
                                                                                   "002"]
    f.write_text(",s1,s2\nTP53,1,2\nMDM2,3,4\n")  # an empty first header cell
    assert read_expression(f, orientation="genes_x_samples").columns.tolist() == ["TP53",
                                                                                   "MDM2"]


def test_genes_decide_the_orientation_either_way(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("id,A,B\nTP53,1,2\nMDM2,3,4\nATM,5,6\n")
    assert read_expression(f, genes=["TP53", "MDM2"]).columns.tolist() == ["TP53", "MDM2",
                                                                          "ATM"]
    assert read_expression(f, genes=["A", "B", "X"]).columns.tolist() == ["A", "B"]


@pytest.mark.parametrize(("text", "message"), [
    ("gene,s1,s2\nTP53,1,2,3\nMDM2,1,2\n", "{f}, line 2: expected 3 fields, saw 4"),
    ("gene,s1,s2\nTP53,1,2\nMDM2,1,2,3\n", "{f}, line 3: expected 3 fields, saw 4"),
    ("gene\nTP53\n", "{f}: expression matrix needs an id column and at least one value column"),
    ("gene,s1,s1,s2,s2,s3,s3,s4,s4,s5,s5,s6,s6\nTP53" + ",1" * 12 + "\n",
     "{f}: column ids repeat in the header line, e.g. ['s1', 's2', 's3', 's4', 's5']; "
     "aggregate or rename them first"),
    ("gene,s1,s2\n", "{f}: expression matrix has no data rows"),
    ("gene,s1,s2\nTP53,1,2\n ,3,4\n", "{f}: a row has no id in the first column"),
    ("gene,s1,s2\nTP53,1,2\nMDM2,3,x\n",
     "{f}: gene 'MDM2', sample 's2': value 'x' is not a number (1 such value(s))"),
    ("gene,s1,s2\nTP53,1,2\nMDM2,3,\n",
     "{f}: 1 missing (NaN) values, first at gene 'MDM2', sample 's2'; impute them or pass "
     "nan='keep' and impute later"),
    ("gene,s1,s2\nTP53,1,inf\nMDM2,-inf,2\n",
     "{f}: infinite value at gene 'MDM2', sample 's1'"),
    ("gene,s1,s2\nTP53,1,2\nTP53,3,4\n",
     "{f}: gene ids repeat, e.g. ['TP53']; aggregate them first"),
    ("id,TP53,MDM2\ns1,1,2\ns2,3,4\ns3,5,6\n",
     "{f}: cannot tell whether the 3 rows x 2 columns hold genes x samples or samples x genes "
     "(first header cell 'id'); pass orientation='genes_x_samples' or 'samples_x_genes', or "
     "genes=<known gene ids>"),
])
def test_messages_whole(tmp_path, text, message):
    f = tmp_path / "e.csv"
    f.write_text(text)
    orientation = "auto" if "cannot tell" in message else "genes_x_samples"
    with pytest.raises(DataFormatError, match=_whole(message.format(f=f))):
        read_expression(f, orientation=orientation)


def test_file_level_messages_whole(tmp_path):
    f = tmp_path / "e.csv.gz"
    body = "gene,s1\n" + "".join(f"G{i},{i}\n" for i in range(3000))
    f.write_bytes(gzip.compress(body.encode())[:3000])
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: truncated or unreadable file (Compressed file ended before the "
            "end-of-stream marker was reached)")):
        read_expression(f, orientation="genes_x_samples")
    quoted = tmp_path / "q.csv"
    quoted.write_text('gene,s1\n"TP53,1\nA,2\n')
    with pytest.raises(DataFormatError, match=_whole(
            f"{quoted}: cannot parse expression matrix (Error tokenizing data. C error: EOF "
            "inside string starting at row 1)")):
        read_expression(quoted, orientation="genes_x_samples")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataFormatError, match=_whole(
            f"{empty}: expression matrix is empty (no header or data line)")):
        read_expression(empty)
    with pytest.raises(DataFormatError, match=_whole(
            "read_expression: orientation must be auto, genes_x_samples or samples_x_genes, "
            "got 'rows'")):
        read_expression(empty, orientation="rows")


def test_check_expression_defaults_and_conversions():
    frame = pd.DataFrame({"TP53": ["1.5", "2"], "MDM2": [1, 2]}, index=[1, 2])
    out = check_expression(frame)
    assert out.to_dict() == {"TP53": {"1": 1.5, "2": 2.0}, "MDM2": {"1": 1.0, "2": 2.0}}
    assert out.dtypes.unique().tolist() == [np.float32]
    assert out.index.name == "sample_id" and out.columns.name == "gene_id"
    with pytest.raises(DataFormatError, match=_whole(
            "expression matrix: 1 missing (NaN) values, first at gene 'MDM2', sample '2'; "
            "impute them or pass nan='keep' and impute later")):
        check_expression(pd.DataFrame({"TP53": [1.0, 2.0], "MDM2": [1.0, np.nan]},
                                      index=[1, 2]))
    with pytest.raises(DataFormatError, match=_whole(
            "expression matrix: Complex data not supported: gene 'B' holds complex values (1 "
            "such gene(s)); give real numbers")):
        check_expression(pd.DataFrame({"A": [1.0], "B": [1 + 2j]}))
    repeated = pd.DataFrame(np.ones((14, 1)), index=[f"s{i % 6}" for i in range(14)])
    with pytest.raises(DataFormatError, match=_whole(
            "m: sample ids repeat, e.g. ['s0', 's1', 's2', 's3', 's4']; aggregate them first")):
        check_expression(repeated, what="m")


def test_the_whole_transcriptome_rule_at_its_bounds():
    def orient(rows, cols):
        frame = pd.DataFrame(np.zeros((rows, cols), dtype=np.float32))
        return _orient(frame, "auto", None, "", "e.csv").shape

    assert orient(5000, 500) == (500, 5000)  # 5,000 genes, ten times the samples: rows genes
    assert orient(500, 5000) == (500, 5000)
    for rows, cols in ((5000, 501), (501, 5000), (4999, 400), (400, 4999), (100, 5)):
        with pytest.raises(DataFormatError, match="cannot tell whether"):
            orient(rows, cols)


def test_sparse_h5ad_reads_as_float32(tmp_path):
    anndata = pytest.importorskip("anndata", reason="pip install 'graphgen[anndata]'")
    import scipy.sparse as sp

    values = np.array([[0, 1.5, 0], [2, 0, 3]], dtype=np.float64)
    adata = anndata.AnnData(X=sp.csr_matrix(values), obs=pd.DataFrame(index=["s1", "s2"]),
                            var=pd.DataFrame(index=["A", "B", "C"]))
    f = tmp_path / "x.h5ad"
    adata.write_h5ad(f)
    m = read_expression(f)
    assert m.dtypes.unique().tolist() == [np.float32]
    np.testing.assert_array_equal(m.to_numpy(), values.astype(np.float32))
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: infinite value at gene 'B', sample 's2'")):
        values[1, 1] = np.inf
        adata.X = sp.csr_matrix(values)
        adata.write_h5ad(f)
        read_expression(f)
