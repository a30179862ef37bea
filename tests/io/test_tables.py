"""CSV files for people: ids written exactly, formula-like cells warned about."""

import logging

import pandas as pd

from graphgen.io.tables import write_csv


def test_formula_like_ids_round_trip_and_are_warned(tmp_path, caplog):
    frame = pd.DataFrame({"score": [0.9, 0.1, 0.5], "note": ["ok", "@SUM(A1)", "-0.5"]},
                         index=pd.Index(["TP53", "=HYPERLINK(\"http://x\")", "+1+1"],
                                        name="gene_id"))
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        path = write_csv(tmp_path / "predictions.csv", frame)
    back = pd.read_csv(path, index_col=0, dtype={"note": str})
    assert back.index.tolist() == frame.index.tolist()  # ids come back exactly
    assert back["note"].tolist() == ["ok", "@SUM(A1)", "-0.5"]
    assert "3 cells begin like a spreadsheet formula" in caplog.text  # not the -0.5
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="graphgen"):
        write_csv(tmp_path / "plain.csv", frame.iloc[:1])
    assert caplog.text == ""
