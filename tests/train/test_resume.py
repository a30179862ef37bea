"""Checkpoints: an interrupted run resumed from its checkpoint ends exactly as an
uninterrupted one."""

import pytest
import torch

from graphgen import ConfigError, build_model, stack_blocks, stratified_split
from graphgen.train import NodeClassificationTask, Trainer, TrainerConfig, seed_everything


class Interrupt(Exception):
    pass


@pytest.fixture(scope="module")
def setup(small_organism):
    data = stack_blocks(small_organism.ppi, {"attributes": small_organism.features})
    split = stratified_split(small_organism.labels, seed=0)
    return data, NodeClassificationTask.from_labels(data, small_organism.labels, split)


def _model(data, task, name="gat"):
    seed_everything(5)
    return build_model(name, data.num_features, task.num_classes)


@pytest.mark.parametrize("name, plateau", [("gat", None), ("gcn", None), ("gcn", 1)])
def test_resume_after_interruption_equals_uninterrupted(setup, tmp_path, name, plateau):
    """Also with a learning-rate schedule, whose counters the checkpoint keeps."""
    data, task = setup
    config = TrainerConfig(max_epochs=40, patience=100, seed=5, progress=False,
                           checkpoint_every=7, lr_plateau=plateau, lr=0.05)
    reference = _model(data, task, name)
    full = Trainer(config).fit(reference, data, task)

    def stop_at_17(epoch, record):
        if epoch == 17:
            raise Interrupt

    checkpoint = tmp_path / "run.pt"
    interrupted = _model(data, task, name)
    with pytest.raises(Interrupt):
        Trainer(config).fit(interrupted, data, task, checkpoint=checkpoint,
                            on_epoch_end=stop_at_17)
    assert checkpoint.exists()
    resumed_model = _model(data, task, name)  # a fresh process would rebuild the model
    resumed = Trainer(config).fit(resumed_model, data, task, checkpoint=checkpoint, resume=True)
    assert resumed.resumed_from == 14  # the last checkpoint before the interruption
    assert resumed.epochs == full.epochs and resumed.best_epoch == full.best_epoch
    for key, value in full.best_val.items():
        assert resumed.best_val[key] == pytest.approx(value, abs=1e-6)
    assert torch.allclose(Trainer.predict(resumed_model, data), Trainer.predict(reference, data),
                          atol=1e-6)
    assert [h["train_loss"] for h in resumed.history] == pytest.approx(
        [h["train_loss"] for h in full.history], abs=1e-6)
    if plateau is not None:
        rates = [h["lr"] for h in full.history]
        assert len(set(rates)) >= 3 and rates == sorted(rates, reverse=True)
        assert [h["lr"] for h in resumed.history] == rates


def test_foreign_checkpoint_refused(setup, tmp_path):
    data, task = setup
    checkpoint = tmp_path / "run.pt"
    Trainer(TrainerConfig(max_epochs=3, progress=False, checkpoint_every=1)).fit(
        _model(data, task, "gcn"), data, task, checkpoint=checkpoint)
    with pytest.raises(ConfigError, match="another model"):
        Trainer(TrainerConfig(max_epochs=3, progress=False, checkpoint_every=1)).fit(
            _model(data, task, "mlp"), data, task, checkpoint=checkpoint, resume=True)
    checkpoint.write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="not a readable graphgen checkpoint"):
        Trainer(TrainerConfig(max_epochs=3, progress=False)).fit(
            _model(data, task, "gcn"), data, task, checkpoint=checkpoint, resume=True)


def test_resume_refused_after_changed_features_labels_or_hyper_parameters(setup, tmp_path):
    data, task = setup
    config = TrainerConfig(max_epochs=3, progress=False, checkpoint_every=1)
    checkpoint = tmp_path / "run.pt"
    Trainer(config).fit(_model(data, task, "gcn"), data, task, checkpoint=checkpoint)
    scaled = data.clone()
    scaled.x = data.x * 2.0  # same shapes, other feature values
    with pytest.raises(ConfigError, match="feature values"):
        Trainer(config).fit(_model(scaled, task, "gcn"), scaled, task, checkpoint=checkpoint,
                            resume=True)
    seed_everything(5)
    other_dropout = build_model("gcn", data.num_features, task.num_classes, dropout=0.1)
    with pytest.raises(ConfigError, match="hyper-parameter"):
        Trainer(config).fit(other_dropout, data, task, checkpoint=checkpoint, resume=True)
    flipped = NodeClassificationTask(y=1 - task.y.clamp(min=0), classes=task.classes,
                                     train_index=task.train_index, val_index=task.val_index,
                                     test_index=task.test_index, class_weight=task.class_weight)
    with pytest.raises(ConfigError, match="labels"):
        Trainer(config).fit(_model(data, task, "gcn"), data, flipped, checkpoint=checkpoint,
                            resume=True)
    resumed = Trainer(config).fit(_model(data, task, "gcn"), data, task, checkpoint=checkpoint,
                                  resume=True)
    assert resumed.resumed_from == 3  # unchanged inputs still resume


def test_diverging_training_stops_with_a_clear_error(setup):
    from graphgen import TrainingError

    data, task = setup
    huge = data.clone()
    huge.x = data.x * 1e8  # within what models accept, but with lr=1e30 the loss overflows
    with pytest.raises(TrainingError, match="diverged at epoch"):
        Trainer(TrainerConfig(max_epochs=5, progress=False, lr=1e30)).fit(
            _model(huge, task, "mlp"), huge, task)


def test_resume_refused_after_another_validation_split(setup, tmp_path):
    """Resuming must not reuse weights whose epoch was chosen on other validation genes."""
    data, task = setup
    config = TrainerConfig(max_epochs=3, progress=False, checkpoint_every=1)
    checkpoint = tmp_path / "run.pt"
    Trainer(config).fit(_model(data, task, "gcn"), data, task, checkpoint=checkpoint)
    moved = NodeClassificationTask(y=task.y, classes=task.classes,
                                   train_index=torch.cat([task.train_index, task.val_index[:1]]),
                                   val_index=task.val_index[1:], test_index=task.test_index,
                                   class_weight=task.class_weight)
    with pytest.raises(ConfigError, match="split"):
        Trainer(config).fit(_model(data, task, "gcn"), data, moved, checkpoint=checkpoint,
                            resume=True)
    same_train_other_val = NodeClassificationTask(
        y=task.y, classes=task.classes, train_index=task.train_index,
        val_index=task.val_index[:-1], test_index=task.test_index, class_weight=task.class_weight)
    with pytest.raises(ConfigError, match="split"):
        Trainer(config).fit(_model(data, task, "gcn"), data, same_train_other_val,
                            checkpoint=checkpoint, resume=True)
