"""ComBat batch correction (Johnson, Li and Rabinovic, Biostatistics 2007) as a fitted step.

The published method adjusts a whole table at once. As a step of an evaluation it must be
fitted on the training samples of a fold only and then applied, unchanged, to the test
samples, like :class:`~graphgen.subtyping.omics.OmicsScaler`; no implementation we measured
offers that for new samples of unseen batches (``benchmarks/combat_implementations.py``), so
the estimates are written here, in sva's parametric empirical-Bayes form, and checked against
two reference implementations (neuroCombat and inmoose's ``pycombat_norm``, a port validated
against R's ``sva::ComBat``) on bladderbatch to 1e-6.

What is fitted, per feature: the grand mean and pooled variance of the training samples, and
per training batch the shrunken location ``gamma*`` and scale ``delta*``. ``transform`` maps
a sample of a seen batch with those numbers. A batch unseen in training (leave-one-batch-out)
has its ``gamma*``/``delta*`` estimated from its own samples, standardised with the training
grand mean and variance (the training batches are the reference); no label is read.

The outcome is never a covariate: with the label in the design, the correction of a batch
depends on its class shares, so it hands label information to every new sample of that batch
(Nygaard, Rødland and Hovig, Biostatistics 2016). Without it, a training batch that holds a
single class cannot be corrected at all (its batch mean is its class mean), and ``fit`` with
``labels`` refuses such a design with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from graphgen.evaluation.splits import check_groups
from graphgen.exceptions import ConfoundedDesignError, DataFormatError, NotFittedError
from graphgen.scalars import plain

__all__ = ["ComBat", "check_correctable"]


class ComBat:
    """Parametric empirical-Bayes ComBat, fitted on training samples, applied to any sample.

    Args:
        mean_only: adjust locations only (no scale), as sva's ``mean.only``.
        tol: convergence tolerance of the empirical-Bayes iterations (sva's 1e-4).

    Attributes:
        batches_: training batches in sorted order.
        features_: feature names.
        grand_mean_, var_pooled_: per feature, from the training samples.
        gamma_, delta_: batches x features adjustments (``gamma*``, ``delta*``).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = pd.DataFrame(rng.normal(size=(8, 3)), index=[f"s{i}" for i in range(8)])
        >>> x.iloc[4:] += 5.0                             # batch "b" is shifted
        >>> batch = pd.Series(["a"] * 4 + ["b"] * 4, index=x.index)
        >>> out = ComBat().fit(x, batch).transform(x, batch)
        >>> bool(abs(out.iloc[:4].mean() - out.iloc[4:].mean()).max() < 1.0)
        True
    """

    def __init__(self, *, mean_only: bool = False, tol: float = 1e-4) -> None:
        self.mean_only = mean_only
        self.tol = tol

    def fit(self, table: pd.DataFrame, batch: pd.Series | Sequence,
            labels: pd.Series | None = None) -> ComBat:
        """Estimate the batch effects of the training samples.

        Args:
            table: samples x features, numeric, no NaN.
            batch: batch per sample (a Series indexed by sample id, or one per row).
            labels: class per sample; given, a design that cannot be corrected is refused
                (:func:`check_correctable`). Labels are never part of the correction.

        Raises:
            DataFormatError: bad batches (:func:`~graphgen.evaluation.splits.check_groups`), NaN
                or non-numeric values, a batch of one sample. A single batch is accepted: it
                is then the reference that new batches are aligned to.
            ConfoundedDesignError: (with ``labels``) a batch that holds a single class.
        """
        values, groups = _checked(table, batch, "ComBat.fit")  # one batch: the reference
        if labels is not None:
            check_correctable(groups, labels.reindex(groups.index) if isinstance(
                labels, pd.Series) else pd.Series(np.asarray(labels), index=groups.index))
        names, codes = np.unique(groups.to_numpy(), return_inverse=True)
        sizes = np.bincount(codes)
        if sizes.min() < 2:
            raise DataFormatError(f"ComBat.fit: batch {names[sizes.argmin()]!r} has a single "
                                  "sample; ComBat needs at least two per batch")
        design = np.eye(len(names))[codes]
        batch_means = (design.T @ values) / sizes[:, None]
        self.grand_mean_ = (sizes / sizes.sum()) @ batch_means
        self.var_pooled_ = ((values - design @ batch_means) ** 2).mean(axis=0)
        self.features_ = table.columns
        self.batches_ = [str(n) for n in names]
        standard = self._standardise(values)
        gamma, delta = zip(*(self._estimate(standard[codes == b]) for b in range(len(names))))
        self.gamma_ = np.vstack(gamma)
        self.delta_ = np.vstack(delta)
        return self

    def transform(self, table: pd.DataFrame, batch: pd.Series | Sequence) -> pd.DataFrame:
        """The batch-corrected table (same index and columns).

        A batch seen in ``fit`` is corrected with its training estimates; an unseen batch
        with estimates from its own samples (at least two), standardised with the training
        grand mean and variance.

        Raises:
            NotFittedError: before ``fit``.
            DataFormatError: bad batches, features missing from ``table``, an unseen batch of
                a single sample.
        """
        if not hasattr(self, "gamma_"):
            raise NotFittedError("ComBat: call fit on the training samples first")
        missing = self.features_.difference(table.columns)
        if len(missing):
            raise DataFormatError(f"ComBat.transform: the table lacks {len(missing)} features "
                                  f"seen in fit, e.g. {missing[:5].tolist()}")
        table = table[self.features_]
        values, groups = _checked(table, batch, "ComBat.transform")
        standard = self._standardise(values)
        out = np.empty_like(standard)
        known = {b: i for i, b in enumerate(self.batches_)}
        for name in np.unique(groups.to_numpy()):
            rows = groups.to_numpy() == name
            if name in known:
                gamma, delta = self.gamma_[known[name]], self.delta_[known[name]]
            else:
                if rows.sum() < 2:
                    raise DataFormatError(f"ComBat.transform: batch {name!r} was not seen in fit "
                                          "and has a single sample; its effect cannot be "
                                          "estimated")
                gamma, delta = self._estimate(standard[rows])
            out[rows] = (standard[rows] - gamma) / np.sqrt(delta)
        scale = np.sqrt(self.var_pooled_)
        corrected = np.where(scale > 0, out * scale + self.grand_mean_, values)
        return pd.DataFrame(corrected, index=table.index, columns=table.columns)

    def fit_transform(self, table: pd.DataFrame, batch: pd.Series | Sequence,
                      labels: pd.Series | None = None) -> pd.DataFrame:
        """``fit`` then ``transform`` on the same samples (sva's ``ComBat`` output)."""
        return self.fit(table, batch, labels).transform(table, batch)

    def _standardise(self, values: np.ndarray) -> np.ndarray:
        scale = np.sqrt(self.var_pooled_)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(scale > 0, (values - self.grand_mean_) / scale, 0.0)

    def _estimate(self, standard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``gamma*``, ``delta*`` of one batch's standardised samples (sva's ``it.sol``)."""
        n = standard.shape[0]
        gamma_hat = standard.mean(axis=0)
        gamma_bar = gamma_hat.mean()
        t2 = gamma_hat.var(ddof=1)
        if self.mean_only:  # sva: postmean(gamma.hat, gamma.bar, n = 1, d.star = 1, t2)
            gamma = (t2 * gamma_hat + gamma_bar) / (t2 + 1.0) if t2 > 0 else gamma_hat
            return gamma, np.ones_like(gamma)
        delta_hat = standard.var(axis=0, ddof=1)
        m, s2 = delta_hat.mean(), delta_hat.var(ddof=1)
        if not s2 > 0 or not t2 > 0:  # no spread to shrink towards: the plain estimates
            return gamma_hat, np.where(delta_hat > 0, delta_hat, 1.0)
        a = (2.0 * s2 + m ** 2) / s2
        b = (m * s2 + m ** 3) / s2
        gamma_old, delta_old = gamma_hat, delta_hat
        for _ in range(10_000):
            gamma_new = (t2 * n * gamma_hat + delta_old * gamma_bar) / (t2 * n + delta_old)
            sum2 = ((standard - gamma_new) ** 2).sum(axis=0)
            delta_new = (0.5 * sum2 + b) / (n / 2.0 + a - 1.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                change = np.nanmax(np.concatenate([np.abs(gamma_new - gamma_old) / gamma_old,
                                                   np.abs(delta_new - delta_old) / delta_old]))
            gamma_old, delta_old = gamma_new, delta_new
            if change < self.tol:
                break
        return gamma_old, np.where(delta_old > 0, delta_old, 1.0)


def check_correctable(batch: pd.Series, labels: pd.Series) -> None:
    """Refuse a design whose batch effect cannot be told apart from the label.

    A batch that holds a single class is confounded beyond repair: without the label in the
    model, its batch mean is its class mean and correcting it erases the biology; with the
    label in the model, the correction hands the class to every new sample of that batch.

    Args:
        batch: batch per sample; labels: class per sample (same index; NaN labels ignored).

    Raises:
        ConfoundedDesignError: naming each such batch, its class and its size.

    Example:
        >>> b = pd.Series(["1", "1", "2", "2"]); y = pd.Series(["C", "N", "C", "C"])
        >>> check_correctable(b, y)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graphgen.exceptions.ConfoundedDesignError: batch correction refused: batch '2' holds ...
    """
    table = pd.crosstab(batch.to_numpy(), labels.to_numpy())
    single = table.index[(table > 0).sum(axis=1) == 1]
    if len(single):
        parts = [f"batch {str(b)!r} holds only class "
                 f"{plain(table.columns[table.loc[b] > 0][0])!r} "
                 f"({int(table.loc[b].sum())} samples)" for b in single]
        raise ConfoundedDesignError(
            "batch correction refused: " + "; ".join(parts) + "; a batch effect cannot be told "
            "from a class difference within one class, so the design is confounded beyond "
            "repair (evaluate with leave-one-group-out, or correct only batches that hold "
            "several classes)")


def _checked(table: pd.DataFrame, batch, what: str) -> tuple[np.ndarray, pd.Series]:
    if not isinstance(table, pd.DataFrame):
        raise DataFormatError(f"{what}: give a samples x features DataFrame, got "
                              f"{type(table).__name__}")
    try:
        values = table.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise DataFormatError(f"{what}: the table has non-numeric values ({error})") from None
    if np.isnan(values).any():
        rows, cols = np.nonzero(np.isnan(values))
        raise DataFormatError(f"{what}: NaN values, e.g. sample {table.index[rows[0]]!r}, "
                              f"feature {table.columns[cols[0]]!r}")
    groups = check_groups(batch, table.index, what=f"{what}: batch", min_groups=1)
    return values, groups
