"""Gene Ontology enrichment of a gene list with goatools (Fisher's exact test per term).

:func:`enrich` runs goatools' ``GOEnrichmentStudyNS`` (one study per namespace, counts
propagated up the ontology, Benjamini-Hochberg by default) on a study list against a
background and returns one tidy table. It is what a model's top predictions and the genes of
an explanatory sub-graph are read through.

Everything but the tests of the study list is kept between calls (the parsed OBO and
annotation files, keyed by path, size and modification time; the id mapping, the
per-namespace associations and goatools' prepared study, keyed by their inputs), so a second
gene list against the same background costs only its Fisher tests.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.ids import IdMapper
from graphgen.io.go import read_go_annotations, read_obo

__all__ = ["enrich"]

_NAMESPACES = {"BP": "biological_process", "MF": "molecular_function",
               "CC": "cellular_component"}
_METHODS = ("fdr_bh", "bonferroni", "holm", "sidak", "fdr_by")
COLUMNS = ["term_id", "name", "namespace", "enrichment", "study_count", "study_size",
           "background_count", "background_size", "fold_enrichment", "p_value", "p_adjusted",
           "genes"]


def enrich(
    genes: Iterable[str],
    background: Iterable[str],
    *,
    obo,
    annotations: pd.DataFrame | str | os.PathLike,
    namespaces: Iterable[str] = ("BP", "MF", "CC"),
    method: str = "fdr_bh",
    alpha: float = 0.05,
    propagate: bool = True,
    id_type: str | None = None,
    mapper: IdMapper | None = None,
    only_significant: bool = True,
) -> pd.DataFrame:
    """GO terms over- (and under-) represented among ``genes`` against ``background``.

    Args:
        genes: the study list (e.g. a model's top predictions, the genes of an explanatory
            sub-graph). Genes outside ``background`` are added to it, as goatools requires.
        background: the population the study was drawn from (e.g. every gene of the graph,
            ``data.node_ids``); never the whole genome when only graph genes could be chosen.
        obo: a goatools ``GODag`` or the path of an OBO file.
        annotations: long table with ``gene_id``/``term_id`` columns
            (:func:`~graphgen.io.go.read_gene2go`) or the path of a gene2go or GAF file.
        namespaces: any of ``"BP"``, ``"MF"``, ``"CC"``.
        method: multiple-testing correction (``"fdr_bh"``: Benjamini-Hochberg; or
            ``"bonferroni"``, ``"holm"``, ``"sidak"``, ``"fdr_by"``).
        alpha: significance level of the correction.
        propagate: count a gene for every ancestor of its terms (the true-path rule).
        id_type, mapper: map the annotation ids (Entrez for gene2go) to the id type of
            ``genes`` (e.g. ``"symbol"``) with an :class:`~graphgen.ids.IdMapper`.
        only_significant: keep the rows with ``p_adjusted < alpha`` (default); ``False``
            returns every tested term (about 20,000 for a human background).

    Returns:
        One row per significant (or tested) term, most significant first: ``term_id``, ``name``,
        ``namespace``, ``enrichment`` (``"e"`` over- / ``"p"`` under-represented),
        ``study_count``/``study_size``, ``background_count``/``background_size``,
        ``fold_enrichment``, ``p_value`` (Fisher's exact), ``p_adjusted`` (``method``) and
        ``genes`` (the study genes annotated, ``;``-joined, in the ids of ``genes``).

    Raises:
        DataFormatError: an empty gene list or background.
        ConfigError: unknown namespace or correction, ``alpha`` outside (0, 1), only one of
            ``id_type``/``mapper``.
        IdMappingError: no study gene has an annotation (ids of another type: give
            ``id_type`` and ``mapper``).
    """
    study = _ids(genes, "gene")
    population = _ids(background, "background")
    namespaces = [str(ns).upper() for ns in namespaces]
    unknown = [ns for ns in namespaces if ns not in _NAMESPACES]
    if unknown or not namespaces:
        raise ConfigError(f"enrich: namespaces must be among {sorted(_NAMESPACES)}, got "
                          f"{list(namespaces)}")
    if method not in _METHODS:
        raise ConfigError(f"enrich: method must be one of {list(_METHODS)}, got {method!r}")
    if not 0 < alpha < 1:
        raise ConfigError(f"enrich: alpha must be in (0, 1), got {alpha!r}")
    if (id_type is None) != (mapper is None):
        raise ConfigError("enrich: give both id_type and mapper, or neither")
    dag = _cached(_FILES, ("obo", *_file_key(obo)), lambda: read_obo(obo)) \
        if isinstance(obo, (str, os.PathLike)) else obo
    if isinstance(annotations, (str, os.PathLike)):
        ann_key = ("annotations", *_file_key(annotations))
        ann = _cached(_FILES, ann_key, lambda: read_go_annotations(annotations))
    else:
        ann = annotations
        if not {"gene_id", "term_id"} <= set(ann.columns):
            raise DataFormatError("enrich: annotations need gene_id and term_id columns, got "
                                  f"{list(ann.columns)}")
        ann_key = ("table", int(pd.util.hash_pandas_object(ann[["gene_id", "term_id"]],
                                                          index=False).sum()), len(ann))
    examples = ann["gene_id"].astype(str).drop_duplicates().head(3).tolist()
    population = population.union(study, sort=False)
    key = (id(dag), ann_key, id(mapper), id_type, tuple(sorted(population)),
           tuple(namespaces), propagate, alpha, method)
    def prepare():
        return _prepare(dag, ann, mapper, id_type, population, namespaces, propagate, alpha,
                        method)

    objects, annotated, study_ns = _cached(_STUDIES, key, prepare)
    if objects[0] is not dag or objects[1] is not mapper:  # other objects at recycled ids
        _STUDIES.pop(key)
        objects, annotated, study_ns = _cached(_STUDIES, key, prepare)
    hits = [g for g in study if g in annotated]
    if not hits:
        raise IdMappingError(
            f"enrich: none of the {len(study)} genes has a GO annotation (gene ids e.g. "
            f"{study[:3].tolist()}, annotation ids e.g. {examples}); map the annotation ids to "
            "the genes' id type with id_type=... and mapper=graphgen.IdMapper.human(...)")
    with contextlib.redirect_stdout(io.StringIO()):
        records = study_ns.run_study(list(study), prt=None)
    rows = [_row(r, method) for r in records]
    table = pd.DataFrame(rows, columns=COLUMNS)
    if only_significant:
        table = table[table["p_adjusted"] < alpha]
    table = table.sort_values(["p_adjusted", "p_value", "term_id"], kind="mergesort")
    table = table.reset_index(drop=True)
    table.attrs.update(study_size=len(study), annotated_study_genes=len(hits),
                       background_size=len(population), method=method)
    return table


#: Parsed files and prepared studies kept between calls (most recent last).
_FILES: OrderedDict = OrderedDict()
_STUDIES: OrderedDict = OrderedDict()
_KEEP = 3


def _cached(store: OrderedDict, key, make):
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = make()
    store[key] = value
    while len(store) > _KEEP:
        store.popitem(last=False)
    return value


def _file_key(path: str | os.PathLike) -> tuple:
    """A file as a cache key: its resolved path, size and modification time (a changed file
    is read again); a name that is not a file (a data set name) as itself."""
    try:
        info = Path(path).stat()
    except OSError:
        return (str(path),)
    return (str(Path(path).resolve()), info.st_size, info.st_mtime_ns)


def _prepare(dag, ann: pd.DataFrame, mapper, id_type, population: pd.Index,
             namespaces: list[str], propagate: bool, alpha: float, method: str):
    """(dag, mapper), the annotated population genes and goatools' study, for one background.

    Raises:
        DataFormatError: no annotation term is a term of the OBO (in ``namespaces``).
    """
    from goatools.goea.go_enrichment_ns import GOEnrichmentStudyNS

    ann = pd.DataFrame({"gene_id": ann["gene_id"].astype(str).to_numpy(),
                        "term_id": ann["term_id"].astype(str).to_numpy()})
    if mapper is not None:
        mapping = mapper.map(ann["gene_id"].unique(), to=id_type)
        ann = ann.assign(gene_id=ann["gene_id"].map(mapping.mapping)).dropna()
    ann = ann[ann["gene_id"].isin(population)]
    ns2assoc = _namespace_associations(ann, dag, namespaces)
    if not ns2assoc and len(ann):
        terms = ann["term_id"].drop_duplicates().head(3).tolist()
        raise DataFormatError(f"enrich: none of the annotation terms (e.g. {terms}) is a term "
                              f"of the OBO in namespaces {namespaces}; is the OBO of another "
                              "ontology or release?")
    with contextlib.redirect_stdout(io.StringIO()):
        study_ns = GOEnrichmentStudyNS(list(population), ns2assoc, dag,
                                       propagate_counts=propagate, alpha=alpha,
                                       methods=[method], log=None)
    return (dag, mapper), frozenset(ann["gene_id"]), study_ns


def _ids(genes: Iterable[str], what: str) -> pd.Index:
    if isinstance(genes, str):
        genes = [genes]
    index = pd.Index([str(g).strip() for g in genes]).drop_duplicates()
    if not len(index):
        raise DataFormatError(f"enrich: the {what} list is empty")
    return index


def _namespace_associations(ann: pd.DataFrame, dag, namespaces: list[str]
                            ) -> dict[str, dict[str, set[str]]]:
    wanted = {_NAMESPACES[ns]: ns for ns in namespaces}
    terms = pd.Series([t for t in ann["term_id"].unique() if t in dag], dtype=object)
    main = dict(zip(terms, (dag[t].id for t in terms)))  # alternative ids -> main term
    pairs = pd.DataFrame({"gene_id": ann["gene_id"].to_numpy(),
                          "term_id": ann["term_id"].map(main).to_numpy()}).dropna()
    pairs["ns"] = pairs["term_id"].map({m: wanted.get(dag[m].namespace)
                                        for m in set(main.values())})
    pairs = pairs.dropna()
    return {ns: part.groupby("gene_id")["term_id"].agg(set).to_dict()
            for ns, part in pairs.groupby("ns") if len(part)}


def _row(record, method: str) -> dict:
    k, n = record.ratio_in_study
    big_k, big_n = record.ratio_in_pop
    fold = (k / n) / (big_k / big_n) if n and big_k else float("nan")
    return {
        "term_id": record.GO, "name": record.name, "namespace": record.NS,
        "enrichment": record.enrichment, "study_count": k, "study_size": n,
        "background_count": big_k, "background_size": big_n, "fold_enrichment": fold,
        "p_value": record.p_uncorrected, "p_adjusted": getattr(record, f"p_{method}"),
        "genes": ";".join(sorted(map(str, record.study_items))),
    }
