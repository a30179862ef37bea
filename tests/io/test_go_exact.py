"""The GO readers pinned exactly: every column and dtype of gene2go and GAF tables, ids kept as
written, optional columns, long GAF headers, messages whole, the OBO reader's silence
(written from the mutation run of docs/mutation.md)."""

import re

import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.go import read_gaf, read_gene2go, read_go_annotations, read_obo, to_associations
from tests.io.test_go import GAF, GENE2GO


def _whole(message):
    return "^" + re.escape(message) + "$"


def _frame(rows):
    frame = pd.DataFrame(rows, columns=["gene_id", "term_id", "evidence", "namespace",
                                        "qualifier"])
    return frame.astype("string")


def test_gene2go_whole_table_with_ids_as_written(tmp_path):
    f = tmp_path / "gene2go"
    f.write_text("#tax_id\tGeneID\tGO_ID\tEvidence\tQualifier\tGO_term\tPubMed\tCategory\n"
                 "9606\t007157\tGO:0006915\tTRUE\t\tapoptosis, regulation of\t-\tProcess\n"
                 "10090\t22059\tGO:0005634\tIDA\tlocated_in\tnucleus\t-\tComponent\n"
                 "9606\t 4193 \tGO:0003677\tNA\tenables\tDNA binding\t-\tFunction\n"
                 "9606\t4193\tGO:0005634\tIDA\tNOT located_in\tnucleus\t-\tComponent\n")
    expected = _frame([["007157", "GO:0006915", "TRUE", "biological_process", "-"],
                       ["22059", "GO:0005634", "IDA", "cellular_component", "located_in"],
                       ["4193", "GO:0003677", "NA", "molecular_function", "enables"]])
    pd.testing.assert_frame_equal(read_gene2go(f), expected)
    human = read_gene2go(f, taxon=9606)
    pd.testing.assert_frame_equal(human, expected.iloc[[0, 2]].reset_index(drop=True))
    pd.testing.assert_frame_equal(read_gene2go(f, taxon="9606"), human)


def test_gene2go_without_optional_columns(tmp_path):
    f = tmp_path / "gene2go"
    f.write_text("#tax_id\tGeneID\tGO_ID\tEvidence\n10090\t22059\tGO:1\tIDA\n"
                 "9606\t7157\tGO:2\tIEA\n9606\t7158\tGO:3\tIEA\n")
    out = read_gene2go(f, taxon=9606)  # the filter leaves rows 1 and 2 of the file's table
    expected = _frame([["7157", "GO:2", "IEA", None, "-"], ["7158", "GO:3", "IEA", None, "-"]])
    pd.testing.assert_frame_equal(out, expected)


def test_gene2go_messages_whole(tmp_path):
    f = tmp_path / "gene2go"
    f.write_text("#tax_id\tGeneID\tGO_ID\n9606\t1\tGO:1\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: gene2go file lacks column(s) ['Evidence']; it has ['#tax_id', 'GeneID', "
            "'GO_ID']")):
        read_gene2go(f)
    f.write_text("#tax_id\tGeneID\tGO_ID\tEvidence\n9606\t1\tGO:1\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 2: gene2go file has no value in column 'Evidence' (1 line(s) like "
            "this)")):
        read_gene2go(f)
    # a comma is no separator: a comma-separated file lacks the columns
    f.write_text("#tax_id,GeneID,GO_ID,Evidence\n9606,1,GO:1,IDA\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: gene2go file lacks column(s) ['#tax_id', 'GeneID', 'GO_ID', 'Evidence']; it "
            "has ['#tax_id,GeneID,GO_ID,Evidence']")):
        read_gene2go(f)


GAF_LINE = ("UniProtKB\tP04637\tTP53\t{qualifier}\tGO:0006915\tPMID:1\tIDA\t\t{aspect}\tp53\t"
            "P53\tprotein\ttaxon:9606\t20200101\tUniProt{tail}\n")


