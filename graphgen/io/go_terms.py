"""Gene Ontology term membership: which genes each GO term annotates, propagated up the
ontology (true-path rule), as a genes x terms 0/1 table.

The one place that walks the ontology (:func:`ancestors`, :func:`descendants`): the GO
feature block (``graphgen.features.go_features``) and GO-term labels
(:func:`graphgen.labels.go_term_labels`) both read this table.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError
from graphgen.io.go import NAMESPACES, read_go_annotations, read_obo

__all__ = ["ancestors", "descendants", "go_features"]

log = logging.getLogger(__name__)


def go_features(
    node_ids: Iterable[str],
    obo,
    annotations: pd.DataFrame | str | os.PathLike,
    *,
    namespace: str = "BP",
    propagate: bool = True,
    part_of: bool = False,
    min_genes: int = 5,
    max_genes: int | None = None,
    evidence: Iterable[str] | None = None,
    exclude_terms: Iterable[str] = (),
    id_type: str | None = None,
    mapper: Any = None,
) -> pd.DataFrame:
    """GO term membership of each gene, as a genes x terms 0/1 table.

    Args:
        node_ids: the genes (rows of the result, in this order), e.g. ``data.node_ids``.
        obo: a goatools ``GODag`` or the path of an OBO file.
        annotations: a long table with ``gene_id`` and ``term_id`` columns (from
            :func:`~graphgen.io.go.read_gene2go` / :func:`~graphgen.io.go.read_gaf`), or the
            path of a gene2go or GAF file (:func:`~graphgen.io.go.read_go_annotations`).
        namespace: ``"BP"``, ``"MF"`` or ``"CC"``.
        propagate: annotate every gene also with all ancestors of its terms (true-path rule)
            through ``is_a``.
        part_of: also propagate through ``part_of`` relationships.
        min_genes, max_genes: keep terms annotating at least / at most this many of the
            genes (after propagation); ``max_genes=None`` sets no upper bound.
        evidence: keep only annotations with these evidence codes (e.g. exclude ``IEA``
            by listing the others); ``None`` keeps all.
        exclude_terms: leakage guard: terms to remove *with all their descendants* (a
            descendant's annotation implies the term after propagation), e.g. the terms used
            as labels. A warning names the removed terms.
        id_type, mapper: map the annotation gene ids (Entrez for gene2go) to the id type of
            ``node_ids`` (e.g. ``id_type="symbol"``) with an :class:`~graphgen.ids.IdMapper`.
            (any object with its ``map(ids, to=)``).

    Returns:
        ``DataFrame`` (``float32`` 0/1) indexed by gene id, one column per kept GO term.
        ``attrs["term_names"]`` maps term ids to names; ``attrs["genes_without_terms"]``
        counts genes with no annotation in the namespace.

    Raises:
        ConfigError: unknown namespace, bad size bounds, only one of ``id_type``/``mapper``,
            ``part_of`` on an ontology read without its relationships.
        DataFormatError: annotations without ``gene_id``/``term_id`` columns, no term
            within the size bounds.
        IdMappingError: no annotation names a graph gene (ids of another type: give
            ``id_type`` and ``mapper``).

    Example:
        >>> import tempfile, pathlib
        >>> obo = pathlib.Path(tempfile.mkdtemp()) / "mini.obo"
        >>> _ = obo.write_text(
        ...     "format-version: 1.2\\n\\n[Term]\\nid: GO:0000001\\nname: root\\n"
        ...     "namespace: biological_process\\n\\n[Term]\\nid: GO:0000002\\nname: child\\n"
        ...     "namespace: biological_process\\nis_a: GO:0000001 ! root\\n")
        >>> ann = pd.DataFrame({"gene_id": ["TP53"], "term_id": ["GO:0000002"]})
        >>> go_features(["TP53", "MDM2"], obo, ann, min_genes=1).to_dict("list")
        {'GO:0000001': [1.0, 0.0], 'GO:0000002': [1.0, 0.0]}
    """
    if namespace not in NAMESPACES:
        raise ConfigError(f"go_features: namespace must be one of {sorted(NAMESPACES)}, got "
                          f"{namespace!r}")
    if min_genes < 1 or (max_genes is not None and max_genes < min_genes):
        raise ConfigError(f"go_features: need 1 <= min_genes <= max_genes, got {min_genes}, "
                          f"{max_genes}")
    if (id_type is None) != (mapper is None):
        raise ConfigError("go_features: give both id_type and mapper, or neither")
    dag = read_obo(obo) if isinstance(obo, (str, os.PathLike)) else obo
    ann = _annotations(annotations)
    genes = pd.Index([str(g) for g in node_ids], name="gene_id")
    if evidence is not None:
        ann = ann[ann["evidence"].isin(list(evidence))] if "evidence" in ann else ann
    examples = ann["gene_id"].drop_duplicates().head(3).tolist()
    if mapper is not None:
        mapping = mapper.map(ann["gene_id"].unique(), to=id_type)
        ann = ann.assign(gene_id=ann["gene_id"].map(mapping.mapping)).dropna(subset=["gene_id"])
    ann = ann[ann["gene_id"].isin(genes)]
    if not len(ann):
        raise IdMappingError(
            f"go_features: no annotation names a gene of the graph (annotation ids e.g. "
            f"{examples}, graph ids e.g. {genes[:3].tolist()}); map the annotation ids to the "
            "graph's id type with id_type=... and mapper=graphgen.IdMapper.human(...)"
            if mapper is None else
            f"go_features: no annotation maps to a gene of the graph (annotation ids e.g. "
            f"{examples} mapped to {id_type!r}, graph ids e.g. {genes[:3].tolist()}); is "
            "id_type the graph's id type?")

    wanted = NAMESPACES[namespace]
    main = {}
    for term_id in ann["term_id"].unique():
        term = dag.get(term_id)
        if term is not None and term.namespace == wanted:
            main[term_id] = term.id  # alternative ids resolve to the main term
    absent = [t for t in ann["term_id"].unique() if t not in dag]
    unknown = ann["term_id"][ann["term_id"].isin(absent)]
    if len(unknown):
        log.info("go_features: %d annotations name terms absent from the ontology "
                 "(obsolete?), e.g. %s",
                 len(unknown), unknown.unique()[:3].tolist())
    ann = ann[ann["term_id"].isin(list(main))]
    pairs = pd.DataFrame({"gene_id": ann["gene_id"].to_numpy(),
                          "term_id": ann["term_id"].map(main).to_numpy()}).drop_duplicates()
    if propagate:
        closure = ancestors(dag, pairs["term_id"].unique(), part_of=part_of)
        pairs = pairs.merge(closure, left_on="term_id", right_on="term", how="inner")[
            ["gene_id", "ancestor"]].rename(columns={"ancestor": "term_id"}).drop_duplicates()
        inside = [t for t in pairs["term_id"].unique() if dag[t].namespace == wanted]
        pairs = pairs[pairs["term_id"].isin(inside)]
    excluded = set()
    for term_id in exclude_terms:
        if term_id in dag:
            excluded |= {dag[term_id].id} | descendants(dag, dag[term_id].id, part_of=part_of)
    if excluded:
        removed = sorted(set(pairs["term_id"]) & excluded)
        if removed:
            log.warning("go_features: leakage guard removed %d term(s) (label terms and their "
                        "descendants): %s", len(removed),
                        ", ".join(f"{t} {dag[t].name}" for t in removed[:10])
                        + (" ..." if len(removed) > 10 else ""))
        pairs = pairs[~pairs["term_id"].isin(excluded)]
    counts = pairs["term_id"].value_counts()
    keep = counts[(counts >= min_genes) & ((counts <= max_genes) if max_genes else True)].index
    if not len(keep):
        biggest = int(counts.max()) if len(counts) else 0
        raise DataFormatError(
            f"go_features: no {namespace} term annotates between min_genes={min_genes} and "
            f"max_genes={max_genes} of the {len(genes)} genes (the largest term annotates "
            f"{biggest}); lower min_genes")
    pairs = pairs[pairs["term_id"].isin(keep)]
    terms = pd.Index(sorted(keep), name="term_id")
    matrix = np.zeros((len(genes), len(terms)), dtype=np.float32)
    matrix[genes.get_indexer(pairs["gene_id"]), terms.get_indexer(pairs["term_id"])] = 1.0
    frame = pd.DataFrame(matrix, index=genes, columns=terms)
    frame.attrs["term_names"] = {t: dag[t].name for t in terms}
    frame.attrs["genes_without_terms"] = int((matrix.sum(axis=1) == 0).sum())
    log.info("go_features: %d genes x %d %s terms (%d genes without a term)", len(genes),
             len(terms), namespace, frame.attrs["genes_without_terms"])
    return frame


def ancestors(dag, terms: Iterable[str], *, part_of: bool = False) -> pd.DataFrame:
    """Long table ``(term, ancestor)`` with every ancestor of each term, the term included.

    Ancestors follow ``is_a`` and, with ``part_of``, ``part_of`` relationships.

    Raises:
        ConfigError: ``part_of`` on an ontology read without its relationships.
    """
    memo: dict[str, frozenset[str]] = {}

    def up(term) -> frozenset[str]:
        if term.id in memo:
            return memo[term.id]
        parents = list(term.parents)
        if part_of:
            parents += list(_relationships(term, "relationship").get("part_of", ()))
        result = frozenset({term.id}).union(*(up(p) for p in parents))
        memo[term.id] = result
        return result

    rows = [(t, a) for t in terms for a in up(dag[t])]
    return pd.DataFrame(rows, columns=["term", "ancestor"])


def descendants(dag, term_id: str, *, part_of: bool = False) -> set[str]:
    """Every term below ``term_id`` (through ``is_a`` and, with ``part_of``, ``part_of``).

    Raises:
        ConfigError: ``part_of`` on an ontology read without its relationships.
    """
    found, stack = set(), [dag[term_id]]
    while stack:
        term = stack.pop()
        children = list(term.children)
        if part_of:
            children += list(_relationships(term, "relationship_rev").get("part_of", ()))
        for child in children:
            if child.id not in found:
                found.add(child.id)
                stack.append(child)
    return found


def _relationships(term, attribute: str) -> dict:
    """A term's ``relationship`` (or reverse) map; goatools sets it only when the ontology was
    read with ``optional_attrs={"relationship"}`` (as :func:`~graphgen.io.go.read_obo` does)."""
    if not hasattr(term, attribute):
        raise ConfigError("part_of=True needs the ontology's relationships: read it with "
                          "graphgen.io.go.read_obo (or goatools' GODag(path, "
                          "optional_attrs={'relationship'})); this one was read without them")
    return getattr(term, attribute)


def _annotations(annotations) -> pd.DataFrame:
    if isinstance(annotations, pd.DataFrame):
        missing = [c for c in ("gene_id", "term_id") if c not in annotations.columns]
        if missing:
            raise DataFormatError(f"go_features: annotation table lacks column(s) {missing}; "
                                  f"it has {list(annotations.columns)}")
        return annotations.astype({"gene_id": "string", "term_id": "string"})
    return read_go_annotations(annotations)
