"""Choose an estimator's configuration on inner validation folds of the training data.

What ``model="auto"`` (``view="auto"``, ``conv="auto"``) does in every graphgen estimator: a
small, fixed list of candidates (the strongest plain baselines beside the graph models) is
scored on ``k`` stratified inner folds of the *training* data given to ``fit`` (grouped when
groups are given), the best mean validation metric wins (ties go to the earlier, simpler
candidate), and the winner is refitted on all of the training data. No row outside ``fit``'s
data is ever read, so a test part cannot influence the choice.

A time ``budget`` (seconds) bounds the selection: candidates run in list order (cheapest
first); the first always finishes, so there is always a choice, and a later one is stopped
before a fold that its own fold times say would end past the budget. A candidate that fails
to fit is skipped with a warning naming it and the error.

The outcome is a :class:`Selection`: the table (candidate, validation metric mean and sd over
the folds, fit seconds, status) and the chosen candidate; estimators keep it as
``selection_``.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, GraphgenError

__all__ = ["Candidate", "CandidateWarning", "Selection", "check_budget",
           "resolve_candidates", "select"]

log = logging.getLogger(__name__)


class CandidateWarning(UserWarning):
    """A candidate of an automatic selection failed to fit and was skipped."""


@dataclass(frozen=True)
class Candidate:
    """One configuration an automatic selection may choose.

    Attributes:
        name: how tables, logs and ``repr`` name it.
        params: the estimator parameters it sets (on a clone of the estimator).
    """

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Selection:
    """What an automatic selection measured and chose.

    Attributes:
        table: one row per candidate: ``candidate``, ``metric`` (its name), ``mean`` and
            ``sd`` of the validation metric over the inner folds, ``folds`` scored,
            ``fit_seconds`` (all its folds), ``status`` (``chosen``, ``scored``,
            ``failed: ...``, ``skipped: budget``).
        chosen: the winning candidate.
        seconds: wall time of the whole selection.
    """

    table: pd.DataFrame
    chosen: Candidate
    seconds: float

    def __repr__(self) -> str:
        return f"Selection(chosen={self.chosen.name!r}, candidates={len(self.table)})"


def check_budget(budget: float | None, what: str) -> float:
    """The budget in seconds (``None``: no limit).

    Raises:
        ConfigError: a budget that is not a positive number.
    """
    if budget is None:
        return math.inf
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
        raise ConfigError(f"{what}: budget must be a positive number of seconds (or None for "
                          f"no limit), got {budget!r}")
    return float(budget)


def resolve_candidates(candidates: Sequence[str | Candidate] | Mapping[str, Mapping] | None,
                       known: Mapping[str, Mapping[str, Any]], default: Sequence[str], *,
                       what: str, choice: str | None = None) -> list[Candidate]:
    """The candidate list of an estimator.

    Args:
        candidates: ``None`` (the estimator's ``default`` list), names of ``known``
            candidates, :class:`Candidate` objects, or a mapping name -> parameters.
        known: the estimator's named candidates (name -> parameters).
        default: the names tried when ``candidates`` is ``None``.
        what: how messages name the estimator.
        choice: the parameter that is ``"auto"`` (``model``, ``view``, ``conv``): a
            candidate must fix it, not set it to ``"auto"`` again.

    Raises:
        ConfigError: an unknown name, an empty list, repeated names, a candidate that sets
            ``choice`` to ``"auto"``.
    """
    if candidates is None:
        candidates = list(default)
    if isinstance(candidates, str):
        candidates = [candidates]
    if isinstance(candidates, Mapping):
        items = [Candidate(str(name), dict(params)) for name, params in candidates.items()]
    else:
        items = []
        for entry in candidates:
            if isinstance(entry, Candidate):
                items.append(entry)
            elif isinstance(entry, str) and entry in known:
                items.append(Candidate(entry, dict(known[entry])))
            else:
                raise ConfigError(f"{what}: unknown candidate {entry!r}; the named candidates "
                                  f"are {sorted(known)} (or give a Candidate(name, params))")
    if not items:
        raise ConfigError(f"{what}: the candidate list is empty")
    names = [c.name for c in items]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"{what}: candidates {repeated} are named twice")
    for item in items if choice is not None else ():
        if str(item.params.get(choice, "")).lower() == "auto":
            raise ConfigError(f"{what}: candidate {item.name!r} sets {choice}='auto'; a "
                              f"candidate fixes a {choice}")
    return items


def select(candidates: Sequence[Candidate], folds: Sequence[Any],
           score: Callable[[Candidate, Any], float], *, metric: str,
           budget: float = math.inf, what: str = "auto") -> Selection:
    """Score every candidate on every fold and choose the best mean.

    Args:
        candidates: in the order they are tried (cheapest first: the first always finishes).
        folds: the inner folds, passed to ``score`` one at a time.
        score: ``score(candidate, fold)`` fits the candidate on the fold's training part
            and returns its validation metric (higher is better).
        metric: the metric's name, for the table.
        budget: seconds for the whole selection.
        what: how warnings and errors name the estimator.

    Raises:
        GraphgenError: every candidate failed (the errors are named).
    """
    start = time.perf_counter()
    rows, failures = [], []
    for position, candidate in enumerate(candidates):
        values, fold_seconds, status = [], [], "scored"
        for fold in folds:
            elapsed = time.perf_counter() - start
            expected = np.mean(fold_seconds) if fold_seconds else 0.0
            if position > 0 and (elapsed >= budget or elapsed + expected > budget):
                status = "skipped: budget"
                break
            began = time.perf_counter()
            try:
                value = float(score(candidate, fold))
            except (GraphgenError, ValueError, RuntimeError, np.linalg.LinAlgError) as error:
                status = f"failed: {type(error).__name__}: {error}"
                failures.append(f"{candidate.name}: {error}")
                warnings.warn(f"{what}: candidate {candidate.name!r} failed to fit and is "
                              f"skipped ({type(error).__name__}: {error})", CandidateWarning,
                              stacklevel=3)
                break
            fold_seconds.append(time.perf_counter() - began)
            values.append(value)
        if status == "scored" and len(values) < len(folds):
            status = "skipped: budget"
        complete = status == "scored"
        rows.append({"candidate": candidate.name, "metric": metric,
                     "mean": float(np.mean(values)) if complete else math.nan,
                     "sd": float(np.std(values, ddof=1)) if complete and len(values) > 1
                     else (0.0 if complete else math.nan),
                     "folds": len(values), "fit_seconds": float(np.sum(fold_seconds)),
                     "status": status})
        log.info("%s: candidate %s: %s %s", what, candidate.name, metric,
                 f"{rows[-1]['mean']:.4f}" if complete else status)
    table = pd.DataFrame(rows)
    scored = table["status"] == "scored"
    if not scored.any():
        raise GraphgenError(f"{what}: every candidate failed to fit: " + "; ".join(failures))
    best = int(table.loc[scored, "mean"].idxmax())  # first of equal means: the earlier one
    table.loc[best, "status"] = "chosen"
    chosen = candidates[best]
    log.info("%s: chose %s (%s %.4f on %d inner folds)", what, chosen.name, metric,
             table.loc[best, "mean"], len(folds))
    return Selection(table=table, chosen=chosen, seconds=time.perf_counter() - start)
