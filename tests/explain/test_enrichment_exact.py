"""GO enrichment pinned exactly: every column of a row, each correction against goatools
called directly, namespaces, propagation, alternative ids, id mapping, annotation files and
the cache's bounds, every message matched whole."""

from __future__ import annotations

import contextlib
import io
import re

import pandas as pd
import pytest

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.explain import enrichment
from graphgen.explain.enrichment import COLUMNS, enrich
from graphgen.ids import IdMapper
from graphgen.io.go import read_obo
from tests.explain.test_enrichment import OBO as BASE_OBO

# the ontology of tests/explain/test_enrichment.py, with an alternative id and a CC term
OBO = BASE_OBO.replace("name: signalling\nnamespace: biological_process\n",
                       "name: signalling\nnamespace: biological_process\nalt_id: GO:0000099\n"
                       ) + """
[Term]
id: GO:0000005
name: nucleus
namespace: cellular_component
"""

GENES = [f"g{i:02d}" for i in range(40)]


def _whole(message):
    return "^" + re.escape(message) + "$"


@pytest.fixture(scope="module")
def dag(tmp_path_factory):
    path = tmp_path_factory.mktemp("go") / "mini.obo"
    path.write_text(OBO)
    return read_obo(path)


@pytest.fixture()
def annotations():
    rows = [(g, "GO:0000002") for g in GENES[:12]] + [(g, "GO:0000003") for g in GENES[10:30]]
    rows += [(g, "GO:0000004") for g in GENES[::3]] + [(g, "GO:0000005") for g in GENES[1::2]]
    return pd.DataFrame(rows, columns=["gene_id", "term_id"])


def _goatools(dag, annotations, population, study, method="fdr_bh", propagate=True,
              namespaces=("BP", "MF", "CC")):
    from goatools.goea.go_enrichment_ns import GOEnrichmentStudyNS

    names = {"BP": "biological_process", "MF": "molecular_function",
             "CC": "cellular_component"}
    assoc = {}
    for ns in namespaces:
        part = annotations[annotations["term_id"].map(lambda t: dag[t].namespace)
                           == names[ns]]
        part = part[part["gene_id"].isin(population)]
        if len(part):
            assoc[ns] = part.groupby("gene_id")["term_id"].agg(set).to_dict()
    with contextlib.redirect_stdout(io.StringIO()):
        study_ns = GOEnrichmentStudyNS(list(population), assoc, dag, propagate_counts=propagate,
                                       alpha=0.05, methods=[method], log=None)
        return {r.GO: r for r in study_ns.run_study(list(study), prt=None)}


def test_every_column_of_a_row_and_the_table_attributes(dag, annotations):
    study = GENES[:10]
    table = enrich(study, GENES, obo=dag, annotations=annotations, only_significant=False)
    assert list(table.columns) == COLUMNS
    row = table.set_index("term_id").loc["GO:0000002"]
    # 10 of 10 study genes, 12 of 40 background genes
    assert row["name"] == "signalling" and row["namespace"] == "BP"
    assert row["enrichment"] == "e"
    assert (row["study_count"], row["study_size"]) == (10, 10)
    assert (row["background_count"], row["background_size"]) == (12, 40)
    assert row["fold_enrichment"] == pytest.approx((10 / 10) / (12 / 40))
    assert row["genes"] == ";".join(sorted(study))
    under = table.set_index("term_id").loc["GO:0000003"]  # 0 of 10 vs 20 of 40
    assert under["enrichment"] == "p" and under["study_count"] == 0
    assert under["fold_enrichment"] == 0.0 and under["genes"] == ""
    assert table.attrs == {"study_size": 10, "annotated_study_genes": 10,
                           "background_size": 40, "method": "fdr_bh"}


def test_the_order_is_adjusted_p_then_p_then_term(dag, annotations):
    table = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    keys = list(zip(table["p_adjusted"], table["p_value"], table["term_id"]))
    assert keys == sorted(keys)
    assert table.index.tolist() == list(range(len(table)))


@pytest.mark.parametrize("method", ["fdr_bh", "bonferroni", "holm", "sidak", "fdr_by"])
def test_each_correction_equals_goatools(dag, annotations, method):
    study = GENES[5:15]
    table = enrich(study, GENES, obo=dag, annotations=annotations, method=method,
                   only_significant=False)
    want = _goatools(dag, annotations, GENES, study, method=method)
    assert set(table["term_id"]) == set(want)
    for row in table.itertuples():
        assert row.p_value == pytest.approx(want[row.term_id].p_uncorrected)
        assert row.p_adjusted == pytest.approx(getattr(want[row.term_id], f"p_{method}"))
    assert table.attrs["method"] == method


