"""Automatic defaults: the selection loop, and view="auto"/conv="auto" in the estimators."""

import time
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

import graphgen
from graphgen import ConfigError, DataFormatError, GraphgenError
from graphgen.estimators import SubtypeClassifier
from graphgen.estimators.graph_classifier import GraphClassifier
from graphgen.estimators.selection import (
    Candidate,
    CandidateWarning,
    resolve_candidates,
    select,
)
from graphgen.features.graph_statistics import graph_statistics, statistic_names
from graphgen.train import TrainerConfig
from tests.estimators.test_graph_classifier import _graphs

FAST = TrainerConfig(max_epochs=5, progress=False)


# --- the selection loop -------------------------------------------------------------------


def test_select_chooses_the_best_mean_and_reports_sd_and_time():
    candidates = [Candidate("a", {"v": 0.5}), Candidate("b", {"v": 0.7}),
                  Candidate("c", {"v": 0.7})]
    selection = select(candidates, [0.0, 0.1, -0.1],
                       lambda c, fold: c.params["v"] + fold, metric="m")
    table = selection.table.set_index("candidate")
    assert selection.chosen.name == "b"  # tie with c: the earlier candidate wins
    assert table.loc["b", "status"] == "chosen" and table.loc["c", "status"] == "scored"
    assert table.loc["a", "mean"] == pytest.approx(0.5)
    assert table.loc["a", "sd"] == pytest.approx(0.1)
    assert (table["folds"] == 3).all() and (table["fit_seconds"] >= 0).all()


def test_a_failing_candidate_is_skipped_with_a_warning():
    def score(candidate, fold):
        if candidate.name == "broken":
            raise ValueError("cannot fit")
        return 0.6

    with pytest.warns(CandidateWarning, match="'broken' failed to fit.*cannot fit"):
        selection = select([Candidate("broken"), Candidate("fine")], [0, 1], score, metric="m")
    assert selection.chosen.name == "fine"
    assert selection.table.loc[0, "status"].startswith("failed: ValueError")
    with pytest.warns(CandidateWarning), pytest.raises(GraphgenError, match="every candidate"):
        select([Candidate("broken")], [0], score, metric="m")


def test_the_budget_stops_later_candidates_but_the_first_finishes():
    def score(candidate, fold):
        time.sleep(0.05)
        return {"slow_first": 0.1, "second": 0.9}[candidate.name]

    start = time.perf_counter()
    selection = select([Candidate("slow_first"), Candidate("second")], [0, 1, 2], score,
                       metric="m", budget=0.12)
    elapsed = time.perf_counter() - start
    table = selection.table.set_index("candidate")
    assert table.loc["slow_first", "folds"] == 3  # the first always finishes
    assert table.loc["second", "status"] == "skipped: budget"
    assert selection.chosen.name == "slow_first"
    assert elapsed < 0.12 + 0.1  # no fold began that its own timing said would overrun


def test_candidate_lists_are_checked():
    known = {"x": {"p": 1}, "y": {"p": 2}}
    assert [c.name for c in resolve_candidates(None, known, ["y"], what="E")] == ["y"]
    assert resolve_candidates({"z": {"p": 3}}, known, [], what="E")[0].params == {"p": 3}
    with pytest.raises(ConfigError, match="unknown candidate 'nope'.*\\['x', 'y'\\]"):
        resolve_candidates(["x", "nope"], known, [], what="E")
    with pytest.raises(ConfigError, match="empty"):
        resolve_candidates([], known, [], what="E")
    with pytest.raises(ConfigError, match="named twice"):
        resolve_candidates(["x", Candidate("x")], known, [], what="E")


# --- SubtypeClassifier(view="auto") --------------------------------------------------------


@pytest.fixture(scope="module")
def organism():
    return graphgen.make_organism(n_genes=120, n_samples=90, seed=0)


