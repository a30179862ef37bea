import networkx as nx
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from torch_geometric.data import Data
from torch_geometric.utils import degree

from graphgen import ConfigError, make_organism


def _graph(org) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(org.ppi.num_nodes))
    g.add_edges_from(org.ppi.edge_index.t().tolist())
    return g


def test_types_and_alignment(organism):
    ids = list(organism.ppi.node_ids)
    assert isinstance(organism.ppi, Data) and isinstance(organism.grn, Data)
    assert len(ids) == organism.ppi.num_nodes == 2000 and len(set(ids)) == 2000
    assert organism.grn.node_ids == ids
    for frame in (organism.labels, organism.features, organism.sequences, organism.modules):
        assert list(frame.index) == ids
    assert list(organism.expression.columns) == ids
    assert organism.expression.shape == (300, 2000)
    assert list(organism.samples.index) == list(organism.expression.index)
    assert set(organism.labels.unique()) == {0, 1}


def test_ppi_is_undirected_simple_and_weighted(organism):
    ei = organism.ppi.edge_index
    pairs = set(map(tuple, ei.t().tolist()))
    assert all((b, a) in pairs for a, b in pairs)  # both directions listed
    assert len(pairs) == ei.shape[1]  # no duplicate edges
    assert not (ei[0] == ei[1]).any()  # no self-loops
    w = organism.ppi.edge_weight
    assert w.shape == (ei.shape[1],) and float(w.min()) >= 0.15 and float(w.max()) <= 1.0


def test_degrees_are_heavy_tailed(organism):
    deg = degree(organism.ppi.edge_index[0], organism.ppi.num_nodes).numpy()
    mean = deg.mean()
    # An Erdos-Renyi graph of the same mean degree has CV = 1/sqrt(mean) ~ 0.35 and a
    # maximum near mean + 4 sd ~ 20; ours has hubs far beyond that.
    assert deg.std() / mean > 1.0
    assert deg.max() > 8 * mean
    assert np.quantile(deg, 0.99) > 4 * np.median(deg)


def test_planted_modules_are_modular(organism):
    g = _graph(organism)
    communities = [set(np.flatnonzero(organism.modules.to_numpy() == m))
                   for m in np.unique(organism.modules)]
    planted = nx.community.modularity(g, communities)
    shuffled = np.random.default_rng(0).permutation(organism.modules.to_numpy())
    random = nx.community.modularity(
        g, [set(np.flatnonzero(shuffled == m)) for m in np.unique(shuffled)])
    assert planted > 0.5
    assert abs(random) < 0.05
    # intra-module edges are more confident than inter-module ones
    src, dst = organism.ppi.edge_index.numpy()
    same = organism.modules.to_numpy()[src] == organism.modules.to_numpy()[dst]
    w = organism.ppi.edge_weight.numpy()
    assert w[same].mean() > w[~same].mean() + 0.2


def test_labels_follow_disease_modules(organism):
    in_disease = organism.modules.isin(organism.truth["disease_modules"])
    rate = organism.labels.groupby(in_disease).mean()
    assert rate[True] > 0.7 and rate[False] < 0.06
    table = pd.crosstab(organism.modules, organism.labels)
    assert table.shape == (organism.modules.nunique(), 2)


def test_features_alone_are_weak_and_neighbours_help(organism):
    x = organism.features.to_numpy()
    y = organism.labels.to_numpy()
    half = np.arange(len(y)) % 2 == 0
    alone = LogisticRegression(max_iter=1000).fit(x[half], y[half])
    auc_alone = roc_auc_score(y[~half], alone.predict_proba(x[~half])[:, 1])
    # the graph carries the module, hence the label: the share of positive training
    # neighbours (one step of label propagation) ranks held-out genes far better
    src, dst = organism.ppi.edge_index.numpy()
    known = np.where(half, y, 0.0)
    seen = half.astype(float)
    pos_neigh = np.bincount(src, weights=known[dst], minlength=len(y))
    lab_neigh = np.bincount(src, weights=seen[dst], minlength=len(y))
    share = (pos_neigh + 0.1) / (lab_neigh + 1.0)
    auc_graph = roc_auc_score(y[~half], share[~half])
    assert 0.55 < auc_alone < 0.75
    assert auc_graph > auc_alone + 0.15