def test_alpha_is_the_strict_significance_bound(dag, annotations):
    full = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    cut = float(full["p_adjusted"].iloc[1])
    kept = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, alpha=cut)
    assert kept["term_id"].tolist() == full.loc[full["p_adjusted"] < cut, "term_id"].tolist()
    assert len(kept) >= 1 and (kept["p_adjusted"] < cut).all()
    for bad in (0, 1):
        with pytest.raises(ConfigError, match=_whole(f"enrich: alpha must be in (0, 1), got "
                                                     f"{bad}")):
            enrich(GENES[:10], GENES, obo=dag, annotations=annotations, alpha=bad)


def test_namespaces_in_any_case_and_only_those(dag, annotations):
    bp = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, namespaces=["bp"],
                only_significant=False)
    assert set(bp["namespace"]) == {"BP"}
    assert set(bp["term_id"]) == {"GO:0000001", "GO:0000002", "GO:0000003"}
    mf_cc = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, namespaces=("MF", "cc"),
                   only_significant=False)
    assert sorted(mf_cc["term_id"]) == ["GO:0000004", "GO:0000005"]
    assert dict(zip(mf_cc["term_id"], mf_cc["namespace"])) == {"GO:0000004": "MF",
                                                               "GO:0000005": "CC"}
    for bad, shown in ((["XX"], "['XX']"), ([], "[]")):
        with pytest.raises(ConfigError, match=_whole(
                f"enrich: namespaces must be among ['BP', 'CC', 'MF'], got {shown}")):
            enrich(GENES[:10], GENES, obo=dag, annotations=annotations, namespaces=bad)
    with pytest.raises(ConfigError, match=_whole(
            "enrich: method must be one of ['fdr_bh', 'bonferroni', 'holm', 'sidak', "
            "'fdr_by'], got 'magic'")):
        enrich(GENES[:10], GENES, obo=dag, annotations=annotations, method="magic")


def test_without_propagation_the_root_is_not_counted(dag, annotations):
    study = GENES[:10]
    plain = enrich(study, GENES, obo=dag, annotations=annotations, propagate=False,
                   only_significant=False)
    assert "GO:0000001" not in set(plain["term_id"])
    want = _goatools(dag, annotations, GENES, study, propagate=False)
    assert set(plain["term_id"]) == set(want)
    propagated = enrich(study, GENES, obo=dag, annotations=annotations, only_significant=False)
    root = propagated.set_index("term_id").loc["GO:0000001"]
    assert (root["study_count"], root["background_count"]) == (10, 30)


def test_an_alternative_id_counts_for_its_main_term(dag, annotations):
    alt = annotations.assign(term_id=annotations["term_id"].replace("GO:0000002", "GO:0000099"))
    a = enrich(GENES[:10], GENES, obo=dag, annotations=alt, only_significant=False)
    b = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    pd.testing.assert_frame_equal(a, b)


def test_study_genes_are_stripped_deduplicated_and_join_the_background(dag, annotations):
    one = enrich(" g00 ", GENES, obo=dag, annotations=annotations, only_significant=False)
    again = enrich(["g00", "g00"], GENES, obo=dag, annotations=annotations,
                   only_significant=False)
    pd.testing.assert_frame_equal(one, again)
    assert one.attrs["study_size"] == 1
    # a study gene outside the background is added to it (goatools requires it)
    table = enrich(["g00", "new"], GENES[:20], obo=dag, annotations=annotations,
                   only_significant=False)
    assert table.attrs["background_size"] == 21 and table.attrs["study_size"] == 2
    assert table.attrs["annotated_study_genes"] == 1
    assert set(table["background_size"]) <= {21}
    with pytest.raises(DataFormatError, match=_whole("enrich: the background list is empty")):
        enrich(["g00"], [], obo=dag, annotations=annotations)
    with pytest.raises(DataFormatError, match=_whole("enrich: the gene list is empty")):
        enrich([], GENES, obo=dag, annotations=annotations)


