"""Confounding: the covariate-only baseline and the warning that fires when it should."""

import warnings

import numpy as np
import pandas as pd
import pytest

from graphgen import DataFormatError
from graphgen.evaluation.confounding import (
    CONFOUNDING_AUROC,
    ConfoundingWarning,
    confounding_table,
    contingency,
    covariate_proba,
)


def _design(confounded: bool, n=80, seed=0):
    rng = np.random.default_rng(seed)
    ids = [f"s{i}" for i in range(n)]
    y = pd.Series(np.tile(["tumour", "normal"], n // 2), index=ids)
    if confounded:  # batches a, b hold tumours; c, d mostly normals
        batch = np.where(y == "tumour", rng.choice(["a", "b"], n), rng.choice(["c", "d"], n))
        batch[:4] = ["c", "c", "a", "a"]  # a few the other way
    else:  # every batch holds both classes in equal shares
        batch = np.repeat(["a", "b", "c", "d"], n // 4)
    depth = rng.normal(size=n) + (1.5 * (y == "tumour") if confounded else 0)
    return y, pd.DataFrame({"batch": batch, "depth": depth}, index=ids)


def test_warns_on_confounded_design_and_is_silent_on_balanced():
    y, covariates = _design(confounded=True)
    with pytest.warns(ConfoundingWarning) as record:
        table = confounding_table(covariates, y)
    assert [str(w.message).split(" alone")[0] for w in record] == ["covariate 'batch'",
                                                                   "covariate 'depth'"]
    assert table.loc["batch", "auroc"] > 0.9 and table.loc["batch", "confounded"]
    assert table.loc["depth", "kind"] == "continuous" and table.loc["depth", "auroc"] > 0.75
    assert table.loc["batch", "cramers_v"] > 0.8 and table.loc["batch", "levels"] == 4
    y, covariates = _design(confounded=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfoundingWarning)
        table = confounding_table(covariates, y)
    assert not table["confounded"].any()
    assert table.loc["batch", "auroc"] < CONFOUNDING_AUROC and table.loc["batch", "cramers_v"] == 0


@pytest.mark.slow
def test_flags_bladderbatch(shared_data):
    samples = pd.read_csv(shared_data / "bladderbatch" / "bladder_samples.csv", index_col=0)
    y = (samples["cancer"] == "Cancer").astype(int)
    with pytest.warns(ConfoundingWarning, match="'batch'"):
        table = confounding_table(samples[["batch"]], y)
    assert 0.7 <= table.loc["batch", "auroc"] < 0.8
    counts = contingency(y, samples["batch"])
    assert counts.loc["3"].tolist() == [4, 0] and counts.loc["1"].tolist() == [0, 11]


def test_covariate_proba_uses_training_shares_and_the_prior_for_unseen_levels():
    train = pd.Series(["a"] * 4 + ["b"] * 4)
    y = pd.Series([1, 1, 1, 0, 0, 0, 0, 1])
    proba = covariate_proba(train, y, pd.Series(["a", "b", "zzz"], index=["x", "y", "z"]))
    np.testing.assert_allclose(proba.loc["x"], [(1 + 0.5) / 5, (3 + 0.5) / 5])
    np.testing.assert_allclose(proba.loc["z"], [0.5, 0.5])
    continuous = covariate_proba(pd.Series(np.arange(20.0)), pd.Series([0] * 10 + [1] * 10),
                                 pd.Series([0.0, 19.0]))
    assert continuous.iloc[0, 1] < 0.1 < 0.9 < continuous.iloc[1, 1]


def test_bad_covariates_are_named():
    y, covariates = _design(confounded=False)
    with pytest.raises(DataFormatError, match=r"covariate 'batch': 1 of 80 ids have no group"):
        confounding_table(covariates.iloc[1:], y)
    holes = covariates.copy()
    holes.loc["s3", "batch"] = None
    with pytest.raises(DataFormatError, match=r"missing \(NaN\) group, e.g. \['s3'\]"):
        confounding_table(holes, y)
    with pytest.raises(DataFormatError, match="single class"):
        confounding_table(covariates, pd.Series("x", index=y.index))
