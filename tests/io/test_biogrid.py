"""BioGRID tab3 reader: physical filter, organism filter, id choice."""

import pytest

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.biogrid import read_biogrid

HEADER = ["#BioGRID Interaction ID", "Entrez Gene Interactor A", "Entrez Gene Interactor B",
          "BioGRID ID Interactor A", "BioGRID ID Interactor B", "Systematic Name Interactor A",
          "Systematic Name Interactor B", "Official Symbol Interactor A",
          "Official Symbol Interactor B", "Synonyms Interactor A", "Synonyms Interactor B",
          "Experimental System", "Experimental System Type", "Author", "Publication Source",
          "Organism ID Interactor A", "Organism ID Interactor B", "Throughput", "Score"]
ROWS = [
    ["1", "7157", "4193", "1", "2", "-", "-", "TP53", "MDM2", "-", "-", "Two-hybrid",
     "physical", "X", "PUBMED:1", "9606", "9606", "Low Throughput", "-"],
    ["2", "7157", "4193", "1", "2", "-", "-", "TP53", "MDM2", "-", "-", "Affinity Capture-MS",
     "physical", "Y", "PUBMED:2", "9606", "9606", "High Throughput", "-"],
    ["3", "7157", "672", "1", "3", "-", "-", "TP53", "BRCA1", "-", "-", "Synthetic Lethality",
     "genetic", "Z", "PUBMED:3", "9606", "9606", "Low Throughput", "-"],
    ["4", "7157", "99", "1", "4", "-", "-", "TP53", "Mdm2", "-", "-", "Two-hybrid",
     "physical", "W", "PUBMED:4", "9606", "10090", "Low Throughput", "-"],
]


@pytest.fixture
def tab3(tmp_path):
    f = tmp_path / "BIOGRID-ORGANISM-Homo_sapiens.tab3.txt"
    f.write_text("\n".join("\t".join(r) for r in [HEADER] + ROWS) + "\n")
    return f


def test_physical_only_by_default(tab3):
    edges = read_biogrid(tab3)
    assert edges["target"].astype(str).tolist() == ["MDM2", "MDM2", "Mdm2"]
    assert edges["evidence"].sum() == 3


def test_organism_and_entrez_ids(tab3):
    edges = read_biogrid(tab3, ids="entrez", organism=9606, interaction_type="all")
    assert edges["target"].astype(str).tolist() == ["4193", "4193", "672"]


def test_bad_options_and_missing_columns(tab3, tmp_path):
    with pytest.raises(ConfigError):
        read_biogrid(tab3, ids="uniprot")
    other = tmp_path / "x.txt"
    other.write_text("a\tb\n1\t2\n")
    with pytest.raises(DataFormatError, match="lacks column"):
        read_biogrid(other)
