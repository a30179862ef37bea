"""Explanations of GeneClassifier: equal to PyG's per-gene explainers, faithful on the
simulated organism (planted informative features and modules), sensitive to the weights."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import torch

from graphgen import GeneClassifier, LabelFeatures, TrainerConfig, make_organism
from graphgen.exceptions import ConfigError, DataFormatError, IdMappingError, NotFittedError
from graphgen.explain import (
    block_importance,
    deletion_curve,
    explain_gene,
    explain_genes,
    precision_at_k,
    randomized_classifier,
)
from graphgen.explain.twin import message_passing_twin, receptive_hops
from graphgen.features.blocks import stack_blocks
from graphgen.models.registry import build_model

pytest.importorskip("captum")


@pytest.fixture(scope="module")
def graph(small_organism):
    f = small_organism.features
    return stack_blocks(small_organism.ppi, {"signal": f.iloc[:, :4], "noise": f.iloc[:, 4:]})


def _fit(graph, labels, model="gcn", **kwargs):
    config = TrainerConfig(max_epochs=80, patience=80, progress=False, seed=0)
    return GeneClassifier(model, trainer=config, **kwargs).fit(graph, labels)


@pytest.fixture(scope="module")
def gcn(graph, small_organism):
    return _fit(graph, small_organism.labels)


@pytest.mark.parametrize("name", ["gcn", "sage", "gat"])
def test_twin_equals_the_sparse_model(name, graph):
    torch.manual_seed(0)
    model = build_model(name, graph.num_features, 3).eval()
    twin = message_passing_twin(model)
    assert any(type(m).__module__.startswith("torch_geometric") for m in twin.modules())
    got = twin(graph.x, graph.edge_index, graph.edge_weight)
    assert torch.allclose(model(graph.x, graph.edge_index, graph.edge_weight), got, atol=1e-5)


def test_receptive_hops():
    assert receptive_hops(build_model("gcn", 4, 2, num_layers=3)) == 3
    assert receptive_hops(build_model("appnp", 4, 2, K=4)) == 4
    assert receptive_hops(build_model("mlp", 4, 2)) == 0


@pytest.mark.parametrize("name", ["gcn", "gat", "appnp", "gcnii", "mlp"])
def test_batched_attributions_equal_pyg_per_gene(name, graph, small_organism):
    clf = _fit(graph, small_organism.labels, name)
    genes = list(graph.node_ids[:4])
    # a small node budget forces several batches
    batch = explain_genes(clf, genes, steps=12, batch_nodes=120)
    single = pd.DataFrame([explain_gene(clf, g, steps=12).features for g in genes],
                          index=batch.index)
    assert np.abs(single.to_numpy()).max() > 1e-3
    np.testing.assert_allclose(batch.to_numpy(), single.to_numpy(), atol=2e-5)
    assert set(batch.attrs["target"].values()) == {"1"}


def test_informative_features_recovered():
    org = make_organism(n_genes=300, n_samples=10, seed=5, feature_signal=1.0,
                        p_positive_background=0.1)
    f = org.features
    graph = stack_blocks(org.ppi, {"signal": f.iloc[:, :4], "noise": f.iloc[:, 4:]})
    clf = _fit(graph, org.labels)
    positives = org.labels[org.labels == 1].index
    attributions = explain_genes(clf, positives, method="integrated_gradients", steps=16)
    mean = attributions.mean(axis=0)
    # the organism plants label signal in its first quarter of attribute columns
    truth = set(graph.feature_names[:4])
    assert precision_at_k(mean, truth, 4) >= 0.75  # random: 4 / 16 = 0.25
    shares = block_importance(attributions, graph)
    assert list(shares.columns) == ["signal", "noise"]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-6)
    assert shares["signal"].mean() > 4 / 16


def test_module_genes_recovered(gcn, small_organism):
    org = small_organism
    disease = org.modules.isin(org.truth["disease_modules"])
    genes = [g for g in org.labels.index if org.labels[g] == 1 and disease[g]][:8]
    precision, base = [], []
    for gene in genes:
        explanation = explain_gene(gcn, gene, method="integrated_gradients", steps=16)
        nodes = explanation.nodes.drop(gene, errors="ignore")
        k = min(5, len(nodes))
        precision.append(precision_at_k(nodes, set(disease[disease].index), k))
        base.append(disease[nodes.index].mean())  # random pick within the explained field
    assert np.mean(precision) >= np.mean(base)
    assert np.mean(precision) > disease.mean() + 0.2  # far above a random gene


def test_randomised_weights_change_the_attributions(gcn, graph):
    genes = list(graph.node_ids[:20])
    trained = explain_genes(gcn, genes, method="saliency")
    random = explain_genes(randomized_classifier(gcn, seed=1), genes, method="saliency")
    a, b = trained.to_numpy().ravel(), random.to_numpy().ravel()
    rank = np.corrcoef(pd.Series(a).rank(), pd.Series(b).rank())[0, 1]
    assert rank < 0.5
    again = explain_genes(gcn, genes, method="saliency")  # deterministic
    np.testing.assert_allclose(trained.to_numpy(), again.to_numpy())


def test_deletion_curves_fall_faster_than_random(gcn, small_organism):
    genes = small_organism.labels[small_organism.labels == 1].index[:6]
    top, rand = [], []
    for gene in genes:
        explanation = explain_gene(gcn, gene, steps=16)
        curve = deletion_curve(gcn, explanation, kind="features", steps=(0, 4))
        ref = deletion_curve(gcn, explanation, kind="features", steps=(0, 4), random=True)
        assert curve["score"].iloc[0] == pytest.approx(explanation.score, abs=1e-5)
        top.append(curve["score"].iloc[0] - curve["score"].iloc[-1])
        rand.append(ref["score"].iloc[0] - ref["score"].iloc[-1])
    assert np.mean(top) > np.mean(rand)
    edges = deletion_curve(gcn, explanation, kind="edges", steps=(0, 1, 3))
    assert edges["removed"].tolist() == [0, 1, 3]


def test_explanatory_subgraph_round_trips_through_graphml(gcn, graph, tmp_path):
    gene = graph.node_ids[0]
    explanation = explain_gene(gcn, gene, method="gnnexplainer", epochs=30)
    assert explanation.edges is not None and len(explanation.edges)
    sub = explanation.subgraph(top_edges=6)
    assert sub.nodes[gene]["explained"] and sub.number_of_edges() <= 6
    path = tmp_path / "sub.graphml"
    explanation.write_graphml(path, top_edges=6)
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(sub.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in sub.edges}
    for u, v, attrs in sub.edges(data=True):
        assert back.edges[u, v]["importance"] == pytest.approx(attrs["importance"])


def test_attention_and_gnnexplainer_on_gat(graph, small_organism):
    clf = _fit(graph, small_organism.labels, "gat")
    gene = graph.node_ids[1]
    attention = explain_gene(clf, gene, method="attention")
    assert attention.edges is not None and attention.edges["importance"].gt(0).any()
    assert (attention.features == 0).all()  # attention speaks of edges only
    with pytest.raises(ConfigError, match="method=.attention. explains interactions only"):
        explain_gene(_fit(graph, small_organism.labels, "mlp"), gene, method="attention")


def test_bad_inputs(gcn, graph, small_organism):
    with pytest.raises(IdMappingError, match="NOT_A_GENE"):
        explain_gene(gcn, "NOT_A_GENE")
    with pytest.raises(IdMappingError, match="NOT_A_GENE"):
        explain_genes(gcn, ["NOT_A_GENE"])
    with pytest.raises(NotFittedError, match="not fitted"):
        explain_gene(GeneClassifier(), graph.node_ids[0])
    with pytest.raises(ConfigError, match="method must be one of"):
        explain_gene(gcn, graph.node_ids[0], method="lime")
    with pytest.raises(ConfigError, match="not a class"):
        explain_gene(gcn, graph.node_ids[0], target="maybe")
    rwr = GeneClassifier("rwr").fit(graph, small_organism.labels)
    with pytest.raises(ConfigError, match="graph-only"):
        explain_gene(rwr, graph.node_ids[0])


def test_pair_explanation_is_complete(graph):
    """Integrated Gradients' completeness: the feature attributions of a pair's logit sum to
    the logit at x minus the logit at the zero baseline (graph fixed)."""
    from graphgen.explain import explain_pair
    from graphgen.models.pair_classifier import PairClassifier

    torch.manual_seed(0)
    model = PairClassifier(graph.num_features, 3, conv="gcn", hidden_channels=16).eval()
    pair = (graph.node_ids[0], graph.node_ids[5])
    explanation = explain_pair(model, graph, pair, label=2, steps=300)
    ends = torch.tensor([[0, 5]])
    at_x = model(graph.x, graph.edge_index, graph.edge_weight, pairs=ends)[0, 2]
    at_zero = model(torch.zeros_like(graph.x), graph.edge_index, graph.edge_weight,
                    pairs=ends)[0, 2]
    assert explanation.features.sum() == pytest.approx(float((at_x - at_zero).detach()), rel=0.02,
                                                       abs=1e-3)
    assert explanation.score == pytest.approx(float(torch.sigmoid(at_x.detach())), abs=1e-6)
    assert explanation.edges is not None and len(explanation.edges)  # the twin masks edges
    sub = explanation.subgraph(5)
    assert all(sub.nodes[g]["explained"] for g in pair)
    with pytest.raises(ConfigError, match="output column"):
        explain_pair(model, graph, pair, label=3)
    with pytest.raises(IdMappingError, match="NOPE"):
        explain_pair(model, graph, (pair[0], "NOPE"), label=0)


def test_default_model_explanation_is_a_subnetwork_of_label_sources(tmp_path):
    """Logistic regression plus the propagated training labels (a candidate of the auto
    default, and the fixed-model default of label_features): its explanation traces the
    labels block to the training genes that seeded it."""
    org = make_organism(n_genes=300, n_samples=5, seed=0)
    data = stack_blocks(org.ppi, {"attributes": org.features})
    clf = GeneClassifier("logreg", label_features=LabelFeatures(),
                         trainer=TrainerConfig(progress=False))
    clf.fit(data, org.labels.iloc[:200])
    gene = org.labels.index[250]  # not labelled in fit
    explanation = explain_gene(clf, gene)
    sources = explanation.label_sources
    block = explanation.features.filter(like="labels:").iloc[0]
    assert np.isclose(sources.sum(), block, rtol=1e-5)  # the block's attribution, split
    positives = set(org.labels.iloc[:200][org.labels.iloc[:200] == 1].index)
    assert set(sources.index) <= positives and len(sources) > 5
    graph = explanation.subgraph()
    assert graph.number_of_nodes() > 5 and explanation.edges is not None
    for seed in sources.abs().sort_values(ascending=False).index[:3]:
        assert seed in graph and nx.has_path(graph, gene, seed)
    explanation.write_graphml(tmp_path / "default.graphml")
    assert nx.read_graphml(tmp_path / "default.graphml").number_of_nodes() > 5
    # without the labels block there is nothing to trace, and no network to show
    plain = GeneClassifier("logreg", label_features=None, trainer=TrainerConfig(
        progress=False)).fit(data, org.labels.iloc[:200])
    alone = explain_gene(plain, gene)
    assert alone.label_sources is None and alone.edges is None


def test_graphml_refuses_ids_xml_cannot_carry(tmp_path):
    from graphgen.explain.genes import GeneExplanation

    explanation = GeneExplanation(
        gene="A\x01B", target="1", score=0.5, method="saliency",
        features=pd.Series({"f": 1.0}), blocks=pd.Series({"features": 1.0}),
        nodes=pd.Series({"A\x01B": 1.0, "C": 0.5}),
        edges=pd.DataFrame({"source": ["A\x01B"], "target": ["C"], "importance": [1.0]}))
    with pytest.raises(DataFormatError, match="control characters"):
        explanation.write_graphml(tmp_path / "bad.graphml")
    assert not (tmp_path / "bad.graphml").exists()
