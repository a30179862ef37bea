"""A simulated organism with known truth: the offline default data of graphgen.

The generator plants the structure that graphgen's models are meant to recover, and returns it
in the types the real loaders return (a PyG ``Data`` with ``node_ids``; pandas objects indexed
by gene id), so every example, test and the ``graphgen demo`` run on it unchanged.

How the organism is made (all draws come from one ``numpy.random.Generator`` seeded by
``seed``):

* **Modules.** Genes fall into ``n_modules`` functional modules of unequal size. A fifth of the
  modules (at least one) are *disease modules*.
* **PPI.** A degree-corrected stochastic block model: gene ``i`` has a propensity
  ``theta_i`` drawn from a Pareto law (tail exponent ``degree_exponent``), so degrees are
  heavy-tailed with hubs; an edge falls inside a module with probability ``p_within`` and picks
  its endpoints in proportion to ``theta``. Duplicates are merged and self-loops dropped.
  Confidence scores are higher inside modules (Beta(6, 2)) than between them (Beta(2, 4)),
  like STRING's combined score on a 0-1 scale.
* **Labels.** ``labels`` (``disease_gene``, 0/1) are tied to module membership: a gene of a
  disease module is positive with probability ``p_positive_in_module``, any other gene with
  ``p_positive_background``. Node features alone predict them poorly (a weak mean shift of
  ``feature_signal`` standard deviations in a few columns) while graph neighbourhoods carry the
  module, so a GNN has something real to find.
* **GO-like terms.** A three-level DAG (root, function groups, one term per module); each gene
  is annotated to its module's term with probability 0.7 and to a random other module's term
  with probability 0.05. Annotations are direct (not propagated to ancestors).
* **GRN.** ``n_tfs`` transcription factors regulate targets mostly in their own module,
  activating (+1) with probability 0.7 or repressing (-1).
* **Expression.** ``n_samples`` x genes, log-scale. Samples belong to ``n_subtypes`` subtypes;
  each subtype sets a mean activity per module, samples scatter around it, genes load on their
  module's activity, TFs push their targets with the edge sign, and a batch effect shifts the
  samples of batch 1 gene by gene.
* **Sequences.** One DNA sequence per gene (``sequence_length`` bp, GC 42 %). Each label class
  has its own motif; a gene carries its class's motif with probability ``motif_rate`` at a
  random position (recorded in ``truth``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from graphgen.exceptions import ConfigError

__all__ = ["Organism", "make_organism"]

_BASES = np.array(list("ACGT"))
_BASE_PROBS = np.array([0.29, 0.21, 0.21, 0.29])  # GC 42 %


@dataclass(frozen=True, eq=False)
class Organism:
    """A simulated organism and the truth it was made from.

    Attributes:
        ppi: undirected protein-interaction graph. ``edge_index [2, 2*E]`` lists each pair in
            both directions, ``edge_weight [2*E]`` is the confidence in (0, 1], ``node_ids``
            lists the gene ids in node order.
        grn: directed gene-regulatory graph over the same ``node_ids``: ``edge_index [2, E]``
            (TF -> target) and ``edge_sign [E]`` (+1 activation, -1 repression).
        labels: ``disease_gene`` (0/1) indexed by gene id.
        features: genes x ``n_features`` node attributes (weakly label-related).
        go_terms: term table indexed by ``term_id`` (``name``, ``namespace``, ``parents``).
        go_annotations: long table of direct annotations (``gene_id``, ``term_id``,
            ``evidence``).
        expression: samples x genes log-expression matrix.
        samples: per-sample ``subtype`` and ``batch``, indexed by sample id.
        sequences: DNA sequence per gene id.
        modules: module id per gene id.
        truth: everything else that was planted (disease modules, motifs, motif positions,
            module activities, TFs), for tests and explanations.
    """

    ppi: Data
    grn: Data
    labels: pd.Series
    features: pd.DataFrame
    go_terms: pd.DataFrame
    go_annotations: pd.DataFrame
    expression: pd.DataFrame
    samples: pd.DataFrame
    sequences: pd.Series
    modules: pd.Series
    truth: dict = field(repr=False)

    @property
    def gene_ids(self) -> pd.Index:
        """The gene ids in node order."""
        return pd.Index(self.ppi.node_ids, name="gene_id")

    def __repr__(self) -> str:
        return (
            f"Organism(genes={self.ppi.num_nodes}, ppi_edges={self.ppi.edge_index.shape[1] // 2}, "
            f"grn_edges={self.grn.edge_index.shape[1]}, modules={self.modules.nunique()}, "
            f"positives={int(self.labels.sum())}, samples={len(self.samples)}, "
            f"subtypes={self.samples['subtype'].nunique()})"
        )


def make_organism(
    n_genes: int = 2000,
    n_samples: int = 300,
    seed: int = 0,
    *,
    n_modules: int | None = None,
    mean_degree: float = 10.0,
    degree_exponent: float = 2.5,
    p_within: float = 0.85,
    p_positive_in_module: float = 0.8,
    p_positive_background: float = 0.03,
    n_features: int = 16,
    feature_signal: float = 0.35,
    n_subtypes: int = 4,
    n_tfs: int | None = None,
    sequence_length: int = 200,
    motif_length: int = 10,
    motif_rate: float = 0.6,
) -> Organism:
    """Simulate an organism with planted modules, labels, expression subtypes and motifs.

    Args:
        n_genes: number of genes (nodes), at least 50.
        n_samples: number of expression samples, at least 1.
        seed: seed of the single random generator; the same seed gives identical output.
        n_modules: number of functional modules (default ``max(5, n_genes // 100)``).
        mean_degree: target mean degree of the PPI before duplicates are merged.
        degree_exponent: tail exponent of the degree propensities (2 < value; smaller is
            heavier-tailed).
        p_within: share of PPI edges drawn inside a module.
        p_positive_in_module: chance that a gene of a disease module is labelled 1.
        p_positive_background: chance that any other gene is labelled 1.
        n_features: number of node attribute columns.
        feature_signal: mean shift (in noise standard deviations) of positives in the first
            quarter of the attribute columns.
        n_subtypes: number of expression subtypes.
        n_tfs: number of transcription factors (default ``n_genes // 20``).
        sequence_length: length of each gene's DNA sequence.
        motif_length: length of the planted class motifs.
        motif_rate: chance that a gene carries its class's motif.

    Returns:
        An :class:`Organism`.

    Raises:
        ConfigError: an argument is outside its allowed range.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> org = make_organism(n_genes=300, n_samples=20, seed=1)
        >>> org.ppi.num_nodes, len(org.labels), org.expression.shape
        (300, 300, (20, 300))
    """
    n_modules = max(5, n_genes // 100) if n_modules is None else n_modules
    n_tfs = max(2, n_genes // 20) if n_tfs is None else n_tfs
    _check_arguments(
        n_genes=n_genes, n_samples=n_samples, n_modules=n_modules, mean_degree=mean_degree,
        degree_exponent=degree_exponent, p_within=p_within,
        p_positive_in_module=p_positive_in_module, p_positive_background=p_positive_background,
        n_features=n_features, n_subtypes=n_subtypes, n_tfs=n_tfs,
        sequence_length=sequence_length, motif_length=motif_length, motif_rate=motif_rate,
    )
    rng = np.random.default_rng(seed)
    width = len(str(n_genes - 1))
    gene_ids = pd.Index([f"G{i:0{width}d}" for i in range(n_genes)], name="gene_id")

    module = _assign_modules(rng, n_genes, n_modules)
    n_disease = max(1, n_modules // 5)
    disease_modules = np.sort(rng.choice(n_modules, size=n_disease, replace=False))
    in_disease = np.isin(module, disease_modules)
    p_pos = np.where(in_disease, p_positive_in_module, p_positive_background)
    labels = (rng.random(n_genes) < p_pos).astype(np.int64)

    theta = _degree_propensity(rng, n_genes, degree_exponent)
    ppi = _make_ppi(rng, module, theta, mean_degree, p_within, list(gene_ids))
    features = _make_features(rng, labels, n_features, feature_signal, gene_ids)
    go_terms, go_annotations, term_of_module = _make_go(rng, module, n_modules, gene_ids)
    tfs, grn = _make_grn(rng, module, theta, n_tfs, list(gene_ids))
    expression, samples, activity = _make_expression(
        rng, module, n_modules, n_samples, n_subtypes, grn, gene_ids
    )
    sequences, motifs, motif_pos = _make_sequences(
        rng, labels, sequence_length, motif_length, motif_rate, gene_ids
    )

    truth = {
        "disease_modules": disease_modules.tolist(),
        "module_terms": term_of_module,
        "motifs": motifs,
        "motif_position": pd.Series(motif_pos, index=gene_ids, name="motif_position"),
        "module_activity": activity,
        "transcription_factors": [gene_ids[i] for i in tfs],
        "degree_propensity": pd.Series(theta, index=gene_ids, name="theta"),
        "seed": seed,
    }
    return Organism(
        ppi=ppi,
        grn=grn,
        labels=pd.Series(labels, index=gene_ids, name="disease_gene"),
        features=features,
        go_terms=go_terms,
        go_annotations=go_annotations,
        expression=expression,
        samples=samples,
        sequences=sequences,
        modules=pd.Series(module, index=gene_ids, name="module"),
        truth=truth,
    )


def _check_arguments(**values: float) -> None:
    limits = {
        "n_genes": (50, None), "n_samples": (1, None), "n_modules": (2, None),
        "mean_degree": (1, None), "degree_exponent": (2.05, None), "n_features": (1, None),
        "n_subtypes": (1, None), "n_tfs": (1, None), "sequence_length": (1, None),
        "motif_length": (1, None),
    }
    for name, (low, high) in limits.items():
        value = values[name]
        if not np.isfinite(value) or value < low or (high is not None and value > high):
            raise ConfigError(f"make_organism: {name} must be >= {low}, got {value!r}")
    for name in ("p_within", "p_positive_in_module", "p_positive_background", "motif_rate"):
        if not 0.0 <= values[name] <= 1.0:
            raise ConfigError(f"make_organism: {name} must be in [0, 1], got {values[name]!r}")
    if values["n_modules"] * 5 > values["n_genes"]:
        raise ConfigError(
            f"make_organism: n_modules={values['n_modules']} leaves fewer than 5 genes per "
            f"module for n_genes={values['n_genes']}; use n_modules <= {values['n_genes'] // 5}"
        )
    if values["n_tfs"] >= values["n_genes"]:
        raise ConfigError(
            f"make_organism: n_tfs must be smaller than n_genes ({values['n_genes']}), "
            f"got {values['n_tfs']}"
        )
    if values["motif_length"] > values["sequence_length"]:
        raise ConfigError(
            f"make_organism: motif_length ({values['motif_length']}) exceeds "
            f"sequence_length ({values['sequence_length']})"
        )


def _assign_modules(rng: np.random.Generator, n_genes: int, n_modules: int) -> np.ndarray:
    """Module of each gene: unequal sizes (Dirichlet shares), at least 5 genes each."""
    shares = rng.dirichlet(np.full(n_modules, 4.0))
    sizes = 5 + rng.multinomial(n_genes - 5 * n_modules, shares)
    return rng.permutation(np.repeat(np.arange(n_modules), sizes))


def _degree_propensity(rng: np.random.Generator, n_genes: int, exponent: float) -> np.ndarray:
    """Pareto propensities with density tail ``theta ** -exponent``, capped to keep hubs sane."""
    theta = (1.0 - rng.random(n_genes)) ** (-1.0 / (exponent - 1.0))
    return np.minimum(theta, np.sqrt(n_genes) * 2.0)


def _make_ppi(
    rng: np.random.Generator,
    module: np.ndarray,
    theta: np.ndarray,
    mean_degree: float,
    p_within: float,
    node_ids: list[str],
) -> Data:
    n = len(module)
    n_draws = int(round(n * mean_degree / 2))
    n_within = rng.binomial(n_draws, p_within)
    p_global = theta / theta.sum()

    # Within-module edges: first endpoint by theta over all genes, second by theta inside the
    # first endpoint's module (inverse-CDF sampling on the module-sorted cumulative theta).
    order = np.argsort(module, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(theta[order])])
    starts = np.searchsorted(module[order], np.arange(module.max() + 1), side="left")
    ends = np.searchsorted(module[order], np.arange(module.max() + 1), side="right")
    src_in = rng.choice(n, size=n_within, p=p_global)
    m = module[src_in]
    u = cum[starts[m]] + rng.random(n_within) * (cum[ends[m]] - cum[starts[m]])
    dst_in = order[np.clip(np.searchsorted(cum, u, side="right") - 1, starts[m], ends[m] - 1)]

    # Between-module edges: both endpoints by theta over all genes.
    src_out = rng.choice(n, size=n_draws - n_within, p=p_global)
    dst_out = rng.choice(n, size=n_draws - n_within, p=p_global)

    src = np.concatenate([src_in, src_out])
    dst = np.concatenate([dst_in, dst_out])
    keep = src != dst
    lo, hi = np.minimum(src[keep], dst[keep]), np.maximum(src[keep], dst[keep])
    pairs = np.unique(lo * n + hi)
    lo, hi = pairs // n, pairs % n
    same = module[lo] == module[hi]
    score = np.where(same, rng.beta(6.0, 2.0, len(lo)), rng.beta(2.0, 4.0, len(lo)))
    score = np.round(np.clip(score, 0.15, 1.0), 3)

    edge_index = torch.from_numpy(np.stack([np.concatenate([lo, hi]), np.concatenate([hi, lo])]))
    edge_weight = torch.from_numpy(np.concatenate([score, score]).astype(np.float32))
    return Data(edge_index=edge_index.long(), edge_weight=edge_weight, num_nodes=n,
                node_ids=node_ids)


def _make_features(
    rng: np.random.Generator,
    labels: np.ndarray,
    n_features: int,
    signal: float,
    gene_ids: pd.Index,
) -> pd.DataFrame:
    values = rng.normal(size=(len(labels), n_features))
    informative = max(1, n_features // 4)
    values[:, :informative] += signal * labels[:, None]
    columns = [f"attr_{j:02d}" for j in range(n_features)]
    return pd.DataFrame(values.astype(np.float32), index=gene_ids, columns=columns)


def _make_go(
    rng: np.random.Generator, module: np.ndarray, n_modules: int, gene_ids: pd.Index
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    n_groups = max(1, n_modules // 4)
    root = "SGO:0000001"
    group_ids = [f"SGO:{1000 + g:07d}" for g in range(n_groups)]
    module_term = {m: f"SGO:{2000 + m:07d}" for m in range(n_modules)}
    group_of_module = rng.integers(0, n_groups, n_modules)
    rows = [(root, "synthetic biological process", ())]
    rows += [(t, f"function group {g}", (root,)) for g, t in enumerate(group_ids)]
    rows += [
        (module_term[m], f"module {m} process", (group_ids[group_of_module[m]],))
        for m in range(n_modules)
    ]
    terms = pd.DataFrame(rows, columns=["term_id", "name", "parents"]).set_index("term_id")
    terms.insert(1, "namespace", "biological_process")

    n = len(module)
    own = rng.random(n) < 0.7
    other = rng.random(n) < 0.05
    random_module = (module + rng.integers(1, n_modules, n)) % n_modules
    genes = np.concatenate([np.flatnonzero(own), np.flatnonzero(other)])
    mods = np.concatenate([module[own], random_module[other]])
    annotations = pd.DataFrame({
        "gene_id": gene_ids[genes],
        "term_id": [module_term[m] for m in mods],
        "evidence": "IEA",
    }).sort_values(["gene_id", "term_id"], ignore_index=True)
    return terms, annotations, module_term


def _make_grn(
    rng: np.random.Generator,
    module: np.ndarray,
    theta: np.ndarray,
    n_tfs: int,
    node_ids: list[str],
) -> tuple[np.ndarray, Data]:
    n = len(module)
    tfs = np.sort(rng.choice(n, size=n_tfs, replace=False, p=theta / theta.sum()))
    out_degree = 1 + rng.geometric(1 / 8.0, n_tfs)
    src = np.repeat(tfs, out_degree)
    within = rng.random(len(src)) < 0.7
    # A target inside the TF's module: pick a random gene of that module via a shuffled order.
    order = np.argsort(module, kind="stable")
    starts = np.searchsorted(module[order], module[src], side="left")
    ends = np.searchsorted(module[order], module[src], side="right")
    inside = order[starts + (rng.random(len(src)) * (ends - starts)).astype(np.int64)]
    anywhere = rng.integers(0, n, len(src))
    dst = np.where(within, inside, anywhere)
    keep = src != dst
    pairs = np.unique(src[keep] * n + dst[keep])
    src, dst = pairs // n, pairs % n
    sign = np.where(rng.random(len(src)) < 0.7, 1, -1).astype(np.int64)
    grn = Data(
        edge_index=torch.from_numpy(np.stack([src, dst])).long(),
        edge_sign=torch.from_numpy(sign),
        num_nodes=n,
        node_ids=node_ids,
    )
    return tfs, grn


def _make_expression(
    rng: np.random.Generator,
    module: np.ndarray,
    n_modules: int,
    n_samples: int,
    n_subtypes: int,
    grn: Data,
    gene_ids: pd.Index,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = len(module)
    subtype = rng.choice(n_subtypes, size=n_samples, p=rng.dirichlet(np.full(n_subtypes, 8.0)))
    batch = (rng.random(n_samples) < 0.5).astype(np.int64)
    subtype_means = rng.normal(0.0, 1.0, (n_subtypes, n_modules))
    activity = subtype_means[subtype] + rng.normal(0.0, 0.5, (n_samples, n_modules))
    loading = rng.uniform(0.5, 1.5, n) * np.where(rng.random(n) < 0.9, 1.0, -1.0)
    baseline = rng.normal(6.0, 2.0, n)
    batch_shift = rng.normal(0.0, 0.5, n)
    values = baseline + activity[:, module] * loading + rng.normal(0.0, 0.75, (n_samples, n))
    # One regulatory step: each target moves with its TFs' centred activity, by the edge sign.
    src, dst = grn.edge_index.numpy()
    sign = grn.edge_sign.numpy().astype(np.float64)
    centred = values - values.mean(axis=0)
    push = np.zeros_like(values)
    np.add.at(push.T, dst, (0.5 * sign)[:, None] * centred[:, src].T)
    values = values + push + batch[:, None] * batch_shift
    width = len(str(n_samples - 1))
    sample_ids = pd.Index([f"S{s:0{width}d}" for s in range(n_samples)], name="sample_id")
    expression = pd.DataFrame(values.astype(np.float32), index=sample_ids, columns=gene_ids)
    samples = pd.DataFrame({"subtype": subtype, "batch": batch}, index=sample_ids)
    activity_frame = pd.DataFrame(
        activity, index=sample_ids, columns=pd.RangeIndex(n_modules, name="module")
    )
    return expression, samples, activity_frame


def _make_sequences(
    rng: np.random.Generator,
    labels: np.ndarray,
    length: int,
    motif_length: int,
    motif_rate: float,
    gene_ids: pd.Index,
) -> tuple[pd.Series, dict[int, str], np.ndarray]:
    n = len(labels)
    classes = np.unique(labels)
    motifs = {int(c): "".join(rng.choice(_BASES, motif_length)) for c in classes}
    letters = rng.choice(4, size=(n, length), p=_BASE_PROBS)
    carries = rng.random(n) < motif_rate
    position = np.where(carries, rng.integers(0, length - motif_length + 1, n), -1)
    motif_codes = np.stack([
        np.searchsorted(_BASES, list(motifs[int(c)])) for c in labels
    ])
    rows = np.flatnonzero(carries)
    cols = position[rows, None] + np.arange(motif_length)
    letters[rows[:, None], cols] = motif_codes[rows]
    as_bytes = np.frombuffer(b"ACGT", dtype=np.uint8)[letters]
    sequences = pd.Series(
        [row.tobytes().decode("ascii") for row in as_bytes], index=gene_ids, name="sequence"
    )
    return sequences, motifs, position
