"""The checkpoint fingerprint: every ingredient that changes what was trained changes it, the
settings that do not (progress bar, epoch limit, device, refit, ensemble) leave it alone."""

import dataclasses
from types import SimpleNamespace

import pytest
import torch
from torch import nn
from torch_geometric.data import Data

from graphgen.train.trainer import TrainerConfig, _fingerprint


class Other(nn.Sequential):
    """The same layers under another class name."""


def _model(width=4, p=0.5, cls=nn.Sequential):
    torch.manual_seed(0)
    return cls(nn.Linear(3, width), nn.Dropout(p))


def _data(**changes):
    torch.manual_seed(1)
    fields = {"x": torch.rand(6, 3), "edge_index": torch.tensor([[0, 1, 2], [1, 2, 0]]),
              "edge_weight": torch.tensor([1.0, 2.0, 3.0])}
    fields.update(changes)
    return Data(num_nodes=6, **{k: v for k, v in fields.items() if v is not None})


def _task(y=(0, 1, 0, 1, 0, 1), train=(0, 1, 2), val=(3, 4)):
    return SimpleNamespace(y=torch.tensor(y), train_index=torch.tensor(train),
                           val_index=torch.tensor(val))


BASE = _fingerprint(_model(), _data(), _task(), TrainerConfig())


def test_the_same_inputs_give_the_same_fingerprint():
    assert _fingerprint(_model(), _data(), _task(), TrainerConfig()) == BASE
    assert len(BASE) == 64  # a sha256 hex digest
    trained = _model()
    trained.eval()  # train/eval mode is no setting
    assert _fingerprint(trained, _data(), _task(), TrainerConfig(), world=1) == BASE


x = _data().x  # the base features


@pytest.mark.parametrize("model, data, task, cfg, world", [
    (_model(cls=Other), _data(), _task(), TrainerConfig(), 1),                # class
    (_model(width=5), _data(), _task(), TrainerConfig(), 1),                  # shapes
    (_model(p=0.4), _data(), _task(), TrainerConfig(), 1),                    # a setting
    (_model(), _data(x=x.clone().index_fill_(0, torch.tensor([0]), 0.5)), _task(),
     TrainerConfig(), 1),                                                     # a value
    (_model(), _data(x=x.double()), _task(), TrainerConfig(), 1),             # dtype
    (_model(), _data(x=x.reshape(3, 6)), _task(), TrainerConfig(), 1),       # shape
    (_model(), _data(edge_index=torch.tensor([[1, 0, 2], [0, 2, 1]])), _task(),
     TrainerConfig(), 1),                                                     # edges
    (_model(), _data(edge_weight=torch.tensor([1.0, 2.0, 4.0])), _task(),
     TrainerConfig(), 1),                                                     # weights
    (_model(), _data(edge_weight=None), _task(), TrainerConfig(), 1),        # no weights
    (_model(), _data(), _task(y=(1, 1, 0, 1, 0, 1)), TrainerConfig(), 1),    # labels
    (_model(), _data(), _task(train=(0, 1, 2, 3), val=(4,)), TrainerConfig(), 1),  # split
    (_model(), _data(), _task(train=(3, 4), val=(0, 1, 2)), TrainerConfig(), 1),   # swapped
    (_model(), _data(), _task(), TrainerConfig(lr=0.02), 1),                  # trainer
    (_model(), _data(), _task(), TrainerConfig(), 2),                         # ranks
])
def test_each_ingredient_changes_the_fingerprint(model, data, task, cfg, world):
    assert _fingerprint(model, data, task, cfg, world) != BASE


@pytest.mark.parametrize("change", [{"progress": True}, {"max_epochs": 7},
                                    {"device": "cpu"}, {"refit": True}, {"ensemble": 3}])
def test_settings_that_do_not_change_the_weights_are_left_out(change):
    cfg = dataclasses.replace(TrainerConfig(), **change)
    assert _fingerprint(_model(), _data(), _task(), cfg) == BASE
