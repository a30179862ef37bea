"""Sequences as tensors: integer codes with padding and lengths, one-hot channels, reverse
complements, k-mer counts and length-bucketed batches.

Codes index the alphabet's letters (DNA ``ACGTN``: A=0, C=1, G=2, T=3, N=4; protein: the 20
amino acids then X); padding uses the extra code ``len(letters)``, which one-hot encodes as a
zero column, so padded positions carry no signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import Tensor

from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.io.fasta import ALPHABETS

__all__ = ["SequenceBatch", "encode", "kmer_counts", "length_buckets", "one_hot",
           "reverse_complement"]

_COMPLEMENT = np.array([3, 2, 1, 0, 4, 5])  # A<->T, C<->G, N->N, pad->pad


@dataclass(frozen=True)
class SequenceBatch:
    """Padded integer codes of several sequences.

    Attributes:
        codes: ``[B, L]`` uint8 (one byte per letter), padded with ``pad`` after each
            sequence's end.
        lengths: ``[B]`` true lengths.
        alphabet: ``"dna"`` or ``"protein"``.
    """

    codes: Tensor
    lengths: Tensor
    alphabet: str

    @property
    def pad(self) -> int:
        return len(ALPHABETS[self.alphabet][0])

    @property
    def mask(self) -> Tensor:
        """``[B, L]`` True at real positions."""
        return (torch.arange(self.codes.shape[1], device=self.codes.device)[None, :]
                < self.lengths[:, None])

    def to(self, device: torch.device | str) -> SequenceBatch:
        """The same sequences with codes and lengths on ``device``."""
        return SequenceBatch(self.codes.to(device), self.lengths.to(device), self.alphabet)

    def __len__(self) -> int:
        return self.codes.shape[0]

    def select(self, index: Tensor | np.ndarray) -> SequenceBatch:
        """The sequences at ``index``, trimmed to their own longest length."""
        index = torch.as_tensor(index, dtype=torch.long)
        lengths = self.lengths[index]
        width = int(lengths.max()) if len(lengths) else 0
        return SequenceBatch(self.codes[index, :width], lengths, self.alphabet)


def encode(
    sequences: Sequence[str],
    *,
    alphabet: Literal["dna", "protein"] = "dna",
    max_length: int | None = None,
) -> SequenceBatch:
    """Turn sequences into padded integer codes.

    Args:
        sequences: upper- or lower-case strings.
        alphabet: ``"dna"`` or ``"protein"``.
        max_length: truncate longer sequences (``None``: keep all).

    Raises:
        DataFormatError: an empty sequence, or a letter outside the alphabet (clean it first
            with :func:`graphgen.io.fasta.check_alphabet`, ``invalid="replace"``).

    Example:
        >>> b = encode(["ACGT", "gg"])
        >>> b.codes.tolist(), b.lengths.tolist()
        ([[0, 1, 2, 3], [2, 2, 5, 5]], [4, 2])
    """
    if alphabet not in ALPHABETS:
        raise ConfigError(f"alphabet must be one of {sorted(ALPHABETS)}, got {alphabet!r}")
    letters = ALPHABETS[alphabet][0]
    lookup = np.full(256, 255, dtype=np.uint8)  # 255: not a letter of the alphabet
    for i, letter in enumerate(letters):
        lookup[ord(letter)] = lookup[ord(letter.lower())] = i
    texts = [s if max_length is None else s[:max_length] for s in sequences]
    lengths = np.array([len(s) for s in texts], dtype=np.int64)
    if (lengths == 0).any():
        raise DataFormatError(f"sequence {int(np.argmin(lengths))} is empty")
    width = int(lengths.max()) if len(lengths) else 0
    codes = np.full((len(texts), width), len(letters), dtype=np.uint8)
    joined = np.frombuffer("".join(texts).encode("ascii", "replace"), dtype=np.uint8)
    values = lookup[joined]
    wrong = values == 255
    if wrong.any():
        position = int(np.argmax(wrong))
        owner = int(np.searchsorted(np.cumsum(lengths), position, side="right"))
        raise DataFormatError(f"sequence {owner} holds {chr(joined[position])!r}, not a letter of "
                              f"the {alphabet} alphabet ({letters})")
    # row-major boolean assignment fills each row's first `length` cells in sequence order
    codes[np.arange(width)[None, :] < lengths[:, None]] = values
    return SequenceBatch(torch.from_numpy(codes), torch.from_numpy(lengths), alphabet)


def one_hot(batch: SequenceBatch) -> Tensor:
    """``[B, C, L]`` float channels: DNA 4 (A, C, G, T; N is 0.25 each, as DeepBind), protein
    21 (20 amino acids + X); padding is all zeros."""
    letters = ALPHABETS[batch.alphabet][0]
    device = batch.codes.device
    if batch.alphabet == "dna":
        table = torch.zeros(len(letters) + 1, 4, device=device)
        table[:4] = torch.eye(4, device=device)
        table[4] = 0.25
    else:
        table = torch.zeros(len(letters) + 1, len(letters), device=device)
        table[: len(letters)] = torch.eye(len(letters), device=device)
    return table[batch.codes.long()].permute(0, 2, 1).contiguous()


def reverse_complement(batch: SequenceBatch) -> SequenceBatch:
    """The reverse complement of every DNA sequence (padding stays at the end).

    Example:
        >>> reverse_complement(encode(["AACG", "GT"])).codes.tolist()
        [[1, 2, 3, 3], [0, 1, 5, 5]]
    """
    if batch.alphabet != "dna":
        raise ConfigError("reverse complements exist for DNA only")
    codes = batch.codes.numpy()
    lengths = batch.lengths.numpy()
    width = codes.shape[1]
    # position j of the result reads position (length - 1 - j) of the input
    source = lengths[:, None] - 1 - np.arange(width)[None, :]
    inside = source >= 0
    out = np.full_like(codes, len(ALPHABETS["dna"][0]))
    rows = np.nonzero(inside)[0]
    out[inside] = _COMPLEMENT[codes[rows, source[inside]]]
    return SequenceBatch(torch.from_numpy(out), batch.lengths.clone(), "dna")


def kmer_counts(batch: SequenceBatch, k: int = 3, *, normalise: bool = True) -> Tensor:
    """``[B, A ** k]`` counts (or frequencies) of every k-mer over the alphabet's letters.

    k-mers that contain an unknown letter (N / X) or padding are not counted.

    Example:
        >>> kmer_counts(encode(["AAC"]), k=2, normalise=False)[0, :2].tolist()
        [1.0, 1.0]
    """
    if not isinstance(k, int) or k < 1:
        raise ConfigError(f"kmer_counts: k must be a positive integer, got {k!r}")
    letters = ALPHABETS[batch.alphabet][0]
    base = len(letters) - 1  # the unknown letter is not a k-mer letter
    codes = batch.codes.numpy().astype(np.int64)
    b, width = codes.shape
    out = np.zeros((b, base ** k), dtype=np.float32)
    if width >= k:
        windows = np.lib.stride_tricks.sliding_window_view(codes, k, axis=1)  # [B, W, k]
        valid = (windows < base).all(axis=2)
        index = (windows * (base ** np.arange(k - 1, -1, -1))).sum(axis=2)
        rows = np.broadcast_to(np.arange(b)[:, None], index.shape)
        np.add.at(out, (rows[valid], index[valid]), 1.0)
    if normalise:
        out /= np.maximum(out.sum(axis=1, keepdims=True), 1.0)
    return torch.from_numpy(out)


def length_buckets(lengths: Sequence[int] | np.ndarray, batch_size: int, *,
                   shuffle: bool = False, seed: int = 0) -> list[np.ndarray]:
    """Batches of sequence indices grouped by similar length.

    Sorting by length before cutting batches means each batch is padded only to its own
    longest sequence, not to the longest of all.

    Example:
        >>> [b.tolist() for b in length_buckets([5, 100, 6, 90], 2)]
        [[0, 2], [3, 1]]
    """
    if batch_size < 1:
        raise ConfigError(f"length_buckets: batch_size must be >= 1, got {batch_size}")
    order = np.argsort(np.asarray(lengths), kind="stable")
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle:
        rng = np.random.default_rng(seed)
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
