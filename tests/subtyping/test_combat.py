"""ComBat: equal to sva's estimates (neuroCombat), fitted on training samples only."""

import numpy as np
import pandas as pd
import pytest

from graphgen import DataFormatError, NotFittedError
from graphgen.exceptions import ConfoundedDesignError
from graphgen.subtyping.combat import ComBat


def _batched(n_per=(6, 8, 5), p=40, seed=0):
    rng = np.random.default_rng(seed)
    batch = np.repeat([f"b{i}" for i in range(len(n_per))], n_per)
    shift = rng.normal(scale=2.0, size=(len(n_per), p))
    scale = rng.uniform(0.5, 2.0, size=(len(n_per), p))
    codes = np.repeat(np.arange(len(n_per)), n_per)
    x = rng.normal(size=(len(batch), p)) * scale[codes] + shift[codes] + 8.0
    ids = [f"s{i}" for i in range(len(batch))]
    return pd.DataFrame(x, index=ids, columns=[f"g{j}" for j in range(p)]), \
        pd.Series(batch, index=ids)


def _reference(x, batch, mean_only=False):
    neuro = pytest.importorskip("neuroCombat")
    out = neuro.neuroCombat(x.T.to_numpy(), pd.DataFrame({"batch": batch.to_numpy()}), "batch",
                            mean_only=mean_only)
    return out["data"].T


@pytest.mark.parametrize("mean_only", [False, True])
def test_equals_reference_implementation(mean_only):
    x, batch = _batched()
    ours = ComBat(mean_only=mean_only).fit_transform(x, batch)
    np.testing.assert_allclose(ours.to_numpy(), _reference(x, batch, mean_only), atol=1e-6)
    assert ours.index.equals(x.index) and ours.columns.equals(x.columns)
    # the batches are pulled together: batch means now differ far less than before
    before = x.groupby(batch).mean().std().mean()
    after = ours.groupby(batch).mean().std().mean()
    assert after < 0.3 * before


@pytest.mark.slow
def test_equals_reference_on_bladderbatch(shared_data):
    folder = shared_data / "bladderbatch"
    x = pd.read_csv(folder / "bladder_expression.csv.gz", index_col=0)
    batch = pd.read_csv(folder / "bladder_samples.csv", index_col=0)["batch"].loc[x.index]
    ours = ComBat().fit_transform(x, batch)
    np.testing.assert_allclose(ours.to_numpy(), _reference(x, batch), atol=1e-6)


def test_fitted_on_training_samples_only():
    x, batch = _batched()
    train = x.index[::2]
    test = x.index[1::2]
    combat = ComBat().fit(x.loc[train], batch.loc[train])
    out = combat.transform(x, batch)
    changed = x.copy()
    changed.loc[test] = changed.loc[test] * 50.0 + 3.0  # arbitrary test samples
    again = ComBat().fit(changed.loc[train], batch.loc[train]).transform(changed, batch)
    np.testing.assert_array_equal(out.loc[train].to_numpy(), again.loc[train].to_numpy())
    # a test sample is mapped alone exactly as among others
    one = combat.transform(x.loc[[test[0]]], batch.loc[[test[0]]])
    np.testing.assert_allclose(one.to_numpy(), out.loc[[test[0]]].to_numpy())
    # and differs from fitting on everything (the test samples would move the estimates)
    assert not np.allclose(ComBat().fit_transform(x, batch).loc[train], out.loc[train])


def test_unseen_batch_is_estimated_from_its_own_samples():
    x, batch = _batched(n_per=(8, 8, 8))
    seen = batch != "b2"
    combat = ComBat().fit(x[seen], batch[seen])
    out = combat.transform(x, batch)
    gap_before = abs(x[~seen].mean() - x[seen].mean()).mean()
    gap_after = abs(out[~seen].mean() - out[seen].mean()).mean()
    assert gap_after < 0.2 * gap_before
    with pytest.raises(DataFormatError, match="'b2' was not seen in fit and has a single"):
        combat.transform(x[~seen].iloc[:1], batch[~seen].iloc[:1])


def test_single_class_batch_is_refused_with_the_reason():
    x, batch = _batched()
    alternating = np.array(["tumour", "normal"] * 50)[:len(x)]
    labels = pd.Series(np.where(batch == "b0", "tumour", alternating), index=x.index)
    with pytest.raises(ConfoundedDesignError, match="batch 'b0' holds only class 'tumour' "
                                                     r"\(6 samples\)"):
        ComBat().fit(x, batch, labels)
    mixed = pd.Series(["tumour", "normal"] * (len(x) // 2) + ["normal"] * (len(x) % 2),
                      index=x.index)
    ComBat().fit(x, batch, mixed)  # every batch holds both classes: accepted


def test_bad_inputs():
    x, batch = _batched()
    with pytest.raises(NotFittedError):
        ComBat().transform(x, batch)
    holes = x.copy()
    holes.iloc[2, 3] = np.nan
    with pytest.raises(DataFormatError, match="NaN values, e.g. sample 's2', feature 'g3'"):
        ComBat().fit(holes, batch)
    lonely = batch.copy()
    lonely.iloc[0] = "alone"
    with pytest.raises(DataFormatError, match="batch 'alone' has a single sample"):
        ComBat().fit(x, lonely)
    with pytest.raises(DataFormatError, match=r"batch: 1 ids have a missing \(NaN\) group"):
        ComBat().fit(x, batch.where(batch.index != "s4"))
    combat = ComBat().fit(x, batch)
    with pytest.raises(DataFormatError, match="lacks 1 features seen in fit"):
        combat.transform(x.drop(columns="g5"), batch)
