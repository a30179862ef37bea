"""The one fit path works through one seam (fit(data, task, trainer), scores(data)): a new
kind of predictor needs no change to fit_model, Correct and Smooth trains its base through
the engine it is given, and the trained-model predictor averages its members."""

import numpy as np
import pytest
import torch

import graphgen
from graphgen import TrainerConfig
from graphgen.evaluation import stratified_split
from graphgen.models import build_model
from graphgen.models.base import Predictor
from graphgen.train import make_task
from graphgen.train.fitting import Engine, FittedModel, TrainedModel, fit_model

QUICK = TrainerConfig(max_epochs=3, progress=False)


@pytest.fixture(scope="module")
def case():
    org = graphgen.make_organism(n_genes=150, n_samples=5, seed=0)
    data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
    task = make_task(data, org.labels, stratified_split(org.labels, seed=0))
    return data, task


class _Constant:
    """A predictor fit_model has never heard of: the training prevalence for every gene."""

    graph_only = True

    def fit(self, data, task, trainer):
        self.calls = [(data, task, trainer)]
        self.value = float(task.y[task.train_index].float().mean())
        return self

    def scores(self, data):
        return np.full(data.num_nodes, self.value)


def test_any_predictor_goes_through_fit_model_unchanged(case):
    data, task = case
    constant = _Constant()
    assert isinstance(constant, Predictor)
    fitted = fit_model(constant, data, task, trainer=QUICK, description="constant")
    (seen_data, seen_task, engine), = constant.calls
    assert seen_data is data and seen_task is task and isinstance(engine, Engine)
    assert engine.config is QUICK and engine.description == "constant"
    assert fitted.graph_only and fitted.model is constant and fitted.fit is None
    np.testing.assert_allclose(fitted.scores(data), constant.value)


def test_correct_and_smooth_trains_its_base_through_the_engine(case, monkeypatch):
    data, task = case
    parts = []
    real = Engine.train

    def spy(self, model, data, task, *, build, part=None):
        parts.append((type(model).__name__, part, self.description))
        return real(self, model, data, task, build=build, part=part)
    monkeypatch.setattr(Engine, "train", spy)
    torch.manual_seed(0)
    model = build_model("correct_and_smooth", data.num_features, task.num_outputs,
                        base="logreg")
    fitted = fit_model(model, data, task, trainer=QUICK, description="cs")
    assert parts == [("LogisticRegression", "base", "cs")]
    assert fitted.base is model.fitted_base and fitted.fit is fitted.base.fit
    assert fitted.fit.epochs == 3 and not fitted.graph_only
    base = fitted.base.scores(data)
    smoothed = fitted.scores(data)
    assert smoothed.shape == base.shape == (data.num_nodes,)
    assert not np.allclose(smoothed, base)  # the post-processing changed the scores


def test_trained_model_averages_members_and_files_read_back_score_the_same(case):
    data, task = case
    config = TrainerConfig(max_epochs=3, progress=False, ensemble=2)
    torch.manual_seed(0)
    fitted = fit_model(build_model("gcn", data.num_features, task.num_outputs), data, task,
                       trainer=config,
                       build=lambda: build_model("gcn", data.num_features, task.num_outputs))
    assert isinstance(fitted.predictor, TrainedModel) and len(fitted.members) == 2
    one = [TrainedModel.of([m], task).scores(data) for m in fitted.members]
    np.testing.assert_allclose(fitted.scores(data), np.mean(one, axis=0), rtol=1e-6)
    again = FittedModel(model=fitted.model, task=task, fit=None, seconds=0.0,
                        members=fitted.members)  # as a loader builds it
    np.testing.assert_allclose(again.scores(data), fitted.scores(data))
