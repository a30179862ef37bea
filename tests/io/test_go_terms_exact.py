"""The GO term table pinned exactly: defaults, evidence and id mapping, every message and log
line whole, the leakage guard's list, part_of walks (written from the mutation run of
docs/mutation.md)."""

import logging
import re

import numpy as np
import pandas as pd
import pytest
from goatools.obo_parser import GODag

from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.io.go import read_obo
from graphgen.io.go_terms import ancestors, descendants, go_features
from tests.io.test_go_terms import ANN, MINI_OBO


def _whole(message):
    return "^" + re.escape(message) + "$"


@pytest.fixture(scope="module")
def obo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("go") / "mini.obo"
    path.write_text(MINI_OBO)
    return path


@pytest.fixture(scope="module")
def dag(obo_path):
    return read_obo(obo_path)


def _wide_obo(tmp_path, children=12):
    """A root with ``children`` child terms GO:1000001..."""
    text = ("format-version: 1.2\n\n[Term]\nid: GO:1000000\nname: parent\n"
            "namespace: biological_process\n")
    for i in range(1, children + 1):
        text += (f"\n[Term]\nid: GO:10000{i:02d}\nname: child {i}\n"
                 "namespace: biological_process\nis_a: GO:1000000 ! parent\n")
    path = tmp_path / "wide.obo"
    path.write_text(text)
    return read_obo(path)


def test_the_table_its_names_and_attributes(obo_path, dag, caplog):
    with caplog.at_level(logging.INFO, logger="graphgen"):
        block = go_features(["A", "B", "C", "D"], str(obo_path), ANN, min_genes=1)
    assert block.index.name == "gene_id" and block.columns.name == "term_id"
    assert block.dtypes.unique().tolist() == [np.float32]
    assert block.index.tolist() == ["A", "B", "C", "D"]
    assert block.attrs["term_names"] == {"GO:0000001": "root process",
                                         "GO:0000002": "signalling",
                                         "GO:0000003": "receptor signalling",
                                         "GO:0000004": "signalling complex assembly"}
    assert block.attrs["genes_without_terms"] == 1
    assert "go_features: 4 genes x 4 BP terms (1 genes without a term)" in caplog.messages
    pd.testing.assert_frame_equal(go_features(["A", "B", "C", "D"], obo_path, ANN,
                                              min_genes=1), block)
    pd.testing.assert_frame_equal(go_features(["A", "B", "C", "D"], dag, ANN, min_genes=1),
                                  block)


def test_annotations_read_from_a_file(dag, tmp_path):
    f = tmp_path / "gene2go"
    f.write_text("#tax_id\tGeneID\tGO_ID\tEvidence\n"
                 + "".join(f"9606\t{g}\t{t}\tIDA\n" for g, t in zip(ANN["gene_id"],
                                                                     ANN["term_id"])))
    pd.testing.assert_frame_equal(go_features(["A", "B", "C"], dag, f, min_genes=1),
                                  go_features(["A", "B", "C"], dag, ANN, min_genes=1))


def test_min_genes_defaults_to_five(tmp_path):
    wide = _wide_obo(tmp_path, children=2)
    genes = [f"G{i}" for i in range(6)]
    ann = pd.DataFrame({"gene_id": genes[:5] + genes[:4],
                        "term_id": ["GO:1000001"] * 5 + ["GO:1000002"] * 4})
    block = go_features(genes, wide, ann, propagate=False)
    assert block.columns.tolist() == ["GO:1000001"]  # 5 genes kept, 4 not


def test_evidence_keeps_the_codes_given(dag):
    ann = ANN.assign(evidence=["IDA", "IEA", "IDA", "IDA", "IDA"])
    block = go_features(["A", "B", "C"], dag, ann, min_genes=1, evidence=["IDA"])
    assert block.columns.tolist() == ["GO:0000001", "GO:0000002", "GO:0000003"]
    assert block.loc["B"].sum() == 0  # B's only annotation is IEA
    every = go_features(["A", "B", "C"], dag, ANN, min_genes=1, evidence=["IDA"])
    assert "GO:0000004" in every.columns  # no evidence column: nothing to filter


