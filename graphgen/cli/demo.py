"""``graphgen demo``: GCN and GAT beside the baselines (MLP and logistic regression on the
features; label propagation, network propagation and node degree on the graph) on the
simulated organism, end to end."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from graphgen.comparison.genes import (
    ModelResult,
    compare_models,
    format_summary,
    results_table,
    summary_table,
)
from graphgen.comparison.run_folder import RunFolder
from graphgen.datasets.synthetic import make_organism
from graphgen.evaluation.splits import stratified_split
from graphgen.exceptions import ConfigError
from graphgen.features.blocks import stack_blocks
from graphgen.plot.curves import plot_roc_pr
from graphgen.train.trainer import TrainerConfig

__all__ = ["DEMO_MODELS", "run_demo"]

#: Models of the demo and their hyper-parameters.
DEMO_MODELS: dict[str, dict] = {
    "gcn": {"hidden_channels": 64, "num_layers": 2, "dropout": 0.5},
    "gat": {"hidden_channels": 16, "heads": 4, "num_layers": 2, "dropout": 0.5},
    "mlp": {"hidden_channels": 64, "num_layers": 2, "dropout": 0.5},
    "logreg": {},
    "label_propagation": {},
    "rwr": {},
    "heat": {},
    "degree": {},
}


def run_demo(
    out: str | Path, *, seed: int = 0, progress: bool | None = None, n_genes: int = 2000,
    n_samples: int = 300, overwrite: bool = False, device: str = "auto",
) -> tuple[RunFolder, list[ModelResult]]:
    """Simulate an organism, train GCN, GAT and the baselines on one stratified split, write a
    run folder.

    The task: predict ``disease_gene`` labels from weak node attributes over the PPI. The run
    folder gets ``config.toml``, ``metrics.json`` (test metrics per model), ``predictions.csv``
    (gene id, split, true label, score per model) and ``curves.png`` (test ROC and PR).

    Args:
        out: run folder (created if needed).
        seed: seeds the organism, the split and training.
        progress: show progress bars (``None``: on a terminal only).
        n_genes, n_samples: size of the simulated organism.
        overwrite: replace the run in ``out`` if there is one (otherwise an error).
        device: where to train (``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"``).

    Returns:
        The run folder and the per-model results.

    Raises:
        OutputError: ``out`` cannot be written or already holds a run (raised before any
            work is done).
        ConfigError: a negative ``seed``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"demo: seed must be an integer >= 0, got {seed!r}")
    run = RunFolder(out, exist_ok=overwrite)
    started = time.perf_counter()
    organism = make_organism(n_genes=n_genes, n_samples=n_samples, seed=seed)
    data = stack_blocks(organism.ppi, {"attributes": organism.features})
    split = stratified_split(organism.labels, val_size=0.2, test_size=0.2, seed=seed)
    trainer = TrainerConfig(seed=seed, progress=progress, device=device)
    results = compare_models(data, organism.labels, split, DEMO_MODELS, trainer=trainer)

    run.write_config({
        "command": "graphgen demo",
        "seed": seed,
        "data": {"source": "graphgen.datasets.synthetic.make_organism", "n_genes": n_genes,
                 "n_samples": n_samples, "graph": "ppi", "features": ["attributes"],
                 "label": organism.labels.name},
        "split": {"kind": "stratified", "val_size": 0.2, "test_size": 0.2, "seed": seed},
        "trainer": asdict(trainer),
        "models": DEMO_MODELS,
    })
    run.write_metrics({
        "task": "binary node classification (disease_gene) on the simulated organism",
        "split": "test",
        "n_test": len(split.test),
        "models": {r.name: {**r.test, "epochs": r.epochs, "best_epoch": r.best_epoch,
                            "seconds": round(r.seconds, 3), "val": r.val} for r in results},
        "seconds_total": round(time.perf_counter() - started, 3),
    })
    predictions = pd.DataFrame({
        "split": split.assignment().reindex(data.node_ids).fillna("unlabelled"),
        "label": organism.labels.reindex(data.node_ids),
        **{f"score_{r.name}": r.scores for r in results},
    })
    predictions.index.name = "gene_id"
    run.write_predictions(predictions)
    test = predictions.loc[split.test]
    plot_roc_pr(test["label"].to_numpy(), {_label(r.name): test[f"score_{r.name}"].to_numpy()
                                           for r in results},
                run.file("curves.png"), title=f"simulated organism, test genes (seed {seed})")
    return run, results


def _label(name: str) -> str:
    """The model's name as README's tables write it."""
    return {"logreg": "logistic regression", "label_propagation": "label propagation",
            "rwr": "random walk with restart", "heat": "heat diffusion",
            "degree": "node degree"}.get(name, name.upper())


def format_table(results: list[ModelResult]) -> str:
    """The comparison table as aligned text (:func:`~graphgen.train.format_summary`); models
    that are not trained (graph-only baselines) show ``-`` for epochs, as in README."""
    per_split = results_table(results).reset_index()
    per_split["epochs"] = per_split["epochs"].where(per_split["epochs"] > 0)
    return format_summary(summary_table(per_split), ["auroc", "auprc", "macro_f1", "accuracy"],
                          extra={"epochs": "{:.0f}", "seconds": "{:.1f}"},
                          labels={r.name: _label(r.name) for r in results})
