"""GO readers: OBO through goatools, gene2go and GAF annotations."""

import gzip

import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.go import read_gaf, read_gene2go, read_go_annotations, read_obo, to_associations

GENE2GO = ("#tax_id\tGeneID\tGO_ID\tEvidence\tQualifier\tGO_term\tPubMed\tCategory\n"
           "9606\t7157\tGO:0006915\tIDA\t-\tapoptotic process\t-\tProcess\n"
           "9606\t7157\tGO:0005634\tIDA\tNOT located_in\tnucleus\t-\tComponent\n"
           "10090\t22059\tGO:0006915\tIDA\t-\tapoptotic process\t-\tProcess\n")
GAF = ("!gaf-version: 2.2\n!generated-by: test\n"
       "UniProtKB\tP04637\tTP53\tinvolved_in\tGO:0006915\tPMID:1\tIDA\t\tP\tCellular tumor "
       "antigen p53\tP53\tprotein\ttaxon:9606\t20200101\tUniProt\t\t\n"
       "UniProtKB\tP04637\tTP53\tNOT|enables\tGO:0003677\tPMID:1\tIDA\t\tF\tp53\tP53\tprotein"
       "\ttaxon:9606\t20200101\tUniProt\t\t\n")


def test_gene2go_taxon_and_not(tmp_path):
    f = tmp_path / "gene2go.gz"
    f.write_bytes(gzip.compress(GENE2GO.encode()))
    ann = read_gene2go(f, taxon=9606)
    assert ann[["gene_id", "term_id", "namespace"]].values.tolist() == [
        ["7157", "GO:0006915", "biological_process"]]
    assert to_associations(read_gene2go(f)) == {"7157": {"GO:0006915"}, "22059": {"GO:0006915"}}


def test_gaf_symbols_or_accessions(tmp_path):
    f = tmp_path / "goa.gaf"
    f.write_text(GAF)
    assert read_gaf(f)[["gene_id", "term_id"]].values.tolist() == [["TP53", "GO:0006915"]]
    assert read_gaf(f, ids="object_id")["gene_id"].tolist() == ["P04637"]


def test_annotation_format_told_by_first_line(tmp_path):
    gene2go, gaf = tmp_path / "gene2go.gz", tmp_path / "goa.gaf"
    gene2go.write_bytes(gzip.compress(GENE2GO.encode()))
    gaf.write_text(GAF)
    assert read_go_annotations(gene2go).equals(read_gene2go(gene2go))
    assert read_go_annotations(gaf).equals(read_gaf(gaf))


def test_gaf_too_few_columns(tmp_path):
    f = tmp_path / "bad.gaf"
    f.write_text("!gaf-version: 2.2\nA\tB\tC\n")
    with pytest.raises(DataFormatError, match="line 2: GAF lines have 15-17"):
        read_gaf(f)


def test_obo_rejects_non_obo(tmp_path):
    f = tmp_path / "x.obo"
    f.write_text("hello\n")
    with pytest.raises(DataFormatError, match="not an OBO file"):
        read_obo(f)


@pytest.mark.slow
def test_real_obo_and_gene2go(shared_data):
    dag = read_obo(shared_data / "go" / "go-basic.obo")
    assert dag["GO:0006915"].name == "apoptotic process"
    # kinetochore part_of chromosome, centromeric region
    assert "part_of" in dag["GO:0000776"].relationship
    ann = read_gene2go(shared_data / "go" / "gene2go.human.tsv.gz")
    assert ann["gene_id"].nunique() == 20728
