"""Devices: names checked at the door; every model family trains on the device given.

The same tests run on a GPU with ``GRAPHGEN_TEST_DEVICE=cuda python -m pytest
tests/train/test_device.py`` (on the CPU by default); there they also compare the GPU's
predictions with the CPU's.
"""

import os

import numpy as np
import pandas as pd
import pytest
import torch

import graphgen
from graphgen import ConfigError, TrainerConfig
from graphgen.evaluation import Split, stratified_split
from graphgen.models import build_model
from graphgen.models.pair_classifier import PairClassifier
from graphgen.models.sample_graph import SampleGraphNet, SampleGraphs
from graphgen.train import PairMultiLabelTask, SampleGraphTask, fit_model, make_task
from graphgen.train.device import resolve_device, to_device

DEVICE = os.environ.get("GRAPHGEN_TEST_DEVICE", "cpu")


def test_device_names_checked_at_the_door():
    assert resolve_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    with pytest.raises(ConfigError, match="device must be one of"):
        TrainerConfig(device="gpu")
    with pytest.raises(ConfigError, match="device must be one of"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA is not available"):
            resolve_device("cuda:0")


def test_to_device_does_not_copy_what_is_already_there(small_organism):
    data = graphgen.stack_blocks(small_organism.ppi, {"a": small_organism.features})
    assert to_device(data, torch.device("cpu")) is data
    task = make_task(data, small_organism.labels, stratified_split(small_organism.labels))
    assert to_device(task, torch.device("cpu")) is task


def _trainer(**kwargs) -> TrainerConfig:
    return TrainerConfig(max_epochs=5, progress=False, device=DEVICE, **kwargs)


@pytest.mark.parametrize("name", ["gcn", "gat", "sage", "mlp", "label_propagation"])
def test_node_models_train_on_the_device(small_organism, name):
    data = graphgen.stack_blocks(small_organism.ppi, {"a": small_organism.features})
    task = make_task(data, small_organism.labels, stratified_split(small_organism.labels))
    torch.manual_seed(0)
    model = build_model(name, data.num_features, task.num_outputs)
    fitted = fit_model(model, data, task, trainer=_trainer())
    scores = fitted.scores(data)
    assert scores.shape == (data.num_nodes,) and np.isfinite(scores).all()
    if name != "label_propagation":
        assert next(model.parameters()).device.type == torch.device(DEVICE).type
        if DEVICE != "cpu":  # the same weights on the CPU give the same scores
            cpu = fitted.task.scores(graphgen.Trainer.predict(model.cpu(), data, task))
            np.testing.assert_allclose(scores, cpu, atol=1e-4)


def test_sample_graph_and_pair_models_train_on_the_device(small_organism):
    ppi = small_organism.ppi
    x = torch.randn(40, ppi.num_nodes, 2, generator=torch.Generator().manual_seed(0))
    samples = [f"s{i}" for i in range(40)]
    graph = SampleGraphs(x, ppi.edge_index, ppi.edge_weight, list(ppi.node_ids), samples,
                         ["a", "b"])
    labels = pd.Series([i % 2 for i in range(40)], index=samples)
    task = SampleGraphTask.from_labels(graph, labels, stratified_split(labels, seed=0))
    for conv in ("gcn", "gat"):
        model = SampleGraphNet(2, 2, conv=conv, hidden_channels=4)
        fitted = fit_model(model, graph, task, trainer=_trainer(batch_size=16))
        assert np.isfinite(fitted.scores(graph)).all()
    pairs = np.array([[i, (i + 1) % 50] for i in range(50)])
    targets = pd.DataFrame({"bind": [i % 2 for i in range(50)],
                            "act": [(i // 2) % 2 for i in range(50)]}, dtype=np.float32)
    split = Split(train=pd.Index(range(30)), val=pd.Index(range(30, 40)),
                  test=pd.Index(range(40, 50)))
    pair_task = PairMultiLabelTask.from_pairs(pairs, targets, split)
    data = graphgen.stack_blocks(ppi, {"a": small_organism.features})
    model = PairClassifier(data.num_features, 2, hidden_channels=8)
    fitted = fit_model(model, data, pair_task, trainer=_trainer())
    assert fitted.scores(data).shape == (50, 2)


def test_estimators_take_a_device(small_organism):
    data = graphgen.stack_blocks(small_organism.ppi, {"a": small_organism.features})
    clf = graphgen.GeneClassifier("gcn", trainer=_trainer(), device=DEVICE).fit(
        data, small_organism.labels)
    assert np.isfinite(clf.predict_proba().to_numpy()).all()
    with pytest.raises(ConfigError, match="device must be one of"):
        graphgen.GeneClassifier("gcn", device="gpu").fit(data, small_organism.labels)


@pytest.mark.parametrize("name", ["cuda:x", "cuda:", "cuda:01", "cpu:0", "gpu", "", 0, None])
def test_one_parser_refuses_the_same_names_everywhere(name):
    from graphgen.train.device import check_device_name
    with pytest.raises(ConfigError, match="device must be one of"):
        check_device_name(name)
    with pytest.raises(ConfigError, match="TrainerConfig: device must be one of"):
        TrainerConfig(device=name)
    if name is not None:  # None is resolve_device's "auto"
        with pytest.raises(ConfigError, match="device must be one of"):
            resolve_device(name)


def test_one_parser_accepts_every_documented_name():
    from graphgen.train.device import check_device_name
    for name in ("auto", "cpu", "cuda", "cuda:0", "cuda:12"):
        assert check_device_name(name) == name and TrainerConfig(device=name).device == name
