"""GeneClassifier: fit / predict_proba / score / save / load / networkx."""

import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import torch

import graphgen
from graphgen import ConfigError, DataFormatError, NotFittedError, TrainerConfig
from graphgen.estimators import GeneClassifier
from graphgen.evaluation.metrics import degree_percentile
from graphgen.graph.nodes import node_degree

QUIET = TrainerConfig(progress=False)


def quick(epochs: int) -> TrainerConfig:
    return TrainerConfig(max_epochs=epochs, progress=False)


@pytest.fixture(scope="module")
def data(small_organism):
    return graphgen.stack_blocks(small_organism.ppi, {"attributes": small_organism.features})


def test_fit_predict_score(data, small_organism):
    labels = small_organism.labels
    train, held_out = labels.iloc[:200], labels.iloc[200:]
    clf = GeneClassifier("gcn", trainer=quick(80)).fit(data, train)
    proba = clf.predict_proba()
    assert list(proba.index) == list(data.node_ids) and list(proba.columns) == [0, 1]
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert clf.score(held_out) > 0.75
    assert clf.predict(["G000"]).index.tolist() == ["G000"]
    assert clf.kind_ == "binary" and clf.fit_result_.best_epoch >= 1


def test_labels_outside_graph_are_reported(data, small_organism, caplog):
    labels = small_organism.labels.copy()
    labels["NOT_A_GENE"] = 1
    clf = GeneClassifier("mlp", trainer=quick(5)).fit(data, labels)
    assert clf.labels_not_in_graph_.tolist() == ["NOT_A_GENE"]
    assert "1 of 301 labelled genes are not nodes" in caplog.text


def test_errors(data, small_organism):
    with pytest.raises(NotFittedError):
        GeneClassifier().predict_proba()
    with pytest.raises(DataFormatError, match="single class"):
        GeneClassifier(trainer=QUIET).fit(data, small_organism.labels * 0)
    with pytest.raises(ConfigError, match="unknown model"):
        GeneClassifier("transformer").fit(data, small_organism.labels)
    with pytest.raises(ConfigError, match="no parameter"):
        GeneClassifier().set_params(depth=3)
    with pytest.raises(DataFormatError, match="pandas Series"):
        GeneClassifier().fit(data, small_organism.labels.to_numpy())


def test_save_load_round_trip(data, small_organism, tmp_path):
    clf = GeneClassifier("sage", trainer=quick(20)).fit(data, small_organism.labels)
    path = clf.save(tmp_path / "clf.pt")
    back = GeneClassifier.load(path)
    pd.testing.assert_frame_equal(back.predict_proba(), clf.predict_proba())
    assert back.get_params() == clf.get_params()
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(DataFormatError, match="not a readable GeneClassifier"):
        GeneClassifier.load(tmp_path / "junk.pt")


def test_multilabel_and_label_propagation(data, small_organism, tmp_path):
    modules = pd.get_dummies(small_organism.modules).astype(float)
    labels = modules[modules.sum().sort_values().index[-2:]]
    clf = GeneClassifier("label_propagation", trainer=QUIET).fit(data, labels)
    proba = clf.predict_proba()
    assert proba.shape == (data.num_nodes, 2)
    assert clf.score(labels) > 0.8  # macro AUPRC: the graph carries the modules
    assert clf.predict().isin([0, 1]).all().all()
    back = GeneClassifier.load(clf.save(tmp_path / "lp.pt"))
    np.testing.assert_allclose(back.predict_proba().to_numpy(), proba.to_numpy())


def test_annotate_networkx(data, small_organism):
    clf = GeneClassifier("logreg", trainer=quick(10)).fit(data, small_organism.labels)
    G = nx.Graph([("G000", "G001"), ("G001", "OTHER")])
    annotated = clf.annotate_networkx(G)
    assert annotated.nodes["G000"]["score_1"] == pytest.approx(
        clf.predict_proba(["G000"]).iloc[0, 1])
    assert "score_1" not in annotated.nodes["OTHER"] and "score_1" not in G.nodes["G000"]


