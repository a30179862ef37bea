"""Fixtures of the experiment tests: the simulated organism written out as files."""

import numpy as np
import pandas as pd
import pytest

#: The organism's graph and feature sections of an experiment TOML.
GRAPH_AND_FEATURES = """
name = "toy"
seed = 0
[graph]
path = "ppi.csv"
format = "edgelist"
source = "a"
target = "b"
weight = "w"
[features.topology]
[features.expression]
path = "expression.csv"
"""

#: Binary disease labels and a 2-fold split.
LABELS = """
[labels]
table = "labels.csv"
gene_column = "gene"
label_column = "disease"
[split]
kind = "kfold"
k = 2
"""

MINI_OBO = """format-version: 1.2

[Term]
id: GO:0000001
name: root process
namespace: biological_process
""" + "".join(f"""
[Term]
id: GO:00001{m:02d}
name: module {m} process
namespace: biological_process
is_a: GO:0000001 ! root process

[Term]
id: GO:00002{m:02d}
name: module {m} sub-process
namespace: biological_process
is_a: GO:00001{m:02d} ! module {m} process
""" for m in range(5))


@pytest.fixture(scope="module")
def files(tmp_path_factory, small_organism):
    """The simulated organism written out as the files a user would have."""
    root = tmp_path_factory.mktemp("organism")
    org = small_organism
    src, dst = org.ppi.edge_index.numpy()
    ids = np.array(org.ppi.node_ids)
    keep = src < dst
    pd.DataFrame({"a": ids[src[keep]], "b": ids[dst[keep]],
                  "w": org.ppi.edge_weight.numpy()[keep]}).to_csv(root / "ppi.csv", index=False)
    org.labels.rename("disease").rename_axis("gene").reset_index().to_csv(
        root / "labels.csv", index=False)
    org.expression.T.to_csv(root / "expression.csv")
    (root / "mini.obo").write_text(MINI_OBO)
    (root / "promoters.fa").write_text("".join(f">{g}\n{s}\n" for g, s in org.sequences.items()))
    ann = pd.DataFrame({"gene_id": org.modules.index,
                        "term_id": [f"GO:00002{m % 5:02d}" for m in org.modules]})
    ann["#tax_id"], ann["Evidence"] = 9606, "IDA"
    ann.rename(columns={"gene_id": "GeneID", "term_id": "GO_ID"})[
        ["#tax_id", "GeneID", "GO_ID", "Evidence"]].to_csv(root / "gene2go.tsv", sep="\t",
                                                            index=False)
    return root
