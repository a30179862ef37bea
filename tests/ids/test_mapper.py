"""IdMapper on a hand-made table and on the real human id table."""

import pandas as pd
import pytest

from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.ids import IdMapper

TABLE = pd.DataFrame({
    "symbol": ["TP53", "MDM2", "MDM4"],
    "entrez": ["7157", "4193", "4194"],
    "ensembl_gene": ["ENSG00000141510", "ENSG00000135679", "ENSG00000198625"],
    "uniprot": ["A0A087WT22|P04637", "Q00987", "O15151"],
    "alias": ["P53|LFS1", "HDM2|MDMX", "MDMX"],
})


def test_every_id_reported():
    m = IdMapper(TABLE).map(["LFS1", "ENSG00000141510.17", "MDMX", "nope", "4193", "tp53"],
                            to="symbol")
    report = m.report
    assert report["status"].to_dict() == {
        "LFS1": "mapped", "ENSG00000141510.17": "mapped", "MDMX": "ambiguous",
        "nope": "unmapped", "4193": "mapped", "tp53": "mapped"}
    assert report.loc["MDMX", "candidates"] == "MDM2|MDM4"
    assert report.loc["4193", "matched_as"] == "entrez"
    assert m.mapping.to_dict() == {"LFS1": "TP53", "ENSG00000141510.17": "TP53",
                                   "4193": "MDM2", "tp53": "TP53"}
    assert "3 ... " not in m.summary() and "1 unmapped, 1 ambiguous" in m.summary()
    with pytest.raises(IdMappingError, match="nope"):
        m(["nope"])


def test_uniprot_target_prefers_swissprot_form():
    assert IdMapper(TABLE).map(["TP53"], to="uniprot").mapping["TP53"] == "P04637"


def test_symbol_beats_alias_and_source_restriction():
    table = pd.DataFrame({"symbol": ["A", "B"], "alias": ["B", ""]})
    assert IdMapper(table).map(["B"], to="symbol").mapping["B"] == "B"
    assert IdMapper(table).map(["B"], to="symbol", source="alias").mapping["B"] == "A"
    with pytest.raises(ConfigError, match="known id types"):
        IdMapper(table).map(["B"], to="uniprot")
    with pytest.raises(DataFormatError):
        IdMapper(pd.DataFrame({"name": ["x"]}))


@pytest.mark.slow
def test_real_human_table(shared_data):
    m = IdMapper.human(shared_data / "ids" / "human_gene_ids.tsv.gz")
    to_entrez = m.map(["TP53", "ENSG00000012048", "P38398", "HDM2", "NOT_A_GENE_1"], to="entrez")
    assert to_entrez.mapping.to_dict() == {"TP53": "7157", "ENSG00000012048": "672",
                                           "P38398": "672", "HDM2": "4193"}
    assert to_entrez.unmapped.tolist() == ["NOT_A_GENE_1"]
    assert m.map(["7157"], to="ensembl_gene").mapping["7157"] == "ENSG00000141510"
    assert m.map(["BRCA1"], to="uniprot").mapping["BRCA1"] == "P38398"
    assert m.map(["672"], to="symbol").mapping["672"] == "BRCA1"


def test_missing_ids_refused_single_string_is_one_id_whitespace_ignored():
    mapper = IdMapper(TABLE)
    with pytest.raises(DataFormatError, match="1 id\\(s\\) are missing.*position 1"):
        mapper.map(pd.Series(["TP53", float("nan")]), to="entrez")
    with pytest.raises(DataFormatError, match="missing"):
        mapper.map(["TP53", None], to="entrez")
    single = mapper.map("TP53", to="entrez")
    assert single.mapping.to_dict() == {"TP53": "7157"}
    padded = mapper.map([" TP53", "MDM2\t"], to="entrez")
    assert padded.mapping.to_dict() == {" TP53": "7157", "MDM2\t": "4193"}


def test_composite_and_versioned_ids_map_only_when_both_parts_agree():
    m = IdMapper(pd.DataFrame({"symbol": ["ESR1", "TP53", "A1BG"],
                               "entrez": ["2099", "7157", "1"],
                               "ensembl_gene": ["ENSG00000091831", "ENSG00000141510",
                                                "ENSG00000121410"]}))
    result = m.map(["ESR1_2099", "TP53|7157", "?|7157", "ENSG00000091831.24",
                    "NOT_A_GENE_1", "ESR1_7157", "ESR1_99999"], to="symbol")
    assert result.mapping.to_dict() == {"ESR1_2099": "ESR1", "TP53|7157": "TP53",
                                        "?|7157": "TP53", "ENSG00000091831.24": "ESR1"}
    # a name that only ends in digits, and parts that name two genes, stay unmapped
    assert result.unmapped.tolist() == ["NOT_A_GENE_1", "ESR1_7157", "ESR1_99999"]
    table = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["ESR1_2099", "?|7157", "TP53"])
    assert m.map_columns(table, to="symbol").columns.tolist() == ["ESR1", "TP53"]
    with pytest.raises(IdMappingError, match="none of the 1 columns maps to symbol"):
        m.map_columns(pd.DataFrame([[1.0]], columns=["nope"]), to="symbol")
