"""Choose network propagation's defaults on validation genes, over the four real gene tasks.

Every setting of a small grid (random walk with restart: column-stochastic or symmetric walk,
restart 0.3 / 0.5 / 0.7, positive or signed seeds; heat diffusion, time 1 / 3; label
propagation and node degree beside them) runs through ``graphgen run`` on the tasks of
``examples/*.toml`` (the same graphs, labels and splits as the README's tables). The defaults
are the settings with the best mean **validation** AUPRC (macro AUPRC for the GO tasks);
the test column is printed beside it for the record, never used to choose.

    python benchmarks/propagation_defaults.py        # about 2 minutes on 2 cores
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from pathlib import Path

import pandas as pd

from graphgen.experiment import load_experiment, run_experiment

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TASKS = ("cancer_genes_string", "essential_genes_string", "go_function_string",
         "go_function_trrust")
GRID = {
    "label_propagation": {},
    "degree": {},
    **{f"rwr_{norm}_r{r}": {"model": "rwr", "normalization": norm, "restart": r}
       for norm in ("column", "symmetric") for r in (0.3, 0.5, 0.7)},
    "rwr_symmetric_r0.3_signed": {"model": "rwr", "normalization": "symmetric",
                                  "restart": 0.3, "seeds": "signed"},
    "rwr_column_r0.5_signed": {"model": "rwr", "normalization": "column", "restart": 0.5,
                               "seeds": "signed"},
    "heat_t1": {"model": "heat", "time": 1.0},
    "heat_t3": {"model": "heat", "time": 3.0},
    "heat_t3_signed": {"model": "heat", "time": 3.0, "seeds": "signed"},
}


def main() -> None:
    logging.disable(logging.WARNING)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for task in TASKS:
            base = load_experiment(EXAMPLES / f"{task}.toml")
            # graph-only models: no feature block needs to be read
            config = dataclasses.replace(base, models=GRID,
                                         features=type(base.features)())
            result = run_experiment(config, out=Path(folder) / task, progress=False)
            for r in result.cv.results:
                key = "auprc" if "auprc" in r.test else "macro_auprc"
                rows.append({"task": task, "model": r.name, "val": r.val[key],
                             "test": r.test[key]})
    table = pd.DataFrame(rows).groupby(["model", "task"], sort=False)[["val", "test"]].mean()
    val = table["val"].unstack("task")[list(TASKS)]
    test = table["test"].unstack("task")[list(TASKS)]
    val["mean"] = val.mean(axis=1)
    print("validation AUPRC (chooses):")
    print(val.sort_values("mean", ascending=False).round(3).to_string())
    print("\ntest AUPRC (reported, not used to choose):")
    print(test.loc[val.sort_values("mean", ascending=False).index].round(3).to_string())


if __name__ == "__main__":
    main()
