"""Choose ``GeneClassifier()``'s default model on validation genes, over the four real gene tasks.

Every candidate runs through ``graphgen run`` on the tasks of ``examples/*.toml`` (the same
graphs, features, labels, splits and trainer settings as the README's tables), once on the
task's features and once with the propagated training labels added as a feature block
(``[features.labels]``, out-of-fold inside each training part). The default is the candidate
with the best mean rank of **validation** AUPRC over the tasks (macro AUPRC for the GO tasks;
ties in rank broken by the mean validation AUPRC). Test AUPRC is printed beside it for the
record and is never used to choose.

Validation AUPRC of a trained model is measured on the genes that also chose its epoch, so it
is slightly optimistic for the trained models against the untrained propagation rows; the
choice among trained models is not affected by that.

To keep the run within about 40 minutes on 2 cores, the choice uses the first repetition of
the repeated splits (EMOGI's repeat 0: 5 folds; essential genes: 1 x 5 folds); GIN and GCNII,
slower and never better than GCN in the README's tables, are left out of the candidates.

    python benchmarks/default_model.py [task ...]      # about 40 minutes on 2 cores
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import tempfile
from pathlib import Path

import pandas as pd

from graphgen.experiment import load_experiment, run_experiment
from graphgen.train.label_features import LabelFeatures

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TASKS = ("cancer_genes_string", "essential_genes_string", "go_function_string",
         "go_function_trrust")
TRAINED = {
    "gcn": {"hidden_channels": 32},
    "sage": {"hidden_channels": 32},
    "appnp": {"hidden_channels": 32},
    "sgc": {},
    "mlp": {"hidden_channels": 32},
    "logreg": {},
}
GRAPH_ONLY = {"heat": {}, "rwr": {}}


def run_task(task: str, folder: Path) -> list[dict]:
    base = load_experiment(EXAMPLES / f"{task}.toml")
    if base.split.kind == "folds":  # the first repetition of the published folds
        base = dataclasses.replace(base, split=dataclasses.replace(base.split,
                                                                   folds_prefix="repeat0_"))
    elif base.split.kind == "kfold":
        base = dataclasses.replace(base, split=dataclasses.replace(base.split, repeats=1))
    rows = []
    for with_labels in (False, True):
        models = dict(TRAINED) if with_labels else {**TRAINED, **GRAPH_ONLY}
        features = dataclasses.replace(base.features,
                                       labels=LabelFeatures() if with_labels else None)
        config = dataclasses.replace(base, models=models, features=features)
        out = folder / f"{task}_{'labels' if with_labels else 'plain'}"
        result = run_experiment(config, out=out, progress=False)
        for r in result.cv.results:
            key = "auprc" if "auprc" in r.test else "macro_auprc"
            name = r.name + (" + labels" if with_labels else "")
            rows.append({"task": task, "model": name, "val": r.val[key],
                         "test": r.test[key]})
        print(f"  {task} ({'with' if with_labels else 'without'} label features) done",
              file=sys.stderr, flush=True)
    return rows


def main() -> None:
    logging.disable(logging.WARNING)
    tasks = sys.argv[1:] or list(TASKS)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for task in tasks:
            rows += run_task(task, Path(folder))
    table = pd.DataFrame(rows).groupby(["model", "task"], sort=False)[["val", "test"]].mean()
    val = table["val"].unstack("task")[tasks]
    test = table["test"].unstack("task")[tasks]
    val["mean rank"] = val.rank(ascending=False).mean(axis=1)
    val["mean"] = val[tasks].mean(axis=1)
    order = val.sort_values(["mean rank", "mean"], ascending=[True, False]).index
    print("validation AUPRC (chooses; rank 1 = best):")
    print(val.loc[order].round(3).to_string())
    print("\ntest AUPRC (reported, not used to choose):")
    test["mean"] = test[tasks].mean(axis=1)
    print(test.loc[order].round(3).to_string())
    print(f"\nchosen default: {order[0]}")


if __name__ == "__main__":
    main()
