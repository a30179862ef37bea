"""SubtypeClassifier as an estimator: save / load (every view predicts the same after a round
trip; damaged or foreign files refused) and trainer settings it cannot use said aloud."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

import graphgen
from graphgen import TrainerConfig
from graphgen.estimators import SubtypeClassifier
from graphgen.exceptions import DataFormatError, NotFittedError

QUICK = TrainerConfig(max_epochs=4, progress=False)


@pytest.fixture(scope="module")
def cohort():
    org = graphgen.make_organism(n_genes=80, n_samples=48, seed=1)
    omics = {"rna": org.expression, "meth": org.expression.iloc[:, :20] * 0.5 + 1.0}
    batch = pd.Series(np.arange(48) % 2, index=org.expression.index)
    return org, omics, org.samples["subtype"], batch


@pytest.mark.parametrize("settings", [
    {"view": "features"},
    {"view": "features", "head": "random_forest"},
    {"view": "features", "head": "mlp", "trainer": QUICK},
    {"view": "features", "batch_correction": "combat"},
    {"view": "propagation", "network": "ppi"},
    {"view": "patient-graph", "k": 5, "trainer": QUICK},
    {"view": "expression-graph", "network": "ppi", "trainer": QUICK},
    {"view": "expression-graph", "network": "coexpression", "trainer": QUICK},
    {"view": "auto", "candidates": ["logreg", "mlp"], "inner_folds": 2, "trainer": QUICK},
], ids=lambda s: "-".join(str(v) for v in s.values() if not isinstance(v, TrainerConfig)))
def test_round_trip_predicts_the_same(cohort, tmp_path, settings):
    org, omics, labels, batch = cohort
    settings = {**settings, **({"network": org.ppi} if settings.get("network") == "ppi" else {})}
    extra = {"batch": batch} if settings.get("batch_correction") else {}
    train, test = labels.index[:36], labels.index[36:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = SubtypeClassifier(**settings).fit({n: t.loc[train] for n, t in omics.items()},
                                                labels.loc[train],
                                                **{k: v.loc[train] for k, v in extra.items()})
    back = SubtypeClassifier.load(clf.save(tmp_path / "subtypes.pt"))
    new = {n: t.loc[test] for n, t in omics.items()}
    new_extra = {k: v.loc[test] for k, v in extra.items()}
    pd.testing.assert_frame_equal(back.predict_proba(new, **new_extra),
                                  clf.predict_proba(new, **new_extra))
    assert back.settings_ == clf.settings_ and back.classes_.tolist() == clf.classes_.tolist()
    assert (back.selection_ is None) == (clf.selection_ is None)
    assert repr(back) == repr(clf)


def test_save_before_fit_and_foreign_or_damaged_files(cohort, tmp_path):
    _, omics, labels, _ = cohort
    with pytest.raises(NotFittedError):
        SubtypeClassifier().save(tmp_path / "x.pt")
    torch.save({"format": "graphgen.GraphClassifier/1"}, tmp_path / "graph.pt")
    with pytest.raises(DataFormatError, match=r"not a SubtypeClassifier file \(format "
                                              r"graphgen.GraphClassifier/1\)"):
        SubtypeClassifier.load(tmp_path / "graph.pt")
    path = SubtypeClassifier("features").fit(omics, labels).save(tmp_path / "s.pt")
    payload = torch.load(path, weights_only=True)
    payload["labels"]["values"] = payload["labels"]["values"][:5]
    torch.save(payload, tmp_path / "bad.pt")
    with pytest.raises(DataFormatError, match="damaged SubtypeClassifier file"):
        SubtypeClassifier.load(tmp_path / "bad.pt")


def test_a_batch_size_the_view_cannot_use_is_said_not_dropped_silently(cohort):
    _, omics, labels, _ = cohort
    with pytest.warns(UserWarning, match=r"batch_size=16 applies to the expression-graph view "
                                         r"only; the patient-graph view trains on all"):
        SubtypeClassifier("patient-graph", k=5,
                          trainer=TrainerConfig(max_epochs=2, progress=False, batch_size=16)
                          ).fit(omics, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # its own default trainer: no warning
        SubtypeClassifier("features").fit(omics, labels)
