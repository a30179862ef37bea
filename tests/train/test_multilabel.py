"""Multi-label metrics against scikit-learn on a hand-made case, and the multi-label task."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from graphgen import ConfigError, DataFormatError, build_model, stack_blocks
from graphgen.evaluation import kfold_splits, multilabel_metrics
from graphgen.train import MultiLabelTask, Trainer, TrainerConfig, seed_everything

Y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 1]])
S = np.array([[.9, .2, .6], [.3, .7, .8], [.6, .4, .1], [.2, .1, .9], [.45, .55, .3],
              [.1, .8, .4]])


def test_against_sklearn_by_hand():
    m = multilabel_metrics(Y, S)
    assert m["micro_auprc"] == pytest.approx(average_precision_score(Y, S, average="micro"))
    assert m["macro_auprc"] == pytest.approx(average_precision_score(Y, S, average="macro"))
    assert m["micro_auroc"] == pytest.approx(roc_auc_score(Y, S, average="micro"))
    assert m["macro_auroc"] == pytest.approx(roc_auc_score(Y, S, average="macro"))
    predicted = (S >= 0.5).astype(int)
    assert m["micro_f1"] == pytest.approx(f1_score(Y, predicted, average="micro"))
    assert m["macro_f1"] == pytest.approx(f1_score(Y, predicted, average="macro"))
    # label 0 by hand: positives score .9, .6, .45; negatives .3, .2, .1 -> perfect ranking
    assert roc_auc_score(Y[:, 0], S[:, 0]) == 1.0


def test_label_with_one_class_is_skipped_in_macro():
    y = Y.copy()
    y[:, 2] = 1
    m = multilabel_metrics(y, S)
    assert m["macro_auroc"] == pytest.approx(np.mean([roc_auc_score(y[:, j], S[:, j])
                                                      for j in (0, 1)]))
    with pytest.raises(DataFormatError):
        multilabel_metrics(Y, S[:, :2])


def test_multilabel_task_trains_and_monitors(small_organism):
    org = small_organism
    modules = pd.get_dummies(org.modules).astype(float)
    labels = modules[modules.sum().sort_values().index[-3:]]  # three biggest modules
    data = stack_blocks(org.ppi, {"attributes": org.features})
    split = kfold_splits(labels, k=3)[0]
    task = MultiLabelTask.from_labels(data, labels, split)
    assert task.num_outputs == 3 and task.kind == "multilabel"
    positives = labels.loc[split.train].sum().to_numpy()
    assert np.allclose(task.pos_weight.numpy(), (len(split.train) - positives) / positives)
    seed_everything(0)
    model = build_model("gcn", data.num_features, 3)
    result = Trainer(TrainerConfig(max_epochs=60, progress=False)).fit(model, data, task)
    assert "val_macro_auprc" in result.history[0]
    logits = Trainer.predict(model, data)
    assert task.evaluate(logits[task.test_index], task.test_index)["macro_auroc"] > 0.8
    with pytest.raises(ConfigError, match="not a metric of a multilabel task"):
        Trainer(TrainerConfig(monitor="accuracy", progress=False)).fit(model, data, task)
