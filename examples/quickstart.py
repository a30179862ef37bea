"""Quickstart (the README's Python example): GCN vs MLP on the simulated organism."""
import graphgen
from graphgen.train import TrainerConfig

org = graphgen.make_organism(n_genes=2000, n_samples=300, seed=0)     # known truth
data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})   # PPI + node features
split = graphgen.stratified_split(org.labels, val_size=0.2, test_size=0.2, seed=0)
results = graphgen.compare_models(data, org.labels, split, {"gcn": {}, "mlp": {}},
                                  trainer=TrainerConfig(seed=0, progress=False))
for r in results:
    print(f"{r.name}: test AUROC {r.test['auroc']:.3f}, AUPRC {r.test['auprc']:.3f}")
print(results[0].scores.sort_values(ascending=False).head())          # top genes by GCN
