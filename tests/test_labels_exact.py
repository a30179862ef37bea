"""Label readers and checks counted exactly (the gaps a mutation run of graphgen/labels.py
found; docs/mutation.md): gene lists, label tables, binary labels, GO term labels and the
door every gene task goes through, with whole messages."""

import logging
import re

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.go import read_obo
from graphgen.io.go_terms import go_features
from graphgen.labels import (
    align_labels,
    binary_labels,
    go_term_labels,
    read_gene_list,
    read_label_table,
)
from tests.io.test_go_terms import MINI_OBO

NODES = [f"G{i}" for i in range(10)]


def _whole(message: str) -> str:
    return "^" + re.escape(message) + "$"


@pytest.mark.parametrize("header", ["gene", "Genes", "SYMBOL", "gene_id"])
def test_gene_list_with_a_header_word(tmp_path, header):
    path = tmp_path / "list.txt"
    path.write_text(f"{header}\nTP53 (7157)\n  RPL3 \n\nTP53\nMDM2\n")
    genes = read_gene_list(path)
    assert genes.tolist() == ["TP53", "RPL3", "MDM2"] and genes.name == "gene_id"


def test_gene_list_without_a_header_and_by_column(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("BRCA1\nATM (472)\nBRCA1\n")
    assert read_gene_list(path).tolist() == ["BRCA1", "ATM"]
    table = tmp_path / "table.csv"
    table.write_text("name,score\nA (1),0.5\n B ,0.1\n,0.3\n")
    assert read_gene_list(table, column="name").tolist() == ["A", "B"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(DataFormatError, match=_whole(f"{empty}: gene list is empty")):
        read_gene_list(empty)


def test_label_table_numbers_strings_repeats_and_conflicts(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("gene,class\n A ,1\nB,0\nA,1\nC,2\n")
    labels = read_label_table(path, gene_column="gene", label_column="class")
    assert labels.to_dict() == {"A": 1, "B": 0, "C": 2} and labels.index.name == "gene_id"
    assert labels.dtype.kind == "i"
    words = tmp_path / "words.csv"
    words.write_text("gene,class\nA,luminal\nB,2\n")
    assert read_label_table(words, gene_column="gene", label_column="class").to_dict() == {
        "A": "luminal", "B": "2"}
    bad = tmp_path / "bad.csv"
    bad.write_text("gene,class\nA,1\nB,0\nB,1\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{bad}: gene 'B' has several different labels")):
        read_label_table(bad, gene_column="gene", label_column="class")


def test_binary_labels_drop_or_refuse_genes_in_both_lists(caplog):
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        labels = binary_labels(["A", "B", "A"], ["B", "C", "D"], name="cancer")
    assert labels.to_dict() == {"A": 1, "C": 0, "D": 0}
    assert labels.name == "cancer" and labels.index.name == "gene_id"
    assert labels.index.tolist() == ["A", "C", "D"]  # positives first, in order
    assert labels.attrs["dropped_in_both"] == ["B"]
    assert "1 genes are in both lists and were dropped: ['B']" in caplog.text
    assert binary_labels(["A"], ["C"]).name == "label"
    assert binary_labels(["A"], ["C"]).attrs["dropped_in_both"] == []
    with pytest.raises(DataFormatError, match=_whole(
            "1 genes are both positive and negative, e.g. ['B']")):
        binary_labels(["A", "B"], ["B", "C"], drop_both=False)
    with pytest.raises(DataFormatError, match=_whole(
            "labels: need at least one positive and one negative gene")):
        binary_labels(["A"], ["A", "C"])
    with pytest.raises(DataFormatError, match="at least one positive and one negative"):
        binary_labels(["A"], [])


def test_go_term_labels_choose_mid_sized_terms_and_leave_unannotated_genes_unlabelled(
        tmp_path):
    obo = tmp_path / "mini.obo"
    obo.write_text(MINI_OBO)
    dag = read_obo(obo)
    annotations = pd.DataFrame({"gene_id": ["A", "B", "C", "D", "E"],
                                "term_id": ["GO:0000003", "GO:0000004", "GO:0000002",
                                            "GO:0000003", "GO:0000005"]})
    genes = ["A", "B", "C", "D", "E", "F"]
    # BP sizes after propagation: root 4 (A-D), signalling 3 (A, C, D), receptor 2 (A, D),
    # assembly 1 (B)
    table = go_term_labels(genes, dag, annotations, min_genes=2, max_genes=3)
    assert table.columns.tolist() == ["GO:0000002", "GO:0000003"]  # largest first
    assert table.loc["A"].tolist() == [1.0, 1.0] and table.loc["C"].tolist() == [1.0, 0.0]
    assert table.loc[["E", "F"]].isna().all().all()  # no BP annotation: unlabelled
    assert table.loc["B"].tolist() == [0.0, 0.0]  # annotated elsewhere: a real negative
    assert table.attrs["term_names"] == {"GO:0000002": "signalling",
                                         "GO:0000003": "receptor signalling"}
    top = go_term_labels(genes, dag, annotations, top=1, min_genes=2, max_genes=4)
    assert top.columns.tolist() == ["GO:0000001"]
    every = go_term_labels(genes, dag, annotations, min_genes=1, max_genes=4)
    assert every.columns.tolist() == ["GO:0000001", "GO:0000002", "GO:0000003", "GO:0000004"]
    assert go_term_labels(genes, dag, annotations, namespace="MF", min_genes=1,
                          max_genes=1).columns.tolist() == ["GO:0000005"]
    with pytest.raises(DataFormatError, match=_whole(
            "go_term_labels: no BP term annotates between 5 and 6 of the 6 genes")):
        go_term_labels(genes, dag, annotations, min_genes=5, max_genes=6)


def test_align_labels_messages_are_whole(caplog):
    with pytest.raises(DataFormatError, match=_whole(
            "labels must be a pandas Series (one class per gene id) or a genes x labels 0/1 "
            "DataFrame (multi-label), got dict")):
        align_labels({"G0": 1}, NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "labels: 1 label(s) have a missing (NaN) gene id; drop them first")):
        align_labels(pd.Series([1, 0, 1], index=["G0", np.nan, "G1"]), NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "labels: 1 gene(s) are listed more than once with different labels, e.g. 'G0' "
            "with [[1], [0]]; keep one label per gene")):
        align_labels(pd.Series([1, 0, 0, 1, 0], index=["G0", "G1", "G2", "G3", " G0 "]),
                     NODES)
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        merged = align_labels(pd.Series([1, 0, 1, 0, 1], index=["G0", "G1", "G2", "G3",
                                                                "G0"]), NODES + ["X"])
    assert merged.labels.index.tolist() == ["G0", "G1", "G2", "G3"]
    assert "1 gene(s) listed more than once with the same label were merged, e.g. ['G0']" \
        in caplog.text
    with pytest.raises(DataFormatError, match=_whole(
            "none of the 2 labelled genes is a node of the graph (labels e.g. ['X', 'Y'], "
            "nodes e.g. ['G0', 'G1', 'G2']); map the ids")):
        align_labels(pd.Series([1, 0], index=["X", "Y"]), NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "the labelled genes in the graph hold a single class ([0]); a classifier needs "
            "at least two")):
        align_labels(pd.Series(0, index=NODES), NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "class 1 has a single labelled gene in the graph ('G9'); each class needs at "
            "least two (one to train on, one to validate with): label more genes or merge "
            "classes")):
        align_labels(pd.Series([0] * 9 + [1], index=NODES), NODES)
    with pytest.raises(DataFormatError, match=_whole("labels: infinite values are not classes")):
        align_labels(pd.Series([0.0, 1.0, np.inf], index=NODES[:3]), NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "labels look continuous (3 distinct values, e.g. 0.5 for gene 'G2'); a classifier "
            "needs classes: binarise or bin them first (e.g. (scores > t).astype(int))")):
        align_labels(pd.Series([0.0, 1.0, 0.5], index=NODES[:3]), NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "multi-label table: columns ['B'] are not numeric 0/1")):
        align_labels(pd.DataFrame({"A": [1, 0], "B": ["x", "y"]}, index=NODES[:2]), NODES)
    with pytest.raises(DataFormatError, match=_whole(
            "multi-label table: gene 'G1', label 'B' holds -1.0; values must be 0, 1 or NaN "
            "(unlabelled)")):
        align_labels(pd.DataFrame({"A": [1, 0], "B": [0, -1]}, index=NODES[:2]), NODES)


