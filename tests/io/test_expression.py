"""Expression matrix reader: orientation, NaN, non-numeric values, duplicates, h5ad."""

import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError, MissingDependencyError
from graphgen.io.expression import read_expression

GENES_X_SAMPLES = "gene,s1,s2\nTP53,1.5,2\nMDM2,0,3\nATM,1,1\n"


def test_orientation_auto_by_shape_and_by_known_genes(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text(GENES_X_SAMPLES)
    assert read_expression(f).shape == (2, 3)  # more rows than columns: genes are rows
    wide = tmp_path / "w.tsv"
    wide.write_text("sample\tTP53\tMDM2\ns1\t1\t2\ns2\t3\t4\ns3\t5\t6\n")
    assert read_expression(wide, genes=["TP53", "MDM2"]).columns.tolist() == ["TP53", "MDM2"]
    assert read_expression(wide, orientation="samples_x_genes").shape == (3, 2)


def test_nan_named_or_kept(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("gene,s1,s2\nTP53,1.5,\nMDM2,0,3\nATM,1,1\n")
    with pytest.raises(DataFormatError, match="gene 'TP53', sample 's2'"):
        read_expression(f)
    assert read_expression(f, nan="keep").isna().sum().sum() == 1


def test_non_numeric_value_named(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("gene,s1,s2\nTP53,1.5,2\nMDM2,zero,3\nATM,1,1\n")
    with pytest.raises(DataFormatError, match="gene 'MDM2', sample 's1': value 'zero'"):
        read_expression(f)


def test_duplicate_gene(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("gene,s1,s2\nTP53,1,2\nTP53,0,3\nATM,1,1\n")
    with pytest.raises(DataFormatError, match="gene ids repeat.*TP53"):
        read_expression(f)


def test_h5ad_without_anndata(tmp_path, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "anndata":
            raise ImportError("no anndata")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    f = tmp_path / "x.h5ad"
    f.write_bytes(b"")
    with pytest.raises(MissingDependencyError, match="pip install 'graphgen\\[anndata\\]'"):
        read_expression(f)


@pytest.mark.slow
def test_real_tcga_blca(shared_data):
    m = read_expression(shared_data / "tcga_blca" / "tcga_blca_expression.csv.gz")
    assert m.shape == (38, 19938)
    assert m.index.str.endswith("_11A").sum() == 19


def test_h5ad_round_trip(tmp_path):
    anndata = pytest.importorskip("anndata", reason="pip install 'graphgen[anndata]'")
    import numpy as np
    import pandas as pd

    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    adata = anndata.AnnData(X=values, obs=pd.DataFrame(index=["s1", "s2"]),
                            var=pd.DataFrame(index=["TP53", "MDM2", "ATM"]))
    adata.layers["counts"] = values * 10
    adata.write_h5ad(tmp_path / "x.h5ad")
    frame = read_expression(tmp_path / "x.h5ad")
    assert frame.loc["s2", "ATM"] == 5.0 and list(frame.columns) == ["TP53", "MDM2", "ATM"]
    assert read_expression(tmp_path / "x.h5ad", layer="counts").loc["s2", "ATM"] == 50.0


def test_auto_orientation_never_guesses_on_shape_alone(tmp_path):
    # samples x genes with more samples than genes (as the 769 x 200 BRCA rna table)
    rows = "\n".join(f"S{i}," + ",".join(str(i + j) for j in range(5)) for i in range(40))
    f = tmp_path / "brca_like.csv"
    f.write_text("," + ",".join(f"G{j}" for j in range(5)) + "\n" + rows + "\n")
    with pytest.raises(DataFormatError, match="40 rows x 5 columns.*orientation="):
        read_expression(f)
    assert read_expression(f, orientation="samples_x_genes").shape == (40, 5)
    assert read_expression(f, genes=["G1", "G2"]).shape == (40, 5)
    square = tmp_path / "square.csv"
    square.write_text(",a,b,c\nx,1,2,3\ny,4,5,6\nz,7,8,9\n")
    with pytest.raises(DataFormatError, match="cannot tell"):
        read_expression(square)
    named = tmp_path / "named.tsv"
    named.write_text("sample_id\tTP53\tMDM2\ns1\t1\t2\ns2\t3\t4\ns3\t5\t6\n")
    assert read_expression(named).columns.tolist() == ["TP53", "MDM2"]


def test_whole_transcriptome_shape_is_oriented(tmp_path):
    f = tmp_path / "wide.csv.gz"
    import gzip
    lines = [",s1,s2,s3"] + [f"GENE{i},1,2,3" for i in range(5000)]
    with gzip.open(f, "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    assert read_expression(f).shape == (3, 5000)


def test_duplicate_sample_column_refused(tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("gene,s1,s1\nTP53,1,2\nMDM2,0,3\n")
    with pytest.raises(DataFormatError, match="column ids repeat in the header.*'s1'"):
        read_expression(f)


@pytest.mark.parametrize("sep, suffix", [(",", "csv"), ("\t", "tsv")])
def test_ids_are_kept_as_written(tmp_path, sep, suffix):
    path = tmp_path / f"expr.{suffix}"
    rows = [["sample", "001", "TRUE", "1e5"], ["007", "1", "2", "3"], ["0x1A", "4", "5", "6"]]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n")
    table = read_expression(path, orientation="samples_x_genes")
    assert table.index.tolist() == ["007", "0x1A"]  # not 7
    assert table.columns.tolist() == ["001", "TRUE", "1e5"]
    flipped = read_expression(path, orientation="genes_x_samples")
    assert flipped.columns.tolist() == ["007", "0x1A"] and flipped.index.tolist()[0] == "001"


def test_complex_values_are_refused_not_cast_to_their_real_part():
    from graphgen.io.expression import check_expression
    frame = pd.DataFrame({"TP53": [1.0 + 2.0j, 3.0 + 0.0j], "EGFR": [1.0, 2.0]},
                         index=["s1", "s2"])
    with pytest.raises(DataFormatError, match=r"Complex data not supported: gene 'TP53' "
                                              r"holds complex values \(1 such gene\(s\)\)"):
        check_expression(frame, what="rna")