def test_subtype_auto_chooses_on_training_samples_only(organism):
    x, y = organism.expression, organism.samples["subtype"]
    train = y.index[:60]
    clf = SubtypeClassifier(candidates=["logreg", "random_forest", "mlp"], trainer=FAST)
    clf.fit({"rna": x.loc[train]}, y.loc[train])
    table = clf.selection_.table
    assert list(table["candidate"]) == ["logreg", "random_forest", "mlp"]
    assert (table["status"] == "chosen").sum() == 1
    assert clf.view_ == "features" and clf.head_ == clf.selection_.chosen.params["head"]
    assert f"[auto chose {clf.selection_.chosen.name!r}]" in repr(clf)
    # what lies outside fit's data (test labels, test values) cannot change the choice
    flipped = y.copy()
    flipped.loc[y.index[60:]] = flipped.loc[y.index[60:]].sample(frac=1, random_state=1).values
    again = clone(clf).fit({"rna": x.loc[train]}, flipped.loc[train])
    pd.testing.assert_frame_equal(again.selection_.table.drop(columns="fit_seconds"),
                                  table.drop(columns="fit_seconds"))
    # the refitted winner equals that candidate fitted alone
    alone = SubtypeClassifier(**{"view": "features", **clf.selection_.chosen.params},
                              trainer=FAST).fit({"rna": x.loc[train]}, y.loc[train])
    test = {"rna": x.loc[y.index[60:]]}
    pd.testing.assert_frame_equal(clf.predict_proba(test), alone.predict_proba(test))


def test_subtype_auto_is_seeded_and_clone_keeps_the_candidates(organism):
    x, y = organism.expression, organism.samples["subtype"]
    clf = SubtypeClassifier(candidates=["logreg", "random_forest"], budget=120, trainer=FAST)
    assert clone(clf).get_params()["candidates"] == ["logreg", "random_forest"]
    a = clf.fit({"rna": x}, y).predict_proba({"rna": x})
    b = clone(clf).fit({"rna": x}, y).predict_proba({"rna": x})
    pd.testing.assert_frame_equal(a, b)


def test_subtype_auto_offers_the_network_views_the_inputs_allow(organism):
    names = SubtypeClassifier()._candidate_list()
    assert [c.name for c in names] == ["logreg", "random_forest", "mlp", "patient-graph"]
    with_network = SubtypeClassifier(network=organism.ppi)._candidate_list()
    assert {"propagation", "expression-graph"} <= {c.name for c in with_network}


def test_logreg_head_is_class_balanced_and_explainable(organism):
    from sklearn.linear_model import LogisticRegression

    from graphgen.explain.subtypes import explain_samples
    from graphgen.subtyping.heads import block_weights

    x, y = organism.expression, organism.samples["subtype"]
    clf = SubtypeClassifier("features", trainer=FAST).fit({"rna": x}, y)
    scaled = clf.scaler_.transform({"rna": x})
    w = block_weights(scaled)
    reference = LogisticRegression(C=10.0, class_weight="balanced", max_iter=5000).fit(
        scaled["rna"].to_numpy() * w, y.to_numpy())
    expected = reference.predict_proba(scaled["rna"].to_numpy() * w)
    assert np.allclose(clf.predict_proba({"rna": x}).to_numpy(), expected, atol=1e-4)
    assert explain_samples(clf, {"rna": x.iloc[:2]}, method="saliency").shape == (2, x.shape[1])
    forest = SubtypeClassifier("features", head="random_forest").fit({"rna": x}, y)
    with pytest.raises(ConfigError, match="random forest"):
        explain_samples(forest, {"rna": x.iloc[:2]})


def test_block_weights_give_every_omics_the_same_total_variance():
    from graphgen.subtyping.heads import block_weights

    w = block_weights({"a": pd.DataFrame(np.zeros((2, 4))), "b": pd.DataFrame(np.zeros((2, 1)))})
    assert np.allclose(w, [0.5, 0.5, 0.5, 0.5, 1.0])
    assert np.isclose((w[:4] ** 2).sum(), (w[4:] ** 2).sum())


@pytest.mark.parametrize("options, error, message", [
    ({"candidates": ["logreg", "svm"]}, ConfigError, "unknown candidate 'svm'"),
    ({"budget": 0}, ConfigError, "budget must be a positive number"),
    ({"inner_folds": 1}, ConfigError, "inner_folds must be an integer >= 2"),
    ({"selection_metric": "f2"}, ConfigError, "selection_metric must be one of"),
    ({"head": "svm"}, ConfigError, "head must be one of"),
    ({"candidates": {"loop": {"view": "auto"}}}, ConfigError, "sets view='auto'"),
])
def test_subtype_auto_bad_options(organism, options, error, message):
    x, y = organism.expression, organism.samples["subtype"]
    with pytest.raises(error, match=message):
        SubtypeClassifier(**options).fit({"rna": x}, y)