def test_grn_is_directed_and_signed(organism):
    grn = organism.grn
    src, dst = grn.edge_index
    assert set(grn.edge_sign.unique().tolist()) == {-1, 1}
    assert not (src == dst).any()
    tfs = set(organism.truth["transcription_factors"])
    assert {grn.node_ids[i] for i in src.unique().tolist()} <= tfs
    share_activation = float((grn.edge_sign == 1).float().mean())
    assert 0.6 < share_activation < 0.8
    # a pair and its reverse are not both listed as a rule: the graph is directed
    pairs = set(map(tuple, grn.edge_index.t().tolist()))
    assert sum((b, a) in pairs for a, b in pairs) < 0.05 * len(pairs)


def test_go_annotations_point_to_module_terms(organism):
    ann = organism.go_annotations
    assert set(ann["term_id"]) <= set(organism.go_terms.index)
    module_term = organism.truth["module_terms"]
    own = ann["term_id"] == organism.modules.reindex(ann["gene_id"]).map(module_term).to_numpy()
    assert own.mean() > 0.9
    # every non-root term has a parent in the table: the DAG is closed
    parents = {p for ps in organism.go_terms["parents"] for p in ps}
    assert parents <= set(organism.go_terms.index)


def test_expression_has_subtypes_and_batch_effect(organism):
    expr, samples = organism.expression, organism.samples
    assert samples["subtype"].nunique() == 4
    centred = expr - expr.mean()
    by_subtype = centred.groupby(samples["subtype"]).mean()
    between = by_subtype.var().mean()
    within = centred.groupby(samples["subtype"]).var().mean().mean()
    assert between > 0.3 * within  # subtypes move genes well beyond the noise
    batch_gap = (expr[samples["batch"] == 1].mean() - expr[samples["batch"] == 0].mean()).abs()
    assert batch_gap.mean() > 0.2
    # genes of one module are co-expressed
    corr = np.corrcoef(expr.to_numpy().T)
    same = organism.modules.to_numpy()[:, None] == organism.modules.to_numpy()[None, :]
    np.fill_diagonal(same, False)
    assert corr[same].mean() > corr[~same].mean() + 0.3


def test_sequences_carry_class_motifs(organism):
    seqs, motifs = organism.sequences, organism.truth["motifs"]
    assert seqs.str.len().eq(200).all() and seqs.str.fullmatch("[ACGT]+").all()
    pos = organism.truth["motif_position"]
    carriers = pos[pos >= 0].index
    assert 0.5 < len(carriers) / len(seqs) < 0.7
    for gene in carriers[:50]:
        p = pos[gene]
        assert seqs[gene][p:p + 10] == motifs[int(organism.labels[gene])]
    has_pos_motif = seqs.str.contains(motifs[1])
    assert has_pos_motif[organism.labels == 1].mean() > 0.5
    assert has_pos_motif[organism.labels == 0].mean() < 0.02


def test_same_seed_same_organism_other_seed_differs(small_organism):
    again = make_organism(n_genes=300, n_samples=40, seed=3)
    assert torch.equal(again.ppi.edge_index, small_organism.ppi.edge_index)
    assert torch.equal(again.ppi.edge_weight, small_organism.ppi.edge_weight)
    assert torch.equal(again.grn.edge_sign, small_organism.grn.edge_sign)
    pd.testing.assert_frame_equal(again.expression, small_organism.expression)
    pd.testing.assert_frame_equal(again.go_annotations, small_organism.go_annotations)
    pd.testing.assert_series_equal(again.sequences, small_organism.sequences)
    pd.testing.assert_series_equal(again.labels, small_organism.labels)
    other = make_organism(n_genes=300, n_samples=40, seed=4)
    assert not other.labels.equals(small_organism.labels)
    assert other.ppi.edge_index.shape != small_organism.ppi.edge_index.shape or not torch.equal(
        other.ppi.edge_index, small_organism.ppi.edge_index)


@pytest.mark.parametrize("kwargs, word", [
    ({"n_genes": 10}, "n_genes"),
    ({"n_modules": 500}, "n_modules"),
    ({"p_within": 1.5}, "p_within"),
    ({"degree_exponent": 1.5}, "degree_exponent"),
    ({"motif_length": 500}, "motif_length"),
    ({"n_tfs": 5000}, "n_tfs"),
])
def test_bad_arguments_raise_config_error(kwargs, word):
    with pytest.raises(ConfigError, match=word):
        make_organism(**kwargs)


def test_repr_summarises(small_organism):
    text = repr(small_organism)
    assert text.startswith("Organism(genes=300") and "subtypes=" in text