def test_align_labels_keeps_nodes_reports_the_others_and_scores_single_classes():
    labels = pd.Series([1, 1, 0, 0, np.nan, 1], index=["G0", "G1", "G2", "G3", "G4", "X"])
    aligned = align_labels(labels, NODES)
    assert aligned.labels.to_dict() == {"G0": 1, "G1": 1, "G2": 0, "G3": 0}  # G4 unlabelled
    assert aligned.not_in_graph.tolist() == ["X"]
    held_out = align_labels(pd.Series([1], index=["G5"]), NODES, for_training=False)
    assert held_out.labels.to_dict() == {"G5": 1}
    words = align_labels(pd.Series(["a", "a", "b", "b"], index=NODES[:4]), NODES)
    assert words.labels.tolist() == ["a", "a", "b", "b"]
    flags = align_labels(pd.Series([True, True, False, False], index=NODES[:4]), NODES)
    assert flags.labels.tolist() == [True, True, False, False]
    table = pd.DataFrame({"A": [1, 0, np.nan], "B": [0, 1, np.nan]}, index=NODES[:3])
    multi = align_labels(table, [1, 2] + NODES)  # node ids read as strings
    assert multi.labels.index.tolist() == ["G0", "G1"]  # the all-NaN row is unlabelled
    one = align_labels(pd.DataFrame({"A": [1, 1]}, index=NODES[:2]), NODES)
    assert one.labels["A"].tolist() == [1, 1]  # multi-label tables need no two classes


