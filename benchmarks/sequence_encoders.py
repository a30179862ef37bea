"""Sequence encoders on real promoter DNA: length buckets vs padding to the longest sequence,
and FASTA parsing against Biopython.

Data: the 26,454 fly promoter sequences (2 kb upstream of every RefSeq transcript, UCSC dm3)
in ``../shared/data/sequences/``. To mimic real variable-length input, a random 60 % of them
are trimmed to a uniform random length between 100 and 2,000 bp (seed 0). Each encoder embeds
every sequence in batches of 256, in evaluation mode, in a fresh process per (encoder, mode):

* padded (the usual pipeline): every sequence one-hot encoded into one ``[N, 4, L_max]``
  float tensor padded to the longest sequence, then cut into batches in file order;
* bucketed (graphgen): one byte per letter (``SequenceBatch``), sequences sorted by length and
  cut into batches, each one-hot encoded on the fly and padded to its own longest.

Throughput (sequences per second) and peak resident memory are printed with their ratios;
then the whole FASTA file is parsed with graphgen and with Biopython's ``SeqIO.parse`` (if
installed).

    python benchmarks/sequence_encoders.py [--data ../shared/data] [--limit 26454]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

RUN = """
import json, resource, sys, time
import numpy as np, torch
from graphgen.io.fasta import read_fasta
from graphgen.sequences import build_encoder, encode
from graphgen.sequences.tokens import SequenceBatch
torch.manual_seed(0)
path, name, mode, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seqs = read_fasta(path, alphabet="dna").iloc[:limit]
rng = np.random.default_rng(0)
trim = rng.random(len(seqs)) < 0.6
lengths = np.where(trim, rng.integers(100, 2001, len(seqs)), seqs.str.len().to_numpy())
texts = [s[:n] for s, n in zip(seqs.tolist(), lengths)]
options = {"deepbind": {"filters": 32, "kernel_size": 12},
           "basset": {"filters": (64, 64, 64)},
           "danq": {"filters": 64, "hidden": 32}}[name]
encoder = build_encoder(name, **options).eval()
batch = encode(texts)
start = time.perf_counter()
with torch.no_grad():
    if mode == "bucketed":
        out = encoder.embed(batch, batch_size=256, buckets=True)
    else:
        from graphgen.sequences.tokens import one_hot
        dense = one_hot(batch)  # [N, 4, L_max], the whole set padded to the longest
        parts = []
        for i in range(0, len(texts), 256):
            x = dense[i:i + 256]
            lengths = batch.lengths[i:i + 256]
            parts.append(encoder.encode_one_hot(x, lengths))
        out = torch.cat(parts)
seconds = time.perf_counter() - start
print("RESULT " + json.dumps({"seconds": seconds, "n": len(texts),
      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(path: Path, name: str, mode: str, limit: int) -> dict:
    done = subprocess.run([sys.executable, "-c", RUN, str(path), name, mode, str(limit)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--data", type=Path, default=here.parent.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=26454, help="sequences to embed")
    parser.add_argument("--encoders", default="deepbind,basset,danq")
    args = parser.parse_args()
    path = args.data / "sequences" / "dm3_upstream2000.fa.gz"
    print(f"{path.name}: first {args.limit} sequences, 60 % trimmed to 100-2,000 bp; "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("\n| encoder | padded seq/s | bucketed seq/s | speed-up | padded MiB | bucketed MiB |"
          " memory ratio |\n|---|---|---|---|---|---|---|")
    for name in args.encoders.split(","):
        padded, bucketed = run(path, name, "padded", args.limit), run(path, name, "bucketed",
                                                                       args.limit)
        sp, sb = padded["n"] / padded["seconds"], bucketed["n"] / bucketed["seconds"]
        print(f"| {name} | {sp:,.0f} | {sb:,.0f} | {sb / sp:.2f}x | {padded['peak_mib']:,.0f} | "
              f"{bucketed['peak_mib']:,.0f} | {padded['peak_mib'] / bucketed['peak_mib']:.2f}x |",
              flush=True)

    from graphgen.io.fasta import read_fasta
    start = time.perf_counter()
    ours = read_fasta(path, alphabet="dna")
    ours_s = time.perf_counter() - start
    print(f"\nFASTA: graphgen.io.read_fasta {len(ours):,} records in {ours_s:.2f} s", end="")
    try:
        import gzip

        from Bio import SeqIO
    except ImportError:
        print(" (Biopython not installed: no comparison)")
        return
    start = time.perf_counter()
    with gzip.open(path, "rt") as handle:
        theirs = {r.id: str(r.seq).upper() for r in SeqIO.parse(handle, "fasta")}
    bio_s = time.perf_counter() - start
    assert len(theirs) == len(ours) and all(theirs[k] == v for k, v in ours.items())
    print(f"; Biopython SeqIO.parse (same records, upper-cased) {bio_s:.2f} s: "
          f"{bio_s / ours_s:.1f}x")


if __name__ == "__main__":
    main()
