"""GraphClassifier: PyG batching equals per-graph forward, learning, and Errica's protocol."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

from graphgen import ConfigError, DataFormatError
from graphgen.estimators.graph_classifier import GraphClassifier, assess
from graphgen.models.graph_net import GraphNet
from graphgen.train import TrainerConfig
from graphgen.train.tasks import GraphSet, GraphSetTask


def _graphs(n=60, seed=0):
    """Rings (class 0) and stars (class 1) of 5-12 nodes with noisy features."""
    g = torch.Generator().manual_seed(seed)
    graphs, labels = [], []
    for i in range(n):
        size = int(torch.randint(5, 13, (1,), generator=g))
        nodes = torch.arange(size)
        if i % 2:
            e = torch.stack([torch.zeros(size - 1, dtype=torch.long), nodes[1:]])
        else:
            e = torch.stack([nodes, (nodes + 1) % size])
        x = torch.randn(size, 3, generator=g) * 0.1 + 1
        graphs.append(Data(x=x, edge_index=torch.cat([e, e.flip(0)], 1), y=torch.tensor([i % 2])))
        labels.append(i % 2)
    return graphs, np.array(labels)


@pytest.mark.parametrize("conv", ["gin", "gcn", "sage", "none"])
@pytest.mark.parametrize("readout", ["sum", "mean", "attention"])
def test_batched_forward_equals_per_graph(conv, readout):
    graphs, labels = _graphs(23)
    torch.manual_seed(0)
    model = GraphNet(3, 2, conv=conv, readout=readout, hidden_channels=8).eval()
    data = GraphSet(graphs)
    task = GraphSetTask.from_labels(data, pd.Series(labels),
                                    _split(len(graphs)))
    task_small = type(task)(**{**task.__dict__})
    object.__setattr__(task_small, "eval_batch_size", 4)  # several DataLoader batches
    with torch.no_grad():
        batched = task_small.forward(model, data, torch.arange(len(graphs)))
        single = torch.cat([model(g.x, g.edge_index, batch=torch.zeros(g.num_nodes,
                                                                          dtype=torch.long))
                            for g in graphs])
    torch.testing.assert_close(batched, single, atol=1e-5, rtol=1e-5)


def _split(n):
    from graphgen.split import Split

    ids = pd.Index([str(i) for i in range(n)])
    return Split(train=ids[: n // 2], val=ids[n // 2:], test=pd.Index([]))


def test_classifier_learns_topology():
    graphs, labels = _graphs(80)
    trainer = TrainerConfig(max_epochs=80, patience=80, progress=False, batch_size=16,
                            monitor="accuracy", weight_decay=0.0)
    clf = GraphClassifier("gin", trainer=trainer, hidden_channels=16).fit(graphs[:60],
                                                                          labels[:60])
    assert (clf.predict(graphs[60:]) == labels[60:]).mean() >= 0.9
    proba = clf.predict_proba(graphs[60:])
    assert proba.shape == (20, 2) and np.allclose(proba.sum(1), 1)
    # the structure-agnostic baseline cannot tell rings from stars by their features
    baseline = GraphClassifier("none", trainer=trainer, readout="mean").fit(graphs[:60],
                                                                            labels[:60])
    assert (baseline.predict(graphs[60:]) == labels[60:]).mean() < 0.8


def test_ensemble_averages_members_with_their_own_holdouts():
    graphs, labels = _graphs(40)
    trainer = TrainerConfig(max_epochs=5, progress=False, batch_size=16, monitor="accuracy",
                            ensemble=3)
    clf = GraphClassifier("gin", trainer=trainer, hidden_channels=8).fit(graphs, labels)
    assert len(clf.fitted_.members) == 3 and clf.model_ is clf.fitted_.members[0]
    members = []
    for model in clf.fitted_.members:
        clf_one = GraphClassifier("gin", trainer=trainer, hidden_channels=8)
        clf_one.classes_, clf_one.task_, clf_one.model_ = clf.classes_, clf.task_, model
        clf_one.fitted_ = replace(clf.fitted_, members=[model])
        clf_one.settings_ = clf.settings_
        members.append(clf_one.predict_proba(graphs))
    assert np.allclose(clf.predict_proba(graphs), np.mean(members, axis=0), atol=1e-6)
    assert not np.allclose(members[0], members[1])
    # member k is the single network of seed + k, trained on its own hold-out
    for k in (0, 2):
        single = GraphClassifier("gin", trainer=replace(trainer, ensemble=1, seed=k),
                                 hidden_channels=8).fit(graphs, labels)
        assert np.allclose(single.predict_proba(graphs), members[k], atol=1e-6)
    with pytest.raises(ConfigError, match="ensemble must be an integer >= 1"):
        GraphClassifier(trainer=replace(trainer, ensemble=0)).fit(graphs, labels)


def test_refit_retrains_every_member_on_all_its_training_graphs():
    graphs, labels = _graphs(40)
    trainer = TrainerConfig(max_epochs=4, progress=False, batch_size=16, monitor="accuracy",
                            ensemble=2, refit=True)
    clf = GraphClassifier("gin", trainer=trainer, hidden_channels=8).fit(graphs, labels)
    refit = clf.fitted_.refit_task
    assert refit is not None and len(refit.train_index) == 40  # training + validation graphs
    plain = GraphClassifier("gin", trainer=replace(trainer, refit=False),
                            hidden_channels=8).fit(graphs, labels)
    assert not np.allclose(clf.predict_proba(graphs), plain.predict_proba(graphs))


def test_bad_inputs():
    graphs, labels = _graphs(10)
    with pytest.raises(ConfigError, match="conv must be one of"):
        GraphClassifier("gat").fit(graphs, labels)
    with pytest.raises(Exception, match="10 graphs but 3 labels"):
        GraphClassifier().fit(graphs, labels[:3])
    with pytest.raises(Exception, match="not fitted"):
        GraphClassifier().predict(graphs)
    with pytest.raises(ConfigError, match="unknown parameter"):
        assess(graphs, labels, grid={"layers": [2]})


@pytest.mark.parametrize("options, message", [
    ({"grid": {}}, "grid is empty"),
    ({"grid": {"conv": []}}, r"parameter\(s\) \['conv'\] have no values"),
    ({"grid": {"seed": [1, 2]}}, "seed and trainer are arguments of assess"),
    ({"grid": {"trainer": [None]}}, "seed and trainer are arguments of assess"),
    ({"folds": 1}, "folds must be an integer from 2 to 5"),
    ({"folds": 6}, "folds must be an integer from 2 to 5"),
    ({"folds": 2, "final_runs": 0}, "final_runs must be an integer >= 1, got 0"),
    ({"folds": 2, "inner_val": 1.0}, r"inner_val must be in \(0, 1\)"),
])
def test_assessment_options_are_checked_before_training(options, message):
    graphs, labels = _graphs(10)  # 5 graphs per class
    with pytest.raises(ConfigError, match=message):
        assess(graphs, labels, **options)


def test_assessment_folds_stratified_and_never_select_on_test(monkeypatch):
    graphs, labels = _graphs(40)
    seen = []
    original = GraphClassifier.fit

    def spy(self, fit_graphs, y=None):
        seen.append({id(g) for g in fit_graphs})
        return original(self, fit_graphs, y)

    monkeypatch.setattr(GraphClassifier, "fit", spy)
    trainer = TrainerConfig(max_epochs=3, progress=False, batch_size=8)
    result = assess(graphs, labels, grid={"conv": ["gin", "none"]}, folds=4, final_runs=1,
                    trainer=trainer, seed=0)
    assert len(result.folds) == 4 and len(result.candidates) == 8
    from sklearn.model_selection import StratifiedKFold

    for fold, (_, test) in enumerate(StratifiedKFold(4, shuffle=True, random_state=0).split(
            np.zeros(40), labels)):
        assert abs(labels[test].mean() - 0.5) <= 0.1  # stratified
        test_ids = {id(graphs[i]) for i in test}
        for fitted in seen[fold * 3: fold * 3 + 3]:  # 2 candidates + 1 final run
            assert not fitted & test_ids
    assert 0 <= result.test_accuracy[0] <= 1


def test_ensemble_in_an_assessment_grid_sets_the_configuration_trainer(monkeypatch):
    graphs, labels = _graphs(20)
    trainers = []
    original = GraphClassifier.fit

    def spy(self, fit_graphs, y=None):
        trainers.append((self.conv, self.trainer.ensemble, self.trainer.max_epochs))
        return original(self, fit_graphs, y)

    monkeypatch.setattr(GraphClassifier, "fit", spy)
    trainer = TrainerConfig(max_epochs=2, progress=False, batch_size=8)
    result = assess(graphs, labels, grid={"conv": ["none"], "ensemble": [1, 2]}, folds=2,
                    final_runs=1, trainer=trainer)
    assert set(result.candidates["ensemble"]) == {1, 2}
    # two configurations per fold, then the chosen one; the trainer's other settings kept
    assert [t[1] for t in trainers[:2]] == [1, 2] and {t[2] for t in trainers} == {2}
    with pytest.raises(ConfigError, match="TrainerConfig: ensemble must be an integer >= 1"):
        assess(graphs, labels, grid={"ensemble": [0]}, folds=2, trainer=trainer)


def test_graph_set_inputs_at_the_door():
    graphs, labels = _graphs(12)
    clf = GraphClassifier(trainer=TrainerConfig(max_epochs=2, progress=False, batch_size=4))
    clf.fit(graphs, labels)
    empty = Data(x=torch.zeros(0, 3), edge_index=torch.zeros(2, 0, dtype=torch.long))
    with pytest.raises(DataFormatError, match="graph 2 has no nodes"):
        clf.predict([graphs[0], graphs[1], empty])  # was: 2 answers for 3 graphs
    doubled = [Data(x=g.x.double(), edge_index=g.edge_index) for g in graphs[:3]]
    np.testing.assert_allclose(clf.predict_proba(doubled), clf.predict_proba(graphs[:3]),
                               atol=1e-6)  # float64 features are read as float32
    broken = Data(x=graphs[0].x, edge_index=graphs[0].edge_index + 100)
    with pytest.raises(DataFormatError, match="graph 1: edge_index must be 2 x edges of node"):
        clf.predict([graphs[0], broken])
    fractional = [Data(x=g.x, edge_index=g.edge_index, y=torch.tensor([0.5])) for g in graphs]
    with pytest.raises(DataFormatError, match=r"graph 0: y must be one whole number .*\[0.5\]"):
        clf.fit(fractional)
    pairs = [Data(x=g.x, edge_index=g.edge_index, y=torch.tensor([0, 1])) for g in graphs]
    with pytest.raises(DataFormatError, match=r"graph 0: y must be one whole number"):
        clf.fit(pairs)
    with pytest.raises(DataFormatError, match="class 7 has a single graph"):
        clf.fit(graphs, [*labels[:-1], 7])
    with pytest.raises(ConfigError, match="hidden_channels must be an integer >= 1, got 0"):
        GraphClassifier(hidden_channels=0).fit(graphs, labels)


def test_fit_and_predict_take_a_tu_dataset(tmp_path):
    from graphgen.io import read_tu

    folder = tmp_path / "T"
    folder.mkdir()
    edges, indicator, labels, node_labels = [], [], [], []
    node = 1
    for g in range(12):  # rings (class 0) and stars (class 1) of 5 nodes
        first = node
        indicator += [g + 1] * 5
        node_labels += [g % 2] * 5
        pairs = ([(first + i, first + (i + 1) % 5) for i in range(5)] if g % 2 == 0
                 else [(first, first + i) for i in range(1, 5)])
        for a, b in pairs:
            edges += [f"{a}, {b}", f"{b}, {a}"]
        node += 5
        labels.append(g % 2)
    (folder / "T_A.txt").write_text("\n".join(edges) + "\n")
    (folder / "T_graph_indicator.txt").write_text("\n".join(map(str, indicator)) + "\n")
    (folder / "T_graph_labels.txt").write_text("\n".join(map(str, labels)) + "\n")
    (folder / "T_node_labels.txt").write_text("\n".join(map(str, node_labels)) + "\n")
    tu = read_tu(folder)
    clf = GraphClassifier("statistics").fit(tu)
    assert clf.predict(tu).tolist() == [g % 2 for g in range(12)]
    assert clf.predict_proba(tu).shape == (12, 2)


@pytest.mark.parametrize("settings", [{"conv": "statistics"},
                                      {"conv": "gin", "hidden_channels": 8, "members": 2},
                                      {"conv": "auto", "candidates": ["statistics", "baseline"],
                                       "inner_folds": 2}])
def test_save_load_round_trip_predicts_the_same(tmp_path, settings):
    graphs, labels = _graphs(30)
    settings = dict(settings)
    trainer = TrainerConfig(max_epochs=4, progress=False, batch_size=16,
                            ensemble=settings.pop("members", 1))
    clf = GraphClassifier(trainer=trainer, **settings).fit(graphs[:20], labels[:20])
    path = clf.save(tmp_path / "graphs.pt")
    back = GraphClassifier.load(path)
    pd.testing.assert_frame_equal(back.predict_proba(graphs[20:]),
                                  clf.predict_proba(graphs[20:]))
    assert back.settings_ == clf.settings_ and back.get_params() == clf.get_params()
    assert (back.selection_ is None) == (clf.selection_ is None)
    assert len(back.fitted_.members) == len(clf.fitted_.members) == trainer.ensemble


def test_load_refuses_other_files(tmp_path):
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(DataFormatError, match="not a readable GraphClassifier file"):
        GraphClassifier.load(tmp_path / "junk.pt")
    torch.save({"format": "graphgen.GeneClassifier/2"}, tmp_path / "gene.pt")
    with pytest.raises(DataFormatError, match=r"not a GraphClassifier file \(format "
                                              r"graphgen.GeneClassifier/2\)"):
        GraphClassifier.load(tmp_path / "gene.pt")
    graphs, labels = _graphs(20)
    path = GraphClassifier("statistics").fit(graphs, labels).save(tmp_path / "g.pt")
    payload = torch.load(path, weights_only=True)
    payload["labels"] = payload["labels"][:3]  # damaged: fewer classes than statistics rows
    torch.save(payload, tmp_path / "bad.pt")
    with pytest.raises(DataFormatError, match="damaged GraphClassifier file"):
        GraphClassifier.load(tmp_path / "bad.pt")


def test_the_trainer_seed_is_the_one_seed():
    graphs, labels = _graphs(30)
    assert "seed" not in GraphClassifier().get_params()
    forests = [GraphClassifier("statistics", trainer=TrainerConfig(seed=s)).fit(graphs, labels)
               for s in (0, 0, 1)]
    assert forests[0].model_.random_state == 0 and forests[2].model_.random_state == 1
    trainer = TrainerConfig(max_epochs=3, progress=False, batch_size=16)
    nets = [GraphClassifier("gin", hidden_channels=4, trainer=replace(trainer, seed=s)).fit(
        graphs, labels) for s in (5, 5, 6)]
    first, again, other = (n.predict_proba(graphs).to_numpy() for n in nets)
    assert np.array_equal(first, again) and not np.allclose(first, other)
    holdouts = [set(n.task_.val_index.tolist()) for n in nets]
    assert holdouts[0] == holdouts[1] != holdouts[2]  # the hold-out follows the seed too