def test_gaf_whole_table_and_a_long_header(tmp_path):
    f = tmp_path / "goa.gaf"
    header = "".join(f"!comment {i}\n" for i in range(250))  # longer than any fixed look-ahead
    f.write_text(header
                 + GAF_LINE.format(qualifier="", aspect="P", tail="\t\t")
                 + GAF_LINE.format(qualifier="enables", aspect="F", tail="\t\t")
                 .replace("TP53", "007")
                 + GAF_LINE.format(qualifier="located_in", aspect="C", tail="\t\t")
                 .replace("TP53", "TRUE")
                 + GAF_LINE.format(qualifier="NOT|enables", aspect="F", tail="\t\t"))
    expected = _frame([["TP53", "GO:0006915", "IDA", "biological_process", ""],
                       ["007", "GO:0006915", "IDA", "molecular_function", "enables"],
                       ["TRUE", "GO:0006915", "IDA", "cellular_component", "located_in"]])
    pd.testing.assert_frame_equal(read_gaf(f), expected)
    pd.testing.assert_frame_equal(read_go_annotations(f), expected)
    by_accession = read_gaf(f, ids="object_id")
    assert by_accession["gene_id"].tolist() == ["P04637"] * 3


def test_gaf_of_15_and_18_columns(tmp_path):
    f = tmp_path / "old.gaf"
    f.write_text("!gaf-version: 1.0\n" + GAF_LINE.format(qualifier="", aspect="P", tail=""))
    assert read_gaf(f)["term_id"].tolist() == ["GO:0006915"]  # GAF 1.0: 15 columns
    f.write_text("!gaf-version: 2.2\n" + GAF_LINE.format(qualifier="", aspect="P",
                                                         tail="\t\t\textra"))
    assert read_gaf(f)["gene_id"].tolist() == ["TP53"]


def test_gaf_messages_whole(tmp_path):
    f = tmp_path / "bad.gaf"
    f.write_text("!gaf-version: 2.2\n!x\n" + "\t".join(["a"] * 14) + "\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 3: GAF lines have 15-17 tab-separated columns, this one has 14")):
        read_gaf(f)
    f.write_text("!gaf-version: 2.2\n!only comments\n")
    with pytest.raises(DataFormatError, match=_whole(f"{f}: GAF file has no annotation lines")):
        read_gaf(f)
    f.write_text(GAF)
    with pytest.raises(DataFormatError, match=_whole(
            "read_gaf: ids must be 'symbol' or 'object_id', got 'uniprot'")):
        read_gaf(f, ids="uniprot")
    f.write_text("!gaf-version: 2.2\n" + GAF_LINE.format(qualifier="", aspect="P", tail="\t\t")
                 .replace("\tIDA\t", "\t\t"))
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}, line 2: GAF file has no value in column 'evidence' (1 line(s) like this)")):
        read_gaf(f)
    with pytest.raises(DataFormatError, match=_whole(f"{tmp_path}/none.gaf: no such file")):
        read_gaf(tmp_path / "none.gaf")


def test_annotation_format_told_by_the_first_line_only(tmp_path):
    f = tmp_path / "annotations"
    f.write_text(GENE2GO)
    pd.testing.assert_frame_equal(read_go_annotations(f), read_gene2go(f))


def test_associations_sorted_and_limited_to_genes():
    ann = pd.DataFrame({"gene_id": ["B", "A", "B", "C"],
                        "term_id": ["GO:2", "GO:1", "GO:3", "GO:1"]})
    out = to_associations(ann)
    assert list(out) == ["A", "B", "C"] and out["B"] == {"GO:2", "GO:3"}
    assert to_associations(ann, genes=iter(["C", "B"])) == {"B": {"GO:2", "GO:3"},
                                                            "C": {"GO:1"}}


def test_obo_messages_whole_and_goatools_kept_quiet(tmp_path, capsys):
    f = tmp_path / "x.obo"
    f.write_text("format-version: 1.2\n")
    with pytest.raises(DataFormatError, match=_whole(f"{f}: the OBO file holds no terms")):
        read_obo(f)
    f.write_text("format-version: 1.2\n\n[Term]\nid: GO:0000001\nname: a\n"
                 "namespace: biological_process\nis_a: GO:0000009 ! missing\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: cannot parse OBO (KeyError: 'GO:0000009')")):
        read_obo(f)
    f.write_text("hello\n")
    with pytest.raises(DataFormatError, match=_whole(
            f"{f}: not an OBO file (no 'format-version' header line)")):
        read_obo(f)
    f.write_text("! a comment\n! another\nformat-version: 1.2\n\n[Term]\nid: GO:0000001\n"
                 "name: a\nnamespace: biological_process\n")
    capsys.readouterr()
    assert read_obo(f)["GO:0000001"].name == "a"  # the header line may follow two comments
    assert capsys.readouterr().out == ""  # goatools' load report is not printed
