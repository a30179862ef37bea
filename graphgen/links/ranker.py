"""The learned link rankers on the one fit path.

:class:`LinkRanker` makes the learned rankers of :mod:`graphgen.links` (the heuristic
classifier, the graph autoencoders, the subgraph model) :class:`~graphgen.models.base.Predictor`
objects, so ``LinkPredictor`` fits them through :func:`~graphgen.train.fitting.fit_model` like
every other model: ``fit(data, task, trainer)`` on the map of a :class:`MapTask` (the trainer's
``seed`` and ``device`` are the ones they use), ``scores(pairs)`` the probability of each pair
of node positions. Each keeps its own recipe (a fixed number of epochs on the known pairs, as
the papers train them): the trainer's epoch choice on a validation part does not apply to a
map whose every pair is a training pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from torch_geometric.data import Data

from graphgen.exceptions import DataFormatError

__all__ = ["LinkRanker", "MapTask"]


@dataclass(frozen=True)
class MapTask:
    """What a link ranker is fitted for: the known pairs of ``graph`` are the interactions,
    every other pair of its genes a candidate (binary: an interaction or not).

    Attributes:
        graph: the map.
    """

    graph: Data
    kind: str = "binary"
    num_outputs: int = 1


class LinkRanker:
    """The :class:`~graphgen.models.base.Predictor` side of a learned link ranker.

    A subclass sets ``seed`` (and ``device`` when it trains a network) in its constructor and
    implements ``_fit(data)`` and ``pair_scores(a_pos, b_pos)``.
    """

    graph_only = False
    seed: int

    def fit(self, data: Data, task: MapTask | None = None, trainer: Any = None) -> LinkRanker:
        """Learn from the known pairs of ``data`` (the map of ``task`` when given); with
        ``trainer`` (fit_model's engine), its ``seed`` and ``device`` are used.

        Raises:
            DataFormatError: a task over another map than ``data``.
        """
        if task is not None and task.graph is not data:
            raise DataFormatError(f"{type(self).__name__}.fit: the task's map is not the graph "
                                  "given; fit on the map of the task")
        if trainer is not None:
            self.seed = trainer.config.seed
            if hasattr(self, "device"):
                self.device = trainer.config.device
        return self._fit(data)

    def _fit(self, data: Data) -> LinkRanker:  # pragma: no cover - every ranker has one
        raise NotImplementedError

    def pair_scores(self, a_pos: np.ndarray, b_pos: np.ndarray
                    ) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def scores(self, pairs: np.ndarray) -> np.ndarray:
        """The probability of each pair of node positions (``[N, 2]``), as
        :meth:`pair_scores`."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self.pair_scores(pairs[:, 0], pairs[:, 1])
