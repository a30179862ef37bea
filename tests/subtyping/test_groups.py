"""Groups and batches in subtyping: splits keep groups apart, covariate-only rows, ComBat
inside the folds, sample-graph views built from training samples under group splits."""

import warnings

import numpy as np
import pandas as pd
import pytest

from graphgen import ConfigError, DataFormatError, TrainerConfig
from graphgen.comparison import compare_subtyping
from graphgen.estimators import SubtypeClassifier
from graphgen.evaluation.confounding import ConfoundingWarning
from graphgen.evaluation.splits import kfold_splits, leave_one_group_out
from graphgen.exceptions import ConfoundedDesignError

FAST = TrainerConfig(max_epochs=30, patience=30, progress=False)


def _batched_cohort(n_batches=4, per_class=10, p=30, shift=4.0, signal=1.5, seed=0):
    """Every batch holds both classes; each batch moves all genes by its own offset."""
    rng = np.random.default_rng(seed)
    rows, labels, batches = [], [], []
    direction = rng.normal(size=p)
    for b in range(n_batches):
        offset = rng.normal(scale=shift, size=p)
        for cls in (0, 1):
            rows.append(rng.normal(size=(per_class, p)) + offset + signal * cls * direction / 3)
            labels += [f"class{cls}"] * per_class
            batches += [f"batch{b}"] * per_class
    ids = [f"s{i:03d}" for i in range(len(labels))]
    x = pd.DataFrame(np.vstack(rows), index=ids, columns=[f"g{j}" for j in range(p)])
    return x, pd.Series(labels, index=ids), pd.Series(batches, index=ids)


def test_compare_subtyping_checks_groups_and_adds_covariate_rows(tmp_path):
    x, y, batch = _batched_cohort()
    models = {"logreg": {"kind": "logreg"}}
    with pytest.raises(DataFormatError, match="are in both"):
        compare_subtyping({"rna": x}, y, kfold_splits(y, k=3), models, groups=batch)
    splits = leave_one_group_out(y, batch)
    depth = pd.Series(np.arange(len(y), dtype=float), index=y.index, name="depth")
    result = compare_subtyping({"rna": x}, y, splits, models, groups=batch, covariates=depth)
    assert set(result.per_split["model"]) == {"logreg", "depth only", "group only"}
    assert list(result.confounding.index) == ["depth", "group"]
    assert not result.confounding["confounded"].any()  # balanced by construction
    assert result.contingency.to_numpy().tolist() == [[10, 10]] * 4
    pooled = result.pooled()
    assert pooled.loc["group only", "auroc"] <= 0.55  # an unseen batch says nothing
    assert pooled.loc["logreg", "auroc"] > pooled.loc["group only", "auroc"]
    run = result.write(str(tmp_path / "run"), {"task": "test"})
    written = pd.read_csv(run.file("label_by_group.csv"), index_col=0)
    assert written.loc["batch2"].tolist() == [10, 10]
    assert pd.read_csv(run.file("confounding.csv"), index_col=0).index.tolist() == ["depth",
                                                                                    "group"]


def test_combat_in_the_folds_rescues_an_unseen_batch():
    x, y, batch = _batched_cohort(shift=6.0, signal=3.0, seed=1)
    splits = leave_one_group_out(y, batch)
    models = {"logreg": {"kind": "logreg"}}
    plain = compare_subtyping({"rna": x}, y, splits, models, groups=batch)
    corrected = compare_subtyping({"rna": x}, y, splits, models, groups=batch, batch=batch,
                                  batch_correction="combat")
    before = plain.pooled().loc["logreg", "accuracy"]
    after = corrected.pooled().loc["logreg", "accuracy"]
    assert after >= 0.9 and after > before + 0.15


def test_combat_refused_on_a_confounded_design_and_needs_a_batch():
    x, y, batch = _batched_cohort()
    confounded = batch.where(~((batch == "batch0") & (y == "class1")), "batch9")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfoundingWarning)
        with pytest.raises(ConfoundedDesignError, match="batch 'batch9' holds only class "
                                                        "'class1'"):
            compare_subtyping({"rna": x}, y, kfold_splits(y, k=3), {"lr": {"kind": "logreg"}},
                              batch=confounded, batch_correction="combat")
    with pytest.raises(ConfigError, match="needs batch="):
        compare_subtyping({"rna": x}, y, kfold_splits(y, k=3), {"lr": {"kind": "logreg"}},
                          batch_correction="combat")
    with pytest.raises(DataFormatError, match=r"groups: 1 of 80 ids have no group"):
        compare_subtyping({"rna": x}, y, kfold_splits(y, k=3), {"lr": {"kind": "logreg"}},
                          groups=batch.iloc[1:])


def test_classifier_keeps_groups_apart_and_corrects_batches():
    x, y, batch = _batched_cohort(n_batches=5, per_class=6)
    clf = SubtypeClassifier("features", head="mlp", trainer=FAST, batch_correction="combat")
    with pytest.raises(ConfigError, match="needs batch="):
        clf.fit({"rna": x}, y, groups=batch)
    clf.fit({"rna": x}, y, groups=batch, batch=batch)
    train_groups = set(batch[clf.train_samples_])
    val_groups = set(batch[y.index.difference(clf.train_samples_)])
    assert train_groups and val_groups and not train_groups & val_groups
    assert list(clf.confounding_.index) == ["groups", "batch"]
    assert set(clf.combat_) == {"rna"}
    with pytest.raises(DataFormatError, match="give batch="):
        clf.predict_proba({"rna": x})
    proba = clf.predict_proba({"rna": x}, batch)
    assert proba.shape == (len(y), 2) and np.allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("view,extra", [("patient-graph", {}),
                                        ("expression-graph", {"network": "coexpression",
                                                              "pooling": "flatten"})])
def test_sample_graph_views_are_built_from_training_samples_under_group_splits(view, extra):
    x, y, batch = _batched_cohort(n_batches=5, per_class=6)
    split = leave_one_group_out(y, batch)[0]  # test: batch0
    train = split.train.append(split.val)

    def fitted(table):
        return SubtypeClassifier(view, trainer=FAST, **extra).fit(
            {"rna": table.loc[train]}, y.loc[train], groups=batch.loc[train])

    first = fitted(x)
    changed = x.copy()
    validation = y.index.isin(train) & ~y.index.isin(first.train_samples_)
    changed.loc[validation] = changed.loc[validation] * 20.0 + 7.0  # arbitrary val samples
    changed.loc[split.test] = 1e3  # and test samples, which fit never sees
    second = fitted(changed)
    assert first.train_samples_ == second.train_samples_
    assert not set(batch[first.train_samples_]) & set(batch[validation])
    if view == "expression-graph":  # the co-expression network: training samples only
        assert first.network_.edge_index.equal(second.network_.edge_index)
    else:  # the patient graph's sending side: the scaled training samples only
        for name in first.train_omics_:
            pd.testing.assert_frame_equal(first.train_omics_[name], second.train_omics_[name])


def test_group_only_row_matches_the_batch_when_batch_straddles_random_splits():
    x, y, batch = _batched_cohort()
    confounded = pd.Series(np.where(y == "class0", "early", "late"), index=y.index)
    with pytest.warns(ConfoundingWarning, match="'batch' alone predicts"):
        result = compare_subtyping({"rna": x}, y, kfold_splits(y, k=4),
                                   {"lr": {"kind": "logreg"}}, batch=confounded)
    # a batch seen in training that equals the label predicts it perfectly: random CV
    # rewards it, which is what the row shows
    assert result.pooled().loc["batch only", "accuracy"] == 1.0
