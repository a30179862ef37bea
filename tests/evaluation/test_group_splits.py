"""Group-aware splits: no group on two sides of any split, validation part included."""

import numpy as np
import pandas as pd
import pytest

from graphgen import DataFormatError
from graphgen.evaluation.splits import (
    check_groups,
    check_groups_apart,
    kfold_splits,
    leave_one_group_out,
    stratified_split,
    train_val_split,
)
from graphgen.split import Split


def _cohort(n=120, n_groups=12, seed=0):
    rng = np.random.default_rng(seed)
    ids = [f"s{i:03d}" for i in range(n)]
    y = pd.Series(rng.integers(0, 3, n), index=ids)
    groups = pd.Series(rng.integers(0, n_groups, n), index=ids).map(lambda g: f"batch{g}")
    return y, groups


def _assert_apart(split, groups):
    sides = [set(groups[list(ids)]) for ids in (split.train, split.val, split.test)]
    assert not sides[0] & sides[1] and not sides[0] & sides[2] and not sides[1] & sides[2]
    check_groups_apart(split, groups)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kfold_with_groups_keeps_every_group_on_one_side(seed):
    y, groups = _cohort(seed=seed)
    splits = kfold_splits(y, k=4, repeats=2, groups=groups, seed=seed)
    assert len(splits) == 8
    for split in splits:
        _assert_apart(split, groups)
        assert len(split.train) + len(split.val) + len(split.test) == len(y)
    tested = pd.concat([pd.Series(1, index=s.test) for s in splits[:4]])
    assert tested.index.sort_values().equals(y.index.sort_values())  # each id tested once
    # without groups, the same data puts most groups on both sides
    plain = kfold_splits(y, k=4, seed=seed)[0]
    with pytest.raises(DataFormatError, match="are in both"):
        check_groups_apart(plain, groups)


def test_stratified_and_train_val_split_with_groups():
    y, groups = _cohort()
    split = stratified_split(y, groups=groups, val_size=0.2, test_size=0.25, seed=3)
    _assert_apart(split, groups)
    assert 0.1 < len(split.test) / len(y) < 0.4
    final = train_val_split(y, groups=groups, val_size=0.25, seed=3)
    _assert_apart(final, groups)
    assert len(final.test) == 0 and len(final.train) > len(final.val) > 0
    again = stratified_split(y, groups=groups, val_size=0.2, test_size=0.25, seed=3)
    assert again.test.equals(split.test) and again.val.equals(split.val)


def test_leave_one_group_out_tests_each_group_once():
    y, groups = _cohort(n=60, n_groups=5)
    splits = leave_one_group_out(y, groups)
    assert [s.name for s in splits] == [f"group batch{g}" for g in range(5)]
    for split in splits:
        _assert_apart(split, groups)
        assert set(groups[list(split.test)]) == {split.name.removeprefix("group ")}
    assert sum(len(s.test) for s in splits) == len(y)


def test_groups_by_position_and_float_batches():
    y, groups = _cohort(n=30, n_groups=3)
    by_position = check_groups(groups.to_numpy(), y.index)
    assert by_position.equals(check_groups(groups, y.index))
    batches = check_groups(pd.Series([1.0, 2.0, 2.0]), [0, 1, 2])
    assert batches.tolist() == ["1", "2", "2"] and batches.index.tolist() == ["0", "1", "2"]


def test_bad_groups_are_named():
    y, groups = _cohort(n=30, n_groups=3)
    with pytest.raises(DataFormatError, match="29 groups for 30 ids"):
        kfold_splits(y, k=2, groups=groups.to_numpy()[:-1])
    with pytest.raises(DataFormatError, match=r"1 of 30 ids have no group, e.g. \['s000'\]"):
        kfold_splits(y, k=2, groups=groups.iloc[1:])
    with pytest.raises(DataFormatError, match=r"missing \(NaN\) group, e.g. \['s002'\]"):
        kfold_splits(y, k=2, groups=groups.where(groups.index != "s002"))
    with pytest.raises(DataFormatError, match="every id is in one group"):
        kfold_splits(y, k=2, groups=pd.Series("b1", index=y.index))
    with pytest.raises(DataFormatError, match="3 groups are fewer than k=5"):
        kfold_splits(y, k=5, groups=groups)
    with pytest.raises(DataFormatError, match="at least three"):
        leave_one_group_out(y, groups.where(groups != "batch2", "batch1"))
    with pytest.raises(DataFormatError, match="not a DataFrame"):
        check_groups(groups.to_frame(), y.index)


def test_check_groups_apart_names_group_and_parts():
    groups = pd.Series({"a": "x", "b": "y", "c": "y"})
    split = Split(pd.Index(["a", "b"]), pd.Index(["c"]), pd.Index([]), name="fold 1")
    with pytest.raises(DataFormatError, match=r"split 'fold 1': group\(s\) \['y'\] are in both "
                                               "train and val"):
        check_groups_apart(split, groups)
