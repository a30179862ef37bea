"""The one model contract and the one fit path, and scikit-learn's estimator protocol."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError as SklearnNotFitted
from sklearn.utils.validation import check_is_fitted

import graphgen
from graphgen import GeneClassifier, SubtypeClassifier, TrainerConfig
from graphgen.evaluation import stratified_split
from graphgen.models import MODELS, GraphModel, build_model, run_model
from graphgen.train import fit_model, make_task
from graphgen.train import fitting as fitting_module

QUICK = TrainerConfig(max_epochs=3, progress=False)


@pytest.fixture(scope="module")
def setup(small_organism):
    data = graphgen.stack_blocks(small_organism.ppi, {"a": small_organism.features})
    task = make_task(data, small_organism.labels, stratified_split(small_organism.labels))
    return data, task


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_registered_model_goes_through_the_one_fit_path(setup, name):
    data, task = setup
    torch.manual_seed(0)
    model = build_model(name, data.num_features, task.num_outputs)
    fitted = fit_model(model, data, task, trainer=QUICK)
    scores = fitted.scores(data)
    assert scores.shape == (data.num_nodes,) and np.isfinite(scores).all()
    if name == "correct_and_smooth":
        assert fitted.base.fit.epochs == 3 and isinstance(fitted.base.model, GraphModel)
    elif isinstance(model, torch.nn.Module):
        assert isinstance(model, GraphModel) and fitted.fit.epochs == 3
        calls = []
        hook = model.register_forward_hook(lambda *_: calls.append(1))
        run_model(model, data)
        hook.remove()
        assert calls == [1]  # through nn.Module.__call__: hooks see the call
    else:
        assert fitted.fit is None and fitted.graph_only


def test_estimators_comparisons_and_runner_share_the_fit_path(setup, small_organism,
                                                             monkeypatch):
    data, _ = setup
    calls = []
    real = fitting_module.fit_model

    def spy(*args, **kwargs):
        calls.append(type(args[0]).__name__)
        return real(*args, **kwargs)

    for module in ("graphgen.comparison.genes", "graphgen.estimators.gene_classifier",
                   "graphgen.estimators.subtype_classifier"):
        monkeypatch.setattr(f"{module}.fit_model", spy)
    GeneClassifier("gcn", trainer=QUICK).fit(data, small_organism.labels)
    graphgen.compare_models(data, small_organism.labels,
                            stratified_split(small_organism.labels),
                            {"mlp": {}, "label_propagation": {}}, trainer=QUICK)
    SubtypeClassifier("features", head="mlp", trainer=QUICK).fit(
        {"rna": small_organism.expression}, small_organism.samples["subtype"])
    assert calls == ["GCN", "MLP", "LabelPropagation", "MLP"]


def test_estimators_are_scikit_learn_estimators(setup, small_organism):
    data, _ = setup
    for estimator in (GeneClassifier("sage", hparams={"hidden_channels": 8}, trainer=QUICK),
                      SubtypeClassifier("features", hidden_channels=8, trainer=QUICK)):
        assert is_classifier(estimator)
        copy = clone(estimator)
        assert copy.get_params() == estimator.get_params() and copy is not estimator
        with pytest.raises(SklearnNotFitted):
            check_is_fitted(estimator)
        estimator.set_params(trainer=TrainerConfig(max_epochs=2, progress=False))
        assert estimator.get_params()["trainer"].max_epochs == 2
        with pytest.raises(graphgen.ConfigError, match="no parameter 'depth'"):
            estimator.set_params(depth=3)
    gene = GeneClassifier("mlp", trainer=QUICK).fit(data, small_organism.labels)
    check_is_fitted(gene)
    subtype = SubtypeClassifier("features", head="mlp", trainer=QUICK).fit(
        {"rna": small_organism.expression}, small_organism.samples["subtype"])
    check_is_fitted(subtype)
    deep = gene.get_params(deep=True)
    assert deep["trainer"] is gene.trainer  # no deep copies of graphs or settings


def test_graph_only_baseline_takes_labels_and_a_mask(setup):
    data, task = setup
    mask = np.zeros(data.num_nodes, dtype=bool)
    mask[task.train_index.numpy()] = True
    scores = graphgen.models.LabelPropagation().predict(data, task.target_matrix(), mask)
    fitted = fit_model(build_model("label_propagation", 1, 2), data, task)
    np.testing.assert_allclose(fitted.scores(data), scores[:, 1])
    assert not hasattr(graphgen.models.LabelPropagation, "predict_scores")


def test_trainer_settings_in_one_place():
    params = set(GeneClassifier().get_params()) | set(SubtypeClassifier().get_params())
    assert not params & {"max_epochs", "patience", "lr", "weight_decay", "monitor", "seed",
                         "progress", "batch_size"}


def test_one_comparison_engine_for_node_sample_graph_and_pair_tasks(small_organism):
    from graphgen.comparison import compare_on_task
    from graphgen.evaluation import Split
    from graphgen.models.pair_classifier import PairClassifier
    from graphgen.models.sample_graph import SampleGraphNet, SampleGraphs
    from graphgen.train import PairMultiLabelTask

    ppi = small_organism.ppi
    x = torch.randn(40, ppi.num_nodes, 1, generator=torch.Generator().manual_seed(0))
    samples = [f"s{i}" for i in range(40)]
    graph = SampleGraphs(x, ppi.edge_index, ppi.edge_weight, list(ppi.node_ids), samples,
                         ["rna"])
    labels = pd.Series([i % 2 for i in range(40)], index=samples)
    results = graphgen.compare_models(
        graph, labels, stratified_split(labels, seed=0), {"gcn": {}},
        trainer=QUICK, model_factory=lambda n, h, i, o: SampleGraphNet(i, o, hidden_channels=4))
    assert list(results[0].scores.index[:2]) == ["s0", "s1"]
    data = graphgen.stack_blocks(ppi, {"a": small_organism.features})
    pairs = np.array([[i, (i + 1) % 60] for i in range(60)])
    targets = pd.DataFrame({"bind": [i % 2 for i in range(60)]}, dtype=np.float32)
    split = Split(train=pd.Index(range(40)), val=pd.Index(range(40, 50)),
                  test=pd.Index(range(50, 60)))
    task = PairMultiLabelTask.from_pairs(pairs, targets, split)
    pair = compare_on_task(data, task, {"graph": {}}, trainer=QUICK,
                           model_factory=lambda n, h, i, o: PairClassifier(i, o))
    assert pair[0].scores.shape == (60, 1) and "micro_f1" in pair[0].test


def test_refit_uses_every_training_label_and_never_a_test_label(setup, monkeypatch):
    data, task = setup
    seen = []
    real_fit = graphgen.Trainer.fit

    def spy(self, model, data_, task_, **kwargs):
        seen.append((set(task_.train_index.tolist()), self.config.max_epochs,
                     kwargs.get("restore_best", True)))
        return real_fit(self, model, data_, task_, **kwargs)

    monkeypatch.setattr(graphgen.Trainer, "fit", spy)
    config = TrainerConfig(max_epochs=30, patience=5, progress=False, refit=True)
    fitted = fit_model(build_model("gcn", data.num_features, 2), data, task, trainer=config,
                       build=lambda: build_model("gcn", data.num_features, 2))
    train, val, test = (set(t.tolist()) for t in (task.train_index, task.val_index,
                                                  task.test_index))
    assert seen[0][0] == train and seen[1][0] == train | val  # every training label
    assert not seen[1][0] & test
    assert seen[1][1] == max(fitted.fit.best_epoch, 1) and seen[1][2] is False
    assert set(fitted.refit_task.train_index.tolist()) == train | val
    with pytest.raises(graphgen.ConfigError, match="build="):
        fit_model(build_model("gcn", data.num_features, 2), data, task, trainer=config)


def test_seed_ensemble_averages_its_members(setup):
    data, task = setup
    config = TrainerConfig(max_epochs=5, progress=False, ensemble=3)
    fitted = fit_model(build_model("mlp", data.num_features, 2), data, task, trainer=config,
                       build=lambda: build_model("mlp", data.num_features, 2))
    assert len(fitted.members) == 3
    each = [fitted.task.scores(graphgen.Trainer.predict(m, data, task)) for m in fitted.members]
    assert not np.allclose(each[0], each[1])  # other seeds, other models
    np.testing.assert_allclose(fitted.scores(data), np.mean(each, axis=0))
