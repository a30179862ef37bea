"""GO enrichment of several gene lists against one background: first call and later calls.

The first ``graphgen.enrich`` call parses the OBO and gene2go files, maps the annotation ids
and prepares goatools' study for the background; later calls with another gene list reuse
all of it and run only their Fisher tests. Real files from ``../shared/data``: GO basic,
human gene2go (Entrez ids mapped to symbols), 100 EMOGI cancer genes per list against the
symbols of 15,000 genes. Times in this one process.

Run: ``python benchmarks/enrichment_cache.py [--data ../shared/data]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import graphgen
from graphgen.ids import IdMapper

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    mapper = IdMapper.human(args.data / "ids" / "human_gene_ids.tsv.gz")
    background = mapper.table["symbol"].dropna().tolist()[:15000]
    cancer = (args.data / "cancer_genes" / "796true.txt").read_text().split()
    lists = [cancer[i * 100:(i + 1) * 100] for i in range(4)]
    files = {"obo": args.data / "go" / "go-basic.obo",
             "annotations": args.data / "go" / "gene2go.human.tsv.gz"}
    seconds, sizes = [], []
    for genes in lists:
        start = time.perf_counter()
        table = graphgen.enrich(genes, background, id_type="symbol", mapper=mapper, **files)
        seconds.append(time.perf_counter() - start)
        sizes.append(len(table))
    full = graphgen.enrich(lists[0], background, id_type="symbol", mapper=mapper,
                           only_significant=False, **files)
    print("| call | seconds | significant terms (BH q < 0.05) |")
    print("|---|---|---|")
    for i, (s, n) in enumerate(zip(seconds, sizes)):
        print(f"| {'first' if i == 0 else f'list {i + 1}'} | {s:.2f} | {n} |")
    later = sum(seconds[1:]) / len(seconds[1:])
    print(f"\nlater calls {seconds[0] / later:.1f}x faster than the first; the full table of "
          f"list 1 (only_significant=False) has {len(full)} tested terms")


if __name__ == "__main__":
    main()
