"""The gene and sample splits pinned exactly: each against scikit-learn's splitters called by
hand (the reference they are documented to follow), every message matched whole."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, train_test_split

from graphgen.evaluation.splits import (
    Split,
    check_groups,
    check_groups_apart,
    kfold_splits,
    leave_one_group_out,
    splits_from_folds,
    stratification_key,
    stratified_split,
    train_val_split,
)
from graphgen.exceptions import ConfigError, DataFormatError


def _labels(n=60, seed=0, classes=(0, 1, 2)):
    rng = np.random.default_rng(seed)
    y = pd.Series(rng.choice(classes, n), index=pd.Index([f"g{i:03d}" for i in range(n)],
                                                         name="gene"))
    return y


def _sorted(ids):
    return pd.Index(np.sort(np.asarray(ids)))


def _whole(message):
    return "^" + re.escape(message) + "$"


def test_stratified_split_is_two_stratified_draws_of_scikit_learn():
    y = _labels()
    y.iloc[:4] = np.nan  # unlabelled genes are left out
    s = stratified_split(y, val_size=0.25, test_size=0.2, seed=3)
    lab = y.dropna()
    rest, test, rest_y, _ = train_test_split(lab.index.to_numpy(), lab.to_numpy(),
                                             test_size=0.2, stratify=lab.to_numpy(),
                                             random_state=3)
    train, val = train_test_split(rest, test_size=0.25 / 0.8, stratify=rest_y, random_state=3)
    assert s.test.equals(_sorted(test)) and s.val.equals(_sorted(val))
    assert s.train.equals(_sorted(train))
    assert s.train.name == s.val.name == s.test.name == "gene"
    assert (len(s.train), len(s.val), len(s.test)) == (30, 14, 12)


def test_stratified_split_by_groups_holds_out_one_group_fold_then_another():
    y = _labels(80)
    # 16 groups: 12 left after the test part, where 4 folds and 7 differ
    groups = pd.Series([f"b{i % 16}" for i in range(80)], index=y.index)
    s = stratified_split(y, val_size=0.2, test_size=0.25, seed=1, groups=groups)
    ids, key, grp = y.index.to_numpy(), y.to_numpy(), groups.to_numpy()
    rest, test = next(StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=1)
                      .split(np.zeros(80), key, grp))
    # 0.2 / 0.75 of the rest: round(1 / 0.2667) = 4 folds
    train, val = next(StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=1)
                      .split(np.zeros(len(rest)), key[rest], grp[rest]))
    assert s.test.equals(_sorted(ids[test]))
    assert s.val.equals(_sorted(ids[rest][val]))
    assert s.train.equals(_sorted(ids[rest][train]))
    assert s.train.name == s.val.name == s.test.name == "gene"
    check_groups_apart(s, check_groups(groups, y.index))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"val_size": 0.0}, "stratified_split: val_size must be in (0, 1), got 0.0"),
    ({"val_size": 1.0}, "stratified_split: val_size must be in (0, 1), got 1.0"),
    ({"test_size": 0.0}, "stratified_split: test_size must be in (0, 1), got 0.0"),
    ({"test_size": 1.0}, "stratified_split: test_size must be in (0, 1), got 1.0"),
    ({"val_size": 0.5, "test_size": 0.5}, "stratified_split: val_size + test_size must be < 1, "
                                          "got 1.0"),
])
def test_stratified_split_sizes_are_refused_whole(kwargs, message):
    with pytest.raises(ConfigError, match=_whole(message)):
        stratified_split(_labels(), **kwargs)


def test_stratified_split_accepts_sizes_just_inside_the_bounds():
    y = _labels(600, classes=(0, 1))
    s = stratified_split(y, val_size=0.01, test_size=0.98, seed=0)
    assert (len(s.train), len(s.val), len(s.test)) == (6, 6, 588)


def test_stratified_split_class_messages():
    with pytest.raises(DataFormatError, match=_whole(
            "stratified_split: labels hold a single class ([1]); a classifier needs at least "
            "two")):
        stratified_split(pd.Series([1] * 20))
    y = pd.Series(["a"] * 20 + ["b"] * 2 + ["c"] * 5)
    with pytest.raises(DataFormatError, match=_whole(
            "stratified_split: class 'b' has 2 gene(s); each class needs at least 3 to appear "
            "in train, validation and test")):
        stratified_split(y)
    three = pd.Series(["a"] * 20 + ["b"] * 3 + ["c"] * 5)
    assert len(stratified_split(three, val_size=0.3, test_size=0.3).test) > 0


def test_stratification_key_of_a_series_and_of_a_multilabel_table():
    y = pd.Series([1.0, np.nan, 0.0], index=list("abc"))
    assert stratification_key(y).to_dict() == {"a": 1.0, "c": 0.0}
    t = pd.DataFrame({"A": [1, 1, 1, 1, 0, 0, 1, np.nan],
                      "B": [1, 0, 0, 0, 0, 1, 0, np.nan],
                      "C": [0, 0, 0, 0, 0, 0, 1, np.nan]}, index=list("abcdefgh"))
    # frequencies A 5, B 2, C 1: the rarest positive label of each gene; h has no label
    assert stratification_key(t, min_count=1).to_dict() == {
        "a": "B", "b": "A", "c": "A", "d": "A", "e": "none", "f": "B", "g": "C"}
    # min_count=2: C and "none" (1 gene each) pooled as "rare" (2 genes)
    assert stratification_key(t, min_count=2).to_dict() == {
        "a": "B", "b": "A", "c": "A", "d": "A", "e": "rare", "f": "B", "g": "rare"}
    # a pool still too small joins the largest stratum
    t3 = pd.DataFrame({"A": [1, 1, 1, 0, 0, 0], "B": [0, 0, 0, 0, 0, 1]}, index=list("abcdef"))
    assert stratification_key(t3, min_count=2).to_dict() == {
        "a": "A", "b": "A", "c": "A", "d": "none", "e": "none", "f": "A"}
    # min_count=3: B (2), C (1) and "none" (1) pooled as "rare" (4 genes)
    assert stratification_key(t, min_count=3).to_dict() == {
        "a": "rare", "b": "A", "c": "A", "d": "A", "e": "rare", "f": "rare", "g": "rare"}
    # a value of 0.5 counts as positive (> 0), a negative one does not
    t2 = pd.DataFrame({"A": [0.5, -1.0, 0.0]}, index=list("xyz"))
    assert stratification_key(t2, min_count=1).to_dict() == {"x": "A", "y": "none", "z": "none"}
    # one stratum only: "rare" is kept (there is nothing to join)
    one = pd.DataFrame({"A": [1, 0]}, index=list("xy"))
    assert stratification_key(one, min_count=5).to_dict() == {"x": "rare", "y": "rare"}


def _kfold_reference(key, k, repeats, val_size, seed):
    ids, values = key.index.to_numpy(), key.to_numpy()
    out = []
    for r in range(repeats):
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed + r)
        for f, (rest, test) in enumerate(folds.split(ids, values)):
            _, counts = np.unique(values[rest], return_counts=True)
            train, val = train_test_split(
                ids[rest], test_size=val_size, random_state=seed + r,
                stratify=values[rest] if counts.min() >= 2 else None)
            out.append((f"repeat {r}, fold {f}", _sorted(train), _sorted(val), _sorted(ids[test])))
    return out


def test_kfold_splits_follow_stratified_kfold_with_a_seed_per_repeat():
    y = _labels(50)
    got = kfold_splits(y, k=4, repeats=2, val_size=0.3, seed=7)
    want = _kfold_reference(y, 4, 2, 0.3, 7)
    assert all(
        s.name == w[0] and s.train.equals(w[1]) and s.val.equals(w[2]) and s.test.equals(w[3])
        for s, w in zip(got, want, strict=True))
    assert len(got) == 8


def test_kfold_validation_is_unstratified_when_a_class_has_one_gene_left():
    # class 2 has exactly k = 2 genes: each fold's rest holds one of them
    y = pd.Series([0] * 10 + [1] * 10 + [2] * 2, index=[f"g{i:02d}" for i in range(22)])
    got = kfold_splits(y, k=2, val_size=0.25, seed=0)
    want = _kfold_reference(y, 2, 1, 0.25, 0)
    assert all(s.train.equals(w[1]) and s.val.equals(w[2]) and s.test.equals(w[3])
               for s, w in zip(got, want, strict=True))


def test_kfold_splits_with_groups_follow_stratified_group_kfold():
    y = _labels(60)
    groups = pd.Series([f"p{i // 3}" for i in range(60)], index=y.index)
    got = kfold_splits(y, k=3, val_size=0.25, seed=2, groups=groups)
    ids, key, grp = y.index.to_numpy(), y.to_numpy(), groups.to_numpy()
    folds = StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=2)
    for s, (rest, test) in zip(got, folds.split(ids, key, grp), strict=True):
        train, val = next(StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=2)
                          .split(np.zeros(len(rest)), key[rest], grp[rest]))
        assert s.test.equals(_sorted(ids[test]))
        assert s.val.equals(_sorted(ids[rest][val]))
        assert s.train.equals(_sorted(ids[rest][train]))
        check_groups_apart(s, check_groups(groups, ids))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"k": 1}, "kfold_splits: k must be an integer >= 2, got 1"),
    ({"k": 2.0}, "kfold_splits: k must be an integer >= 2, got 2.0"),
    ({"repeats": 0}, "kfold_splits: repeats must be an integer >= 1, got 0"),
    ({"repeats": 1.0}, "kfold_splits: repeats must be an integer >= 1, got 1.0"),
    ({"val_size": 0.0}, "kfold_splits: val_size must be in (0, 1), got 0.0"),
    ({"val_size": 1.0}, "kfold_splits: val_size must be in (0, 1), got 1.0"),
])
def test_kfold_settings_are_refused_whole(kwargs, message):
    with pytest.raises(ConfigError, match=_whole(message)):
        kfold_splits(_labels(), **kwargs)


def test_kfold_class_and_group_messages():
    with pytest.raises(DataFormatError, match=_whole(
            "kfold_splits: labels hold a single class ([1]); a classifier needs at least two")):
        kfold_splits(pd.Series([1] * 10, index=[f"g{i}" for i in range(10)]))
    y = pd.Series(["a"] * 10 + ["b"] * 4, index=[f"g{i}" for i in range(14)])
    with pytest.raises(DataFormatError, match=_whole(
            "kfold_splits: class 'b' has 4 gene(s), fewer than k=5 folds")):
        kfold_splits(y, k=5)
    assert len(kfold_splits(y, k=4)) == 4  # exactly k genes is enough
    groups = pd.Series([i % 3 for i in range(14)], index=y.index)
    with pytest.raises(DataFormatError, match=_whole(
            "kfold_splits: 3 groups are fewer than k=4 folds; lower k or use "
            "leave_one_group_out")):
        kfold_splits(y, k=4, groups=groups)
    assert len(kfold_splits(y, k=3, groups=groups)) == 3  # exactly k groups is enough


def test_splits_from_folds_use_each_repeat_column_and_skip_unlabelled_genes():
    y = _labels(40, classes=(0, 1))
    rng = np.random.default_rng(0)
    folds = pd.DataFrame({"r0": rng.integers(0, 3, 42).astype(float),
                          "r1": rng.integers(0, 2, 42).astype(float)},
                         index=list(y.index) + ["unlabelled1", "unlabelled2"])
    folds.loc["g000", "r1"] = np.nan  # not in repeat r1
    got = splits_from_folds(folds, y, val_size=0.3, seed=4)
    assert [s.name for s in got] == ["r0, fold 0", "r0, fold 1", "r0, fold 2",
                                     "r1, fold 0", "r1, fold 1"]
    for s in got:
        column, fold = s.name.split(", fold ")
        assigned = folds.loc[y.index, column].dropna()
        test = assigned.index[assigned == int(fold)]
        rest = assigned.index[assigned != int(fold)]
        train, val = train_test_split(rest.to_numpy(), test_size=0.3, random_state=4,
                                      stratify=y.loc[rest].to_numpy())
        assert s.test.equals(_sorted(test))
        assert s.train.equals(_sorted(train)) and s.val.equals(_sorted(val))
    assert "g000" not in set(got[3].train) | set(got[3].val) | set(got[3].test)


def test_splits_from_folds_refuse_a_fold_without_training_genes():
    y = _labels(10, classes=(0, 1))
    with pytest.raises(DataFormatError, match=_whole(
            "fold table: rep fold 1.0 leaves no training genes")):
        splits_from_folds(pd.DataFrame({"rep": [1.0] * 10}, index=y.index), y)


def test_defaults_are_the_documented_ones():
    y = _labels(60)
    pairs = [(stratified_split(y), stratified_split(y, val_size=0.2, test_size=0.2, seed=0)),
             (train_val_split(y), train_val_split(y, val_size=0.2, seed=0))]
    groups = pd.Series([f"p{i % 6}" for i in range(60)], index=y.index)
    pairs += list(zip(leave_one_group_out(y, groups),
                      leave_one_group_out(y, groups, val_size=0.2, seed=0), strict=True))
    # at val_size 0.4 the seed changes the validation groups (at 0.2 each fold is one group)
    pairs += list(zip(leave_one_group_out(y, groups, val_size=0.4),
                      leave_one_group_out(y, groups, val_size=0.4, seed=0), strict=True))
    pairs += list(zip(kfold_splits(y), kfold_splits(y, k=5, repeats=1, val_size=0.2, seed=0),
                      strict=True))
    folds = pd.DataFrame({"r": [i % 3 for i in range(60)]}, index=y.index)
    pairs += list(zip(splits_from_folds(folds, y),
                      splits_from_folds(folds, y, val_size=0.2, seed=0), strict=True))
    for a, b in pairs:
        assert a.train.equals(b.train) and a.val.equals(b.val) and a.test.equals(b.test)
    assert len(kfold_splits(y)) == 5
    t = pd.DataFrame({"A": [1] * 8 + [0] * 4, "B": [0] * 9 + [1] * 3}, index=list("abcdefghijkl"))
    assert stratification_key(t).equals(stratification_key(t, min_count=3))
    assert stratification_key(t).equals(stratification_key(t, min_count=3))
    assert (stratification_key(t) == stratification_key(t, min_count=4)).sum() < 12


@pytest.mark.filterwarnings("ignore:The least populated class")  # the reference's folds
def test_a_multilabel_table_is_stratified_with_each_function_own_pooling():
    rng = np.random.default_rng(3)
    t = pd.DataFrame((rng.random((60, 4)) < [0.6, 0.2, 0.05, 0.04]).astype(int),
                     index=[f"g{i:02d}" for i in range(60)], columns=list("ABCD"))
    for min_count, split in ((2, lambda: train_val_split(t, val_size=0.3, seed=1)),):
        key = stratification_key(t, min_count=min_count)
        train, val = train_test_split(key.index.to_numpy(), test_size=0.3, random_state=1,
                                      stratify=key.to_numpy())
        s = split()
        assert s.train.equals(_sorted(train)) and s.val.equals(_sorted(val))
    # k-fold pools strata smaller than k: a stratum of 4 genes is "rare" at k = 5
    t5 = pd.DataFrame({"A": [1] * 20 + [0] * 8, "B": [0] * 20 + [1] * 4 + [0] * 4},
                      index=[f"g{i:02d}" for i in range(28)])
    assert stratification_key(t5, min_count=5).value_counts().to_dict() == {"A": 20,
                                                                             "rare": 8}
    assert len(kfold_splits(t5, k=5)) == 5
    # splits_from_folds and leave_one_group_out stratify on every stratum (min_count 1)
    key = stratification_key(t, min_count=1)
    folds = pd.DataFrame({"r": [i % 3 for i in range(60)]}, index=t.index)
    for s in splits_from_folds(folds, t, val_size=0.3, seed=2):
        rest = folds.index[folds["r"] != int(s.name.rsplit(" ", 1)[1])]
        _, counts = np.unique(key[rest], return_counts=True)
        train, val = train_test_split(rest.to_numpy(), test_size=0.3, random_state=2,
                                      stratify=key[rest].to_numpy() if counts.min() >= 2
                                      else None)
        assert s.train.equals(_sorted(train)) and s.val.equals(_sorted(val))
    groups = pd.Series([f"p{i % 5}" for i in range(60)], index=t.index)
    ids, grp = t.index.to_numpy(), groups.to_numpy()
    for s in leave_one_group_out(t, groups, val_size=0.3, seed=2):
        test = grp == s.name.removeprefix("group ")
        train, val = next(StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=2).split(
            np.zeros(int((~test).sum())), key.to_numpy()[~test], grp[~test]))
        assert s.val.equals(_sorted(ids[~test][val]))


def test_a_nullable_multilabel_table_reads_missing_as_negative():
    t = pd.DataFrame({"A": pd.array([1, 1, 1, 0, pd.NA, 1], dtype="Int64"),
                      "B": pd.array([0, 0, 1, 1, 1, pd.NA], dtype="Int64")},
                     index=list("abcdef"))
    assert stratification_key(t, min_count=1).to_dict() == {
        "a": "A", "b": "A", "c": "B", "d": "B", "e": "B", "f": "A"}


def test_a_rare_pool_with_one_other_stratum_joins_it():
    t = pd.DataFrame({"A": [1, 1, 1, 1, 0], "B": [0, 0, 0, 0, 1]}, index=list("abcde"))
    assert stratification_key(t, min_count=2).to_dict() == {
        "a": "A", "b": "A", "c": "A", "d": "A", "e": "A"}


def test_train_val_split_is_one_stratified_draw():
    y = _labels(40)
    s = train_val_split(y, val_size=0.3, seed=5)
    train, val = train_test_split(y.index.to_numpy(), test_size=0.3, random_state=5,
                                  stratify=y.to_numpy())
    assert s.train.equals(_sorted(train)) and s.val.equals(_sorted(val))
    assert len(s.test) == 0 and s.name == "train/val"


def test_train_val_split_by_groups():
    y = _labels(40)
    groups = pd.Series([f"p{i % 8}" for i in range(40)], index=y.index)
    s = train_val_split(y, val_size=0.25, seed=5, groups=groups)
    ids, key, grp = y.index.to_numpy(), y.to_numpy(), groups.to_numpy()
    train, val = next(StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=5)
                      .split(np.zeros(40), key, grp))
    assert s.train.equals(_sorted(ids[train])) and s.val.equals(_sorted(ids[val]))
    assert len(s.test) == 0 and s.name == "train/val"


def test_train_val_split_messages():
    for bad in (0.0, 1.0):
        with pytest.raises(ConfigError, match=_whole(
                f"train_val_split: val_size must be in (0, 1), got {bad}")):
            train_val_split(_labels(), val_size=bad)
    with pytest.raises(DataFormatError, match=_whole(
            "labels hold a single class ([0]); a classifier needs at least two")):
        train_val_split(pd.Series([0] * 6, index=list("abcdef")))
    y = pd.Series(["a"] * 6 + ["b"], index=list("abcdefg"))
    with pytest.raises(DataFormatError, match=_whole(
            "train_val_split: class 'b' has a single labelled gene; each class needs at least "
            "two (one to train on, one to validate with)")):
        train_val_split(y)
    # 5 genes, 2 classes: ceil(0.2 * 5) = 1 validation gene cannot hold both classes
    y = pd.Series(["a"] * 3 + ["b"] * 2, index=list("abcde"))
    with pytest.raises(DataFormatError, match=_whole(
            "train_val_split: 5 labelled genes are too few for a stratified validation part "
            "of val_size=0.2 with 2 classes (each part needs every class); label more genes "
            "or change val_size")):
        train_val_split(y)
    # ... nor can 1 training gene at val_size=0.8
    with pytest.raises(DataFormatError, match="5 labelled genes are too few"):
        train_val_split(y, val_size=0.8)
    # 2 of 5 in each part is just enough, either way round
    for val_size, sizes in ((0.4, (3, 2)), (0.6, (2, 3))):
        s = train_val_split(y, val_size=val_size)
        assert (len(s.train), len(s.val)) == sizes
        assert set(y[s.val]) == set(y[s.train]) == {"a", "b"}


def test_train_val_split_of_a_multilabel_table_needs_no_second_class():
    t = pd.DataFrame({"A": [1, 1, 1, 1, 1, 1]}, index=list("abcdef"))
    s = train_val_split(t, val_size=0.5, seed=0)
    assert len(s.train) == len(s.val) == 3


def test_leave_one_group_out_reference_and_messages():
    y = _labels(36)
    groups = pd.Series([f"site{i % 4}" for i in range(36)], index=y.index)
    got = leave_one_group_out(y, groups, val_size=0.4, seed=3)
    assert [s.name for s in got] == ["group site0", "group site1", "group site2", "group site3"]
    ids, key, grp = y.index.to_numpy(), y.to_numpy(), groups.to_numpy()
    for s in got:
        test = grp == s.name.removeprefix("group ")
        # round(1 / 0.4) = 2 folds over the 3 groups left
        train, val = next(StratifiedGroupKFold(n_splits=2, shuffle=True, random_state=3)
                          .split(np.zeros(int((~test).sum())), key[~test], grp[~test]))
        assert s.test.equals(_sorted(ids[test]))
        assert s.train.equals(_sorted(ids[~test][train]))
        assert s.val.equals(_sorted(ids[~test][val]))
    for bad in (0.0, 1.0):
        with pytest.raises(ConfigError, match=_whole(
                f"leave_one_group_out: val_size must be in (0, 1), got {bad}")):
            leave_one_group_out(y, groups, val_size=bad)
    three = pd.Series([i % 3 for i in range(36)], index=y.index)
    assert [s.name for s in leave_one_group_out(y, three)] == ["group 0", "group 1", "group 2"]
    two = pd.Series([i % 2 for i in range(36)], index=y.index)
    with pytest.raises(DataFormatError, match=_whole(
            "leave_one_group_out: 2 groups (['0', '1']); it needs at least three (one to test, "
            "one to train, one to validate on)")):
        leave_one_group_out(y, two)


def test_a_single_group_left_for_validation_is_named():
    y = pd.Series([0, 1] * 6, index=[f"s{i}" for i in range(12)])
    # the test part takes group B whole: one id of group A is left to train and validate
    groups = pd.Series(["A"] + ["B"] * 11, index=y.index)
    with pytest.raises(DataFormatError, match=_whole(
            "stratified_split (validation part): the ids left hold a single group ('A'); "
            "holding out whole groups needs at least two (give more groups or fewer folds)")):
        stratified_split(y, val_size=0.2, test_size=0.2, groups=groups)
    # two groups, two folds: each fold's rest is one group
    two = pd.Series(["A"] * 6 + ["B"] * 6, index=y.index)
    with pytest.raises(DataFormatError, match=r"^validation part: the ids left hold a single "
                                              r"group \('[AB]'\); holding out"):
        kfold_splits(y, k=2, groups=two)


def test_a_class_rarer_than_the_group_folds_does_not_warn():
    y = pd.Series([0] * 30 + [1] * 2, index=[f"s{i:02d}" for i in range(32)])
    y.iloc[[5, 20]] = 1
    groups = pd.Series([f"p{i % 8}" for i in range(32)], index=y.index)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = stratified_split(y, val_size=0.2, test_size=0.2, groups=groups)
    assert len(s.test) and len(s.val)


def test_check_groups_reads_series_and_sequences():
    ids = ["c", "a", "b"]
    got = check_groups(pd.Series({"a": 1.0, "b": 2.5, "c": 1.0, "extra": 9}), ids)
    assert got.tolist() == ["1", "1", "2.5"] and got.index.tolist() == ids
    assert got.name == "group"
    by_position = check_groups(np.array(["x", "y", "x"]), [1, 2, 3])
    assert by_position.to_dict() == {"1": "x", "2": "y", "3": "x"}
    assert check_groups(pd.Series({1: "x", 2: "y"}), ["1", "2"]).tolist() == ["x", "y"]
    assert check_groups(["x", "x"], ["a", "b"], min_groups=1).tolist() == ["x", "x"]
    # a sequence is read as given: True is not the integer 1
    assert check_groups([True, 2, 3], ["a", "b", "c"]).tolist() == ["True", "2", "3"]


def test_check_groups_messages():
    ids = ["a", "b", "c"]
    with pytest.raises(DataFormatError, match=_whole(
            "batch: give one group per id as a Series (or a sequence), not a DataFrame with "
            "columns ['g', 'h']")):
        check_groups(pd.DataFrame({"g": [1, 2, 3], "h": [1, 2, 3]}, index=ids), ids,
                     what="batch")
    with pytest.raises(DataFormatError, match=_whole("groups: ids ['a'] appear more than once")):
        check_groups(pd.Series([1, 2, 3, 4], index=["a", "a", "b", "c"]), ids)
    with pytest.raises(DataFormatError, match=_whole(
            "groups: 1 of 3 ids have no group, e.g. ['c'] (the groups' index must hold every "
            "sample or gene id that is split)")):
        check_groups(pd.Series({"a": 1, "b": 2}), ids)
    with pytest.raises(DataFormatError, match=_whole(
            "groups: 2 groups for 3 ids; give one group per id (a Series indexed by id is "
            "safest)")):
        check_groups([1, 2], ids)
    with pytest.raises(DataFormatError, match=_whole(
            "groups: (3, 1) groups for 3 ids; give one group per id (a Series indexed by id "
            "is safest)")):
        check_groups(np.ones((3, 1)), ids)
    with pytest.raises(DataFormatError, match=_whole(
            "groups: 1 ids have a missing (NaN) group, e.g. ['b']; give every id a group (an "
            "'unknown' group of its own if need be)")):
        check_groups([1, np.nan, 2], ids)
    with pytest.raises(DataFormatError, match=_whole(
            "groups: every id is in one group ('7'); group-aware splits need at least two "
            "groups")):
        check_groups([7, 7, 7], ids)
    with pytest.raises(DataFormatError, match=r"every id is in one group \('7'\)"):
        check_groups([7], ["a"])


def test_long_lists_in_messages_show_five_in_the_given_order():
    ids = [f"z{i}" for i in range(9, 0, -1)]  # z9 ... z1: not sorted
    with pytest.raises(DataFormatError, match=re.escape(
            "columns ['a', 'b', 'c', 'd', 'e']")):
        check_groups(pd.DataFrame({c: [1] for c in "abcdefg"}), ["x"])
    repeated = pd.Series(range(14), index=ids[:7] + ids[:7])
    with pytest.raises(DataFormatError, match=re.escape(
            "ids ['z9', 'z8', 'z7', 'z6', 'z5'] appear more than once")):
        check_groups(repeated, ids)
    with pytest.raises(DataFormatError, match=re.escape(
            "groups: 8 of 9 ids have no group, e.g. ['z8', 'z7', 'z6', 'z5', 'z4'] (")):
        check_groups(pd.Series({"z9": 1}), ids)
    with pytest.raises(DataFormatError, match=re.escape(
            "groups: 7 ids have a missing (NaN) group, e.g. ['z9', 'z8', 'z7', 'z6', 'z5'];")):
        check_groups([np.nan] * 7 + [1, 2], ids)
    groups = pd.Series({f"{g}{i}": g for g in "uvwxyz" for i in range(2)})
    split = Split(pd.Index([f"{g}0" for g in "uvwxyz"]), pd.Index([]),
                  pd.Index([f"{g}1" for g in "uvwxyz"]))
    with pytest.raises(DataFormatError, match=_whole(
            "split 'split': group(s) ['u', 'v', 'w', 'x', 'y'] are in both train and test")):
        check_groups_apart(split, groups)


def test_check_groups_apart_checks_every_pair_of_parts():
    groups = pd.Series({"a": "x", "b": "y", "c": "z", "d": "x"})
    idx = pd.Index
    check_groups_apart(Split(idx(["a", "d"]), idx(["b"]), idx(["c", "unknown"])), groups)
    for parts, names in (((["a"], ["d"], []), "train and val"),
                         ((["a"], [], ["d"]), "train and test"),
                         (([], ["a"], ["d"]), "val and test")):
        with pytest.raises(DataFormatError, match=_whole(
                f"split 'split': group(s) ['x'] are in both {names}")):
            check_groups_apart(Split(*(idx(p) for p in parts)), groups)


def test_each_function_pools_rare_strata_at_its_own_count(monkeypatch):
    from graphgen.evaluation import splits

    counts = []
    real = splits.stratification_key

    def spy(labels, *, min_count=3):
        counts.append(min_count)
        return real(labels, min_count=min_count)

    monkeypatch.setattr(splits, "stratification_key", spy)
    y = _labels(40)
    groups = pd.Series([f"p{i % 5}" for i in range(40)], index=y.index)
    folds = pd.DataFrame({"r": [i % 2 for i in range(40)]}, index=y.index)
    calls = {"kfold_splits k=4": lambda: kfold_splits(y, k=4),
             "splits_from_folds": lambda: splits_from_folds(folds, y),
             "train_val_split": lambda: train_val_split(y),
             "leave_one_group_out": lambda: leave_one_group_out(y, groups)}
    seen = {}
    for name, call in calls.items():
        counts.clear()
        call()
        seen[name] = counts[0]
    # every stratum of the given folds counts; validation needs two of each; folds need k
    assert seen == {"kfold_splits k=4": 4, "splits_from_folds": 1, "train_val_split": 2,
                    "leave_one_group_out": 1}
