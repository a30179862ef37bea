"""Feed graphgen the bad inputs a new user makes and print what each one gets.

Every case runs in this process on small generated data (no download, no real data needed),
and the printed Markdown table is the one in ``docs/bad_inputs.md``. A case gets either a
``GraphgenError`` (its class and message) or a correct result (described); anything else
(another exception type, a NaN prediction) is marked ``UNEXPECTED`` and makes the script exit
with status 1, so it doubles as a check.

    python examples/bad_inputs.py > /tmp/bad_inputs.md
"""

from __future__ import annotations

import copy
import gzip
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

import graphgen
from graphgen import GeneClassifier, GraphgenError, IdMapper, TrainerConfig
from graphgen.cli.demo import run_demo
from graphgen.cli.main import main as cli_main
from graphgen.comparison.run_folder import RunFolder
from graphgen.datasets.download import verify_cached
from graphgen.datasets.manifest import load_manifest
from graphgen.estimators.graph_classifier import GraphClassifier, assess
from graphgen.evaluation import stratified_split
from graphgen.experiment import load_experiment
from graphgen.experiment.explain_run import explain_run
from graphgen.explain import explain_gene
from graphgen.features import go_features, stack_blocks
from graphgen.graph import NeighborSampler
from graphgen.io import EdgeListFormat, read_expression, read_fasta, read_string
from graphgen.io.tu import read_tu
from graphgen.models import build_model
from graphgen.train import NodeClassificationTask, Trainer


