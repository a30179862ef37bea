"""Stratified train/validation/test splits of labelled genes or samples.

Every function takes ``groups=`` (batch, patient, site, gene family: one group per id). With
groups, whole groups are assigned to one part (scikit-learn's ``StratifiedGroupKFold`` keeps
the class shares as close as whole groups allow), so no group is ever on two sides of a
split, the validation part included; :func:`leave_one_group_out` tests each group once.
:func:`check_groups` is the one door for a groups argument and :func:`check_groups_apart`
the one check that a given split keeps them apart.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, train_test_split

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.scalars import plain
from graphgen.split import Split

__all__ = ["Split", "check_groups", "check_groups_apart", "kfold_splits",
           "leave_one_group_out", "splits_from_folds", "stratification_key",
           "stratified_split", "train_val_split"]


def check_groups(groups: pd.Series | Sequence | np.ndarray, ids: pd.Index | Sequence, *,
                 what: str = "groups", min_groups: int = 2) -> pd.Series:
    """The group of every id, checked: the one door for a ``groups=`` argument.

    Args:
        groups: a Series indexed by id (every id of ``ids`` must be in its index; extra ids
            are ignored), or a sequence of the same length as ``ids`` in their order.
        ids: the ids that are split (labelled genes or samples).
        what: how the message names the argument.
        min_groups: fewest distinct groups allowed (2 for splitting; 1 where a fitted step
            is applied to the samples of one batch).

    Returns:
        A Series of group names (strings) indexed by ``ids`` as strings.

    Raises:
        DataFormatError: a sequence of another length, ids missing from the Series, NaN
            groups (the ids are named), or a single group.

    Example:
        >>> check_groups(pd.Series({"a": 1, "b": 2, "c": 1}), ["c", "a", "b"]).tolist()
        ['1', '1', '2']
    """
    index = pd.Index([str(i) for i in ids])
    if isinstance(groups, pd.DataFrame):
        raise DataFormatError(f"{what}: give one group per id as a Series (or a sequence), "
                              f"not a DataFrame with columns {list(groups.columns)[:5]}")
    if isinstance(groups, pd.Series):
        series = groups.copy()
        series.index = pd.Index([str(i) for i in series.index])
        if series.index.has_duplicates:
            repeated = series.index[series.index.duplicated()].unique()[:5].tolist()
            raise DataFormatError(f"{what}: ids {repeated} appear more than once")
        missing = index.difference(series.index, sort=False)
        if len(missing):
            raise DataFormatError(f"{what}: {len(missing)} of {len(index)} ids have no group, "
                                  f"e.g. {missing[:5].tolist()} (the groups' index must hold "
                                  "every sample or gene id that is split)")
        series = series.loc[index]
    else:
        values = np.asarray(groups, dtype=object)
        if values.ndim != 1 or len(values) != len(index):
            raise DataFormatError(f"{what}: {len(values) if values.ndim == 1 else values.shape} "
                                  f"groups for {len(index)} ids; give one group per id (a "
                                  "Series indexed by id is safest)")
        series = pd.Series(values, index=index)
    absent = series.isna()
    if absent.any():
        raise DataFormatError(f"{what}: {int(absent.sum())} ids have a missing (NaN) group, "
                              f"e.g. {series.index[absent][:5].tolist()}; give every id a group "
                              "(an 'unknown' group of its own if need be)")
    series = series.map(_group_name)
    if series.nunique() < min_groups:
        raise DataFormatError(f"{what}: every id is in one group ({series.iloc[0]!r}); "
                              "group-aware splits need at least two groups")
    return series.rename("group")


def _group_name(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # batches read as 1.0, 2.0 ... are batches 1, 2
    return str(value)


def check_groups_apart(split: Split, groups: pd.Series) -> None:
    """Raise if a group has ids in two parts of ``split`` (train, val, test).

    Args:
        split: the split to check.
        groups: group per id (:func:`check_groups`); ids of the split outside it are ignored.

    Raises:
        DataFormatError: naming the first groups found on two sides and the parts.

    Example:
        >>> g = pd.Series({"a": "x", "b": "x", "c": "y"})
        >>> check_groups_apart(Split(pd.Index(["a"]), pd.Index([]), pd.Index(["b", "c"])), g)
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graphgen.exceptions.DataFormatError: split 'split': group(s) ['x'] are in both train ...
    """
    parts = {name: set(groups.reindex(pd.Index([str(i) for i in ids])).dropna())
             for name, ids in (("train", split.train), ("val", split.val), ("test", split.test))}
    names = list(parts)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            shared = sorted(parts[first] & parts[second])
            if shared:
                raise DataFormatError(f"split {split.name!r}: group(s) {shared[:5]} are in both "
                                      f"{first} and {second}")


def stratified_split(
    labels: pd.Series, *, val_size: float = 0.2, test_size: float = 0.2, seed: int = 0,
    groups: pd.Series | Sequence | None = None,
) -> Split:
    """Split labelled genes into train/val/test with the class shares kept in each part.

    Args:
        labels: class label per gene id (NaN = unlabelled, left out).
        val_size: share of labelled genes for validation.
        test_size: share of labelled genes for testing.
        seed: seed of the shuffle.
        groups: group per id (:func:`check_groups`): whole groups go to one part, the class
            shares kept as close as whole groups allow (sizes are then approximate).

    Returns:
        A :class:`Split` of gene ids.

    Raises:
        ConfigError: sizes outside (0, 1) or summing to >= 1.
        DataFormatError: fewer than two classes, or a class too small to appear in every part.

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"g{i}" for i in range(20)])
        >>> s = stratified_split(y, val_size=0.2, test_size=0.2, seed=0)
        >>> len(s.train), len(s.val), len(s.test)
        (12, 4, 4)
    """
    for name, value in (("val_size", val_size), ("test_size", test_size)):
        if not 0.0 < value < 1.0:
            raise ConfigError(f"stratified_split: {name} must be in (0, 1), got {value!r}")
    if val_size + test_size >= 1.0:
        raise ConfigError(
            f"stratified_split: val_size + test_size must be < 1, got {val_size + test_size}"
        )
    labelled = labels.dropna()
    counts = labelled.value_counts()
    if len(counts) < 2:
        raise DataFormatError(
            f"stratified_split: labels hold a single class ({counts.index.tolist()}); "
            "a classifier needs at least two"
        )
    smallest = counts.index[counts.argmin()]
    smallest = plain(smallest)
    if counts.min() < 3:
        raise DataFormatError(
            f"stratified_split: class {smallest!r} has {counts.min()} gene(s); each class needs "
            "at least 3 to appear in train, validation and test"
        )
    ids = labelled.index.to_numpy()
    y = labelled.to_numpy()
    if groups is not None:
        group = check_groups(groups, ids).to_numpy()
        rest, test = _group_fold(y, group, test_size, seed, "stratified_split")
        train, val = _group_fold(y[rest], group[rest], val_size / (1.0 - test_size), seed,
                                 "stratified_split (validation part)")
        return Split(train=pd.Index(np.sort(ids[rest][train]), name=labels.index.name),
                     val=pd.Index(np.sort(ids[rest][val]), name=labels.index.name),
                     test=pd.Index(np.sort(ids[test]), name=labels.index.name))
    rest_ids, test_ids, rest_y, _ = train_test_split(
        ids, y, test_size=test_size, stratify=y, random_state=seed
    )
    train_ids, val_ids = train_test_split(
        rest_ids, test_size=val_size / (1.0 - test_size), stratify=rest_y, random_state=seed
    )
    return Split(
        train=pd.Index(np.sort(train_ids), name=labels.index.name),
        val=pd.Index(np.sort(val_ids), name=labels.index.name),
        test=pd.Index(np.sort(test_ids), name=labels.index.name),
    )


def stratification_key(labels: pd.Series | pd.DataFrame, *, min_count: int = 3) -> pd.Series:
    """A single class per gene to stratify on.

    For a Series, the labels themselves. For a multi-label genes x labels 0/1 table, each
    gene's rarest positive label (``"none"`` when it has none), a common approximation of
    multi-label stratification; keys with fewer than ``min_count`` genes are pooled as
    ``"rare"``.

    Example:
        >>> t = pd.DataFrame({"A": [1, 1, 1, 1, 0], "B": [1, 0, 0, 0, 0]}, index=list("abcde"))
        >>> stratification_key(t, min_count=1).tolist()
        ['B', 'A', 'A', 'A', 'none']
    """
    if isinstance(labels, pd.Series):
        return labels.dropna()
    table = labels.dropna(how="all")
    values = table.to_numpy(dtype=np.float64) > 0
    frequency = values.sum(axis=0)
    rank = np.where(values, frequency[None, :], np.inf)
    rarest = np.argmin(rank, axis=1)
    key = np.where(values.any(axis=1), np.asarray(table.columns, dtype=object)[rarest], "none")
    key = pd.Series(key.astype(str), index=table.index)
    counts = key.value_counts()
    small = counts.index[counts < min_count]
    key = key.where(~key.isin(small), "rare")
    counts = key.value_counts()
    if counts.get("rare", min_count) < min_count and len(counts) > 1:
        # too few even when pooled: join the largest stratum
        key = key.replace("rare", counts.drop("rare").idxmax())
    return key


def kfold_splits(
    labels: pd.Series | pd.DataFrame,
    *,
    k: int = 5,
    repeats: int = 1,
    val_size: float = 0.2,
    seed: int = 0,
    groups: pd.Series | Sequence | None = None,
) -> list[Split]:
    """Stratified k-fold cross-validation, optionally repeated with new shuffles.

    Each fold is the test part once; the other genes are split into training and validation
    (``val_size`` of them, stratified) for early stopping.

    Args:
        labels: class per gene (Series) or genes x labels 0/1 table (multi-label,
            stratified by :func:`stratification_key`).
        k: number of folds (>= 2).
        repeats: how many times to repeat with another shuffle (seed ``seed + r``).
        val_size: share of the non-test genes used for validation.
        seed: seed of the first shuffle.
        groups: group per id (:func:`check_groups`): stratified *group* k-fold, whole groups
            in one fold and the validation part carved by whole groups too (needs at least
            ``k`` groups).

    Returns:
        ``k * repeats`` :class:`Split` objects named ``"repeat r, fold f"``.

    Raises:
        ConfigError: ``k < 2``, ``repeats < 1`` or ``val_size`` outside (0, 1).
        DataFormatError: a single class, a class with fewer genes than folds, fewer groups
            than folds, or bad groups (:func:`check_groups`).

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"g{i}" for i in range(20)])
        >>> folds = kfold_splits(y, k=5)
        >>> len(folds), len(folds[0].test), len(folds[0].train) + len(folds[0].val)
        (5, 4, 16)
    """
    if not isinstance(k, int) or k < 2:
        raise ConfigError(f"kfold_splits: k must be an integer >= 2, got {k!r}")
    if not isinstance(repeats, int) or repeats < 1:
        raise ConfigError(f"kfold_splits: repeats must be an integer >= 1, got {repeats!r}")
    if not 0.0 < val_size < 1.0:
        raise ConfigError(f"kfold_splits: val_size must be in (0, 1), got {val_size!r}")
    key = stratification_key(labels, min_count=k)
    counts = key.value_counts()
    if len(counts) < 2:
        raise DataFormatError(f"kfold_splits: labels hold a single class "
                              f"({counts.index.tolist()}); a classifier needs at least two")
    if counts.min() < k:
        raise DataFormatError(f"kfold_splits: class {counts.idxmin()!r} has {counts.min()} "
                              f"gene(s), fewer than k={k} folds")
    ids = key.index.to_numpy()
    group = None if groups is None else check_groups(groups, ids).to_numpy()
    if group is not None and len(np.unique(group)) < k:
        raise DataFormatError(f"kfold_splits: {len(np.unique(group))} groups are fewer than "
                              f"k={k} folds; lower k or use leave_one_group_out")
    splits = []
    for r in range(repeats):
        if group is None:
            folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed + r)
        else:
            folds = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed + r)
        for f, (rest, test) in enumerate(folds.split(ids, key.to_numpy(), group)):
            train, val = _carve_validation(ids[rest], key.to_numpy()[rest], val_size, seed + r,
                                           None if group is None else group[rest])
            splits.append(Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                                test=pd.Index(np.sort(ids[test])), name=f"repeat {r}, fold {f}"))
    return splits


def splits_from_folds(
    folds: pd.DataFrame,
    labels: pd.Series | pd.DataFrame,
    *,
    val_size: float = 0.2,
    seed: int = 0,
) -> list[Split]:
    """Cross-validation splits from a published fold table (e.g. EMOGI's 10 x 5 folds).

    Args:
        folds: one row per gene id, one column per repeat holding the test fold of the gene
            (integers; NaN: the gene is not in that repeat).
        labels: class per gene id (only genes with a label and a fold are used).
        val_size: share of each fold's training genes held out, stratified, for early
            stopping (published folds usually give only train and test).
        seed: seed of the validation hold-out.

    Returns:
        One :class:`Split` per (repeat column, fold), named ``"<column>, fold f"``.

    Raises:
        DataFormatError: a fold that leaves no training or test genes.
    """
    key = stratification_key(labels, min_count=1)
    table = folds.loc[folds.index.intersection(key.index)]
    splits = []
    for column in table.columns:
        assigned = table[column].dropna()
        for fold in sorted(assigned.unique()):
            test = assigned.index[assigned == fold]
            rest = assigned.index[assigned != fold]
            if not len(test) or not len(rest):
                raise DataFormatError(f"fold table: {column} fold {fold} leaves no "
                                      f"{'test' if not len(test) else 'training'} genes")
            train, val = _carve_validation(rest.to_numpy(), key.loc[rest].to_numpy(), val_size,
                                           seed)
            splits.append(Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                                test=pd.Index(np.sort(test.to_numpy())),
                                name=f"{column}, fold {int(fold)}"))
    return splits


def _carve_validation(ids: np.ndarray, key: np.ndarray, val_size: float, seed: int,
                      group: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    if group is not None:
        train, val = _group_fold(key, group, val_size, seed, "validation part")
        return ids[train], ids[val]
    values, counts = np.unique(key, return_counts=True)
    stratify = key if counts.min() >= 2 else None
    train, val = train_test_split(ids, test_size=val_size, stratify=stratify, random_state=seed)
    return train, val


def train_val_split(labels: pd.Series | pd.DataFrame, *, val_size: float = 0.2,
                    seed: int = 0, groups: pd.Series | Sequence | None = None) -> Split:
    """All labelled genes into training and validation parts (no test part), stratified.

    For fitting a final model: the validation part chooses the epoch. With ``groups``
    (:func:`check_groups`), whole groups go to one part.

    Raises:
        ConfigError: ``val_size`` outside (0, 1).
        DataFormatError: fewer than two classes.

    Example:
        >>> y = pd.Series([0, 1] * 10, index=[f"g{i}" for i in range(20)])
        >>> s = train_val_split(y, val_size=0.25)
        >>> len(s.train), len(s.val), len(s.test)
        (15, 5, 0)
    """
    if not 0.0 < val_size < 1.0:
        raise ConfigError(f"train_val_split: val_size must be in (0, 1), got {val_size!r}")
    key = stratification_key(labels, min_count=2)
    if key.nunique() < 2 and not isinstance(labels, pd.DataFrame):
        raise DataFormatError(f"labels hold a single class ({key.unique().tolist()}); a "
                              "classifier needs at least two")
    if groups is not None:
        ids = key.index.to_numpy()
        group = check_groups(groups, ids).to_numpy()
        train, val = _carve_validation(ids, key.to_numpy(), val_size, seed, group)
        return Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                     test=pd.Index([], dtype=object), name="train/val")
    if not isinstance(labels, pd.DataFrame):
        counts = key.value_counts()
        n_val = math.ceil(val_size * len(key))
        if counts.min() < 2:
            raise DataFormatError(
                f"train_val_split: class {plain(counts.idxmin())!r} has a single labelled "
                "gene; each class needs at least two (one to train on, one to validate with)")
        if n_val < len(counts) or len(key) - n_val < len(counts):
            raise DataFormatError(
                f"train_val_split: {len(key)} labelled genes are too few for a stratified "
                f"validation part of val_size={val_size} with {len(counts)} classes (each "
                "part needs every class); label more genes or change val_size")
    train, val = _carve_validation(key.index.to_numpy(), key.to_numpy(), val_size, seed)
    return Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                 test=pd.Index([], dtype=object), name="train/val")


def leave_one_group_out(
    labels: pd.Series | pd.DataFrame,
    groups: pd.Series | Sequence,
    *,
    val_size: float = 0.2,
    seed: int = 0,
) -> list[Split]:
    """Leave-one-group-out cross-validation: each group is the test part once.

    The other groups are split by whole groups into training and validation (``val_size``
    of them, stratified as far as whole groups allow) for early stopping. This answers "how
    does the model do on a batch (site, family) it has never seen?".

    Args:
        labels: class per id (Series) or ids x labels 0/1 table.
        groups: group per id (:func:`check_groups`); at least three groups (one to test, two
            to train and validate on).
        val_size: share of the non-test ids used for validation.
        seed: seed of the validation hold-out.

    Returns:
        One :class:`Split` per group, named ``"group <name>"``, in sorted group order.

    Raises:
        DataFormatError: bad groups, or fewer than three groups.

    Example:
        >>> y = pd.Series([0, 1] * 6, index=[f"s{i}" for i in range(12)])
        >>> batch = pd.Series([i // 4 for i in range(12)], index=y.index)
        >>> [(s.name, len(s.test)) for s in leave_one_group_out(y, batch)]
        [('group 0', 4), ('group 1', 4), ('group 2', 4)]
    """
    if not 0.0 < val_size < 1.0:
        raise ConfigError(f"leave_one_group_out: val_size must be in (0, 1), got {val_size!r}")
    key = stratification_key(labels, min_count=1)
    ids = key.index.to_numpy()
    group = check_groups(groups, ids).to_numpy()
    names = sorted(np.unique(group))
    if len(names) < 3:
        raise DataFormatError(f"leave_one_group_out: {len(names)} groups ({names}); it needs at "
                              "least three (one to test, one to train, one to validate on)")
    splits = []
    for name in names:
        test = group == name
        train, val = _carve_validation(ids[~test], key.to_numpy()[~test], val_size, seed,
                                       group[~test])
        splits.append(Split(train=pd.Index(np.sort(train)), val=pd.Index(np.sort(val)),
                            test=pd.Index(np.sort(ids[test])), name=f"group {name}"))
    return splits


def _group_fold(key: np.ndarray, group: np.ndarray, share: float, seed: int, what: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """Positions of (the rest, one held-out part of about ``share``), by whole groups."""
    n_groups = len(np.unique(group))
    folds = max(2, min(round(1.0 / share), n_groups))
    if n_groups < 2:
        raise DataFormatError(f"{what}: the ids left hold a single group ({group[0]!r}); "
                              "holding out whole groups needs at least two (give more groups "
                              "or fewer folds)")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # a class rarer than the folds: stratified as far as can be
        warnings.filterwarnings("ignore", message="The least populated class")
        rest, held = next(iter(splitter.split(np.zeros(len(key)), key, group)))
    return rest, held
