"""Correct and Smooth over a base model: only training labels, and it helps where the graph
carries the labels."""

import numpy as np
import pytest

from graphgen import ConfigError, TrainerConfig
from graphgen.models import build_model
from graphgen.train import fit_model, make_task, seed_everything

QUICK = TrainerConfig(max_epochs=60, progress=False)


def test_smooths_a_feature_model_with_the_graph(organism_split):
    data, labels, split = organism_split
    task = make_task(data, labels, split)
    seed_everything(0)
    base = fit_model(build_model("logreg", data.num_features, 2), data, task, trainer=QUICK)
    seed_everything(0)
    cs = fit_model(build_model("correct_and_smooth", data.num_features, 2, base="logreg"),
                   data, task, trainer=QUICK)
    before = task.metrics(base.scores(data), task.test_index)["auprc"]
    after = task.metrics(cs.scores(data), task.test_index)["auprc"]
    assert after > before + 0.2  # the simulated labels follow the graph's modules
    np.testing.assert_allclose(cs.base.scores(data), base.scores(data), atol=1e-6)


def test_no_validation_or_test_label_is_used(organism_split):
    data, labels, split = organism_split
    model = build_model("correct_and_smooth", data.num_features, 2, base="logreg")
    task = make_task(data, labels, split)
    scores = fit_model(model, data, task, trainer=QUICK).scores(data)
    flipped = labels.copy()
    flipped[split.test] = 1 - flipped[split.test]
    task2 = make_task(data, flipped, split)
    again = fit_model(build_model("correct_and_smooth", data.num_features, 2, base="logreg"),
                      data, task2, trainer=QUICK).scores(data)
    np.testing.assert_allclose(scores, again, atol=1e-6)


def test_bad_settings():
    with pytest.raises(ConfigError, match="base must be a trained registry model"):
        build_model("correct_and_smooth", 4, 2, base="rwr")
    with pytest.raises(ConfigError, match="smoothing_alpha"):
        build_model("correct_and_smooth", 4, 2, smoothing_alpha=0.0)
