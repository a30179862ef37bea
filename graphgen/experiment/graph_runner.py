"""``graphgen run`` for graph classification experiments (``task = "graphs"``).

Reads the graphs, runs every model's grid under Errica et al.'s protocol
(:func:`~graphgen.estimators.graph_classifier.assess`) and writes the run folder:
``config.toml``, ``metrics.json`` (per model: mean and sd of the outer-fold test accuracy,
the configuration chosen in every fold) and ``folds.csv`` (every fold of every model, with the
inner validation accuracy of every candidate in ``candidates.csv``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from graphgen.comparison.run_folder import RunFolder
from graphgen.estimators.graph_classifier import GraphAssessment, assess
from graphgen.experiment.config import GraphExperimentConfig
from graphgen.features.topology_block import append_topology
from graphgen.io.tables import write_csv
from graphgen.io.tu import read_tu

__all__ = ["GraphExperimentResult", "format_graph_summary", "run_graph_experiment"]


@dataclass
class GraphExperimentResult:
    """What :func:`run_graph_experiment` did.

    Attributes:
        config: the experiment.
        results: the assessment of every model.
        run: the run folder.
        graphs: number of graphs.
    """

    config: GraphExperimentConfig
    results: dict[str, GraphAssessment]
    run: RunFolder
    graphs: int


def run_graph_experiment(config: GraphExperimentConfig, *, out: str | Path | None = None,
                         progress: bool | None = None, overwrite: bool = False
                         ) -> GraphExperimentResult:
    """Assess every model of ``config`` and write the run folder.

    Raises:
        ConfigError, DataFormatError: bad settings or files.
        OutputError: the run folder cannot be written, or holds a run already.
    """
    started = time.perf_counter()
    target = out or (config.resolve(config.out) if config.out else f"runs/{config.name}")
    run = RunFolder(target, exist_ok=overwrite)
    spec = config.graphs
    data = read_tu(config.resolve(spec.path), spec.name, node_attributes=spec.node_attributes)
    graphs = append_topology(data.graphs, spec.topology) if spec.topology else data.graphs
    trainer = replace(config.trainer, progress=False if progress is None else progress)
    results = {}
    for name, params in config.models.items():
        grid = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
        results[name] = assess(graphs, grid=grid, folds=config.assessment.folds,
                               inner_val=config.assessment.inner_val,
                               final_runs=config.assessment.final_runs, seed=config.seed,
                               trainer=trainer, progress=bool(progress))
    run.write_config({"command": "graphgen run", **config.to_dict()})
    run.write_metrics({
        "summary": {name: {"accuracy_mean": r.test_accuracy[0], "accuracy_sd": r.test_accuracy[1]}
                    for name, r in results.items()},
        "folds": {name: r.folds.to_dict(orient="records") for name, r in results.items()},
        "graphs": len(data), "nodes": data.num_nodes,
        "seconds": time.perf_counter() - started,
    })
    for file, table in (("folds.csv", lambda r: r.folds), ("candidates.csv",
                                                           lambda r: r.candidates)):
        frame = pd.concat([table(r).assign(model=name) for name, r in results.items()])
        write_csv(run.file(file), frame, index=False)
    return GraphExperimentResult(config=config, results=results, run=run, graphs=len(data))


def format_graph_summary(result: GraphExperimentResult) -> str:
    """Mean +- sd test accuracy (%) over the outer folds, one line per model."""
    width = max(len(name) for name in result.results)
    lines = [f"{'model':<{width}}  accuracy (%)"]
    for name, r in result.results.items():
        mean, sd = r.test_accuracy
        lines.append(f"{name:<{width}}  {100 * mean:.1f} +- {100 * sd:.1f}")
    lines.append(f"({len(r.folds)} outer folds; configuration chosen on inner hold-outs)")
    return "\n".join(lines)
