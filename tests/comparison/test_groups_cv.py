"""Gene tasks with groups (gene families): splits keep families apart, covariate-only rows."""

import warnings

import numpy as np
import pandas as pd
import pytest

from graphgen import DataFormatError, TrainerConfig
from graphgen.comparison import cross_validate
from graphgen.datasets.synthetic import make_organism
from graphgen.evaluation import kfold_splits
from graphgen.evaluation.confounding import ConfoundingWarning
from graphgen.evaluation.splits import leave_one_group_out
from graphgen.features import stack_blocks

FAST = TrainerConfig(max_epochs=5, progress=False)


@pytest.fixture(scope="module")
def organism():
    org = make_organism(n_genes=300, n_samples=5, seed=0)
    return org, stack_blocks(org.ppi, {"attributes": org.features})


def _families(labels, confounded, seed=0):
    rng = np.random.default_rng(seed)
    if confounded:  # families mostly of one class, as paralogues of disease genes are
        family = np.where(labels == 1, rng.choice(["f0", "f1", "f2"], len(labels)),
                          rng.choice(["f3", "f4", "f5", "f6"], len(labels)))
    else:
        family = rng.choice([f"f{i}" for i in range(7)], len(labels))
    return pd.Series(family, index=labels.index)


def test_family_splits_and_rows(organism):
    org, data = organism
    labels = org.labels
    family = _families(labels, confounded=True)
    with pytest.raises(DataFormatError, match="are in both"):
        cross_validate(data, labels, kfold_splits(labels, k=3), {"logreg": {}}, trainer=FAST,
                       groups=family)
    with pytest.warns(ConfoundingWarning, match="'group' alone predicts"):
        random = cross_validate(data, labels, kfold_splits(labels, k=3),
                                {"logreg": {}}, trainer=FAST, covariates=family.to_frame("group"))
    assert random.confounding.loc["group", "confounded"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfoundingWarning)
        grouped = cross_validate(data, labels, leave_one_group_out(labels, family),
                                 {"logreg": {}}, trainer=FAST, groups=family)
    assert [r.name for r in grouped.results[:2]] == ["logreg", "group only"]
    random_auroc = random.summary().loc["group only", "auroc_mean"]
    assert random_auroc > 0.95  # a family seen in training gives the label away
    # left-out families say nothing: every test gene gets the training prior
    assert grouped.out_of_fold["group only"].groupby(family).nunique().max() == 1
    assert set(grouped.out_of_fold) == {"logreg", "group only"}


def test_balanced_families_are_silent(organism):
    org, data = organism
    family = _families(org.labels, confounded=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfoundingWarning)
        cv = cross_validate(data, org.labels, kfold_splits(org.labels, k=3, groups=family),
                            {"logreg": {}}, trainer=FAST, groups=family)
    assert not cv.confounding["confounded"].any()
    assert cv.summary().loc["group only", "auroc_mean"] < 0.65