def test_graph_sequence_fusion_beats_both_views(tmp_path):
    """On the simulated organism the class motifs are in the sequences and the modules in
    the graph: the fused model must beat each view alone (fixed seed)."""
    org = graphgen.make_organism(n_genes=800, n_samples=5, seed=2)
    data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
    train, test = org.labels.iloc[:560], org.labels.iloc[560:]
    # the views alone, without the propagated-label block (GeneClassifier's default)
    options = dict(trainer=TrainerConfig(max_epochs=80, patience=20, progress=False, seed=0),
                   sequence_options={"filters": 16, "kernel_size": 12}, label_features=None)
    graph_only = GeneClassifier("gcn", **options).fit(data, train)
    sequence_only = GeneClassifier("none", **options).fit(data, train, sequences=org.sequences)
    fused = GeneClassifier("gcn", **options).fit(data, train, sequences=org.sequences)
    scores = {name: clf.score(test) for name, clf in
              (("graph", graph_only), ("sequence", sequence_only), ("fused", fused))}
    assert scores["fused"] > scores["graph"] + 0.02
    assert scores["fused"] > scores["sequence"] + 0.02
    back = GeneClassifier.load(fused.save(tmp_path / "fused.pt"))
    np.testing.assert_allclose(back.predict_proba().to_numpy(), fused.predict_proba().to_numpy(),
                               atol=1e-6)


def test_missing_sequences_policy(data, small_organism):
    sequences = small_organism.sequences.iloc[10:]
    with pytest.raises(graphgen.IdMappingError, match="10 of 300 graph genes have no sequence"):
        GeneClassifier("mlp", trainer=QUIET).fit(data, small_organism.labels,
                                                  sequences=sequences)
    dropped = GeneClassifier("mlp", missing_sequence="drop", trainer=quick(3)).fit(
        data, small_organism.labels, sequences=sequences)
    assert dropped.data_.num_nodes == 290 and len(dropped.labels_not_in_graph_) == 10
    zero = GeneClassifier("mlp", missing_sequence="zero", trainer=quick(3)).fit(
        data, small_organism.labels, sequences=sequences)
    assert int(zero.data_.has_sequence.sum()) == 290


def test_sequences_given_to_the_constructor(small_organism, data, tmp_path):
    clf = GeneClassifier("gcn", sequences=small_organism.sequences, trainer=quick(3),
                         sequence_options={"filters": 4, "kernel_size": 6})
    assert "sequences=<Series (300,)>" in repr(clf)
    clf.fit(data, small_organism.labels)
    assert clf.data_.sequences.codes.shape[0] == 300
    back = GeneClassifier.load(clf.save(tmp_path / "c.pt"))
    np.testing.assert_allclose(back.predict_proba().to_numpy(), clf.predict_proba().to_numpy(),
                               atol=1e-6)


def test_reverse_complement_augmentation_only_while_training():
    import torch

    from graphgen.sequences import build_encoder, encode

    encoder = build_encoder("deepbind", filters=4, rc="augment")
    batch = encode(["ACGTTGCAAC" * 3, "GGGACGTACC" * 2])
    encoder.eval()
    assert torch.equal(encoder(batch), encoder(batch))  # evaluation: no randomness
    encoder.train()
    torch.manual_seed(0)
    outputs = {tuple(encoder(batch).flatten().tolist()) for _ in range(8)}
    assert len(outputs) > 1  # training: strands drawn at random
    with pytest.raises(ConfigError, match="needs DNA"):
        build_encoder("deepbind", alphabet="protein", rc="augment")


def test_bad_inputs_give_one_clear_error(data, small_organism, tmp_path):
    from graphgen.exceptions import OutputError

    broken = data.clone()
    broken.x = data.x.clone()
    broken.x[7, 2] = float("inf")
    with pytest.raises(DataFormatError, match="NaN/inf .* gene 'G007'"):
        GeneClassifier("gcn", trainer=quick(3)).fit(broken, small_organism.labels)
    four = pd.Series([0, 1, 0, 1], index=list(data.node_ids[:4]))
    with pytest.raises(DataFormatError, match="4 labelled genes are too few"):
        GeneClassifier("mlp", trainer=quick(3)).fit(data, four)
    with pytest.raises(DataFormatError, match="sequences must be a pandas Series"):
        GeneClassifier("mlp", trainer=QUIET).fit(data, small_organism.labels,
                                                  sequences=["ACGT"] * data.num_nodes)
    # features only: a classifier without the propagated-label block predicts on other graphs
    clf = GeneClassifier("mlp", trainer=quick(3), label_features=None).fit(
        data, small_organism.labels)
    with pytest.raises(OutputError, match="is a folder"):
        clf.save(tmp_path)
    with pytest.raises(DataFormatError, match="NaN/inf"):
        clf.predict_proba(data=broken)


