"""read_mogonet: a cohort folder in MOGONET's layout, its published split and every bad file."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from graphgen.exceptions import DataFormatError
from graphgen.io.mogonet import read_mogonet


def _whole(message):
    return "^" + re.escape(message) + "$"


def _cohort(folder, **files):
    texts = {"labels_tr.csv": "0.0\n1.0\n1.0\n", "labels_te.csv": "1\n0\n",
             "1_tr.csv": "0.1,0.2\n0.3,0.4\n0.5,0.6\n", "1_te.csv": "0.7,0.8\n0.9,1.0\n",
             "1_featname.csv": "ENSG01\nENSG02\n",
             "2_tr.csv": "1,2,3\n4,5,6\n7,8,9\n", "2_te.csv": "10,11,12\n13,14,15\n",
             "2_featname.csv": "001\nTRUE\nNA\n"}
    texts.update(files)
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        if text is not None:
            (folder / name).write_text(text)
    return folder


def test_a_cohort_with_its_published_split(tmp_path):
    cohort = read_mogonet(_cohort(tmp_path / "c"), views=(1, 2), names=("mrna", "meth"))
    train = ["train_000", "train_001", "train_002"]
    test = ["test_000", "test_001"]
    assert list(cohort.omics) == ["mrna", "meth"]
    mrna = cohort.omics["mrna"]
    assert mrna.index.tolist() == train + test and mrna.columns.tolist() == ["ENSG01", "ENSG02"]
    assert mrna.loc["train_001"].tolist() == [0.3, 0.4]
    assert mrna.loc["test_001"].tolist() == [0.9, 1.0]
    # feature names are kept as written: no 001 -> 1, TRUE -> True or NA -> missing
    assert cohort.omics["meth"].columns.tolist() == ["001", "TRUE", "NA"]
    assert cohort.omics["meth"].loc["test_000"].tolist() == [10, 11, 12]
    pd.testing.assert_series_equal(cohort.labels, pd.Series(
        [0, 1, 1, 1, 0], index=train + test, name="label", dtype=np.int64))
    assert cohort.split.train.tolist() == train and cohort.split.test.tolist() == test
    assert cohort.split.val.tolist() == [] and cohort.split.name == "published split"


def test_default_names_and_features_without_a_name_file(tmp_path):
    folder = _cohort(tmp_path / "c", **{"2_featname.csv": None})
    cohort = read_mogonet(folder, views=(1, 2))
    assert list(cohort.omics) == ["view1", "view2"]
    assert cohort.omics["view2"].columns.tolist() == [0, 1, 2]


@pytest.mark.parametrize(("files", "message"), [
    ({"labels_tr.csv": "0\n1.5\n1\n"},
     "{d}/labels_tr.csv, line 2: a class must be a whole number, got np.float64(1.5)"),
    ({"labels_te.csv": "1\nnan\n"},
     "{d}/labels_te.csv, line 2: a class must be a whole number, got np.float64(nan)"),
    ({"labels_tr.csv": "0,1\n1,1\n1,0\n"},
     "{d}/labels_tr.csv: one class per line expected, found 2 columns"),
    ({"labels_te.csv": ""}, "{d}/labels_te.csv: no data lines"),
    ({"labels_te.csv": None}, "{d}/labels_te.csv: missing (not a MOGONET cohort folder?)"),
    ({"2_te.csv": None}, "{d}/2_te.csv: missing"),
    ({"1_tr.csv": "0.1,0.2\n0.3,0.4\n"}, "{d}/1_tr.csv: 2 rows but labels_tr.csv has 3"),
    ({"2_te.csv": "1,2,3\n"}, "{d}/2_te.csv: 1 rows but labels_te.csv has 2"),
    ({"1_featname.csv": "ENSG01\n"},
     "{d}/1_tr.csv: 2 columns but 1_featname.csv names 1 features"),
    ({"1_featname.csv": None, "1_te.csv": "0.7,0.8,0\n0.9,1.0,0\n"},
     "{d}/1_te.csv: 3 columns but 1_tr.csv has 2"),
    ({"2_featname.csv": "a\nb\n\na\n"},
     "{d}/2_featname.csv, line 4: feature 'a' is named again (first on line 1)"),
])
def test_bad_files_are_named(tmp_path, files, message):
    folder = _cohort(tmp_path / "c", **files)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's own warning about an empty file is not shown
        with pytest.raises(DataFormatError, match=_whole(message.format(d=folder))):
            read_mogonet(folder, views=(1, 2))


def test_ragged_or_non_numeric_rows_and_bad_views(tmp_path):
    folder = _cohort(tmp_path / "c", **{"1_tr.csv": "0.1,0.2\n0.3,x\n0.5,0.6\n"})
    with pytest.raises(DataFormatError, match=re.escape(
            f"{folder}/1_tr.csv: not a numeric comma-separated matrix (")):
        read_mogonet(folder, views=(1,))
    with pytest.raises(DataFormatError, match=_whole("read_mogonet: give one name per view")):
        read_mogonet(folder, views=(1, 2), names=("a",))
    with pytest.raises(DataFormatError, match=_whole(
            "read_mogonet: views [1, 2] and names ['a', 'a'] must each be distinct")):
        read_mogonet(folder, views=(1, 2), names=("a", "a"))
    with pytest.raises(DataFormatError, match=_whole(
            "read_mogonet: views [2, 2] and names ['view2', 'view2'] must each be distinct")):
        read_mogonet(folder, views=(2, 2))


@pytest.mark.slow
def test_rosmap_as_published(shared_data):
    cohort = read_mogonet(shared_data / "mogonet" / "ROSMAP")
    assert [table.shape for table in cohort.omics.values()] == [(351, 200)] * 3
    assert len(cohort.split.train) == 245 and len(cohort.split.test) == 106
    assert sorted(cohort.labels.unique()) == [0, 1]
    assert cohort.omics["view1"].columns[0] == "ENSG00000161896.6"
    assert cohort.omics["view1"].notna().all().all()
