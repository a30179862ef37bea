"""Label checks at the door: repeated genes, continuous values, tiny classes."""

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.labels import align_labels

NODES = [f"G{i}" for i in range(10)]


def test_conflicting_repeated_gene_refused_identical_repeat_merged():
    labels = pd.Series([1, 0, 0, 1, 0], index=["G0", "G1", "G2", "G3", "G0"])
    with pytest.raises(DataFormatError, match="'G0' with \\[\\[1\\], \\[0\\]\\]"):
        align_labels(labels, NODES)
    same = pd.Series([1, 0, 0, 1, 1], index=["G0", "G1", "G2", "G3", "G0"])
    aligned = align_labels(same, NODES)
    assert aligned.labels.to_dict() == {"G0": 1, "G1": 0, "G2": 0, "G3": 1}


def test_continuous_labels_refused():
    labels = pd.Series(np.linspace(0.01, 0.99, 10), index=NODES)
    with pytest.raises(DataFormatError, match="continuous .* binarise"):
        align_labels(labels, NODES)
    assert align_labels(pd.Series([0.0, 1.0] * 5, index=NODES), NODES).labels.sum() == 5


def test_single_gene_class_and_single_class_refused():
    labels = pd.Series([0] * 9 + [1], index=NODES)
    with pytest.raises(DataFormatError, match="class 1 has a single labelled gene .*'G9'"):
        align_labels(labels, NODES)
    with pytest.raises(DataFormatError, match="single class"):
        align_labels(pd.Series(0, index=NODES), NODES)


def test_multilabel_values_must_be_binary_and_input_typed():
    table = pd.DataFrame({"A": [1, 0, 2], "B": [0, 1, 0]}, index=["G0", "G1", "G2"])
    with pytest.raises(DataFormatError, match="gene 'G2', label 'A' holds 2.0"):
        align_labels(table, NODES)
    with pytest.raises(DataFormatError, match="pandas Series"):
        align_labels({"G0": 1}, NODES)
    with pytest.raises(DataFormatError, match="missing \\(NaN\\) gene id"):
        align_labels(pd.Series([1, 0, 1], index=["G0", np.nan, "G1"]), NODES)