def test_tampered_file_refused(data, small_organism, tmp_path):
    import torch

    clf = GeneClassifier("gcn", trainer=quick(3)).fit(data, small_organism.labels)
    payload = torch.load(clf.save(tmp_path / "clf.pt"), weights_only=True)
    first = next(iter(payload["state_dict"]))
    payload["state_dict"][first] = torch.zeros(3, 3)
    torch.save(payload, tmp_path / "tampered.pt")
    with pytest.raises(DataFormatError, match="damaged GeneClassifier file"):
        GeneClassifier.load(tmp_path / "tampered.pt")


def test_light_file_and_sparse_features(data, small_organism, tmp_path):
    go_like = pd.DataFrame(np.eye(data.num_nodes, 200, dtype=np.float32),
                           index=list(data.node_ids))
    sparse = graphgen.stack_blocks(small_organism.ppi, {"go": go_like})
    clf = GeneClassifier("gcn", trainer=quick(3), label_features=None).fit(
        sparse, small_organism.labels)
    full = clf.save(tmp_path / "full.pt")
    light = clf.save(tmp_path / "light.pt", include_graph=False)
    import torch

    stored = torch.load(full, weights_only=True)["graph"]["x"]
    assert stored.is_sparse and stored._nnz() == 200  # mostly zeros: stored sparse
    assert torch.load(light, weights_only=True)["graph"] is None
    assert light.stat().st_size < full.stat().st_size
    expected = clf.predict_proba()
    pd.testing.assert_frame_equal(GeneClassifier.load(full).predict_proba(), expected)
    pd.testing.assert_frame_equal(GeneClassifier.load(light, data=sparse).predict_proba(),
                                  expected)
    with pytest.raises(DataFormatError, match="light GeneClassifier file"):
        GeneClassifier.load(light)
    with pytest.raises(DataFormatError, match="feature columns"):
        GeneClassifier.load(light, data=data)


def test_predict_threshold_chosen_on_validation_genes(data, small_organism):
    from graphgen.estimators.gene_classifier import best_f1_threshold

    clf = GeneClassifier("gcn", trainer=quick(40)).fit(data, small_organism.labels)
    assert 0.0 < clf.threshold_ < 1.0
    val = clf.task_.val_index.numpy()
    proba = clf.predict_proba()[1].to_numpy()
    truth = clf.task_.y.numpy()[val] == 1
    assert clf.threshold_ == best_f1_threshold(truth, proba[val])
    called = clf.predict()
    assert ((called == 1) == (proba >= clf.threshold_)).all()
    def f1(t):
        return 2 * (truth & (proba[val] >= t)).sum() / (truth.sum() + (proba[val] >= t).sum())

    assert f1(clf.threshold_) >= f1(0.5)


def test_compare_models_reports_labels_outside_the_graph(data, small_organism, caplog):
    labels = pd.concat([small_organism.labels, pd.Series([1, 0], index=["NOPE1", "NOPE2"])])
    split = graphgen.stratified_split(labels, seed=0)
    res = graphgen.compare_models(data, labels, split, {"logreg": {}},
                                  trainer=quick(3))
    assert "2 of 302 labelled genes are not nodes" in caplog.text
    assert np.isfinite(res[0].test["auroc"])


def test_default_chooses_on_inner_folds_of_the_labelled_genes(data, small_organism):
    """GeneClassifier() scores the candidates on inner folds of the labelled genes and refits
    the winner; on an undirected PPI the directed-only variants are not offered."""
    clf = GeneClassifier(trainer=quick(30), candidates=["rwr", "logreg", "logreg+labels"])
    labels = small_organism.labels
    train = labels.index[:200]
    clf.fit(data, labels.loc[train])
    table = clf.selection_.table
    assert list(table["candidate"]) == ["rwr", "logreg", "logreg+labels"]
    assert (table["folds"] == 3).all() and table["mean"].between(0, 1).all()
    chosen = clf.selection_.chosen
    assert clf.settings_["model"] == chosen.params["model"]
    assert f"[auto chose {chosen.name!r}]" in repr(clf)
    # the same as the chosen candidate fitted alone
    alone = GeneClassifier(**{**chosen.params, "trainer": quick(30)}).fit(data, labels.loc[train])
    pd.testing.assert_frame_equal(clf.predict_proba(), alone.predict_proba())
    # labels outside fit's genes cannot change the choice
    flipped = labels.copy()
    flipped.loc[labels.index[200:]] = 1 - flipped.loc[labels.index[200:]]
    again = GeneClassifier(trainer=quick(30), candidates=["rwr", "logreg", "logreg+labels"])
    again.fit(data, flipped.loc[train])
    assert again.selection_.chosen == chosen
    assert np.allclose(again.selection_.table["mean"], table["mean"])
    names = [c for c in GeneClassifier()._get_param_names()]
    assert {"candidates", "budget", "inner_folds", "selection_metric"} <= set(names)


