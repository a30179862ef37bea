"""MOGONET's recipe: its graphs, its fusion and a run end to end on small data."""

import numpy as np
import pandas as pd
import pytest
import torch

from graphgen.exceptions import DataFormatError
from graphgen.subtyping import mogonet
from graphgen.subtyping.mogonet import MogonetConfig, mogonet_proba


def test_graphs_follow_mogonet():
    torch.manual_seed(0)
    x = torch.rand(30, 8)
    threshold = mogonet._threshold(x, 3)
    distance = mogonet._cosine_distance(x, x)
    # adj_parameter * n entries of the distance matrix (diagonal included) lie below it
    assert int((distance <= threshold).sum()) == pytest.approx(3 * 30, abs=2)
    adj = mogonet._train_graph(x, threshold)
    assert torch.allclose(adj.sum(1), torch.ones(30))
    raw = adj * adj.sum(1, keepdim=True) - torch.eye(30) * 0  # undo the row scaling
    off = raw - torch.diag(torch.diag(raw))
    assert torch.equal(off > 0, (off > 0).T)  # symmetric pattern (the larger weight kept)
    test = mogonet._test_graph(x[:20], x[20:], threshold)
    assert torch.equal(test[:20, :20], torch.diag(torch.diag(test[:20, :20])))  # no tr-tr
    assert torch.allclose(test.sum(1), torch.ones(30))


def test_vcdn_outer_product_order():
    fusion = mogonet._Vcdn(3, 2)
    captured = {}
    fusion.mlp.register_forward_hook(lambda m, i, o: captured.setdefault("x", i[0]))
    logits = [torch.tensor([[0.0, 1.0]]), torch.tensor([[2.0, -1.0]]),
              torch.tensor([[0.5, 0.0]])]
    fusion(logits)
    p = [torch.sigmoid(z)[0] for z in logits]
    want = torch.einsum("i,j,k->ijk", *p).reshape(-1)
    assert torch.allclose(captured["x"][0], want)


def _cohort(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    ids = [f"s{i}" for i in range(n)]
    pattern = np.where(np.arange(12) < 6, 1.0, 0.0)
    signal = np.where(y[:, None] == 1, pattern, 1 - pattern)  # class = direction of the profile
    omics = {name: pd.DataFrame(rng.random((n, 12)) * 0.8 + signal * (k + 1) / 2, index=ids)
             for k, name in enumerate(("a", "b"))}
    return omics, pd.Series(y, index=ids)


def test_recipe_learns_and_is_reproducible():
    omics, labels = _cohort()
    train, test = labels.index[:40], labels.index[40:]
    config = MogonetConfig(pretrain_epochs=50, epochs=50, hidden=(16, 16, 8), lr=5e-3,
                           lr_pretrain=5e-3, lr_fusion=5e-3)
    args = ({n: t.loc[train] for n, t in omics.items()}, labels.loc[train],
            {n: t.loc[test] for n, t in omics.items()})
    proba = mogonet_proba(*args, config=config, seed=1)
    assert list(proba.index) == list(test) and np.allclose(proba.sum(1), 1)
    assert (proba.idxmax(axis=1).to_numpy() == labels.loc[test].to_numpy()).mean() >= 0.8
    again = mogonet_proba(*args, config=config, seed=1)
    assert np.allclose(proba, again)


def test_bad_inputs():
    omics, labels = _cohort()
    with pytest.raises(DataFormatError, match="two omics"):
        mogonet_proba({"a": omics["a"]}, labels, {"a": omics["a"]})
    with pytest.raises(DataFormatError, match="same samples"):
        mogonet_proba(omics, labels.iloc[::-1], omics)


def test_test_tables_are_read_by_feature_name_and_nan_is_refused():
    omics, labels = _cohort()
    train, test = labels.index[:40], labels.index[40:]
    config = MogonetConfig(pretrain_epochs=5, epochs=5, hidden=(8, 8, 4))
    train_omics = {n: t.loc[train] for n, t in omics.items()}
    test_omics = {n: t.loc[test] for n, t in omics.items()}
    proba = mogonet_proba(train_omics, labels.loc[train], test_omics, config=config)
    reversed_columns = {n: t[t.columns[::-1]] for n, t in test_omics.items()}
    again = mogonet_proba(train_omics, labels.loc[train], reversed_columns, config=config)
    np.testing.assert_allclose(proba.to_numpy(), again.to_numpy(), atol=1e-6)
    with pytest.raises(DataFormatError, match=r"test omics 'a' lacks 1 training features"):
        mogonet_proba(train_omics, labels.loc[train],
                      {**test_omics, "a": test_omics["a"].iloc[:, 1:]}, config=config)
    holes = {**train_omics, "b": train_omics["b"].copy()}
    holes["b"].iloc[3, 2] = np.nan
    with pytest.raises(DataFormatError, match="training omics 'b' has NaN values, e.g. sample "
                                              "'s3', feature 2"):
        mogonet_proba(holes, labels.loc[train], test_omics, config=config)
    missing = labels.loc[train].astype(float)
    missing.iloc[5] = np.nan
    with pytest.raises(DataFormatError, match="1 training labels are NaN, e.g. sample 's5'"):
        mogonet_proba(train_omics, missing, test_omics, config=config)