def test_annotations_in_other_ids_are_mapped(dag, annotations):
    entrez = {g: str(1000 + i) for i, g in enumerate(GENES)}
    mapper = IdMapper(pd.DataFrame({"symbol": list(entrez), "entrez": list(entrez.values())}))
    by_entrez = annotations.assign(gene_id=annotations["gene_id"].map(entrez))
    mapped = enrich(GENES[:10], GENES, obo=dag, annotations=by_entrez, id_type="symbol",
                    mapper=mapper, only_significant=False)
    direct = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    pd.testing.assert_frame_equal(mapped, direct)
    for kwargs in ({"id_type": "symbol"}, {"mapper": mapper}):
        with pytest.raises(ConfigError, match=_whole(
                "enrich: give both id_type and mapper, or neither")):
            enrich(GENES[:10], GENES, obo=dag, annotations=by_entrez, **kwargs)
    with pytest.raises(DataFormatError, match=_whole(
            "enrich: annotations need gene_id and term_id columns, got ['gene', 'term_id']")):
        enrich(GENES[:10], GENES, obo=dag, annotations=annotations.rename(
            columns={"gene_id": "gene"}))


def test_unannotated_study_and_foreign_terms_are_named(dag, annotations):
    with pytest.raises(Exception, match=re.escape(
            "enrich: none of the 2 genes has a GO annotation (gene ids e.g. ['TP53', 'MDM2'], "
            "annotation ids e.g. ['g00', 'g01', 'g02']); map the annotation ids to the genes' "
            "id type with id_type=... and mapper=graphgen.IdMapper.human(...)")):
        enrich(["TP53", "MDM2"], GENES, obo=dag, annotations=annotations)
    with pytest.raises(DataFormatError, match=_whole(
            "enrich: none of the annotation terms (e.g. ['GO:0000004']) is a term of the OBO "
            "in namespaces ['BP']; is the OBO of another ontology or release?")):
        enrich(GENES[:10], GENES, obo=dag, namespaces=["BP"],
               annotations=annotations[annotations["term_id"] == "GO:0000004"])


def test_an_annotation_file_is_read_once_and_again_when_it_changes(dag, annotations, tmp_path,
                                                                   monkeypatch):
    gaf = tmp_path / "mini.gaf"
    lines = ["!gaf-version: 2.2"] + [
        "\t".join(["DB", f"ID{g}", g, "", t, "PMID:1", "IDA", "", "P", "", "", "protein",
                   "taxon:9606", "20200101", "DB"]) for g, t in annotations.itertuples(index=False)]
    gaf.write_text("\n".join(lines) + "\n")
    reads = []
    real = enrichment.read_go_annotations
    monkeypatch.setattr(enrichment, "read_go_annotations",
                        lambda path: reads.append(path) or real(path))
    from_file = enrich(GENES[:10], GENES, obo=dag, annotations=gaf, only_significant=False)
    enrich(GENES[5:15], GENES, obo=dag, annotations=str(gaf), only_significant=False)
    assert len(reads) == 1
    direct = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    pd.testing.assert_frame_equal(from_file, direct)
    gaf.write_text("\n".join(lines[:-1]) + "\n")  # the file changed: read again
    enrich(GENES[:10], GENES, obo=dag, annotations=gaf, only_significant=False)
    assert len(reads) == 2


def test_the_cache_keeps_the_three_latest_studies(dag, annotations, monkeypatch):
    monkeypatch.setattr(enrichment, "_STUDIES", type(enrichment._STUDIES)())
    built = []
    prepare = enrichment._prepare
    monkeypatch.setattr(enrichment, "_prepare", lambda *a: built.append(1) or prepare(*a))
    backgrounds = [GENES[:n] for n in (36, 37, 38, 39)]
    for background in backgrounds[:3]:
        enrich(GENES[:10], background, obo=dag, annotations=annotations)
    enrich(GENES[:10], backgrounds[0], obo=dag, annotations=annotations)  # kept: used again
    assert len(built) == 3
    enrich(GENES[:10], backgrounds[3], obo=dag, annotations=annotations)  # evicts the 37
    assert len(built) == 4 and len(enrichment._STUDIES) == 3
    enrich(GENES[:10], backgrounds[0], obo=dag, annotations=annotations)
    assert len(built) == 4
    enrich(GENES[:10], backgrounds[1], obo=dag, annotations=annotations)
    assert len(built) == 5
    # another setting of the same background is another study
    enrich(GENES[:10], backgrounds[1], obo=dag, annotations=annotations, alpha=0.01)
    enrich(GENES[:10], backgrounds[1], obo=dag, annotations=annotations, method="holm")
    enrich(GENES[:10], backgrounds[1], obo=dag, annotations=annotations, propagate=False)
    enrich(GENES[:10], backgrounds[1], obo=dag, annotations=annotations, namespaces=["BP"])
    assert len(built) == 9


