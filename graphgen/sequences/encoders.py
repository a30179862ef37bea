"""Sequence encoders: one embedding per sequence, invariant to how much padding follows it.

Every encoder maps a :class:`~graphgen.sequences.tokens.SequenceBatch` to ``[B, d]``:

* :class:`DeepBindEncoder` (Alipanahi et al. 2015): one convolution, ReLU, global max pooling;
* :class:`BassetEncoder` (Kelley et al. 2016): three convolution + max-pooling blocks;
* :class:`DanQEncoder` (Quang & Xie 2016): a convolution and max pooling, then a BiLSTM;
* :class:`KmerEncoder`: an MLP on k-mer frequencies;
* :class:`CNNBiGRUEncoder` (GNN-PPI, Lv et al. 2021): residue vectors, a convolution, batch
  normalisation, max pooling and a BiGRU over a fixed-length window, then a position-wise
  linear layer.

**Masking.** Convolutions keep only the positions whose whole window lies inside the sequence,
values past the end are set to zero after every ReLU (so a pooling window that runs past the
end sees zeros, the minimum of a ReLU output, and its maximum does not change), pooling uses
ceil mode, and the BiLSTM reads packed sequences. An embedding therefore does not depend on the
padding of its batch (tested), which is what makes length-bucketed batches safe.

(:class:`CNNBiGRUEncoder` is the exception by design: it pads or truncates every sequence to
its fixed window, as GNN-PPI does, so its embedding cannot depend on a batch's padding either.)

**Reverse complement.** With ``rc="average"`` a DNA embedding is the mean of the embeddings of
the sequence and of its reverse complement: the same for both strands. With ``rc="augment"``
each training batch replaces a random half of its sequences by their reverse complements
(data augmentation; evaluation sees the sequences as given).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from graphgen.exceptions import ConfigError
from graphgen.io.fasta import ALPHABETS
from graphgen.sequences.tokens import (
    SequenceBatch,
    kmer_counts,
    length_buckets,
    one_hot,
    reverse_complement,
)

__all__ = ["ENCODERS", "BassetEncoder", "CNNBiGRUEncoder", "DanQEncoder", "DeepBindEncoder",
           "KmerEncoder", "SequenceEncoder", "build_encoder"]


def _channels(alphabet: str) -> int:
    return 4 if alphabet == "dna" else len(ALPHABETS["protein"][0])


def _valid_after_conv(lengths: Tensor, kernel: int) -> Tensor:
    return (lengths - kernel + 1).clamp_min(1)


def _valid_after_pool(lengths: Tensor, size: int) -> Tensor:
    return torch.div(lengths + size - 1, size, rounding_mode="floor")


def _zero_beyond(x: Tensor, lengths: Tensor) -> Tensor:
    mask = torch.arange(x.shape[-1], device=x.device)[None, :] < lengths[:, None]
    return x * mask[:, None, :]


def _masked_max(x: Tensor, lengths: Tensor) -> Tensor:
    mask = torch.arange(x.shape[-1], device=x.device)[None, :] < lengths[:, None]
    return x.masked_fill(~mask[:, None, :], float("-inf")).amax(dim=-1)


class SequenceEncoder(nn.Module):
    """Base of the encoders: reverse-complement averaging and bucketed embedding.

    Args:
        alphabet: ``"dna"`` or ``"protein"``.
        rc: ``"none"``, ``"average"`` (DNA only; strand-invariant embeddings) or
            ``"augment"`` (DNA only; random reverse complements while training).
    """

    min_width = 1
    out_channels: int

    def __init__(self, alphabet: str = "dna", rc: str = "none") -> None:
        super().__init__()
        if alphabet not in ALPHABETS:
            raise ConfigError(f"alphabet must be one of {sorted(ALPHABETS)}, got {alphabet!r}")
        if rc not in ("none", "average", "augment"):
            raise ConfigError(f"rc must be 'none', 'average' or 'augment', got {rc!r}")
        if rc != "none" and alphabet != "dna":
            raise ConfigError(f"rc={rc!r} needs DNA sequences")
        self.alphabet, self.rc = alphabet, rc

    def encode(self, batch: SequenceBatch) -> Tensor:
        """Embeddings ``[B, d]`` of one batch (no reverse-complement averaging)."""
        return self.encode_one_hot(one_hot(batch), batch.lengths)

    def encode_one_hot(self, x: Tensor, lengths: Tensor) -> Tensor:  # pragma: no cover
        """Embeddings from one-hot channels ``[B, C, L]`` and true lengths ``[B]``."""
        raise NotImplementedError

    def forward(self, batch: SequenceBatch) -> Tensor:
        if batch.alphabet != self.alphabet:
            raise ConfigError(f"encoder expects {self.alphabet} sequences, got {batch.alphabet}")
        batch = self._widen(batch)
        if self.rc == "augment" and self.training:
            flipped = reverse_complement(batch)
            chosen = torch.rand(len(batch)) < 0.5
            codes = torch.where(chosen[:, None], flipped.codes, batch.codes)
            batch = SequenceBatch(codes, batch.lengths, batch.alphabet)
        out = self.encode(batch)
        if self.rc == "average":
            out = 0.5 * (out + self.encode(reverse_complement(batch)))
        return out

    def _widen(self, batch: SequenceBatch) -> SequenceBatch:
        """Pad to the receptive field, so every sequence has at least one output position."""
        extra = self.min_width - batch.codes.shape[1]
        if extra <= 0:
            return batch
        pad = torch.full((len(batch), extra), batch.pad, dtype=batch.codes.dtype)
        return SequenceBatch(torch.cat([batch.codes, pad], dim=1), batch.lengths, batch.alphabet)

    def embed(self, batch: SequenceBatch, *, batch_size: int = 256, buckets: bool = True
              ) -> Tensor:
        """``[N, d]`` embeddings of every sequence, computed in (length-bucketed) batches.

        Gradients flow when the module is in training mode; use ``torch.no_grad()`` to embed
        once for a feature block.
        """
        n = len(batch)
        device = next(self.parameters()).device  # sequences stay on the CPU until batched
        batch = batch.to("cpu")
        order = (length_buckets(batch.lengths.numpy(), batch_size) if buckets
                 else [np.arange(i, min(i + batch_size, n)) for i in range(0, n, batch_size)])
        parts, positions = [], []
        for index in order:
            part = batch.select(index) if buckets else SequenceBatch(
                batch.codes[torch.as_tensor(index)], batch.lengths[torch.as_tensor(index)],
                batch.alphabet)
            parts.append(self(part.to(device)))
            positions.append(torch.as_tensor(index))
        out = torch.cat(parts)
        inverse = torch.empty(n, dtype=torch.long)
        inverse[torch.cat(positions)] = torch.arange(n)
        return out.index_select(0, inverse.to(out.device))


class DeepBindEncoder(SequenceEncoder):
    """One convolution (motif scanners), ReLU, global max pooling over valid positions.

    Shapes:
        - input: :class:`SequenceBatch` ``[B, L]``
        - output: ``[B, filters]``

    Example:
        >>> from graphgen.sequences.tokens import encode
        >>> DeepBindEncoder(filters=8)(encode(["ACGTACGTACGTACGT", "ACG"])).shape
        torch.Size([2, 8])
    """

    def __init__(self, *, alphabet: str = "dna", filters: int = 32, kernel_size: int = 12,
                 rc: str = "none") -> None:
        super().__init__(alphabet, rc)
        self.conv = nn.Conv1d(_channels(alphabet), filters, kernel_size)
        self.kernel_size, self.out_channels, self.min_width = kernel_size, filters, kernel_size

    def encode_one_hot(self, x: Tensor, lengths: Tensor) -> Tensor:
        h = torch.relu(self.conv(x))
        return _masked_max(h, _valid_after_conv(lengths, self.kernel_size))


class BassetEncoder(SequenceEncoder):
    """Three blocks of convolution, ReLU and max pooling, then global max pooling (Basset's
    batch normalisation is left out: its statistics would depend on the padding).

    Shapes:
        - input: :class:`SequenceBatch` ``[B, L]``
        - output: ``[B, filters[-1]]``

    Example:
        >>> from graphgen.sequences.tokens import encode
        >>> BassetEncoder(filters=(8, 8, 8))(encode(["ACGT" * 30])).shape
        torch.Size([1, 8])
    """

    def __init__(self, *, alphabet: str = "dna", filters: tuple[int, int, int] = (64, 64, 64),
                 kernel_sizes: tuple[int, int, int] = (19, 11, 7),
                 pool_sizes: tuple[int, int, int] = (3, 4, 4), rc: str = "none") -> None:
        super().__init__(alphabet, rc)
        if not len(filters) == len(kernel_sizes) == len(pool_sizes):
            raise ConfigError("BassetEncoder: filters, kernel_sizes and pool_sizes need the same "
                              "length")
        widths = [_channels(alphabet), *filters]
        self.convs = nn.ModuleList(nn.Conv1d(a, b, k) for a, b, k in
                                   zip(widths[:-1], widths[1:], kernel_sizes))
        self.kernel_sizes, self.pool_sizes = tuple(kernel_sizes), tuple(pool_sizes)
        self.out_channels = filters[-1]
        field = 1
        for k, p in zip(reversed(kernel_sizes), reversed(pool_sizes)):
            field = (field - 1) * p + 1 + (k - 1)
        self.min_width = field

    def encode_one_hot(self, x: Tensor, lengths: Tensor) -> Tensor:
        h = x
        for conv, k, p in zip(self.convs, self.kernel_sizes, self.pool_sizes):
            h = torch.relu(conv(h))
            lengths = _valid_after_conv(lengths, k)
            h = _zero_beyond(h, lengths)
            h = nn.functional.max_pool1d(h, p, ceil_mode=True)
            lengths = _valid_after_pool(lengths, p)
        return _masked_max(h, lengths)


class DanQEncoder(SequenceEncoder):
    """A convolution, ReLU and max pooling, then a BiLSTM over the pooled positions and a
    global max over its outputs.

    Shapes:
        - input: :class:`SequenceBatch` ``[B, L]``
        - output: ``[B, 2 * hidden]``

    Example:
        >>> from graphgen.sequences.tokens import encode
        >>> DanQEncoder(filters=8, hidden=4)(encode(["ACGT" * 20, "ACGTAC"])).shape
        torch.Size([2, 8])
    """

    def __init__(self, *, alphabet: str = "dna", filters: int = 64, kernel_size: int = 26,
                 pool_size: int = 13, hidden: int = 32, rc: str = "none") -> None:
        super().__init__(alphabet, rc)
        self.conv = nn.Conv1d(_channels(alphabet), filters, kernel_size)
        self.lstm = nn.LSTM(filters, hidden, batch_first=True, bidirectional=True)
        self.kernel_size, self.pool_size = kernel_size, pool_size
        self.out_channels, self.min_width = 2 * hidden, kernel_size

    def encode_one_hot(self, x: Tensor, lengths: Tensor) -> Tensor:
        h = torch.relu(self.conv(x))
        lengths = _valid_after_conv(lengths, self.kernel_size)
        h = nn.functional.max_pool1d(_zero_beyond(h, lengths), self.pool_size, ceil_mode=True)
        lengths = _valid_after_pool(lengths, self.pool_size)
        packed = nn.utils.rnn.pack_padded_sequence(h.transpose(1, 2), lengths.cpu(),
                                                   batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True,
                                                  padding_value=float("-inf"))
        return out.amax(dim=1)


class KmerEncoder(SequenceEncoder):
    """An MLP on k-mer frequencies (order-free, so padding cannot matter).

    Shapes:
        - input: :class:`SequenceBatch` ``[B, L]``
        - output: ``[B, hidden]``

    Example:
        >>> from graphgen.sequences.tokens import encode
        >>> KmerEncoder(k=2, hidden=8)(encode(["ACGTT", "GGA"])).shape
        torch.Size([2, 8])
    """

    def __init__(self, *, alphabet: str = "dna", k: int = 4, hidden: int = 64,
                 rc: str = "none") -> None:
        super().__init__(alphabet, rc)
        size = (len(ALPHABETS[alphabet][0]) - 1) ** k
        self.k, self.out_channels = k, hidden
        self.mlp = nn.Sequential(nn.Linear(size, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        self.scale = math.sqrt(size)

    def encode(self, batch: SequenceBatch) -> Tensor:
        return self.mlp(kmer_counts(batch, self.k) * self.scale)


def residue_table(residues: pd.DataFrame, alphabet: str) -> Tensor:
    """``[letters + 1, d]`` rows of ``residues`` in the alphabet's code order, zeros for the
    padding code (as GNN-PPI pads with zero vectors).

    Raises:
        ConfigError: a letter of the alphabet has no row.
    """
    letters = ALPHABETS[alphabet][0]
    index = pd.Index([str(letter).upper() for letter in residues.index])
    missing = [letter for letter in letters if letter not in index]
    if missing:
        raise ConfigError(f"residue vectors lack the {alphabet} letters {missing}")
    rows = residues.to_numpy(dtype=np.float32)[index.get_indexer(list(letters))]
    return torch.from_numpy(np.vstack([rows, np.zeros((1, rows.shape[1]), np.float32)]))


class _Lookup(torch.autograd.Function):
    """``table[codes]`` whose backward sums the gradient per code with ``index_add_`` (faster
    on the CPU than the accumulating ``index_put`` of advanced indexing)."""

    @staticmethod
    def forward(ctx, table: Tensor, codes: Tensor) -> Tensor:
        ctx.save_for_backward(codes)
        ctx.rows = table.shape[0]
        return table[codes]

    @staticmethod
    def backward(ctx, grad: Tensor):
        (codes,) = ctx.saved_tensors
        flat = grad.reshape(-1, grad.shape[-1])
        table = flat.new_zeros(ctx.rows, grad.shape[-1]).index_add_(0, codes.reshape(-1), flat)
        return table, None


class CNNBiGRUEncoder(SequenceEncoder):
    """GNN-PPI's protein-independent encoding (Lv et al., IJCAI 2021, ``GIN_Net2``).

    Each sequence is truncated or zero-padded to ``max_length`` residues, each residue
    becomes a vector (fixed ``residues``, e.g. GNN-PPI's ``vec5_CTC.txt`` read by
    :func:`graphgen.io.fasta.read_residue_vectors`, or a learned embedding), then a
    convolution (kernel 3), batch normalisation, max pooling, a bidirectional GRU, the mean
    over its output channels at each position, and a linear layer over the
    ``max_length // pool_size`` positions. GNN-PPI's defaults: 13-d residues, 1 filter, a
    GRU of width 1, pooling 3, 2,000 residues, 256 outputs.

    Batch normalisation uses the statistics of the batch while training: embed all
    proteins in one batch (a large ``batch_size`` in :meth:`embed`), as GNN-PPI does.

    Args:
        alphabet: ``"protein"`` (or ``"dna"``).
        residues: a letters x ``d`` table (fixed), or ``None`` for a learned embedding of
            width ``embedding_dim``.
        filters, hidden, pool_size, max_length: as above.
        out_channels: embedding width.

    Shapes:
        - input: :class:`SequenceBatch` ``[B, L]``
        - output: ``[B, out_channels]``

    Example:
        >>> from graphgen.sequences.tokens import encode
        >>> enc = CNNBiGRUEncoder(max_length=30, out_channels=8)
        >>> enc(encode(["MKVLAT", "MRRE"], alphabet="protein")).shape
        torch.Size([2, 8])
    """

    def __init__(self, *, alphabet: str = "protein", residues: pd.DataFrame | None = None,
                 embedding_dim: int = 13, filters: int = 1, hidden: int = 1,
                 pool_size: int = 3, max_length: int = 2000, out_channels: int = 256) -> None:
        super().__init__(alphabet)
        if max_length < 2 + pool_size:
            raise ConfigError(f"CNNBiGRUEncoder: max_length must be >= {2 + pool_size}, got "
                              f"{max_length}")
        if residues is None:
            letters = len(ALPHABETS[alphabet][0])  # codes 0..letters-1, padding = letters
            self.residues = nn.Embedding(letters + 1, embedding_dim, padding_idx=letters)
        else:
            table = residue_table(residues, alphabet)
            self.residues = nn.Embedding.from_pretrained(table, freeze=True,
                                                         padding_idx=len(table) - 1)
        self.conv = nn.Conv1d(self.residues.embedding_dim, filters, 3)
        self.norm = nn.BatchNorm1d(filters)
        self.gru = nn.GRU(filters, hidden, batch_first=True, bidirectional=True)
        self.pool_size, self.max_length, self.out_channels = pool_size, max_length, out_channels
        self.linear = nn.Linear(max_length // pool_size, out_channels)

    def encode(self, batch: SequenceBatch) -> Tensor:
        codes = batch.codes[:, : self.max_length].long()
        if codes.shape[1] < self.max_length:
            codes = nn.functional.pad(codes, (0, self.max_length - codes.shape[1]),
                                      value=batch.pad)
        # The convolution of residue vectors, as a sum of three table lookups: each residue's
        # response to each kernel tap is looked up from ``table @ W_k`` ([letters + 1,
        # filters]) instead of convolving [B, d, L] channels (equal to conv1d, faster).
        vectors = self.residues.weight
        vectors = torch.cat([vectors[:-1], torch.zeros_like(vectors[-1:])])  # padding: zeros
        taps = torch.einsum("ad,fdk->kaf", vectors, self.conv.weight)
        width = self.max_length - 2
        h = sum(_Lookup.apply(taps[k], codes[:, k: k + width]) for k in range(3)) + self.conv.bias
        h = self.norm(h.transpose(1, 2))
        h = nn.functional.max_pool1d(h, self.pool_size)  # [B, filters, (max_length - 2) // pool]
        h, _ = self.gru(h.transpose(1, 2))
        h = h.mean(dim=2)
        # GNN-PPI's linear layer reads floor(max_length / pool) positions: pad the one or two
        # that the convolution's border removes (zero weight-bearing input, as in its code
        # where floor((L - 2) / 3) equals floor(L / 3) for L = 2,000)
        h = nn.functional.pad(h, (0, self.linear.in_features - h.shape[1]))
        return self.linear(h)


#: Encoder classes by the name used in GeneClassifier and TOML experiments.
ENCODERS = {"deepbind": DeepBindEncoder, "basset": BassetEncoder, "danq": DanQEncoder,
            "kmer": KmerEncoder, "cnn_bigru": CNNBiGRUEncoder}


def build_encoder(name: str, **options) -> SequenceEncoder:
    """The encoder registered as ``name`` with its options.

    Raises:
        ConfigError: unknown name or option.
    """
    if name not in ENCODERS:
        raise ConfigError(f"unknown sequence encoder {name!r}; choose one of {sorted(ENCODERS)}")
    try:
        return ENCODERS[name](**options)
    except TypeError as exc:
        raise ConfigError(f"sequence encoder {name!r}: {exc}") from None
