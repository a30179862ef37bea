"""Sequence-level explanations of a classifier fused with a sequence encoder.

- :func:`explain_sequence`: Integrated Gradients (Captum) of a gene's logit with respect to
  the one-hot letters of its own sequence, the graph view held at its value: one attribution
  per position (zero baseline, so only the letter present carries attribution).
- :func:`filter_motifs` and :func:`write_meme`: the encoder's first-layer filters as position
  weight matrices (letter frequencies of the windows that activate each filter above a share
  of its maximum, as Basset and DeepBind read their filters), written in MEME format for
  Tomtom or any motif database.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from graphgen.estimators.explainable import ExplainableGenes
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.explain.genes import _captum, _fitted, _target
from graphgen.graph.nodes import node_positions
from graphgen.io.atomic import atomic_write
from graphgen.models.fusion import FusionModel
from graphgen.sequences.encoders import SequenceEncoder
from graphgen.sequences.tokens import ALPHABETS, SequenceBatch, encode, one_hot

__all__ = ["explain_sequence", "filter_motifs", "write_meme"]


def _fusion_members(classifier) -> list[FusionModel]:
    fitted = _fitted(classifier)
    members = [m.eval() for m in (fitted.members or [fitted.model])]
    if not all(isinstance(m, FusionModel) and m.sequence_encoder is not None
               for m in members):
        raise ConfigError("explain_sequence: the classifier reads no sequences; fit it with "
                          "sequences= to explain positions")
    return members


def explain_sequence(classifier: ExplainableGenes, gene: str, *, target=None, steps: int = 64
                     ) -> pd.DataFrame:
    """Per-position attributions of one gene's sequence to its score.

    Args:
        classifier: a fitted :class:`~graphgen.estimators.GeneClassifier` with
            ``sequences=``.
        gene: the gene id.
        target: class (or label) whose logit to explain (default as
            :func:`~graphgen.explain.genes.explain_gene`).
        steps: Integrated Gradients' steps.

    Returns:
        One row per position: ``position`` (0-based), ``letter``, ``attribution``.

    Raises:
        ConfigError: a classifier without a sequence view, an unknown target.
        DataFormatError: the gene has no sequence.
        IdMappingError: the gene is not a node.
    """
    captum = _captum()
    members = _fusion_members(classifier)
    data = classifier.data_
    position = int(node_positions(data, [gene], what="gene to explain")[0])
    if not bool(data.has_sequence[position]):
        raise DataFormatError(f"explain_sequence: gene {gene!r} has no sequence")
    proba = classifier.predict_proba([gene]).iloc[0]
    column, _ = _target(classifier, target, proba)
    one = data.sequences.select(np.array([position]))
    length = int(one.lengths[0])
    codes = one.codes[:, :length]
    alphabet = one.alphabet
    with torch.no_grad():
        graph_views = [m.view_representations(data.x, data.edge_index,
                                              getattr(data, "edge_weight", None),
                                              sequences=data.sequences,
                                              has_sequence=data.has_sequence)[0][position:
                                                                                 position + 1]
                       if m.graph_encoder is not None else None for m in members]
    x = one_hot(SequenceBatch(codes, torch.tensor([length]), alphabet))

    def forward(oh: Tensor) -> Tensor:
        outs = []
        for member, graph_view in zip(members, graph_views):
            embedding = _encode(member.sequence_encoder, oh, length)
            views = [member.sequence_representation(embedding)]
            if graph_view is not None:
                views.insert(0, graph_view.expand(oh.shape[0], -1))
            outs.append(member.fuse(views))
        return torch.stack(outs).mean(dim=0)

    attribution = captum.IntegratedGradients(forward).attribute(
        x, baselines=torch.zeros_like(x), target=column, n_steps=steps)
    values = attribution[0].sum(dim=0).detach().numpy()
    letters = ALPHABETS[alphabet][0]
    return pd.DataFrame({"position": np.arange(length),
                         "letter": [letters[c] for c in codes[0].tolist()],
                         "attribution": values})


def _encode(encoder: SequenceEncoder, oh: Tensor, length: int) -> Tensor:
    """The encoder's embedding of one-hot input (its forward without the integer codes),
    widened to the receptive field and strand-averaged as the encoder does."""
    extra = encoder.min_width - oh.shape[-1]
    if extra > 0:
        oh = nn.functional.pad(oh, (0, extra))
    lengths = torch.full((oh.shape[0],), length, dtype=torch.long)
    out = encoder.encode_one_hot(oh, lengths)
    if encoder.rc == "average":  # the reverse complement of A,C,G,T channels: flip both axes
        flipped = torch.cat([oh[..., :length].flip(dims=(1, 2)), oh[..., length:]], dim=-1)
        out = 0.5 * (out + encoder.encode_one_hot(flipped, lengths))
    return out


def _first_conv(encoder: SequenceEncoder) -> nn.Conv1d:
    for module in encoder.modules():
        if isinstance(module, nn.Conv1d):
            return module
    raise ConfigError(f"filter_motifs: the {type(encoder).__name__} has no convolution "
                      "filters (the k-mer encoder counts words instead)")


def filter_motifs(model, sequences: pd.Series | Sequence[str], *, alphabet: str | None = None,
                  threshold: float = 0.5, batch_size: int = 256) -> list[np.ndarray]:
    """Position weight matrices of the first-layer filters.

    Args:
        model: a fitted ``GeneClassifier`` with sequences, a ``FusionModel`` or a
            :class:`~graphgen.sequences.encoders.SequenceEncoder`.
        sequences: the sequences to scan (e.g. the training genes' sequences).
        alphabet: ``"dna"`` or ``"protein"`` (default: the encoder's).
        threshold: a window counts for a filter when its activation exceeds this share of
            the filter's largest activation over all sequences (Basset uses 0.5).
        batch_size: sequences per pass.

    Returns:
        One ``[kernel, letters]`` frequency matrix per filter (rows sum to 1; a filter that
        no window activates gets a uniform matrix), columns A, C, G, T (DNA) or the 20
        amino acids.
    """
    encoder = model
    if hasattr(model, "fitted_"):
        encoder = _fusion_members(model)[0].sequence_encoder
    elif isinstance(model, FusionModel):
        encoder = model.sequence_encoder
    if not isinstance(encoder, SequenceEncoder):
        raise ConfigError("filter_motifs: give a GeneClassifier with sequences, a "
                          f"FusionModel or a SequenceEncoder, got {type(model).__name__}")
    if not 0 < threshold <= 1:
        raise ConfigError(f"filter_motifs: threshold must be in (0, 1], got {threshold!r}")
    conv = _first_conv(encoder)
    alphabet = alphabet or encoder.alphabet
    texts = list(sequences.dropna() if isinstance(sequences, pd.Series) else sequences)
    if not texts:
        raise DataFormatError("filter_motifs: no sequences to scan")
    kernel = conv.kernel_size[0]
    activations, windows = [], []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = encode(texts[start:start + batch_size], alphabet=alphabet)
            oh = one_hot(batch)
            if oh.shape[-1] < kernel:
                oh = nn.functional.pad(oh, (0, kernel - oh.shape[-1]))
            act = conv(oh)  # [B, filters, L - k + 1]
            valid = (torch.arange(act.shape[-1])[None, :]
                     <= (batch.lengths[:, None] - kernel))
            act = act.masked_fill(~valid[:, None, :], float("-inf"))
            activations.append(act)
            windows.append(oh.unfold(2, kernel, 1))  # [B, C, L - k + 1, k]
    pwms = []
    top = torch.cat([a.amax(dim=(0, 2)) for a in activations]).view(len(activations), -1)
    top = top.amax(dim=0)
    letters = conv.in_channels
    for f in range(conv.out_channels):
        counts = torch.zeros(kernel, letters)
        for act, win in zip(activations, windows):
            hit = act[:, f, :] > threshold * top[f]
            if top[f] > 0 and hit.any():
                counts += win.permute(0, 2, 3, 1)[hit].sum(dim=0)  # [k, C]
        counts = counts[:, :_letters(alphabet)]  # DNA's N and protein's X are no letter
        total = counts.sum(dim=1, keepdim=True)
        pwm = torch.where(total > 0, counts / total.clamp_min(1e-12),
                          torch.full_like(counts, 1.0 / counts.shape[1]))
        pwms.append(pwm.numpy())
    return pwms


def _letters(alphabet: str) -> int:
    """Letters of a motif: A, C, G, T, or the 20 amino acids."""
    return 4 if alphabet == "dna" else 20


def write_meme(pwms: Sequence[np.ndarray], path: str | os.PathLike, *, alphabet: str = "dna",
               names: Sequence[str] | None = None, nsites: int = 20) -> None:
    """Write position weight matrices in MEME's minimal motif format, atomically.

    Raises:
        ConfigError: matrices whose width does not match the alphabet, or names of another
            length.
    """
    letters = ALPHABETS[alphabet][0] if alphabet in ALPHABETS else None
    if letters is None:
        raise ConfigError(f"write_meme: alphabet must be one of {sorted(ALPHABETS)}")
    letters = letters[:_letters(alphabet)]
    names = list(names) if names is not None else [f"filter_{i}" for i in range(len(pwms))]
    if len(names) != len(pwms):
        raise ConfigError(f"write_meme: {len(names)} names for {len(pwms)} matrices")
    lines = ["MEME version 4", "", f"ALPHABET= {''.join(letters)}", "",
             "strands: + -" if alphabet == "dna" else "", "",
             "Background letter frequencies",
             " ".join(f"{a} {1 / len(letters):.3f}" for a in letters), ""]
    for name, pwm in zip(names, pwms):
        pwm = np.asarray(pwm, dtype=float)
        if pwm.ndim != 2 or pwm.shape[1] != len(letters):
            raise ConfigError(f"write_meme: matrix {name!r} has shape {pwm.shape}; expected "
                              f"[width, {len(letters)}] for {alphabet}")
        lines += [f"MOTIF {name}",
                  f"letter-probability matrix: alength= {len(letters)} w= {pwm.shape[0]} "
                  f"nsites= {nsites} E= 0"]
        lines += [" ".join(f"{v:.6f}" for v in row) for row in pwm]
        lines.append("")
    with atomic_write(path) as handle:
        handle.write("\n".join(lines))