def _cases(tmp: Path) -> list[tuple[str, str, Callable[[], object]]]:
    org = graphgen.make_organism(n_genes=300, n_samples=5, seed=0)
    data = stack_blocks(org.ppi, {"attributes": org.features})
    quick = {"trainer": TrainerConfig(max_epochs=3, progress=False)}
    arrays = pd.DataFrame(np.random.default_rng(0).normal(size=(8, 6)),
                          index=[f"array{i}" for i in range(8)])

    def labelled(folder: Path) -> Path:
        (folder / "T_node_labels.txt").write_text("0\n1\n0\n")
        return folder

    def binary(name: str, content: bytes) -> Path:
        path = tmp / name
        path.write_bytes(content)
        return path

    def with_engine_variable():
        previous = os.environ.get("GRAPHGEN_CSV_ENGINE")
        os.environ["GRAPHGEN_CSV_ENGINE"] = "duckdb"
        try:
            return graphgen.io.read_edgelist(file("e.csv", "source,target\nA,B\n"),
                                             EdgeListFormat())
        finally:
            if previous is None:
                del os.environ["GRAPHGEN_CSV_ENGINE"]
            else:
                os.environ["GRAPHGEN_CSV_ENGINE"] = previous

    def plain_classifier():
        return GeneClassifier("mlp", label_features=None, **quick).fit(data, org.labels)

    def renamed_features():
        other = copy.copy(data)
        other.feature_names = [f"other{i}" for i in range(data.num_features)]
        return plain_classifier().predict_proba(data=other)

    def other_edges():
        light = plain_classifier().save(tmp / "light.pt", include_graph=False)
        other = copy.copy(data)
        other.edge_index = data.edge_index[:, :10]
        other.edge_weight = None
        return GeneClassifier.load(light, data=other)

    def rare_labels():
        labels = pd.Series(0, index=org.labels.index)
        labels.iloc[[3, 50, 200]] = 1
        return labels

    def tiny_graphs():
        return [Data(x=torch.ones(3, 3) * (i % 2), edge_index=torch.tensor([[0, 1], [1, 2]]),
                     y=torch.tensor([i % 2])) for i in range(8)]

    def fitted_graphs():
        return GraphClassifier("gin", trainer=TrainerConfig(max_epochs=1, progress=False,
                                                            batch_size=4)).fit(tiny_graphs())

    def zero_weights():
        from graphgen.models.propagation import RandomWalkWithRestart

        flat = copy.copy(data)
        flat.edge_weight = torch.zeros(data.edge_index.shape[1])
        targets = np.eye(2)[org.labels.reindex(data.node_ids).fillna(0).astype(int)]
        return RandomWalkWithRestart().predict(flat, targets, np.arange(data.num_nodes) < 100)

    def huge_feature():
        big = data.clone()
        big.x = data.x.clone()
        big.x[5, 0] = 1e30
        return GeneClassifier("logreg", **quick).fit(big, org.labels)

    def mogonet_nan_label():
        from graphgen.subtyping.mogonet import mogonet_proba

        views = {"a": arrays, "b": arrays * 2}
        labels = pd.Series([0.0, 1.0] * 3 + [np.nan, 1.0], index=arrays.index)
        return mogonet_proba(views, labels, views)

    def control_graphml():
        from graphgen.explain.genes import GeneExplanation

        explanation = GeneExplanation(
            gene="TP53\x01", target="1", score=0.5, method="saliency",
            features=pd.Series({"f": 1.0}), blocks=pd.Series({"features": 1.0}),
            nodes=pd.Series({"TP53\x01": 1.0}))
        return explanation.write_graphml(tmp / "bad.graphml")

    def user_folder():
        folder = tmp / "user_folder"
        folder.mkdir(exist_ok=True)
        (folder / "curves.png").write_bytes(b"the user's figure")
        return RunFolder(folder)

    def demo_run():
        folder = tmp / "demo_run"
        folder.mkdir(exist_ok=True)
        (folder / "config.toml").write_text('command = "graphgen demo"\nseed = 0\n')
        return folder

    def nan_features():
        broken = data.clone()
        broken.x = data.x.clone()
        broken.x[3, 1] = float("nan")
        return GeneClassifier("gcn", **quick).fit(broken, org.labels)

    def nan_block():
        block = org.features.copy()
        block.iloc[1, 0] = np.inf
        return block

    def resume_changed_features():
        split = stratified_split(org.labels, seed=0)
        task = NodeClassificationTask.from_labels(data, org.labels, split)
        config = TrainerConfig(max_epochs=2, progress=False, checkpoint_every=1)
        ckpt = tmp / "ckpt.pt"
        Trainer(config).fit(build_model("gcn", data.num_features, 2), data, task,
                            checkpoint=ckpt)
        scaled = data.clone()
        scaled.x = data.x * 2
        return Trainer(config).fit(build_model("gcn", data.num_features, 2), scaled, task,
                                   checkpoint=ckpt, resume=True)

    def file(name: str, text: str) -> Path:
        path = tmp / name
        if name.endswith(".gz"):
            with gzip.open(path, "wt") as handle:
                handle.write(text)
        else:
            path.write_text(text)
        return path

    brca_like = "," + ",".join(f"G{j}" for j in range(20)) + "\n" + "".join(
        f"TCGA-{i:02d}," + ",".join(str(i + j) for j in range(20)) + "\n" for i in range(77))
    existing = tmp / "earlier-run"
    existing.mkdir()
    (existing / "metrics.json").write_text("{}")
    mapper = IdMapper(pd.DataFrame({"symbol": ["TP53", "MDM2"], "entrez": ["7157", "4193"]}))
    obo = file("mini.obo", "format-version: 1.2\n\n[Term]\nid: GO:0000001\nname: root\n"
                           "namespace: biological_process\n\n[Term]\nid: GO:0000002\n"
                           "name: child\nnamespace: biological_process\nis_a: GO:0000001\n")
    entrez_ann = pd.DataFrame({"gene_id": ["7157"], "term_id": ["GO:0000002"]})
    trrust = graphgen.datasets.dataset_info("trrust-human")
    cache = tmp / "cache"
    (cache / trrust.name / trrust.version).mkdir(parents=True)
    file(f"cache/{trrust.name}/{trrust.version}/{trrust.main_file.name}",
         "".join(f"TF{i}\tG{i}\tActivation\t{i}\n" for i in range(100)))
    fitted = GeneClassifier("gcn", **quick).fit(data, org.labels)
    payload = torch.load(fitted.save(tmp / "clf.pt"), weights_only=True)
    first = next(iter(payload["state_dict"]))
    payload["state_dict"][first] = torch.zeros(3, 3)
    torch.save(payload, tmp / "tampered.pt")
    manifest_base = ('title = "t"\nkind = "grn"\nformat = "trrust"\nhomepage = "https://x.org"\n'
                     'licence = "CC0"\ncitation = "none"\nversion = "1"\n')

    def merged_repeat(clf) -> str:
        return (f"fitted; {len(clf.task_.train_index) + len(clf.task_.val_index)} labelled "
                "genes, the repeat merged (warning)")

    def labels(values, index) -> pd.Series:
        return pd.Series(values, index=index)

    nodes = list(data.node_ids)

    def sampled_with_inputs():
        from graphgen.models.fusion import build_fusion  # a graph + sequence model
        from graphgen.sequences.attach import attach_sequences

        fused = attach_sequences(data, org.sequences)
        model = build_fusion("gcn", data.num_features, 2, encoder="kmer", alphabet="dna")
        task = NodeClassificationTask.from_labels(fused, org.labels,
                                                  stratified_split(org.labels, seed=0))
        return Trainer(TrainerConfig(fanout=(5,), max_epochs=1, progress=False)).fit(
            model, fused, task)

    def tu_folder(a="1, 2\n2, 1\n", indicator="1\n1\n2\n"):
        folder = tmp / "tu"
        folder.mkdir(exist_ok=True)
        (folder / "T_A.txt").write_text(a)
        (folder / "T_graph_indicator.txt").write_text(indicator)
        (folder / "T_graph_labels.txt").write_text("0\n1\n")
        return folder

    def bare_ontology():
        from goatools.obo_parser import GODag

        obo = file("mini.obo", "format-version: 1.2\n\n[Term]\nid: GO:0000001\nname: a\n"
                   "namespace: biological_process\n")
        return GODag(str(obo), prt=None)

    def mogonet_folder(**files):
        folder = tmp / "mogonet"
        folder.mkdir(exist_ok=True)
        texts = {"labels_tr.csv": "0\n1\n", "labels_te.csv": "1\n", "1_tr.csv": "1,2\n3,4\n",
                 "1_te.csv": "5,6\n", **files}
        for name, text in texts.items():
            (folder / name).write_text(text)
        return folder

    ok_toml = ('name = "x"\n[graph]\npath = "ppi.tsv"\nformat = "edgelist"\n'
               '[labels]\ntable = "labels.csv"\n[models.gcn]\n')
    fit = lambda y, model="gcn": GeneClassifier(model, **quick).fit(data, y)  # noqa: E731
    return [
        # -- silent wrong results and data loss (issue 11, items 1-9) --------------------------
        ("features", "one NaN in `data.x` after `stack_blocks`, then `GeneClassifier.fit`",
         nan_features),
        ("features", "NaN/inf in a feature block given to `stack_blocks`",
         lambda: stack_blocks(org.ppi, {"f": nan_block()})),
        ("training", "`resume` after changing the feature values (same shapes)",
         resume_changed_features),
        ("labels", "the same gene labelled 0 and 1 (repeated index)",
         lambda: fit(pd.concat([org.labels, labels([1 - org.labels.iloc[0]],
                                                    [org.labels.index[0]])]))),
        ("labels", "the same gene listed twice with the same label",
         lambda: merged_repeat(fit(pd.concat([org.labels, org.labels.iloc[:1]])))),
        ("ids", "`IdMapper.map(pd.Series(['TP53', np.nan]))`",
         lambda: mapper.map(pd.Series(["TP53", np.nan]), to="entrez")),
        ("ids", "`IdMapper.map('TP53')` (one string)",
         lambda: f"mapping {mapper.map('TP53', to='entrez').mapping.to_dict()}"),
        ("ids", "`IdMapper.map([' TP53'])` (white space)",
         lambda: f"mapping {mapper.map([' TP53'], to='entrez').mapping.to_dict()}"),
        ("run folder", "`graphgen demo --out` a folder that holds a run",
         lambda: RunFolder(existing)),
        ("expression", "samples x genes table with more samples than genes, orientation auto",
         lambda: read_expression(file("brca_like.csv", brca_like))),
        ("expression", "3 x 3 matrix without a header naming the rows",
         lambda: read_expression(file("square.csv", ",a,b,c\nx,1,2,3\ny,4,5,6\nz,7,8,9\n"))),
        ("expression", "a sample column twice in the header",
         lambda: read_expression(file("dup.csv", "gene,s1,s1\nTP53,1,2\nMDM2,0,3\n"))),
        ("data sets", "a truncated TRRUST (100 lines) copied into the cache by hand",
         lambda: verify_cached(trrust, trrust.main_file, cache)),
        ("STRING", "scores on both scales in one file (950 and 0.97)",
         lambda: read_string(file("mixed.txt", "protein1 protein2 combined_score\nA B 950\n"
                                               "B C 0.97\n"))),
        ("STRING", "`min_score=1.5`",
         lambda: read_string(file("links.txt", "protein1 protein2 combined_score\nA B 950\n"),
                             min_score=1.5)),
        ("STRING", "`load_ppi(..., min_score=1.0)` keeping no edge",
         lambda: graphgen.load_ppi(tmp / "links.txt", min_score=1.0)),
        ("labels", "continuous labels (300 distinct values)",
         lambda: fit(labels(np.linspace(0.001, 0.999, 300), nodes))),
        ("labels", "a single positive gene",
         lambda: fit(labels([1] + [0] * 299, nodes))),
        ("GO", "`go_features(..., min_genes=)` above every term's size",
         lambda: go_features(["TP53", "MDM2"], obo, pd.DataFrame({"gene_id": ["TP53"],
                                                          "term_id": ["GO:0000002"]}),
                    min_genes=5)),
        ("features", "a feature block without columns",
         lambda: stack_blocks(org.ppi, {"go": pd.DataFrame(index=nodes)})),
        ("sequences", "`read_fasta` of a DNA file holding `U`, default alphabet",
         lambda: read_fasta(file("rna.fa", ">r1\nACGUACGTACGTACGTACGT\n"))),
        # -- raw tracebacks that are now one line (item 10) -------------------------------------
        ("CLI", "`graphgen demo --seed -3`", lambda: run_demo(tmp / "neg", seed=-3)),
        ("TOML", "`seed = -1` in an experiment file",
         lambda: load_experiment(file("exp.toml", 'name = "x"\nseed = -1\n[graph]\npath = "g"\n'
                                                  'format = "string"\n[labels]\npositives = "p"\n'
                                                  'negatives = "n"\n[models.gcn]\n'))),
        ("GO", "Entrez annotations on a symbol graph, no mapper",
         lambda: go_features(["TP53", "MDM2"], obo, entrez_ann, min_genes=1)),
        ("labels", "`GeneClassifier.fit` on 4 labelled genes",
         lambda: fit(labels([0, 1, 0, 1], nodes[:4]))),
        ("persistence", "`GeneClassifier.load` of a file with tampered shapes",
         lambda: GeneClassifier.load(tmp / "tampered.pt")),
        ("persistence", "`GeneClassifier.save` to a folder", lambda: fitted.save(tmp)),
        ("sequences", "`sequences=` given as a list",
         lambda: GeneClassifier("mlp", **quick).fit(data, org.labels, sequences=["ACGT"] * 300)),
        ("data sets", "a custom manifest whose file name contains `../`",
         lambda: load_manifest(file("evil.toml", f'name = "evil"\n{manifest_base}[[files]]\n'
                                                 'name = "../../x"\nurl = "https://x.org/a"\n'))),
        # -- usability found on the way ---------------------------------------------------------
        ("labels", "`compare_models` with labelled genes outside the graph",
         lambda: "test AUROC {:.3f}; the 2 genes reported (warning) and left out".format(
             graphgen.compare_models(
                 data, pd.concat([org.labels, labels([1, 0], ["NOPE1", "NOPE2"])]),
                 stratified_split(pd.concat([org.labels, labels([1, 0], ["NOPE1", "NOPE2"])]),
                                  seed=0),
                 {"logreg": {}}, trainer=quick["trainer"])[0].test["auroc"])),
        ("predictions", "`predict()` after a class-weighted fit",
         lambda: f"threshold_ = {fitted.threshold_:.3f} (F1-best on validation genes): "
                 f"{int(fitted.predict().sum())} of 300 genes called positive, "
                 f"{int(org.labels.sum())} labelled positive"),
        # -- explanations and enrichment (issue 14) --------------------------------------------
        ("explanations", "explaining a gene that is not in the graph",
         lambda: explain_gene(fitted, "NOT_A_GENE")),
        ("explanations", "explaining an unfitted classifier",
         lambda: explain_gene(GeneClassifier(), nodes[0])),
        ("explanations", "explaining a graph-only model (network propagation)",
         lambda: explain_gene(GeneClassifier("rwr").fit(data, org.labels), nodes[0])),
        ("explanations", "`graphgen explain` on a folder that is not a run",
         lambda: explain_run(tmp, gene=nodes[0])),
        ("explanations", "`graphgen explain` on the run folder of `graphgen demo`",
         lambda: explain_run(demo_run(), gene=nodes[0])),
        ("enrichment", "an empty gene list",
         lambda: graphgen.enrich([], nodes, obo=obo, annotations=entrez_ann)),
        ("enrichment", "gene ids that are not in the annotation",
         lambda: graphgen.enrich(["TP53", "MDM2"], nodes, obo=obo, annotations=entrez_ann)),
        # -- scale and graph classification (issues 15 and 13) ---------------------------------
        ("sampling", "`fanout` with a zero", lambda: TrainerConfig(fanout=[10, 0])),
        ("sampling", "`fanout` for a model that reads sequences besides the graph",
         sampled_with_inputs),
        ("sampling", "a repeated seed node", lambda: NeighborSampler(data, [3]).sample(
            torch.tensor([1, 1]))),
        ("distributed", "`graphgen run --nproc 0`",
         lambda: "exit code {} and one line: `graphgen run: error: --nproc must be an "
                 "integer >= 1, got 0`".format(
                     cli_main(["run", str(file("ok.toml", ok_toml)), "--nproc", "0"]))),
        ("TU datasets", "an edge that joins two graphs",
         lambda: read_tu(tu_folder(a="1, 2\n2, 3\n"))),
        ("TU datasets", "a graph indicator with a word in it",
         lambda: read_tu(tu_folder(indicator="1\n1\nx\n"))),
        ("graph classification", "graphs with node features of different widths",
         lambda: GraphClassifier().fit([Data(x=torch.ones(2, 3), edge_index=torch.zeros(
             2, 0, dtype=torch.long)), Data(x=torch.ones(2, 4), edge_index=torch.zeros(
                 2, 0, dtype=torch.long))], [0, 1])),
        # -- groups, batches and confounders (issue 26) ---------------------------------------
        ("groups", "`groups` of another length than the labelled genes",
         lambda: graphgen.kfold_splits(org.labels, k=3, groups=np.zeros(5))),
        ("groups", "`groups` indexed by other ids than the genes",
         lambda: graphgen.kfold_splits(org.labels, k=3, groups=pd.Series(
             0, index=[f"X{i}" for i in range(len(org.labels))]))),
        ("groups", "one group only",
         lambda: graphgen.leave_one_group_out(org.labels, pd.Series("b1", index=org.labels.index))),
        ("groups", "a NaN group",
         lambda: graphgen.kfold_splits(org.labels, k=3, groups=pd.Series(
             np.where(np.arange(len(org.labels)) == 7, np.nan, np.arange(len(org.labels)) % 4),
             index=org.labels.index))),
        ("groups", "a split that puts a group on both sides",
         lambda: graphgen.cross_validate(data, org.labels, graphgen.kfold_splits(org.labels, k=3),
                                         {"logreg": {}}, groups=pd.Series(
                                             np.arange(len(org.labels)) % 3,
                                             index=org.labels.index), **quick)),
        ("batch correction", "ComBat where a batch holds a single class",
         lambda: graphgen.ComBat().fit(arrays, pd.Series(["a"] * 4 + ["b"] * 4,
                                                         index=arrays.index),
                                       pd.Series(["x", "y", "x", "y", "x", "x", "x", "x"],
                                                 index=arrays.index))),
        ("batch correction", "ComBat with a batch of one sample",
         lambda: graphgen.ComBat().fit(arrays, pd.Series(["a"] * 7 + ["b"], index=arrays.index))),
        # -- round 3: the newer parts and the fault paths (issue 24) -------------------------
        ("io", "`GRAPHGEN_CSV_ENGINE=duckdb`", with_engine_variable),
        ("io", "a header that names a column twice",
         lambda: graphgen.io.read_edgelist(file("twice.csv", "source,target,source\nA,B,C\n"),
                                           EdgeListFormat())),
        ("io", "a data line with one field more than the header (an edge list)",
         lambda: graphgen.io.read_edgelist(file("extra.tsv", "source\ttarget\nA\tB\tC\n"),
                                           EdgeListFormat())),
        ("io", "a quote left open at the end of an edge list",
         lambda: graphgen.io.read_edgelist(file("open.csv", 'source,target,weight\n,,"'),
                                           EdgeListFormat(weight="weight"))),
        ("io", "a NUL byte inside a gene id",
         lambda: graphgen.io.read_edgelist(binary("nul.csv", b"source,target\nA\x00X,B\n"),
                                           EdgeListFormat())),
        ("io", "a header field longer than 128 KiB (a binary file read as a table)",
         lambda: graphgen.io.read_edgelist(file("long.csv", "source," + "x" * 200_000 + "\n"
                                                "A,B\n"), EdgeListFormat())),
        ("io", "sample ids such as `001` in an expression table",
         lambda: "kept as written: {}".format(read_expression(
             file("ids.csv", "sample,TP53\n001,1.5\n002,2.5\n"),
             orientation="samples_x_genes").index.tolist())),
        ("estimators", "`predict_proba(data=g)` with feature columns of other names",
         renamed_features),
        ("estimators", "a light model file loaded with a graph of other edges", other_edges),
        ("estimators", "3 positives among 300 labelled genes",
         lambda: "{} gene(s) called positive (the prevalence), not most of the graph".format(
             int((GeneClassifier("logreg", label_features=None, **quick)
                  .fit(data, rare_labels()).predict() == 1).sum()))),
        ("graph classification", "`predict` on a list with a graph without nodes",
         lambda: fitted_graphs().predict([*tiny_graphs()[:2], Data(
             x=torch.zeros(0, 3), edge_index=torch.zeros(2, 0, dtype=torch.long))])),
        ("graph classification", "a graph whose `y` has two entries",
         lambda: GraphClassifier().fit([Data(x=torch.ones(2, 3), edge_index=torch.zeros(
             2, 0, dtype=torch.long), y=torch.tensor([0, 1]))] * 4)),
        ("graph classification", "`assess(..., folds=1)`",
         lambda: assess(tiny_graphs(), folds=1)),
        ("TU datasets", "a node label outside the labels of the training file",
         lambda: read_tu(labelled(tu_folder()), node_label_values=[5])),
        ("propagation", "edge weights that are all 0", zero_weights),
        ("training", "`fanout=(10,)` for a two-layer GraphSAGE",
         lambda: GeneClassifier("sage", trainer=TrainerConfig(
             fanout=(10,), batch_size=64, max_epochs=1, progress=False)).fit(data, org.labels)),
        ("features", "a feature column at 1e30", huge_feature),
        ("subtyping", "omics given as numpy arrays",
         lambda: graphgen.SubtypeClassifier(**quick).fit({"rna": arrays.to_numpy()},
                                                         pd.Series(0, index=arrays.index))),
        ("subtyping", "labels that mix text and numbers",
         lambda: graphgen.SubtypeClassifier(**quick).fit(
             arrays, pd.Series([0, "a"] * 4, index=arrays.index))),
        ("subtyping", "MOGONET's recipe with a NaN training label", mogonet_nan_label),
        ("expression", "a first data line with one field more than the header line",
         lambda: read_expression(file("surplus.csv", "gene,s1,s2\nTP53,1,2,3\nMDM2,0,3\n"),
                                 orientation="genes_x_samples")),
        ("expression", "a gene whose id is `NA` (a row id, not a missing value)",
         lambda: "read: genes {}".format(read_expression(
             file("na.csv", "gene,s1,s2\nNA,1,2\nMDM2,0,3\n"),
             orientation="genes_x_samples").columns.tolist())),
        ("GO", "`go_features(part_of=True)` over goatools' `GODag(path)` (no relationships)",
         lambda: go_features(["A"], bare_ontology(),
                             pd.DataFrame({"gene_id": ["A"], "term_id": ["GO:0000001"]}),
                             min_genes=1, part_of=True)),
        ("MOGONET files", "a class 1.5 in `labels_tr.csv`",
         lambda: graphgen.io.read_mogonet(mogonet_folder(**{"labels_tr.csv": "0\n1.5\n"}),
                                          views=(1,))),
        ("MOGONET files", "a test table wider than the training table, no feature names",
         lambda: graphgen.io.read_mogonet(mogonet_folder(**{"1_te.csv": "5,6,7\n"}),
                                          views=(1,))),
        ("MOGONET files", "a feature named twice in `1_featname.csv`",
         lambda: graphgen.io.read_mogonet(mogonet_folder(**{"1_featname.csv": "a\na\n"}),
                                          views=(1,))),
        ("explanations", "`graphgen explain --top-genes 0`",
         lambda: "exit code {} and one line".format(
             cli_main(["explain", str(demo_run()), "--class", "1", "--top-genes", "0"]))),
        ("outputs", "a gene id with a control character, written as GraphML", control_graphml),
        ("outputs", "`graphgen run --out` a folder with the user's own `curves.png`",
         user_folder),
        # -- inputs that were already refused before issue 11 -----------------------------------
        ("models", "unknown model name", lambda: GeneClassifier("transformer").fit(data,
                                                                                  org.labels)),
        ("training", "unknown monitor metric", lambda: TrainerConfig(monitor="f2")),
        ("training", "`lr=0`", lambda: TrainerConfig(lr=0)),
        ("estimators", "`predict_proba` before `fit`", lambda: GeneClassifier().predict_proba()),
        ("labels", "labels as a numpy array", lambda: fit(org.labels.to_numpy())),
        ("labels", "labels whose ids are of another type (no gene is a node)",
         lambda: fit(labels([0, 1, 0, 1], ["7157", "4193", "1", "2"]))),
        ("graphs", "`load_ppi` of a file that does not exist",
         lambda: graphgen.load_ppi(tmp / "nope.txt")),
        ("TOML", "an unknown key in an experiment file",
         lambda: load_experiment(file("bad.toml", 'name = "x"\nsed = 1\n'))),
    ]