def test_subtype_auto_too_few_samples_for_inner_folds(organism):
    x = organism.expression.iloc[:8]
    y = pd.Series(["a"] * 6 + ["b"] * 2, index=x.index)
    with pytest.raises(DataFormatError, match="fewer than k=3 folds"):
        SubtypeClassifier(candidates=["logreg"]).fit({"rna": x}, y)


# --- GraphClassifier(conv="auto") ----------------------------------------------------------


def test_graph_statistics_columns():
    graphs, _ = _graphs(4)
    stats = graph_statistics(graphs)
    names = statistic_names(3)
    assert stats.shape == (4, len(names))
    g = graphs[0]
    assert stats[0, 0] == g.num_nodes and stats[0, 1] == g.edge_index.shape[1] / 2
    assert np.allclose(stats[0, 6:9], g.x.sum(0).numpy(), atol=1e-5)
    assert np.isclose(stats[0, -11:].sum(), 1.0)  # degree shares


def test_graph_auto_chooses_on_inner_folds_and_refits():
    graphs, labels = _graphs(60)
    trainer = TrainerConfig(max_epochs=20, progress=False, batch_size=16, monitor="accuracy")
    clf = GraphClassifier(trainer=trainer, hidden_channels=8).fit(graphs[:40], labels[:40])
    table = clf.selection_.table
    assert list(table["candidate"]) == ["statistics", "baseline", "gin"]
    # rings and stars differ in their degree histogram: statistics win, the baseline cannot
    assert clf.selection_.chosen.name == "statistics" and \
        clf.settings_["conv"] == "statistics"
    assert (clf.predict(graphs[40:]) == labels[40:]).mean() >= 0.9
    assert clf.predict_proba(graphs[40:]).shape == (20, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = GraphClassifier("statistics").fit(graphs[:40], labels[:40])
    assert np.allclose(one.predict_proba(graphs[40:]), clf.predict_proba(graphs[40:]))


@pytest.mark.parametrize("options, error, message", [
    ({"candidates": ["gin", "gat"]}, ConfigError, "unknown candidate 'gat'"),
    ({"budget": 0}, ConfigError, "budget must be a positive number"),
    ({"budget": -3}, ConfigError, "budget must be a positive number"),
    ({"inner_folds": 50}, DataFormatError, "fewer than inner_folds=50"),
])
def test_graph_auto_bad_options(options, error, message):
    graphs, labels = _graphs(20)
    with pytest.raises(error, match=message):
        GraphClassifier(**options).fit(graphs, labels)


def test_graph_auto_budget_skips_the_trained_candidates():
    graphs, labels = _graphs(30)
    clf = GraphClassifier(budget=1e-3).fit(graphs, labels)
    status = clf.selection_.table.set_index("candidate")["status"]
    assert status["statistics"] == "chosen"
    assert (status[["baseline", "gin"]] == "skipped: budget").all()
    assert torch.is_tensor(graphs[0].x)


def test_subtype_auto_skips_a_candidate_that_cannot_fit(organism):
    """A network whose ids match no measured gene: the expression-graph candidate fails in
    every fold and is skipped with a warning naming it; the others still compete."""
    from graphgen.graph.build import edges_to_data

    other = edges_to_data(pd.DataFrame({"source": ["X1", "X2"], "target": ["X2", "X3"]}),
                          directed=False)
    x, y = organism.expression, organism.samples["subtype"]
    clf = SubtypeClassifier(network=other, candidates=["logreg", "expression-graph"],
                            trainer=FAST)
    with pytest.warns(CandidateWarning, match="'expression-graph' failed to fit"):
        clf.fit({"rna": x}, y)
    status = clf.selection_.table.set_index("candidate")["status"]
    assert status["logreg"] == "chosen" and status["expression-graph"].startswith("failed")


def test_compare_subtyping_records_what_auto_chose_in_each_split(organism, tmp_path):
    import json

    from graphgen.comparison import compare_subtyping
    from graphgen.evaluation.splits import kfold_splits

    y = organism.samples["subtype"]
    result = compare_subtyping({"rna": organism.expression}, y, kfold_splits(y, k=3),
                               {"auto": {"kind": "auto", "candidates": ["logreg", "mlp"],
                                         "max_epochs": 5}})
    assert set(result.per_split["chose"]) <= {"logreg", "mlp"}
    assert result.per_split["chose"].notna().all()
    run = result.write(str(tmp_path / "run"), {"test": True})
    stored = json.loads((run.path / "metrics.json").read_text())["per_split"]
    assert [row["chose"] for row in stored] == result.per_split["chose"].tolist()