def test_auto_default_round_trips_through_save(tmp_path, data, small_organism):
    clf = GeneClassifier(trainer=quick(10), candidates=["rwr", "logreg+labels"])
    clf.fit(data, small_organism.labels)
    loaded = GeneClassifier.load(clf.save(tmp_path / "auto.pt"))
    assert loaded.selection_.chosen.name == clf.selection_.chosen.name
    assert loaded.settings_["model"] == clf.settings_["model"]
    pd.testing.assert_frame_equal(loaded.predict_proba(), clf.predict_proba())


def test_auto_on_a_directed_graph_offers_the_undirected_walks(small_organism):
    grn = small_organism.grn
    g = graphgen.stack_blocks(grn, {"attributes": small_organism.features})
    clf = GeneClassifier(trainer=quick(5), budget=None,
                         candidates=["rwr", "rwr (undirected)"])
    clf.fit(g, small_organism.labels)
    assert set(clf.selection_.table["candidate"]) == {"rwr", "rwr (undirected)"}
    from graphgen.estimators.selection import Candidate, CandidateWarning

    broken = Candidate("broken gcn", {"model": "gcn", "hparams": {"no_such_option": 1}})
    with pytest.warns(CandidateWarning, match="'broken gcn' failed to fit"):
        skipped = GeneClassifier(trainer=quick(5), candidates=[broken, "rwr"]).fit(
            g, small_organism.labels)
    assert skipped.selection_.chosen.name == "rwr"
    with pytest.raises(ConfigError, match="unknown candidate 'pagerank'"):
        GeneClassifier(candidates=["pagerank"]).fit(g, small_organism.labels)
    with pytest.raises(ConfigError, match="budget must be a positive number"):
        GeneClassifier(budget=0).fit(g, small_organism.labels)


def test_top_unlabelled_degree_beside_scores_and_networkx_export():
    org = graphgen.make_organism(n_genes=300, n_samples=5, seed=1)
    data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
    labels = org.labels.iloc[:180]
    clf = GeneClassifier("logreg", trainer=TrainerConfig(max_epochs=20, progress=False))
    clf.fit(data, labels)
    top = clf.top_unlabelled(k=None)
    assert len(top) == 120 and not top.index.isin(labels.index).any()
    assert top["score"].is_monotonic_decreasing
    proba = clf.predict_proba()
    assert np.allclose(top["score"], proba.loc[top.index, 1])
    G = graphgen.to_networkx(data)
    assert top["degree"].to_dict() == {g: G.degree(g) for g in top.index}
    fair = clf.top_unlabelled(k=10, by="degree_percentile", bins=4)
    assert fair["degree_percentile"].is_monotonic_decreasing and len(fair) == 10
    # the percentile is the score's rank among the genes of similar degree (all nodes)
    expected = degree_percentile(proba[1].to_numpy(), node_degree(data).to_numpy(), bins=4)
    expected = pd.Series(expected, index=proba.index)
    assert np.allclose(fair["degree_percentile"], expected[fair.index])
    assert expected.drop(labels.index).nlargest(10).index.sort_values().equals(
        fair.index.sort_values()) or fair["degree_percentile"].min() == expected.drop(
        labels.index).nlargest(10).min()  # ties at the cut may swap genes
    with pytest.raises(ConfigError, match="by must be"):
        clf.top_unlabelled(by="hubs")
    with pytest.raises(ConfigError, match="label 7 is not one of"):
        clf.top_unlabelled(label=7)
    annotated = clf.annotate_networkx()
    labelled_gene, free_gene = labels.index[0], top.index[0]
    assert annotated.nodes[labelled_gene]["training_label"] == labels.iloc[0]
    assert "training_label" not in annotated.nodes[free_gene]
    assert annotated.nodes[free_gene]["prediction"] == clf.predict([free_gene]).iloc[0]
    assert annotated.nodes[free_gene]["degree"] == G.degree(free_gene)
    nx.write_graphml(annotated, io.BytesIO())  # every attribute is a plain type