def _describe(result: object) -> str:
    if isinstance(result, str):
        return result
    if isinstance(result, (pd.DataFrame, pd.Series)) and result.dtypes is not None:
        values = result.to_numpy()
        if np.issubdtype(values.dtype, np.floating) and np.isnan(values).any():
            return "UNEXPECTED: NaN values"
    return f"UNEXPECTED: returned {type(result).__name__}"


def main() -> int:
    logging.disable(logging.WARNING)  # the table shows the errors, not the log lines
    try:
        rows, unexpected = [], 0
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            for area, case, call in _cases(tmp):
                try:
                    outcome = _describe(call())
                except GraphgenError as exc:
                    message = str(exc).replace(str(tmp), "<tmp>").replace("|", "\\|")
                    outcome = f"`{type(exc).__name__}`: {message}"
                except Exception as exc:  # noqa: BLE001 - reported, not hidden
                    outcome = f"UNEXPECTED {type(exc).__name__}: {exc}"
                unexpected += outcome.startswith("UNEXPECTED")
                rows.append((area, case, outcome.replace("\n", " ")))
    finally:
        logging.disable(logging.NOTSET)  # run in-process by the tests
    print("| area | bad input | what it gets |")
    print("|---|---|---|")
    for area, case, outcome in rows:
        print(f"| {area} | {case} | {outcome} |")
    print(f"\n{len(rows)} cases, {unexpected} unexpected", file=sys.stderr)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
