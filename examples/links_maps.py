"""Link prediction beyond HI-II-14: held-out pairs of STRING and BioGRID, and an external map.

* **STRING >= 0.9 and BioGRID** (human): 10 % of the pairs held out
  (``edge_split(val_size=0, test_size=0.1)``: both directions of a pair together), the other
  90 % the known map; every non-edge of the known map is a candidate. Seeds 0, 1, 2.
* **TRRUST** (human, directed): 10 % of the regulations held out as ordered ``TF -> target``
  pairs; every ordered pair that is not a known regulation is a candidate (a reverse edge
  does not hide its pair). Seeds 0, 1, 2. The heuristics read the stored directions
  (``ordered=True``, the default on a directed graph).
* **External map**: fitted on the whole of HI-II-14, scored against the BioGRID pairs between
  HI-II-14's genes that HI-II-14 lacks (``new_pairs``); every non-edge of HI-II-14 is a
  candidate.

Each model ranks every candidate. ``LinkPredictor()`` chooses on hidings of the known map
alone (its row is the model it chose); the heuristics are as published. precision@k comes
from the top of the full ranking; AUPRC and precision at 10 % recall from every scored
candidate plus the unscored ones, tied last (``candidate_metrics(..., unscored=)``), except on
BioGRID, where the L3 scores of nearly all 139M candidates would not fit the 2-core machine's
time (``--full-metrics`` computes them there too).

Run: ``python examples/links_maps.py [--data ../shared/data]
[--maps string biogrid trrust external]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import graphgen
from graphgen.graph.nodes import node_positions
from graphgen.io import EdgeListFormat
from graphgen.links import candidate_metrics, edge_split, new_pairs
from graphgen.links.ranking import best_of_blocks

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"
HEURISTICS = {"L3 (Kovács et al.)": "l3", "Adamic-Adar": "adamic_adar",
              "resource allocation": "resource_allocation",
              "common neighbours": "common_neighbours"}
KS = (100, 500, 1000)


def _load(args, name: str):
    if name == "string":
        return graphgen.load_ppi(args.data / "string" / "string_human_score900_symbols.csv.gz",
                                 format="string")
    if name == "trrust":
        return graphgen.load_grn(args.data / "trrust" / "trrust_rawdata.human.tsv")
    if name == "biogrid":
        return graphgen.load_ppi(args.data / "ppi_human_biogrid" / "biogrid_human_ppi.tsv.gz",
                                 format=EdgeListFormat(source="symbol1", target="symbol2"))
    return graphgen.load_ppi(args.data / "ppi_human_hi14" / "hi_ii_14.tsv.gz",
                             format=EdgeListFormat(source="symbol1", target="symbol2"))


def _evaluate(predictor, hidden: np.ndarray, full: bool) -> dict[str, float]:
    """Metrics of the predictor's ranking of every candidate; ``hidden`` are sorted pair keys
    ``row * n + col`` (row < col) of the positives among the candidates."""
    graph = predictor.graph_
    n = graph.num_nodes
    if predictor.settings_.get("ordered"):
        candidates = n * (n - 1) - graph.edge_index.shape[1]
    else:
        candidates = n * (n - 1) // 2 - graph.edge_index.shape[1] // 2
    if not full:
        rows, cols, _ = best_of_blocks(predictor.candidate_blocks(), max(KS))
        hit = np.isin(rows * n + cols, hidden)
        return {f"precision_at_{k}": float(hit[:k].sum() / k) for k in KS}
    scores, positive = [], []
    for r, c, v in predictor.candidate_blocks():
        scores.append(v)
        positive.append(np.isin(r * n + c, hidden))
    scores, positive = np.concatenate(scores), np.concatenate(positive)
    rest_pos = len(hidden) - int(positive.sum())
    rest_neg = candidates - len(scores) - rest_pos
    return candidate_metrics(scores, positive, ks=KS, unscored=(rest_neg, rest_pos))


def _models(seed: int) -> dict[str, graphgen.LinkPredictor]:
    out = {name: graphgen.LinkPredictor(method, seed=seed) for name, method in
           HEURISTICS.items()}
    out["LinkPredictor() (auto)"] = graphgen.LinkPredictor(seed=seed)
    return out


def _keys(pairs: np.ndarray, n: int, ordered: bool = False) -> np.ndarray:
    pairs = (pairs if ordered else np.sort(pairs, axis=1)).astype(np.int64)
    return np.sort(pairs[:, 0] * n + pairs[:, 1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--maps", nargs="+",
                        default=["string", "biogrid", "trrust", "external"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--full-metrics", action="store_true",
                        help="AUPRC and precision at 10 %% recall on BioGRID too")
    args = parser.parse_args()
    started = time.perf_counter()
    rows, chosen = [], []
    for name in args.maps:
        if name == "external":
            known = _load(args, "hi14")
            other = _load(args, "biogrid")
            added = new_pairs(known, other)
            n = known.num_nodes
            positions = np.stack([node_positions(known, added["source"]),
                                  node_positions(known, added["target"])], axis=1)
            tasks = [(0, known, _keys(positions, n))]
            print(f"external: HI-II-14 ({n:,} genes) against {len(added):,} BioGRID pairs "
                  "it lacks", flush=True)
        else:
            graph = _load(args, name)
            n = graph.num_nodes
            tasks = []
            for seed in range(args.seeds):
                split = edge_split(graph, val_size=0.0, test_size=0.1, negatives=0.0,
                                   seed=seed)
                tasks.append((seed, split.train_graph, _keys(split.test, n, split.directed)))
            print(f"{name}: {n:,} genes, {graph.edge_index.shape[1] // 2:,} pairs; "
                  f"{len(tasks[0][2]):,} held out per seed", flush=True)
        full = args.full_metrics or name != "biogrid"
        for seed, known, hidden in tasks:
            for model, predictor in _models(seed).items():
                began = time.perf_counter()
                predictor.fit(known)
                metrics = _evaluate(predictor, hidden, full)
                rows.append({"map": name, "model": model, "seed": seed, **metrics,
                             "seconds": time.perf_counter() - began})
                if predictor.selection_ is not None:
                    chosen.append({"map": name, "seed": seed,
                                   "chose": predictor.selection_.chosen.name,
                                   "selection_seconds": predictor.selection_.seconds})
                print(f"  {name} seed {seed} {model}: p@500 {metrics['precision_at_500']:.3f} "
                      f"({time.perf_counter() - began:.0f} s)", flush=True)
    table = pd.DataFrame(rows)
    every = [c for c in table.columns if c.startswith("precision") or c == "auprc"]
    for name, part in table.groupby("map", sort=False):
        columns = [c for c in every if part[c].notna().any()]
        summary = part.groupby("model", sort=False)[columns].agg(["mean", "std"])
        print(f"\n{name} (mean ± sd over {part['seed'].nunique()} seed(s))\n")
        print("| model | " + " | ".join(columns) + " |")
        print("|---|" + "---|" * len(columns))
        for model, row in summary.iterrows():
            cells = [f"{row[(c, 'mean')]:.3f}" + (f" ± {row[(c, 'std')]:.3f}"
                                                   if part["seed"].nunique() > 1 else "")
                     for c in columns]
            print(f"| {model} | " + " | ".join(cells) + " |")
    print("\nLinkPredictor() chose:")
    print(pd.DataFrame(chosen).to_string(index=False))
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
