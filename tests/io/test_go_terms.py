"""GO feature block: propagation, part_of, size bounds, leakage guard, real GO."""

import logging

import pandas as pd
import pytest

from graphgen.exceptions import ConfigError
from graphgen.features import go_features
from graphgen.io.go import read_obo

MINI_OBO = """format-version: 1.2

[Term]
id: GO:0000001
name: root process
namespace: biological_process

[Term]
id: GO:0000002
name: signalling
namespace: biological_process
is_a: GO:0000001 ! root process

[Term]
id: GO:0000003
name: receptor signalling
namespace: biological_process
is_a: GO:0000002 ! signalling

[Term]
id: GO:0000004
name: signalling complex assembly
namespace: biological_process
relationship: part_of GO:0000002 ! signalling
is_a: GO:0000001 ! root process

[Term]
id: GO:0000005
name: binding
namespace: molecular_function
"""


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    path = tmp_path_factory.mktemp("go") / "mini.obo"
    path.write_text(MINI_OBO)
    return read_obo(path)


ANN = pd.DataFrame({"gene_id": ["A", "B", "C", "C", "OTHER"],
                    "term_id": ["GO:0000003", "GO:0000004", "GO:0000002", "GO:0000005",
                                "GO:0000003"]})


def test_propagation_is_a_only_and_with_part_of(dag):
    plain = go_features(["A", "B", "C", "D"], dag, ANN, min_genes=1)
    assert plain.loc["A"].to_dict() == {"GO:0000001": 1, "GO:0000002": 1, "GO:0000003": 1,
                                        "GO:0000004": 0}
    assert plain.loc["B", "GO:0000002"] == 0  # part_of not followed by default
    assert plain.loc["D"].sum() == 0 and plain.attrs["genes_without_terms"] == 1
    with_part = go_features(["A", "B", "C", "D"], dag, ANN, min_genes=1, part_of=True)
    assert with_part.loc["B", "GO:0000002"] == 1
    direct = go_features(["A", "B", "C"], dag, ANN, min_genes=1, propagate=False)
    assert direct.loc["A"].sum() == 1
    assert list(go_features(["C"], dag, ANN, namespace="MF", min_genes=1).columns) == ["GO:0000005"]


def test_size_bounds(dag):
    cols = go_features(["A", "B", "C"], dag, ANN, min_genes=2, max_genes=2).columns.tolist()
    assert cols == ["GO:0000002"]  # A and C; root has 3, the leaves 1
    with pytest.raises(ConfigError):
        go_features(["A"], dag, ANN, min_genes=3, max_genes=2)
    with pytest.raises(ConfigError, match="namespace"):
        go_features(["A"], dag, ANN, namespace="XX")


def test_leakage_guard_removes_term_and_descendants(dag, caplog):
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        block = go_features(["A", "B", "C"], dag, ANN, min_genes=1, exclude_terms=["GO:0000002"])
    assert block.columns.tolist() == ["GO:0000001", "GO:0000004"]
    assert "GO:0000002 signalling" in caplog.text and "GO:0000003" in caplog.text


@pytest.mark.slow
def test_real_go_of_trrust_genes(shared_data):
    import graphgen
    from graphgen.ids import IdMapper

    grn = graphgen.load_grn(shared_data / "trrust" / "trrust_rawdata.human.tsv")
    mapper = IdMapper.human(shared_data / "ids" / "human_gene_ids.tsv.gz")
    dag = read_obo(shared_data / "go" / "go-basic.obo")
    ann = shared_data / "go" / "gene2go.human.tsv.gz"
    block = go_features(grn.node_ids, dag, ann, id_type="symbol", mapper=mapper, min_genes=1)
    # MDM2 is annotated to "apoptotic process" (GO:0006915) but not to its ancestor
    # "cell death" (GO:0008219); propagation through is_a adds the ancestor.
    assert block.loc["MDM2", "GO:0006915"] == 1 and block.loc["MDM2", "GO:0008219"] == 1
    direct = go_features(grn.node_ids, dag, ann, id_type="symbol", mapper=mapper, min_genes=1,
                propagate=False)
    assert direct.loc["MDM2", "GO:0006915"] == 1
    assert "GO:0008219" not in direct.columns or direct.loc["MDM2", "GO:0008219"] == 0
    assert block.attrs["term_names"]["GO:0008219"] == "cell death"
    assert block.shape[0] == grn.num_nodes and block.sum(axis=1).gt(0).mean() > 0.9


def test_min_genes_above_every_term_and_foreign_ids_are_errors(dag):
    from graphgen import DataFormatError, IdMappingError

    with pytest.raises(DataFormatError, match="min_genes=50 .*largest term annotates 3"):
        go_features(["A", "B", "C", "D"], dag, ANN, min_genes=50)
    entrez = pd.DataFrame({"gene_id": ["7157", "4193"], "term_id": ["GO:0000003", "GO:0000004"]})
    with pytest.raises(IdMappingError, match="no annotation names a gene.*'7157'.*mapper="):
        go_features(["TP53", "MDM2"], dag, entrez)