def test_plots_from_python_after_fit(tmp_path):
    from matplotlib.figure import Figure

    from graphgen.explain import explain_gene

    org = graphgen.make_organism(n_genes=200, n_samples=5, seed=0)
    data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
    held_out = org.labels.iloc[150:]
    clf = GeneClassifier("gcn", trainer=TrainerConfig(max_epochs=10, progress=False),
                         label_features=None).fit(data, org.labels.iloc[:150])
    figure = clf.plot_curves(held_out, title="held-out genes")
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    auroc = clf.score(held_out)
    assert f"(AUROC {auroc:.3f})" in figure.axes[0].get_legend().get_texts()[0].get_text()
    path = clf.plot_curves(held_out, tmp_path / "curves.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    explanation = explain_gene(clf, held_out.index[0])
    assert isinstance(explanation.plot(), Figure)
    assert explanation.plot(tmp_path / "bars.png", what="blocks").exists()
    with pytest.raises(ConfigError, match="what must be"):
        explanation.plot(what="heatmap")


def test_the_same_graph_means_same_genes_features_by_name_and_edges(data, small_organism,
                                                                     tmp_path):
    import copy

    clf = GeneClassifier("gcn", trainer=quick(5), label_features=None).fit(
        data, small_organism.labels)
    expected = clf.predict_proba()
    permuted = copy.copy(data)
    order = list(range(data.num_features))[::-1]
    permuted.x = data.x[:, order]
    permuted.feature_names = [data.feature_names[i] for i in order]
    # columns in another order are matched by name: the same probabilities
    pd.testing.assert_frame_equal(clf.predict_proba(data=permuted), expected, atol=1e-6)
    light = clf.save(tmp_path / "light.pt", include_graph=False)
    pd.testing.assert_frame_equal(GeneClassifier.load(light, data=permuted).predict_proba(),
                                  expected, atol=1e-6)
    renamed = copy.copy(data)
    renamed.feature_names = [f"other{i}" for i in range(data.num_features)]
    with pytest.raises(DataFormatError, match=r"feature columns are not the fitted ones "
                                              r"\(missing \["):
        clf.predict_proba(data=renamed)
    rewired = copy.copy(data)
    rewired.edge_index = data.edge_index[:, : data.edge_index.shape[1] // 2]
    rewired.edge_weight = (None if getattr(data, "edge_weight", None) is None
                           else data.edge_weight[: data.edge_index.shape[1] // 2])
    with pytest.raises(DataFormatError, match="other interactions"):
        GeneClassifier.load(light, data=rewired)


def test_too_few_validation_positives_call_the_prevalence_not_everyone(caplog):
    import logging

    org = graphgen.make_organism(n_genes=2000, n_samples=5, seed=0)
    data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
    labels = pd.Series(0, index=org.labels.index)
    labels.iloc[[3, 50, 700]] = 1  # 3 positives among 2,000 labelled genes
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        clf = GeneClassifier("logreg", trainer=quick(20), label_features=None).fit(data, labels)
    assert "too few to choose a threshold by F1" in caplog.text
    assert 1 <= int((clf.predict() == 1).sum()) <= 10  # was 1,715 of 2,000


def test_float64_features_give_the_float32_answer(data, small_organism):
    wide = data.clone()
    wide.x = data.x.double()  # a user's own numpy table
    expected = GeneClassifier("gcn", trainer=quick(3), label_features=None).fit(
        data, small_organism.labels).predict_proba()
    got = GeneClassifier("gcn", trainer=quick(3), label_features=None).fit(
        wide, small_organism.labels).predict_proba()
    pd.testing.assert_frame_equal(got, expected)
    assert wide.x.dtype == torch.float64  # the caller's graph is not changed


def test_save_load_of_a_classifier_given_its_graph(data, small_organism, tmp_path):
    """scikit-learn's form (graph=, gene ids as X) saves without the graph parameter and
    loads back to the same probabilities, from a full and from a light file."""
    labels = small_organism.labels.dropna()
    clf = GeneClassifier("logreg", graph=data, trainer=quick(10)).fit(
        labels.index.to_numpy(), labels.to_numpy())
    full = GeneClassifier.load(clf.save(tmp_path / "full.pt"))
    light = GeneClassifier.load(clf.save(tmp_path / "light.pt", include_graph=False),
                                data=data)
    for back in (full, light):
        pd.testing.assert_frame_equal(back.predict_proba(), clf.predict_proba())
        assert back.graph is None and back.classes_.tolist() == clf.classes_.tolist()
