"""Which settings of the SEAL-like subgraph re-ranker, measured on a validation half of HI-II-14.

The defaults of :mod:`graphgen.links.subgraph_ranker` are chosen here, on a split that is
not among the ten halves README reports (seed 100 of Kovács' half/half protocol): the known
half trains the re-ranker (on its own hidings), and the table gives precision@500 among all
candidate pairs of the other half, for L3 alone and for L3's top 1,000 re-ordered by the
model under each setting, with the seconds each fit took (2 cores, one run).

Run: ``python benchmarks/link_subgraph_settings.py [--data ../shared/data] [--seed 100]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import graphgen
from graphgen.io import EdgeListFormat
from graphgen.links import edge_split
from graphgen.links.heuristics import candidate_blocks
from graphgen.links.ranking import best_of_blocks
from graphgen.links.subgraph_ranker import SubgraphRanker

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"
#: The settings tried (over the module's defaults).
SETTINGS = {
    "DGCNN, sort pooling, lr 1e-4 (PyG's SEAL example)": {"readout": "sort", "lr": 1e-4},
    "DGCNN, sort pooling, lr 1e-3": {"readout": "sort"},
    "GCN, centre pooling, lr 1e-3 (default)": {},
    "GCN, centre pooling, without degrees": {"degree": False},
    "GCN, centre pooling, with the pair's L3 score": {"base_score": True},
    "GCN, centre pooling, 4 hidings of 25 %": {"hidings": 4, "share": 0.25},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--seed", type=int, default=100)
    args = parser.parse_args()
    path = args.data / "ppi_human_hi14" / "hi_ii_14.tsv.gz"
    data = graphgen.load_ppi(path, format=EdgeListFormat(source="symbol1", target="symbol2"))
    split = edge_split(data, val_size=0.0, test_size=0.5, negatives=0.0, seed=args.seed)
    known, n = split.train_graph, data.num_nodes
    held = np.sort(split.test, axis=1)
    keys = held[:, 0].astype(np.int64) * n + held[:, 1]

    def precision(blocks) -> float:
        rows, cols, _ = best_of_blocks(blocks, 500)
        return float(np.isin(rows * n + cols, keys).mean())

    print(f"HI-II-14 validation half (seed {args.seed}): {len(split.train):,} known pairs, "
          f"{len(held):,} to recover\n")
    print("| model | precision@500 | fit (s) | training pairs (hidden / all) |")
    print("|---|---|---|---|")
    print(f"| L3 (Kovács et al.) | {precision(candidate_blocks(known, 'l3')):.3f} | | |")
    for name, settings in SETTINGS.items():
        started = time.perf_counter()
        ranker = SubgraphRanker(settings, seed=args.seed, device="cpu").fit(known)
        seconds = time.perf_counter() - started
        hidden, total = ranker.training_pairs_
        print(f"| {name} | {precision(ranker.candidate_blocks()):.3f} | {seconds:.0f} | "
              f"{hidden:,} / {total:,} |", flush=True)


if __name__ == "__main__":
    main()
