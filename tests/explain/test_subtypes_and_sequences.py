"""Subtype gene rankings and sequence explanations on the simulated organism, whose planted
truth (module activities per subtype, motif positions) the explanations must find."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from graphgen import GeneClassifier, SubtypeClassifier, TrainerConfig
from graphgen.estimators.subtype_classifier import SUBTYPE_TRAINER
from graphgen.exceptions import ConfigError, DataFormatError, NotFittedError
from graphgen.explain import (
    explain_samples,
    explain_sequence,
    filter_motifs,
    precision_at_k,
    rank_genes,
    write_meme,
)
from graphgen.features.blocks import stack_blocks

pytest.importorskip("captum")


@pytest.fixture(scope="module")
def subtypes(small_organism):
    org = small_organism
    clf = SubtypeClassifier("features", trainer=replace(SUBTYPE_TRAINER, max_epochs=80,
                                                         progress=False))
    return clf.fit({"rna": org.expression}, org.samples["subtype"])


def test_subtype_genes_follow_the_planted_modules(subtypes, small_organism):
    org = small_organism
    labels = org.samples["subtype"]
    attributions = explain_samples(subtypes, {"rna": org.expression}, labels=labels, steps=16)
    assert attributions.shape == (len(labels), org.expression.shape[1])
    ranking = rank_genes(attributions, top=30)
    assert set(ranking["class"]) == {str(c) for c in sorted(labels.unique())}
    activity = org.truth["module_activity"]
    hits, base = [], []
    for cls in sorted(set(ranking["class"])):
        # the module whose activity sets this subtype furthest from the others
        shift = (activity[labels == int(cls)].mean() - activity.mean()).abs()
        module_genes = {f"rna:{g}" for g in org.modules[org.modules == shift.idxmax()].index}
        scores = attributions[labels.astype(str) == cls].abs().mean()
        hits.append(precision_at_k(scores, module_genes, 30))
        base.append(len(module_genes) / len(org.modules))
    assert np.mean(hits) > 2 * np.mean(base)


def test_expression_graph_view_and_bad_inputs(small_organism):
    org = small_organism
    clf = SubtypeClassifier("expression-graph", network=org.ppi,
                            trainer=replace(SUBTYPE_TRAINER, max_epochs=5, progress=False))
    with pytest.raises(NotFittedError):
        explain_samples(clf, {"rna": org.expression})
    clf.fit({"rna": org.expression}, org.samples["subtype"])
    few = org.expression.iloc[:6]
    attributions = explain_samples(clf, {"rna": few}, method="saliency", batch_size=4)
    assert attributions.shape == (6, clf.genes_.__len__())
    assert list(attributions.index) == list(few.index)
    with pytest.raises(ConfigError, match="unknown"):
        explain_samples(clf, {"rna": few}, labels=pd.Series(9, index=few.index))
    with pytest.raises(DataFormatError, match="missing"):
        explain_samples(clf, {"protein": few})
    with pytest.raises(DataFormatError, match="target"):
        rank_genes(pd.DataFrame({"g": [1.0]}))


def test_patient_graph_view_explained_per_sample(small_organism):
    """A patient-graph call reads linked training patients too: each sample is explained in
    its own pass, and Integrated Gradients' completeness holds for its own profile."""
    import torch

    org = small_organism
    labels = org.samples["subtype"]
    train, new = labels.index[:30], labels.index[30:34]
    clf = SubtypeClassifier("patient-graph", k=5, trainer=replace(
        SUBTYPE_TRAINER, max_epochs=20, progress=False))
    clf.fit({"rna": org.expression.loc[train]}, labels.loc[train])
    attributions = explain_samples(clf, {"rna": org.expression.loc[new]}, steps=64)
    assert attributions.shape == (4, org.expression.shape[1])
    _, data, rows = clf.sample_view({"rna": org.expression.loc[new]})
    model = clf.model_.eval()
    row = rows.start
    target = [str(c) for c in clf.classes_].index(attributions.attrs["target"][new[0]])
    zeroed = data.x.clone()
    zeroed[row] = 0.0
    with torch.no_grad():
        gap = (model(data.x, None, feature_blocks=data.feature_blocks,
                     omics_graphs=data.omics_graphs)[row, target]
               - model(zeroed, None, feature_blocks=data.feature_blocks,
                       omics_graphs=data.omics_graphs)[row, target])
    assert attributions.iloc[0].sum() == pytest.approx(float(gap), rel=0.05, abs=1e-3)


@pytest.fixture(scope="module")
def fused():
    from graphgen import make_organism

    org = make_organism(n_genes=400, n_samples=10, seed=1)
    data = stack_blocks(org.ppi, {"attr": org.features})
    clf = GeneClassifier("mlp", sequences=org.sequences,
                         sequence_options={"filters": 16, "kernel_size": 10},
                         trainer=TrainerConfig(max_epochs=60, progress=False, seed=0))
    return org, clf.fit(data, org.labels)


def test_motif_positions_recovered(fused):
    org, clf = fused
    start = org.truth["motif_position"]
    genes = [g for g in start.index if start[g] >= 0][:15]
    precision, random = [], []
    for gene in genes:
        positions = explain_sequence(clf, gene, steps=24)
        assert positions["letter"].str.cat() == org.sequences[gene]
        top = positions.set_index("position")["attribution"].abs()
        window = set(range(start[gene], start[gene] + 10))
        precision.append(precision_at_k(top, window, 10))
        random.append(10 / len(positions))
    assert np.mean(precision) > 4 * np.mean(random)


def test_filters_as_meme(fused, tmp_path):
    org, clf = fused
    pwms = filter_motifs(clf, org.sequences)
    assert len(pwms) == 16 and all(p.shape == (10, 4) for p in pwms)
    np.testing.assert_allclose([p.sum(axis=1) for p in pwms], 1.0, atol=1e-5)
    path = tmp_path / "filters.meme"
    write_meme(pwms, path)
    text = path.read_text()
    assert text.startswith("MEME version 4") and "ALPHABET= ACGT" in text
    assert text.count("MOTIF filter_") == 16
    block = text.split("MOTIF filter_0\n")[1].splitlines()
    assert block[0].startswith("letter-probability matrix: alength= 4 w= 10")
    assert np.allclose([float(v) for v in block[1].split()], pwms[0][0], atol=1e-6)
    # the planted motifs are found by some filter: its consensus matches one motif closely
    consensus = ["".join("ACGT"[i] for i in p.argmax(axis=1)) for p in pwms]
    best = max(sum(a == b for a, b in zip(c, m)) for c in consensus
               for m in org.truth["motifs"].values())
    assert best >= 6  # of 10 letters; a random filter matches about 2.5
    with pytest.raises(ConfigError, match="shape"):
        write_meme([np.ones((3, 5))], tmp_path / "bad.meme")


def test_sequence_explanation_needs_sequences(small_organism):
    data = stack_blocks(small_organism.ppi, {"attr": small_organism.features})
    clf = GeneClassifier("mlp", trainer=TrainerConfig(max_epochs=3, progress=False)).fit(
        data, small_organism.labels)
    with pytest.raises(ConfigError, match="reads no sequences"):
        explain_sequence(clf, data.node_ids[0])
