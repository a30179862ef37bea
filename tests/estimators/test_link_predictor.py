"""LinkPredictor: chooses its heuristic on hidden pairs of the fitted map, ranks every
non-edge, scores pairs, exports to networkx and round-trips through a file."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

import graphgen
from graphgen import ConfigError, DataFormatError, NotFittedError
from graphgen.estimators import LinkPredictor
from graphgen.estimators.link_predictor import LINK_CANDIDATES
from graphgen.links import pair_scores, top_pairs


@pytest.fixture(scope="module")
def ppi():
    return graphgen.make_organism(n_genes=300, n_samples=5, seed=0).ppi


def _edges(data):
    src, dst = data.edge_index.numpy()
    genes = np.array(data.node_ids)
    return {frozenset(p) for p in zip(genes[src], genes[dst])}


def test_auto_chooses_on_hidden_pairs_of_the_map_and_ranks_non_edges(ppi):
    clf = LinkPredictor().fit(ppi)
    table = clf.selection_.table
    assert list(table["candidate"]) == list(LINK_CANDIDATES)
    assert table["candidate"].iloc[0] == "l3" and "l3 (0.75, 0.125)" in set(table["candidate"])
    assert list(table["candidate"])[1:4] == ["resource_allocation", "adamic_adar",
                                             "common_neighbours"]
    assert list(table["candidate"])[-2:] == ["heuristic_classifier", "gae"]
    assert (table["folds"] == 3).all() and table["mean"].between(0, 1).all()
    chosen = clf.selection_.chosen.params
    assert clf.model_ == chosen["model"]
    assert all(clf.settings_[key] == value for key, value in chosen.items())
    assert repr(clf).endswith(f"[auto chose {clf.selection_.chosen.name!r}]")
    top = clf.top_links(20)
    assert list(top.columns) == ["source", "target", "score"] and len(top) == 20
    assert top["score"].is_monotonic_decreasing
    known = _edges(ppi)
    assert not any(frozenset(p) in known for p in zip(top["source"], top["target"]))
    heuristic = LinkPredictor(candidates=[c for c in LINK_CANDIDATES if c not in
                                          ("heuristic_classifier", "gae")]).fit(ppi)
    settings = heuristic.settings_
    assert set(settings) == {"model", "l3_exponent", "endpoint_exponent", "ordered"}
    assert settings["ordered"] is False
    expected = top_pairs(ppi, 20, method=settings["model"], l3_exponent=settings["l3_exponent"],
                         endpoint_exponent=settings["endpoint_exponent"])
    pd.testing.assert_frame_equal(heuristic.top_links(20), expected)
    # the same hidings and choice from the same seed
    again = LinkPredictor().fit(ppi)
    assert np.allclose(again.selection_.table["mean"], table["mean"])


def test_precision_of_the_selection_is_that_of_a_hidden_map():
    """On a map where partners' partners interact (bipartite blocks: left genes of block i
    bind right genes of block i), L3 recovers hidden pairs; common neighbours ranks only
    same-side pairs, which never interact, and the auto default picks L3."""
    rng = np.random.default_rng(0)
    left, right, blocks = 40, 40, 4
    edges = [(a, left + b) for a in range(left) for b in range(right)
             if a % blocks == b % blocks and rng.random() < 0.6]
    src, dst = np.array(edges).T
    index = torch.tensor(np.r_[[np.r_[src, dst]], [np.r_[dst, src]]])
    g = Data(edge_index=index, num_nodes=left + right,
             node_ids=[f"g{i}" for i in range(left + right)])
    clf = LinkPredictor(candidates=["common_neighbours", "l3"], selection_k=20).fit(g)
    means = clf.selection_.table.set_index("candidate")["mean"]
    assert means["l3"] > means["common_neighbours"] and clf.model_ == "l3"


def test_pair_scores_probabilities_and_networkx(ppi):
    clf = LinkPredictor("adamic_adar").fit(ppi)
    assert clf.selection_ is None
    pairs = [("G000", "G010"), ("G005", "G100"), ("G001", "G002")]
    scores = clf.score_pairs(pairs)
    assert list(scores.index) == pairs
    assert np.allclose(scores, pair_scores(ppi, pairs, methods=["adamic_adar"])["adamic_adar"])
    proba = clf.predict_proba(pairs)
    assert list(proba.columns) == [0, 1] and list(proba.index) == pairs
    np.testing.assert_allclose(proba[0] + proba[1], 1.0)
    assert proba[1].between(0, 1).all()
    assert (proba[1].rank().to_numpy() == scores.rank().to_numpy()).all()  # same order
    pd.testing.assert_series_equal(clf.predict(pairs), pd.Series(
        (proba[1] >= 0.5).astype(np.int64).to_numpy(), index=proba.index, name="prediction"))
    G = clf.to_networkx(15)
    assert isinstance(G, nx.Graph) and G.number_of_edges() == 15
    assert all(0 <= d["probability"] <= 1 and d["score"] > 0 for *_, d in G.edges(data=True))
    focused = clf.top_links(5, genes=["G000"])
    assert ((focused["source"] == "G000") | (focused["target"] == "G000")).all()


def test_a_fixed_model_uses_its_exponents_and_the_choice_is_the_best_inner_score(ppi):
    clf = LinkPredictor("l3", l3_exponent=0.75, endpoint_exponent=0.25).fit(ppi)
    assert clf.settings_ == {"model": "l3", "l3_exponent": 0.75, "endpoint_exponent": 0.25,
                             "ordered": False}
    pairs = [("G000", "G010"), ("G005", "G100"), ("G001", "G002")]
    expected = pair_scores(ppi, pairs, methods=["l3"], l3_exponent=0.75,
                           endpoint_exponent=0.25)["l3"]
    assert np.allclose(clf.score_pairs(pairs), expected)
    plain = LinkPredictor("l3").fit(ppi)
    assert not np.allclose(plain.score_pairs(pairs), expected)  # the exponents matter
    auto = LinkPredictor(candidates={"kovacs": {"model": "l3"},
                                     "ends": {"model": "l3", "endpoint_exponent": 0.5}},
                         selection_k=30).fit(ppi)
    means = auto.selection_.table.set_index("candidate")["mean"]
    best = means.idxmax() if means.nunique() > 1 else "kovacs"  # ties: the earlier one
    assert auto.selection_.chosen.name == best
    assert auto.settings_["endpoint_exponent"] == (0.5 if best == "ends" else 0.0)


@pytest.mark.parametrize("model, settings", [
    ("heuristic_classifier", {}),
    ("gae", {"epochs": 30}),
    ("vgae", {"epochs": 30, "encoder": "sage", "decoder": "mlp"}),
])
def test_learned_models_rank_every_candidate_as_they_score_pairs(tmp_path, ppi, model,
                                                                  settings):
    clf = LinkPredictor(model, model_settings=settings).fit(ppi)
    assert clf.calibration_ is None and clf.settings_["model"] == model
    top = clf.top_links(25)
    known = _edges(ppi)
    assert len(top) == 25 and not any(frozenset(p) in known
                                      for p in zip(top["source"], top["target"]))
    # the top list equals a dense argsort of the pair scores over every non-edge
    genes = list(ppi.node_ids)
    pairs = [(genes[a], genes[b]) for a in range(len(genes)) for b in range(a + 1, len(genes))
             if frozenset((genes[a], genes[b])) not in known]
    scores = clf.score_pairs(pairs)
    if model == "heuristic_classifier":  # it ranks the pairs with a path of length 2 or 3
        paths = pair_scores(ppi, pairs, methods=["common_neighbours", "l3"])
        scores = scores[(paths["common_neighbours"] + paths["l3"] > 0).to_numpy()]
    best = scores.sort_values(ascending=False, kind="mergesort").iloc[:25]
    np.testing.assert_allclose(top["score"], best.to_numpy(), rtol=1e-5)
    proba = clf.predict_proba(pairs[:5])
    assert np.allclose(proba[1], scores.reindex(proba.index).fillna(proba[1]), rtol=1e-6)
    loaded = LinkPredictor.load(clf.save(tmp_path / f"{model}.pt"))
    pd.testing.assert_frame_equal(loaded.top_links(10), clf.top_links(10))
    pd.testing.assert_frame_equal(loaded.predict_proba(pairs[:5]), proba)


def test_the_heuristic_classifier_learns_that_partners_partners_interact():
    """On the bipartite-block map (see above), the classifier trained on hidings of the map
    ranks hidden cross-side pairs above same-side pairs that share neighbours."""
    rng = np.random.default_rng(1)
    edges = [(a, 40 + b) for a in range(40) for b in range(40)
             if a % 4 == b % 4 and rng.random() < 0.6]
    src, dst = np.array(edges).T
    g = Data(edge_index=torch.tensor(np.r_[[np.r_[src, dst]], [np.r_[dst, src]]]),
             num_nodes=80, node_ids=[f"g{i}" for i in range(80)])
    clf = LinkPredictor("heuristic_classifier").fit(g)
    top = clf.top_links(30)
    side = [(int(a[1:]) < 40) != (int(b[1:]) < 40) for a, b in zip(top["source"],
                                                                     top["target"])]
    assert all(side)  # every predicted pair crosses the two sides, as real pairs do


def test_a_regulatory_map_gives_ordered_tf_target_pairs(tmp_path):
    """On a directed graph the pairs are ordered: the top list holds regulator -> gene pairs
    that are not stored edges (a reverse edge does not hide its pair), scored along the
    stored directions; the learned models, which rank unordered pairs, are left out."""
    grn = graphgen.make_organism(n_genes=300, n_samples=5, seed=0).grn
    clf = LinkPredictor().fit(grn)
    assert clf.settings_["ordered"] is True
    assert not set(clf.selection_.table["candidate"]) & {"heuristic_classifier", "gae"}
    top = clf.top_links(20)
    src, dst = grn.edge_index.numpy()
    genes = np.array(grn.node_ids)
    stored = set(zip(genes[src], genes[dst]))
    assert not any(pair in stored for pair in zip(top["source"], top["target"]))
    settings = clf.settings_
    expected = top_pairs(grn, 20, method=settings["model"], ordered=True,
                         l3_exponent=settings["l3_exponent"],
                         endpoint_exponent=settings["endpoint_exponent"])
    pd.testing.assert_frame_equal(top, expected)
    pairs = list(zip(top["source"], top["target"]))[:5]
    reverse = [(b, a) for a, b in pairs]
    assert not np.allclose(clf.score_pairs(pairs), clf.score_pairs(reverse))
    assert isinstance(clf.to_networkx(10), nx.DiGraph)
    loaded = LinkPredictor.load(clf.save(tmp_path / "grn.pt"))
    assert loaded.settings_ == clf.settings_
    pd.testing.assert_frame_equal(loaded.top_links(10), clf.top_links(10))
    unordered = LinkPredictor("l3", ordered=False).fit(grn)
    assert unordered.settings_["ordered"] is False
    assert np.allclose(unordered.score_pairs(pairs), unordered.score_pairs(reverse))
    with pytest.raises(ConfigError, match="learned models rank unordered pairs"):
        LinkPredictor("gae").fit(grn)
    with pytest.raises(ConfigError, match="ordered=True needs a directed graph"):
        LinkPredictor("l3", ordered=True).fit(graphgen.make_organism(
            n_genes=100, n_samples=5, seed=0).ppi)


def test_explain_gives_the_shares_of_a_pair_score(ppi):
    clf = LinkPredictor("l3", endpoint_exponent=0.125).fit(ppi)
    best = clf.top_links(1).iloc[0]
    paths = clf.explain(best["source"], best["target"])
    assert paths["contribution"].sum() == pytest.approx(best["score"])
    assert list(paths.columns) == ["path", "first", "second", "contribution"]
    learned = LinkPredictor("heuristic_classifier").fit(ppi)
    pair = learned.top_links(1).iloc[0]
    shares = learned.explain(pair["source"], pair["target"])
    log_odds = np.log(pair["score"] / (1 - pair["score"]))
    assert shares["contribution"].sum() == pytest.approx(log_odds)
    assert shares["feature"].iloc[-1] == "intercept"
    with pytest.raises(ConfigError, match="learned embeddings"):
        LinkPredictor("gae", model_settings={"epochs": 2}).fit(ppi).explain("G000", "G001")


def test_save_load_round_trip(tmp_path, ppi):
    clf = LinkPredictor(candidates=["l3", "common_neighbours"]).fit(ppi)
    loaded = LinkPredictor.load(clf.save(tmp_path / "links.pt"))
    assert loaded.model_ == clf.model_ and loaded.selection_.chosen == clf.selection_.chosen
    assert loaded.get_params()["candidates"] == ["l3", "common_neighbours"]
    pd.testing.assert_frame_equal(loaded.top_links(10), clf.top_links(10))
    pairs = [("G000", "G010"), ("G005", "G100")]
    pd.testing.assert_frame_equal(loaded.predict_proba(pairs), clf.predict_proba(pairs))
    tuned = LinkPredictor("l3", endpoint_exponent=0.25).fit(ppi)
    assert LinkPredictor.load(tuned.save(tmp_path / "tuned.pt")).settings_ == tuned.settings_
    old = torch.load(tmp_path / "tuned.pt", weights_only=True)
    del old["settings"]  # a file of graphgen 0.2 names its model only
    torch.save(old, tmp_path / "old.pt")
    assert LinkPredictor.load(tmp_path / "old.pt").settings_["endpoint_exponent"] == 0.0
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(DataFormatError, match="not a readable LinkPredictor file"):
        LinkPredictor.load(tmp_path / "junk.pt")


@pytest.mark.parametrize("options, message", [
    ({"model": "katz"}, "model must be 'auto' or one of"),
    ({"candidates": ["l3", "katz"]}, "unknown candidate 'katz'"),
    ({"budget": 0}, "budget must be a positive number"),
    ({"inner_folds": 0}, "inner_folds must be an integer >= 1"),
    ({"inner_test": 1.5}, "inner_test must be in"),
    ({"selection_k": 0}, "selection_k must be an integer >= 1"),
    ({"model": "l3", "l3_exponent": -1}, "l3_exponent must be a finite number >= 0"),
    ({"model": "adamic_adar", "l3_exponent": 1.0}, "l3_exponent applies to model 'l3' only"),
    ({"candidates": {"x": {"model": "l3", "alpha": 1}}}, "unknown settings \\['alpha'\\]"),
    ({"candidates": {"x": {"model": "jaccard"}}}, "'x' must set model to one of"),
    ({"model": "gae", "model_settings": {"encoder": "gin"}}, "encoder must be one of"),
    ({"model": "gae", "model_settings": {"variational": True}}, "choose model 'gae' or"),
    ({"model": "vgae", "model_settings": {"epochs": 0}}, "epochs must be an integer >= 1"),
    ({"model": "heuristic_classifier", "model_settings": {"classifier": "svm"}},
     "classifier must be one of"),
    ({"model": "heuristic_classifier", "model_settings": {"depth": 3}},
     "unknown classifier settings \\['depth'\\]"),
])
def test_bad_options(ppi, options, message):
    with pytest.raises(ConfigError, match=message):
        LinkPredictor(**options).fit(ppi)


def test_bad_inputs(ppi):
    with pytest.raises(NotFittedError):
        LinkPredictor().top_links(5)
    with pytest.raises(DataFormatError, match="must be a torch_geometric Data"):
        LinkPredictor().fit(nx.karate_club_graph())
    empty = Data(edge_index=torch.empty(2, 0, dtype=torch.long), num_nodes=3,
                 node_ids=["a", "b", "c"])
    with pytest.raises(DataFormatError, match="has no edges"):
        LinkPredictor().fit(empty)
    clf = LinkPredictor("l3").fit(ppi)
    with pytest.raises(graphgen.GraphgenError, match="NOPE"):
        clf.score_pairs([("G000", "NOPE")])
