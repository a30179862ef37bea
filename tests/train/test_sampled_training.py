"""Neighbour-sampled mini-batch training through the one trainer."""

import pytest
import torch

from graphgen import ConfigError, build_model, make_organism, stack_blocks, stratified_split
from graphgen.train import NodeClassificationTask, Trainer, TrainerConfig, seed_everything


class Interrupt(Exception):
    pass


@pytest.fixture(scope="module")
def organism_task():
    org = make_organism(n_genes=1000, n_samples=40, seed=0)
    data = stack_blocks(org.ppi, {"attributes": org.features})
    split = stratified_split(org.labels, val_size=0.2, test_size=0.2, seed=0)
    return data, NodeClassificationTask.from_labels(data, org.labels, split)


def _fit(data, task, config, name="sage", **kwargs):
    seed_everything(1)
    model = build_model(name, data.num_features, task.num_classes)
    result = Trainer(config).fit(model, data, task, **kwargs)
    return model, result


@pytest.mark.parametrize("name", ["sage", "gcn"])
def test_sampled_training_reaches_full_batch_metric(organism_task, name):
    data, task = organism_task
    full_model, _ = _fit(data, task, TrainerConfig(seed=0, progress=False, max_epochs=150),
                         name)
    sampled_model, result = _fit(data, task, TrainerConfig(
        seed=0, progress=False, max_epochs=150, batch_size=64, fanout=(8, 8)), name)
    assert result.epochs > 5
    test = task.test_index
    full = task.evaluate(Trainer.predict(full_model, data)[test], test)["auroc"]
    sampled = task.evaluate(Trainer.predict(sampled_model, data)[test], test)["auroc"]
    assert full > 0.8  # the graph carries the signal here
    assert sampled == pytest.approx(full, abs=0.03)


def test_sampled_training_resumes_exactly(organism_task, tmp_path):
    data, task = organism_task
    config = TrainerConfig(seed=2, progress=False, max_epochs=12, patience=100, batch_size=100,
                           fanout=(5, 5), checkpoint_every=4)
    _, full = _fit(data, task, config)

    def stop(epoch, record):
        if epoch == 10:
            raise Interrupt

    checkpoint = tmp_path / "run.pt"
    with pytest.raises(Interrupt):
        _fit(data, task, config, checkpoint=checkpoint, on_epoch_end=stop)
    _, resumed = _fit(data, task, config, checkpoint=checkpoint, resume=True)
    assert resumed.resumed_from == 8
    assert [h["train_loss"] for h in resumed.history] == pytest.approx(
        [h["train_loss"] for h in full.history], abs=1e-6)


def test_fanout_checked():
    with pytest.raises(ConfigError, match="fanout"):
        TrainerConfig(fanout=[10, 0])
    assert TrainerConfig(fanout=[10, -1]).fanout == (10, -1)


def test_fanout_refused_for_models_with_extra_inputs(organism_task):
    data, task = organism_task

    from graphgen.models.base import GraphModel

    class WithSequences(GraphModel):
        inputs = ("sequences",)

        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(data.num_features, 2)

        def forward(self, x, edge_index, edge_weight=None, sequences=None):
            return self.lin(x)

    with pytest.raises(ConfigError, match="reads \\['sequences'\\]"):
        Trainer(TrainerConfig(fanout=(5,), progress=False, max_epochs=1)).fit(
            WithSequences(), data, task)


def test_fanout_refused_for_tasks_over_other_items():
    import pandas as pd
    from torch_geometric.data import Data

    from graphgen.models.graph_net import GraphNet
    from graphgen.split import Split
    from graphgen.train.tasks import GraphSet, GraphSetTask

    graphs = [Data(x=torch.ones(3, 2), edge_index=torch.tensor([[0, 1], [1, 2]]))] * 6
    data = GraphSet(graphs)
    ids = pd.Index([str(i) for i in range(6)])
    task = GraphSetTask.from_labels(data, pd.Series([0, 1] * 3, index=ids),
                                    Split(train=ids[:4], val=ids[4:], test=pd.Index([])))
    with pytest.raises(ConfigError, match="applies to node tasks, not to a GraphSetTask"):
        Trainer(TrainerConfig(fanout=(5,), progress=False, max_epochs=1)).fit(
            GraphNet(2, 2, hidden_channels=4), data, task)


def test_fanout_shorter_than_the_model_is_refused(organism_task):
    data, task = organism_task
    config = TrainerConfig(fanout=(10,), batch_size=64, progress=False, max_epochs=1)
    with pytest.raises(ConfigError, match=r"fanout \[10\] samples 1 hop\(s\) but .* reads 2: "
                                          r"training would see 1 hop\(s\) and inference all 2"):
        _fit(data, task, config, name="sage")
    _fit(data, task, TrainerConfig(fanout=(10, 10, 5), batch_size=64, progress=False,
                                   max_epochs=1), name="sage")  # a longer fanout is harmless
