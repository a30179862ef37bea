"""GO enrichment: the same numbers as a direct goatools call, clear errors on bad input."""

from __future__ import annotations

import contextlib
import io

import pandas as pd
import pytest

from graphgen import enrich
from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.io.go import read_obo

OBO = """format-version: 1.2

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
name: repair
namespace: biological_process
is_a: GO:0000001 ! root process

[Term]
id: GO:0000004
name: kinase activity
namespace: molecular_function
"""


@pytest.fixture()
def case(tmp_path):
    path = tmp_path / "mini.obo"
    path.write_text(OBO)
    genes = [f"g{i}" for i in range(40)]
    rows = [(g, "GO:0000002") for g in genes[:12]] + [(g, "GO:0000003") for g in genes[10:30]]
    rows += [(g, "GO:0000004") for g in genes[::3]]
    annotations = pd.DataFrame(rows, columns=["gene_id", "term_id"])
    return read_obo(path), annotations, genes


def test_enrichment_equals_goatools(case):
    from goatools.goea.go_enrichment_ns import GOEnrichmentStudyNS

    dag, annotations, genes = case
    study = genes[:10]
    table = enrich(study, genes, obo=dag, annotations=annotations, only_significant=False)
    bp = {g: set(annotations.term_id[(annotations.gene_id == g)
                                     & annotations.term_id.isin(["GO:0000002", "GO:0000003"])])
          for g in genes}
    mf = {g: {"GO:0000004"} for g in genes[::3]}
    with contextlib.redirect_stdout(io.StringIO()):
        direct = GOEnrichmentStudyNS(genes, {"BP": {g: t for g, t in bp.items() if t},
                                             "MF": mf}, dag, propagate_counts=True,
                                     alpha=0.05, methods=["fdr_bh"], log=None)
        records = direct.run_study(study, prt=None)
    expected = {r.GO: r for r in records}
    assert set(table["term_id"]) == set(expected)
    for row in table.itertuples():
        record = expected[row.term_id]
        assert row.p_value == pytest.approx(record.p_uncorrected)
        assert row.p_adjusted == pytest.approx(record.p_fdr_bh)
        assert (row.study_count, row.study_size) == tuple(record.ratio_in_study)
    top = table.iloc[0]
    assert top["term_id"] == "GO:0000002" and top["enrichment"] == "e"
    assert top["study_count"] == 10 and top["genes"].split(";") == sorted(study)
    # counts propagate to the ancestor: every annotated study gene counts for the root
    root = table.set_index("term_id").loc["GO:0000001"]
    assert root["study_count"] == 10
    assert table["p_adjusted"].is_monotonic_increasing


def test_enrichment_bad_inputs(case):
    dag, annotations, genes = case
    with pytest.raises(DataFormatError, match="gene list is empty"):
        enrich([], genes, obo=dag, annotations=annotations)
    with pytest.raises(IdMappingError, match="none of the 2 genes has a GO annotation"):
        enrich(["TP53", "MDM2"], genes, obo=dag, annotations=annotations)
    with pytest.raises(ConfigError, match="namespaces"):
        enrich(genes[:5], genes, obo=dag, annotations=annotations, namespaces=["XX"])
    with pytest.raises(ConfigError, match="method"):
        enrich(genes[:5], genes, obo=dag, annotations=annotations, method="magic")
    with pytest.raises(DataFormatError, match="gene_id and term_id"):
        enrich(genes[:5], genes, obo=dag, annotations=annotations.rename(
            columns={"gene_id": "gene"}))


@pytest.mark.slow
def test_enrichment_of_cancer_genes_on_real_go(shared_data):
    from graphgen import IdMapper
    from graphgen.io.go import read_gene2go

    dag = read_obo(shared_data / "go" / "go-basic.obo")
    annotations = read_gene2go(shared_data / "go" / "gene2go.human.tsv.gz", taxon=9606)
    mapper = IdMapper.human(shared_data / "ids" / "human_gene_ids.tsv.gz")
    folder = shared_data / "cancer_genes"
    positives = (folder / "796true.txt").read_text().split()
    negatives = (folder / "2187false.txt").read_text().split()
    table = enrich(positives[:100], positives + negatives, obo=dag, annotations=annotations,
                   id_type="symbol", mapper=mapper, namespaces=["BP"], only_significant=True)
    assert len(table) > 20 and (table["p_adjusted"] < 0.05).all()
    top = " ".join(table["name"].head(30))
    assert "proliferation" in top or "cell death" in top or "stress" in top


def test_significant_terms_by_default_full_table_on_request(case):
    dag, annotations, genes = case
    full = enrich(genes[:10], genes, obo=dag, annotations=annotations, only_significant=False)
    significant = enrich(genes[:10], genes, obo=dag, annotations=annotations)
    assert (significant["p_adjusted"] < 0.05).all() and len(significant) < len(full)
    pd.testing.assert_frame_equal(significant, full[full["p_adjusted"] < 0.05]
                                  .reset_index(drop=True))


def test_files_and_studies_are_kept_between_calls(case, tmp_path, monkeypatch):
    from graphgen.explain import enrichment

    dag, annotations, genes = case
    obo = tmp_path / "mini.obo"
    obo.write_text(OBO)
    reads = []
    monkeypatch.setattr(enrichment, "read_obo", lambda path: reads.append(path) or read_obo(path))
    built = []
    prepare = enrichment._prepare
    monkeypatch.setattr(enrichment, "_prepare", lambda *a: built.append(1) or prepare(*a))
    first = enrich(genes[:10], genes, obo=obo, annotations=annotations, only_significant=False)
    second = enrich(genes[20:30], genes, obo=obo, annotations=annotations,
                    only_significant=False)
    again = enrich(genes[:10], genes, obo=obo, annotations=annotations, only_significant=False)
    assert len(reads) == 1 and len(built) == 1  # one parse, one prepared study
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(second)
    enrich(genes[:10], genes[:35], obo=obo, annotations=annotations)  # another background
    assert len(built) == 2
    obo.write_text(OBO + "\n")  # the file changed: read again
    enrich(genes[:10], genes, obo=obo, annotations=annotations)
    assert len(reads) == 2


def test_terms_absent_from_the_obo_are_named(case):
    dag, annotations, genes = case
    other = annotations.assign(term_id="GO:9999999")
    with pytest.raises(DataFormatError, match=r"none of the annotation terms \(e.g. "
                                              r"\['GO:9999999'\]\) is a term of the OBO"):
        enrich(genes[:10], genes, obo=dag, annotations=other)