def test_the_study_cache_is_keyed_by_the_annotations_content_not_their_index(
        dag, annotations, monkeypatch):
    monkeypatch.setattr(enrichment, "_STUDIES", type(enrichment._STUDIES)())
    built = []
    prepare = enrichment._prepare
    monkeypatch.setattr(enrichment, "_prepare", lambda *a: built.append(1) or prepare(*a))
    first = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    shuffled_index = annotations.set_axis(range(100, 100 + len(annotations)))
    enrich(GENES[:10], GENES, obo=dag, annotations=shuffled_index, only_significant=False)
    assert len(built) == 1  # the same pairs: the prepared study is reused
    fewer = annotations[annotations["term_id"] != "GO:0000002"]
    other = enrich(GENES[:10], GENES, obo=dag, annotations=fewer, only_significant=False)
    assert len(built) == 2 and "GO:0000002" not in set(other["term_id"])
    assert "GO:0000002" in set(first["term_id"])


def test_a_cached_study_of_another_ontology_object_is_prepared_again(dag, annotations,
                                                                      tmp_path, monkeypatch):
    # Python may give a new GODag the id of a freed one: simulate it by making every id equal
    monkeypatch.setattr(enrichment, "_STUDIES", type(enrichment._STUDIES)())
    monkeypatch.setattr(enrichment, "id", lambda obj: 0, raising=False)
    built = []
    prepare = enrichment._prepare
    monkeypatch.setattr(enrichment, "_prepare", lambda *a: built.append(1) or prepare(*a))
    renamed = tmp_path / "renamed.obo"
    renamed.write_text(OBO.replace("name: signalling", "name: signal transduction"))
    other = read_obo(renamed)
    a = enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    b = enrich(GENES[:10], GENES, obo=other, annotations=annotations, only_significant=False)
    names = [dict(zip(t["term_id"], t["name"]))["GO:0000002"] for t in (a, b)]
    assert names == ["signalling", "signal transduction"] and len(built) == 2
    enrich(GENES[:5], GENES, obo=other, annotations=annotations)  # kept under its key
    assert len(built) == 2


def test_files_are_told_apart_by_path_and_names_by_name(dag, tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(enrichment, "_FILES", type(enrichment._FILES)())
    first, second = tmp_path / "a.obo", tmp_path / "b.obo"
    first.write_text(OBO)
    second.write_text(OBO.replace("name: signalling", "name: signallinG"))  # same size
    stamp = first.stat().st_mtime_ns
    os.utime(second, ns=(stamp, stamp))
    ann = pd.DataFrame({"gene_id": GENES[:12], "term_id": "GO:0000002"})
    names = [enrich(GENES[:10], GENES, obo=path, annotations=ann,
                    only_significant=False).set_index("term_id").loc["GO:0000002", "name"]
             for path in (first, second)]
    assert names == ["signalling", "signallinG"]
    # names that are not files (a data set's name, resolved by the reader) are keys too
    dags = {"go-a": read_obo(first), "go-b": read_obo(second)}
    monkeypatch.setattr(enrichment, "read_obo", lambda name: dags[str(name)])
    names = [enrich(GENES[:10], GENES, obo=name, annotations=ann,
                    only_significant=False).set_index("term_id").loc["GO:0000002", "name"]
             for name in ("go-a", "go-b")]
    assert names == ["signalling", "signallinG"]


def test_nothing_is_printed_and_long_lists_show_three(dag, annotations, capsys):
    enrich(GENES[:10], GENES, obo=dag, annotations=annotations, only_significant=False)
    assert capsys.readouterr().out == ""
    with pytest.raises(Exception, match=re.escape(
            "none of the 5 genes has a GO annotation (gene ids e.g. ['u1', 'u2', 'u3'], "
            "annotation ids e.g. ['g00', 'g01', 'g02'])")):
        enrich(["u1", "u2", "u3", "u4", "u5"], GENES, obo=dag, annotations=annotations)
    foreign = pd.DataFrame({"gene_id": GENES[:4],
                            "term_id": ["GO:1000001", "GO:1000002", "GO:1000003", "GO:1000004"]})
    with pytest.raises(DataFormatError, match=re.escape(
            "none of the annotation terms (e.g. ['GO:1000001', 'GO:1000002', 'GO:1000003']) "
            "is a term")):
        enrich(GENES[:4], GENES, obo=dag, annotations=foreign)