def test_binary_labels_keep_the_given_order_and_name_at_most_five_or_ten(caplog):
    labels = binary_labels(["Z1", "A1", "B", "M1"], ["Y0", "B", "C0"])
    assert labels.index.tolist() == ["Z1", "A1", "M1", "Y0", "C0"]  # not sorted
    both = [f"X{i:02d}" for i in range(12)]
    with pytest.raises(DataFormatError, match=_whole(
            f"12 genes are both positive and negative, e.g. {both[:5]}")):
        binary_labels(both + ["P"], both + ["N"], drop_both=False)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        binary_labels(both + ["P"], both + ["N"])
    assert [r.getMessage() for r in caplog.records] == [
        f"labels: 12 genes are in both lists and were dropped: {both[:10]}"]


def test_multilabel_refusal_names_at_most_five_columns():
    table = pd.DataFrame({f"T{i}": ["x", "y"] for i in range(7)}, index=NODES[:2])
    with pytest.raises(DataFormatError, match=_whole(
            "multi-label table: columns ['T0', 'T1', 'T2', 'T3', 'T4'] are not numeric 0/1")):
        align_labels(table, NODES)


def _sibling_obo(count: int) -> str:
    terms = ["format-version: 1.2", "", "[Term]", "id: GO:0000001", "name: root",
             "namespace: biological_process"]
    for i in range(2, count + 2):
        terms += ["", "[Term]", f"id: GO:{i:07d}", f"name: child {i}",
                  "namespace: biological_process", "is_a: GO:0000001 ! root"]
    return "\n".join(terms) + "\n"


def test_go_term_labels_defaults_ties_and_root_only_genes(tmp_path, monkeypatch):
    obo = tmp_path / "siblings.obo"
    obo.write_text(_sibling_obo(24))
    dag = read_obo(obo)
    # 24 sibling terms in two sizes, 60 genes (even terms) and 55 (odd terms): many ties
    genes = [f"G{i}" for i in range(61)]
    annotations = pd.DataFrame(
        [(g, f"GO:{t:07d}") for t in range(2, 26) for g in genes[:60 if t % 2 == 0 else 55]]
        + [("G60", "GO:0000001")], columns=["gene_id", "term_id"])
    table = go_term_labels(genes, dag, annotations, max_genes=60)  # top 20, at least 50
    columns = go_features(genes, dag, annotations, min_genes=1).columns.tolist()
    size = {f"GO:{t:07d}": 60 if t % 2 == 0 else 55 for t in range(2, 26)}
    expected = sorted([c for c in columns if c in size], key=lambda c: -size[c])[:20]
    assert table.columns.tolist() == expected  # largest first, ties in the table's order
    assert "GO:0000001" not in table.columns  # the root annotates 61 genes
    assert table.loc["G60"].tolist() == [0.0] * 20  # annotated to the root only: labelled
    with pytest.raises(DataFormatError, match="no BP term annotates between 50 and 500"):
        go_term_labels(genes[:40], dag, annotations)  # the defaults: 50-500 genes
    seen = {}

    def spy(node_ids, obo, annotations, **options):
        seen.update(options)
        raise DataFormatError("stop")

    monkeypatch.setattr("graphgen.labels.go_features", spy)
    mapper = object()
    with pytest.raises(DataFormatError, match="stop"):
        go_term_labels(genes, dag, annotations, namespace="MF", id_type="entrez",
                       mapper=mapper)
    assert seen == {"namespace": "MF", "min_genes": 1, "id_type": "entrez", "mapper": mapper}