class _Mapper:
    def __init__(self, mapping):
        self.mapping = mapping
        self.calls = []

    def map(self, ids, to):
        self.calls.append((sorted(ids), to))
        return self


def test_annotation_ids_mapped_to_the_graph_ids(dag):
    entrez = pd.DataFrame({"gene_id": ["7157", "4193", "999"],
                           "term_id": ["GO:0000003", "GO:0000004", "GO:0000003"]})
    mapper = _Mapper({"7157": "TP53", "4193": "MDM2"})  # 999 maps to nothing: dropped
    block = go_features(["TP53", "MDM2"], dag, entrez, min_genes=1, id_type="symbol",
                        mapper=mapper)
    assert mapper.calls == [(["4193", "7157", "999"], "symbol")]
    assert block.loc["TP53"].to_dict() == {"GO:0000001": 1, "GO:0000002": 1, "GO:0000003": 1,
                                           "GO:0000004": 0}
    assert block.loc["MDM2", "GO:0000004"] == 1
    # other columns with missing values (gene2go without a Category) keep their rows
    sparse = entrez.assign(namespace=pd.Series([pd.NA] * 3, dtype="string"))
    pd.testing.assert_frame_equal(go_features(["TP53", "MDM2"], dag, sparse, min_genes=1,
                                              id_type="symbol", mapper=mapper), block)
    with pytest.raises(IdMappingError, match=_whole(
            "go_features: no annotation maps to a gene of the graph (annotation ids e.g. "
            "['7157', '4193', '999'] mapped to 'symbol', graph ids e.g. ['X1', 'X2', 'X3']); "
            "is id_type the graph's id type?")):
        go_features(["X1", "X2", "X3", "X4"], dag, entrez, id_type="symbol", mapper=mapper)


def test_messages_whole(dag):
    foreign = pd.DataFrame({"gene_id": ["1", "2", "3", "4"], "term_id": ["GO:0000003"] * 4})
    with pytest.raises(IdMappingError, match=_whole(
            "go_features: no annotation names a gene of the graph (annotation ids e.g. "
            "['1', '2', '3'], graph ids e.g. ['A', 'B', 'C']); map the annotation ids to the "
            "graph's id type with id_type=... and mapper=graphgen.IdMapper.human(...)")):
        go_features(["A", "B", "C", "D"], dag, foreign)
    with pytest.raises(ConfigError, match=_whole(
            "go_features: need 1 <= min_genes <= max_genes, got 3, 2")):
        go_features(["A"], dag, ANN, min_genes=3, max_genes=2)
    with pytest.raises(ConfigError, match=_whole(
            "go_features: need 1 <= min_genes <= max_genes, got 0, None")):
        go_features(["A"], dag, ANN, min_genes=0)
    with pytest.raises(ConfigError, match=_whole(
            "go_features: give both id_type and mapper, or neither")):
        go_features(["A"], dag, ANN, id_type="symbol")
    with pytest.raises(ConfigError, match=_whole(
            "go_features: namespace must be one of ['BP', 'CC', 'MF'], got 'XX'")):
        go_features(["A"], dag, ANN, namespace="XX")
    with pytest.raises(DataFormatError, match=_whole(
            "go_features: annotation table lacks column(s) ['term_id']; it has ['gene_id', "
            "'go']")):
        go_features(["A"], dag, pd.DataFrame({"gene_id": ["A"], "go": ["GO:0000003"]}))
    # every annotated term is removed by the guard: no term is left at all
    with pytest.raises(DataFormatError, match=_whole(
            "go_features: no BP term annotates between min_genes=1 and max_genes=None of the 3 "
            "genes (the largest term annotates 0); lower min_genes")):
        go_features(["A", "B", "C"], dag, ANN, min_genes=1, exclude_terms=["GO:0000001"])


def test_the_namespace_filters_direct_annotations_too(dag):
    direct = go_features(["A", "B", "C"], dag, ANN, min_genes=1, propagate=False)
    assert direct.columns.tolist() == ["GO:0000002", "GO:0000003", "GO:0000004"]  # no MF term


