"""Gene and protein sequences: tokens, encoders (DeepBind, Basset, DanQ, k-mer) and their
attachment to graphs for graph-sequence fusion."""

from graphgen.sequences.attach import attach_sequences
from graphgen.sequences.encoders import (
    ENCODERS,
    BassetEncoder,
    DanQEncoder,
    DeepBindEncoder,
    KmerEncoder,
    SequenceEncoder,
    build_encoder,
)
from graphgen.sequences.tokens import (
    SequenceBatch,
    encode,
    kmer_counts,
    length_buckets,
    one_hot,
    reverse_complement,
)

__all__ = ["ENCODERS", "BassetEncoder", "DanQEncoder", "DeepBindEncoder", "KmerEncoder",
           "SequenceBatch", "SequenceEncoder", "attach_sequences", "build_encoder", "encode",
           "kmer_counts", "length_buckets", "one_hot", "reverse_complement"]
