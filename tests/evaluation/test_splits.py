import numpy as np
import pandas as pd
import pytest

from graphgen import ConfigError, DataFormatError, stratified_split


def _labels(n=200, rate=0.2, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series((rng.random(n) < rate).astype(int), index=[f"g{i}" for i in range(n)])


def test_parts_are_disjoint_complete_and_stratified():
    y = _labels()
    s = stratified_split(y, val_size=0.2, test_size=0.25, seed=1)
    parts = [set(s.train), set(s.val), set(s.test)]
    assert sum(map(len, parts)) == len(y) and set().union(*parts) == set(y.index)
    assert len(s.test) == 50 and len(s.val) == 40
    for part in (s.train, s.val, s.test):
        assert abs(y[part].mean() - y.mean()) < 0.03
    assert s.assignment().value_counts().to_dict() == {"train": 110, "test": 50, "val": 40}


def test_seeded_and_unlabelled_left_out():
    y = _labels().astype(float)
    y.iloc[:10] = np.nan
    a, b = stratified_split(y, seed=5), stratified_split(y, seed=5)
    assert a.test.equals(b.test) and a.val.equals(b.val)
    assert not set(y.index[:10]) & (set(a.train) | set(a.val) | set(a.test))
    assert not stratified_split(y, seed=6).test.equals(a.test)


def test_errors():
    with pytest.raises(DataFormatError, match="single class"):
        stratified_split(pd.Series([1] * 20))
    with pytest.raises(DataFormatError, match="class 1 has 2 gene"):
        stratified_split(pd.Series([0] * 20 + [1] * 2))
    with pytest.raises(ConfigError, match="val_size"):
        stratified_split(_labels(), val_size=0.0)
    with pytest.raises(ConfigError, match="must be < 1"):
        stratified_split(_labels(), val_size=0.5, test_size=0.5)
