"""Budgeted hyper-parameter search with Optuna, nested inside a split's training genes.

Each trial builds the model with sampled hyper-parameters, fits it on the split's training
part through the one fit path, and is scored on the split's *validation* part (carved from
the training genes of the fold); the test part is never read. The best setting is then
fitted and scored like any other model, so a cross-validation over folds gives a nested
estimate. Optuna's TPE sampler is seeded: the same seed gives the same trials.

A search is part of a model's specification (Python or TOML)::

    {"gcn": {"hidden_channels": 32,
             "search": {"trials": 20, "space": {"dropout": {"low": 0.0, "high": 0.7},
                                                 "hidden_channels": [16, 32, 64],
                                                 "lr": {"low": 1e-3, "high": 0.1, "log": true}}}}}

Keys of ``space`` that are :class:`~graphgen.train.TrainerConfig` fields (``lr``,
``weight_decay``, ...) tune the trainer; the others are the model's hyper-parameters. A list
is a categorical choice; a table ``{low, high[, log][, int]}`` a numeric range.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graphgen.exceptions import ConfigError, MissingDependencyError
from graphgen.train.fitting import fit_model
from graphgen.train.seeding import seed_everything
from graphgen.train.trainer import TrainerConfig

__all__ = ["TRAINER_SETTINGS", "ModelSpec", "SearchConfig", "SearchResult", "search_hparams",
           "tune"]

log = logging.getLogger(__name__)
#: Search-space names that tune the trainer rather than the model.
TRAINER_SETTINGS = frozenset({f.name for f in dataclasses.fields(TrainerConfig)}
                             - {"seed", "progress"})


@dataclass(frozen=True)
class ModelSpec:
    """One model to fit: its registry name, hyper-parameters and an optional search.

    The one parse of a model entry (:meth:`parse`) serves ``compare_models``,
    ``cross_validate``, ``GeneClassifier(hparams=...)`` and ``[models.<name>]`` tables of a
    TOML experiment, so the special keys of a table (``model`` for a named variant,
    ``search``) are read in one place.

    Attributes:
        model: the registry name (``"gcn"``, ``"rwr"``, ...; ``"auto"`` for the estimator's
            self-choosing default).
        hparams: the model's hyper-parameters (fixed, or the centre of a search).
        search: the :class:`SearchConfig`, or ``None``.

    Example:
        >>> spec = ModelSpec.parse("wide", {"model": "gcn", "hidden_channels": 64,
        ...                                 "search": {"space": {"dropout": [0.1, 0.5]}}})
        >>> spec.model, dict(spec.hparams), spec.search.trials
        ('gcn', {'hidden_channels': 64}, 20)
    """

    model: str
    hparams: Mapping[str, Any] = field(default_factory=dict)
    search: SearchConfig | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model:
            raise ConfigError(f"model: a registry name, got {self.model!r}")
        object.__setattr__(self, "model", self.model.lower())
        if not isinstance(self.hparams, Mapping):
            raise ConfigError(f"model {self.model!r}: hparams must be a table of "
                              f"hyper-parameters, got {type(self.hparams).__name__}")
        object.__setattr__(self, "hparams", dict(self.hparams))
        if self.search is not None and not isinstance(self.search, SearchConfig):
            object.__setattr__(self, "search", SearchConfig.from_spec(self.search))

    @classmethod
    def parse(cls, name: str, value: ModelSpec | Mapping[str, Any] | None) -> ModelSpec:
        """``value`` as a spec: a :class:`ModelSpec` as it is, or a table of
        hyper-parameters in which ``model`` names the registry model of a named variant
        (default: ``name``) and ``search`` is a :class:`SearchConfig` table.

        Raises:
            ConfigError: another type, a bad search.
        """
        if isinstance(value, ModelSpec):
            return value
        if value is not None and not isinstance(value, Mapping):
            raise ConfigError(f"model {name!r}: give a table of hyper-parameters or a "
                              f"ModelSpec, got {type(value).__name__}")
        table = dict(value or {})
        model = table.pop("model", name)
        search = table.pop("search", None)
        return cls(str(model), table, search)


@dataclass(frozen=True)
class SearchConfig:
    """A budgeted search (see the module docstring).

    Attributes:
        space: name -> list of choices, or ``{"low", "high", "log", "int"}``.
        trials: number of settings tried.
        seed: seeds Optuna's sampler.
        metric: validation metric to maximise (``"auto"``: the task's default monitor).
    """

    space: Mapping[str, Any] = field(default_factory=dict)
    trials: int = 20
    seed: int = 0
    metric: str = "auto"

    def __post_init__(self) -> None:
        if not isinstance(self.trials, int) or isinstance(self.trials, bool) or self.trials < 1:
            raise ConfigError(f"search: trials must be an integer >= 1, got {self.trials!r}")
        if not self.space:
            raise ConfigError("search: space names no hyper-parameter")
        for name, spec in self.space.items():
            if isinstance(spec, (list, tuple)):
                if not spec:
                    raise ConfigError(f"search: space {name!r} lists no choice")
            elif isinstance(spec, Mapping):
                if "low" not in spec or "high" not in spec or not spec["low"] <= spec["high"]:
                    raise ConfigError(f"search: space {name!r} needs low <= high, got {spec!r}")
                if spec.get("log") and spec["low"] <= 0:
                    raise ConfigError(f"search: space {name!r} is logarithmic: low must be > 0")
            else:
                raise ConfigError(f"search: space {name!r} must be a list of choices or a "
                                  f"table with low and high, got {spec!r}")

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | SearchConfig) -> SearchConfig:
        """From a model specification's ``search`` table.

        Raises:
            ConfigError: an unknown key.
        """
        if isinstance(spec, SearchConfig):
            return spec
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise ConfigError(f"search: unknown key(s) {unknown}; allowed: {sorted(known)}")
        return cls(**spec)


@dataclass(frozen=True)
class SearchResult:
    """What a search found.

    Attributes:
        best: the best setting (model hyper-parameters and trainer fields).
        value: its validation metric.
        trials: one row per trial: its setting and validation metric.
    """

    best: dict[str, Any]
    value: float
    trials: pd.DataFrame


def search_hparams(build: Callable[[dict[str, Any]], Any], data, task,
                   search: SearchConfig, *, trainer: TrainerConfig | None = None
                   ) -> SearchResult:
    """Try ``search.trials`` settings of ``search.space`` on ``task``'s validation part.

    Args:
        build: builds a fresh model from hyper-parameters (the model's fixed ones merged with
            the sampled ones by the caller's function).
        data, task: the split's graph and task; only its training (fit) and validation
            (score) parts are used.
        search: the space, budget and seed.
        trainer: the trainer settings (sampled trainer fields override them).

    Raises:
        MissingDependencyError: Optuna is not installed.

    Example:
        >>> from graphgen.datasets.synthetic import make_organism
        >>> from graphgen.features import stack_blocks
        >>> from graphgen.models import build_model
        >>> from graphgen.train import make_task
        >>> from graphgen.evaluation import stratified_split
        >>> org = make_organism(n_genes=200, n_samples=5, seed=0)
        >>> data = stack_blocks(org.ppi, {"attributes": org.features})
        >>> task = make_task(data, org.labels, stratified_split(org.labels, seed=0))
        >>> found = search_hparams(lambda h: build_model("mlp", data.num_features, 2, **h),
        ...                        data, task, SearchConfig({"dropout": [0.0, 0.5]}, trials=2),
        ...                        trainer=TrainerConfig(max_epochs=3, progress=False))
        >>> sorted(found.best), len(found.trials)
        (['dropout'], 2)
    """
    try:
        import optuna
    except ImportError:
        raise MissingDependencyError("hyper-parameter search needs Optuna; pip install "
                                     "'graphgen[search]'") from None
    config = trainer or TrainerConfig()
    metric = task.default_monitor if search.metric == "auto" else search.metric
    if metric not in task.metric_names:
        raise ConfigError(f"search: metric {metric!r} is not a metric of a {task.kind} task; "
                          f"choose one of {list(task.metric_names)}")

    def objective(trial) -> float:
        sampled = {name: _suggest(trial, name, spec) for name, spec in search.space.items()}
        model_params = {k: v for k, v in sampled.items() if k not in TRAINER_SETTINGS}
        trial_config = dataclasses.replace(
            config, **{k: v for k, v in sampled.items() if k in TRAINER_SETTINGS})
        seed_everything(trial_config.seed)
        fitted = fit_model(build(model_params), data, task,
                           trainer=dataclasses.replace(trial_config, refit=False, ensemble=1),
                           description=f"trial {trial.number}")
        if fitted.fit is not None and metric in fitted.fit.best_val:
            value = fitted.fit.best_val[metric]
        else:
            value = task.metrics(fitted.scores(data), task.val_index, which=(metric,))[metric]
        return float(value) if np.isfinite(value) else float("-inf")

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=search.seed))
    study.optimize(objective, n_trials=search.trials)
    trials = pd.DataFrame([{**t.params, metric: t.value} for t in study.trials])
    log.info("search: best %s=%.4f with %s", metric, study.best_value, study.best_params)
    return SearchResult(best=dict(study.best_params), value=float(study.best_value),
                        trials=trials)


def tune(make: Callable[[dict[str, Any]], Any], hparams: Mapping[str, Any], data, task,
         search: Mapping[str, Any] | SearchConfig, trainer: TrainerConfig
         ) -> tuple[TrainerConfig, dict[str, Any], SearchResult]:
    """Search ``search`` around the fixed ``hparams`` and apply the best setting.

    Returns:
        The trainer with the best trainer fields, the model hyper-parameters with the best
        model fields, and the :class:`SearchResult`.
    """
    found = search_hparams(lambda sampled: make({**hparams, **sampled}), data, task,
                           SearchConfig.from_spec(search), trainer=trainer)
    best = found.best
    config = dataclasses.replace(trainer, **{k: v for k, v in best.items()
                                             if k in TRAINER_SETTINGS})
    chosen = {**hparams, **{k: v for k, v in best.items() if k not in TRAINER_SETTINGS}}
    return config, chosen, found


def _suggest(trial, name: str, spec: Any):
    if isinstance(spec, (list, tuple)):
        return trial.suggest_categorical(name, list(spec))
    low, high = spec["low"], spec["high"]
    if spec.get("int") or (isinstance(low, int) and isinstance(high, int)
                           and not isinstance(low, bool) and not spec.get("log")):
        return trial.suggest_int(name, int(low), int(high), log=bool(spec.get("log")))
    return trial.suggest_float(name, float(low), float(high), log=bool(spec.get("log")))
