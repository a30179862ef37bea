"""Tokenisers and encoders: shapes, masking (padding never changes an embedding),
reverse-complement invariance, k-mers, buckets."""

import numpy as np
import pytest
import torch

from graphgen import ConfigError, DataFormatError
from graphgen.sequences.encoders import ENCODERS, build_encoder
from graphgen.sequences.tokens import (
    SequenceBatch,
    encode,
    kmer_counts,
    length_buckets,
    one_hot,
    reverse_complement,
)

RNG = np.random.default_rng(0)
DNA = ["".join(RNG.choice(list("ACGTN"), n, p=[.24, .24, .24, .24, .04]))
       for n in (5, 40, 150, 333)]
PROTEIN = ["".join(RNG.choice(list("ACDEFGHIKLMNPQRSTVWYX"), n)) for n in (8, 60, 200)]


def _padded(batch: SequenceBatch, extra: int) -> SequenceBatch:
    pad = torch.full((len(batch), extra), batch.pad, dtype=torch.long)
    return SequenceBatch(torch.cat([batch.codes, pad], 1), batch.lengths, batch.alphabet)


@pytest.mark.parametrize("name", sorted(ENCODERS))
@pytest.mark.parametrize("alphabet, sequences", [("dna", DNA), ("protein", PROTEIN)])
def test_padding_never_changes_an_embedding(name, alphabet, sequences):
    torch.manual_seed(0)
    small = {"deepbind": {"filters": 8}, "basset": {"filters": (8, 8, 8)},
             "danq": {"filters": 8, "hidden": 4}, "kmer": {"k": 2, "hidden": 8},
             "cnn_bigru": {"max_length": 400, "out_channels": 8}}[name]
    encoder = build_encoder(name, alphabet=alphabet, **small).eval()
    batch = encode(sequences, alphabet=alphabet)
    with torch.no_grad():
        together = encoder(batch)
        padded = encoder(_padded(batch, 97))
        alone = torch.cat([encoder(encode([s], alphabet=alphabet)) for s in sequences])
        bucketed = encoder.embed(batch, batch_size=2)
    assert together.shape == (len(sequences), encoder.out_channels)
    for other in (padded, alone, bucketed):
        assert torch.allclose(together, other, atol=1e-5)


@pytest.mark.parametrize("name", ["deepbind", "basset", "danq", "kmer"])
def test_reverse_complement_average_is_strand_invariant(name):
    torch.manual_seed(0)
    small = {"deepbind": {"filters": 8}, "basset": {"filters": (8, 8, 8)},
             "danq": {"filters": 8, "hidden": 4}, "kmer": {"k": 3, "hidden": 8}}[name]
    encoder = build_encoder(name, rc="average", **small).eval()
    batch = encode(DNA)
    with torch.no_grad():
        assert torch.allclose(encoder(batch), encoder(reverse_complement(batch)), atol=1e-5)
    plain = build_encoder(name, **small).eval()
    with torch.no_grad():
        assert not torch.allclose(plain(batch), plain(reverse_complement(batch)), atol=1e-5)


def test_tokens():
    batch = encode(["ACGTN", "aa"])
    assert batch.codes.tolist() == [[0, 1, 2, 3, 4], [0, 0, 5, 5, 5]]
    hot = one_hot(batch)
    assert hot.shape == (2, 4, 5) and hot[0, :, 4].tolist() == [0.25] * 4
    assert hot[1, :, 2:].abs().sum() == 0  # padding is silent
    assert reverse_complement(reverse_complement(batch)).codes.equal(batch.codes)
    counts = kmer_counts(encode(["ACGNAC"]), k=2, normalise=False)[0]
    assert counts.sum() == 3 and counts[0 * 4 + 1] == 2  # AC twice, CG once; N windows skipped
    assert [b.tolist() for b in length_buckets([3, 1, 2], 2)] == [[1, 2], [0]]
    with pytest.raises(DataFormatError, match="'Z'"):
        encode(["ACZ"])
    with pytest.raises(ConfigError, match="DNA only"):
        reverse_complement(encode(["ACD"], alphabet="protein"))
    with pytest.raises(ConfigError, match="unknown sequence encoder"):
        build_encoder("transformer")


def test_cnn_bigru_lookup_convolution_equals_conv1d_and_its_gradients():
    """GNN-PPI's convolution over residue vectors, computed as three table lookups, equals
    ``nn.Conv1d`` on the embedded sequences, values and gradients."""
    from graphgen.sequences.encoders import CNNBiGRUEncoder

    torch.manual_seed(0)
    encoder = CNNBiGRUEncoder(max_length=50, filters=3, hidden=2, out_channels=4)
    batch = encode(PROTEIN, alphabet="protein")
    codes = torch.nn.functional.pad(batch.codes[:, :50].long(),
                                    (0, max(0, 50 - batch.codes.shape[1])), value=batch.pad)

    def reference():
        h = encoder.norm(encoder.conv(encoder.residues(codes).transpose(1, 2)))
        h = torch.nn.functional.max_pool1d(h, 3)
        h, _ = encoder.gru(h.transpose(1, 2))
        return encoder.linear(torch.nn.functional.pad(h.mean(2), (0, 16 - h.shape[1])))

    expected = reference()
    expected.square().sum().backward()
    grads = [p.grad.clone() for p in encoder.parameters()]
    encoder.zero_grad()
    got = encoder(batch)
    got.square().sum().backward()
    assert torch.allclose(got, expected, atol=1e-5)
    for want, parameter in zip(grads, encoder.parameters()):
        assert torch.allclose(parameter.grad, want, atol=1e-4)


def test_cnn_bigru_fixed_residue_vectors_stay_fixed_and_need_every_letter():
    import pandas as pd

    from graphgen.sequences.encoders import CNNBiGRUEncoder

    letters = list("ACDEFGHIKLMNPQRSTVWYX")
    table = pd.DataFrame(np.random.default_rng(1).normal(size=(21, 5)), index=letters)
    encoder = CNNBiGRUEncoder(residues=table, max_length=40, out_channels=4)
    assert not encoder.residues.weight.requires_grad
    # rows in the alphabet's code order, the padding code zero
    assert torch.allclose(encoder.residues.weight[3], torch.tensor(table.loc["E"].to_numpy(),
                                                                   dtype=torch.float32))
    assert encoder.residues.weight[-1].abs().sum() == 0
    with pytest.raises(ConfigError, match=r"lack the protein letters \['W'\]"):
        CNNBiGRUEncoder(residues=table.drop(index="W"), max_length=40)