def test_a_label_table_without_its_columns_is_named_a_label_table(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("gene,score\nTP53,1\n")
    with pytest.raises(DataFormatError) as caught:
        read_label_table(path, gene_column="gene", label_column="label")
    assert str(caught.value) == (f"{path}: label table lacks column(s) ['label']; it has "
                                 "['gene', 'score']")


def test_nullable_integer_multilabel_tables_read_missing_as_unlabelled():
    """pandas' Int64 columns with a missing value: the check reads them as floats (NaN =
    unlabelled), not as an object array NumPy cannot test."""
    table = pd.DataFrame({"a": pd.array([1, 0, None], dtype="Int64"),
                          "b": pd.array([0, 1, 1], dtype="Int64")}, index=["G0", "G1", "G2"])
    aligned = align_labels(table, NODES)
    assert aligned.labels.shape == (3, 2)
    assert aligned.labels["a"].isna().tolist() == [False, False, True]


def test_the_door_keeps_the_index_name_and_names_five_genes_in_its_reports(caplog):
    labels = pd.Series([1, 0] * 6 + [1, 0],
                       index=pd.Index([f"X{i}" for i in range(7)] + NODES[:7], name="gene"))
    with caplog.at_level(logging.WARNING, logger="graphgen.labels"):
        aligned = align_labels(labels, NODES)
    assert aligned.labels.index.name == "gene"
    assert "7 of 14 labelled genes are not nodes of the graph and are not used, e.g. " \
           "['X0', 'X1', 'X2', 'X3', 'X4']" in caplog.text
    repeated = pd.Series([1, 0, 1, 0, 1, 0, 1] * 2, index=NODES[:7] * 2)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="graphgen.labels"):
        align_labels(repeated, NODES)
    assert "7 gene(s) listed more than once with the same label were merged, e.g. " \
           "['G0', 'G1', 'G2', 'G3', 'G4']" in caplog.text


def test_repeats_that_disagree_are_named_in_the_order_given_and_nan_disagrees():
    labels = pd.Series([1, 0, 0, 1, 1, 0], index=["G9", "G1", "G9", "G1", "G2", "G3"])
    with pytest.raises(DataFormatError, match=r"2 gene\(s\) are listed more than once with "
                                              r"different labels, e.g. 'G9'"):
        align_labels(labels, NODES)
    with_nan = pd.Series([1.0, np.nan, 0.0, 1.0, 0.0], index=["G1", "G1", "G2", "G3", "G4"])
    with pytest.raises(DataFormatError, match="e.g. 'G1' with"):
        align_labels(with_nan, NODES)


def test_a_gene_list_is_one_id_per_line_and_a_second_field_is_an_error(tmp_path):
    path = tmp_path / "genes.txt"
    path.write_text("gene\nTP53, p53\nMDM2\n")
    assert read_gene_list(path).tolist() == ["TP53, p53", "MDM2"]  # tabs separate, not commas
    for text, line in (("gene\nTP53\tMDM2\nATM\n", 2), ("TP53\nMDM2\tATM\n", 2)):
        path.write_text(text)
        with pytest.raises(DataFormatError, match=f"line {line}: expected 1 fields, saw 2"):
            read_gene_list(path)  # the second id was dropped silently under a header


def test_no_labelled_gene_in_the_graph_names_three_of_each(caplog):
    labels = pd.Series([1, 0, 1, 0], index=["X1", "X2", "X3", "X4"])
    with pytest.raises(DataFormatError, match=_whole(
            "none of the 4 labelled genes is a node of the graph (labels e.g. ['X1', 'X2', "
            "'X3'], nodes e.g. ['G0', 'G1', 'G2']); map the ids")):
        align_labels(labels, NODES)


def test_a_gene_list_names_itself_and_drops_blank_ids(tmp_path):
    path = tmp_path / "genes.csv"
    path.write_text("symbol,score\nTP53,1\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{path}: gene list lacks column(s) ['gene']; it has ['symbol', 'score']")):
        read_gene_list(path, column="gene")
    path.write_text("gene\nTP53\n   \nMDM2\n")
    assert read_gene_list(path).tolist() == ["TP53", "MDM2"]