def test_terms_absent_from_the_ontology_are_logged(dag, caplog):
    ann = pd.concat([ANN, pd.DataFrame({"gene_id": ["A"] * 5, "term_id": [
        "GO:9999991", "GO:9999992", "GO:9999993", "GO:9999994", "GO:9999991"]})])
    with caplog.at_level(logging.INFO, logger="graphgen"):
        block = go_features(["A", "B", "C"], dag, ann, min_genes=1)
    assert ("go_features: 5 annotations name terms absent from the ontology (obsolete?), e.g. "
            "['GO:9999991', 'GO:9999992', 'GO:9999993']") in caplog.messages
    assert not any(c.startswith("GO:99") for c in block.columns)


def test_leakage_guard_lists_the_removed_terms(dag, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        block = go_features(["A", "B", "C"], dag, ANN, min_genes=1,
                            exclude_terms=["GO:0000003", "GO:0000004", "GO:7777777"])
    assert block.columns.tolist() == ["GO:0000001", "GO:0000002"]  # both excluded terms go
    assert caplog.messages == [
        "go_features: leakage guard removed 2 term(s) (label terms and their descendants): "
        "GO:0000003 receptor signalling, GO:0000004 signalling complex assembly"]
    # with part_of, a part_of child of an excluded term goes too
    kept = go_features(["A", "B", "C"], dag, ANN, min_genes=1, part_of=True,
                       exclude_terms=["GO:0000002"])
    assert kept.columns.tolist() == ["GO:0000001"]
    plain = go_features(["A", "B", "C"], dag, ANN, min_genes=1, exclude_terms=["GO:0000002"])
    assert plain.columns.tolist() == ["GO:0000001", "GO:0000004"]
    wide = _wide_obo(tmp_path)
    genes = [f"G{i}" for i in range(12)]
    for count, tail in ((10, ""), (11, " ...")):
        ann = pd.DataFrame({"gene_id": genes, "term_id": [f"GO:10000{i:02d}"
                                                          for i in range(1, 13)]})
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="graphgen"):
            go_features(genes, wide, ann, min_genes=1,
                        exclude_terms=[f"GO:10000{i:02d}" for i in range(1, count + 1)])
        listed = ", ".join(f"GO:10000{i:02d} child {i}" for i in range(1, 11))
        assert caplog.messages == [
            f"go_features: leakage guard removed {count} term(s) (label terms and their "
            f"descendants): {listed}{tail}"]


def test_ancestors_and_descendants_follow_part_of_only_when_asked(dag, obo_path):
    def table(frame):
        return sorted(map(tuple, frame.to_numpy().tolist()))

    assert table(ancestors(dag, ["GO:0000004"])) == [("GO:0000004", "GO:0000001"),
                                                      ("GO:0000004", "GO:0000004")]
    assert table(ancestors(dag, ["GO:0000004"], part_of=True)) == [
        ("GO:0000004", "GO:0000001"), ("GO:0000004", "GO:0000002"), ("GO:0000004", "GO:0000004")]
    assert descendants(dag, "GO:0000002") == {"GO:0000003"}
    assert descendants(dag, "GO:0000002", part_of=True) == {"GO:0000003", "GO:0000004"}
    assert descendants(dag, "GO:0000001") == {"GO:0000002", "GO:0000003", "GO:0000004"}
    bare = GODag(str(obo_path), prt=None)  # read without the relationships
    assert descendants(bare, "GO:0000002") == {"GO:0000003"}
    message = ("part_of=True needs the ontology's relationships: read it with "
               "graphgen.io.go.read_obo (or goatools' GODag(path, "
               "optional_attrs={'relationship'})); this one was read without them")
    with pytest.raises(ConfigError, match=_whole(message)):
        descendants(bare, "GO:0000002", part_of=True)
    with pytest.raises(ConfigError, match=_whole(message)):
        ancestors(bare, ["GO:0000004"], part_of=True)
