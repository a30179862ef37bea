"""Which genes drove a fitted :class:`~graphgen.subtyping.SubtypeClassifier`'s calls.

:func:`explain_samples` attributes each sample's logit (of its predicted class, or of its
known class) to the sample's gene values with Captum (Integrated Gradients by default): a
samples x genes table. :func:`rank_genes` turns it into genes ranked per class: the mean
attribution to class ``c`` over the samples of class ``c``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch

from graphgen.estimators.explainable import ExplainableSamples, explainable
from graphgen.exceptions import ConfigError, DataFormatError
from graphgen.explain.genes import _CAPTUM, _captum
from graphgen.models.base import run_model
from graphgen.progress import progress_bar

__all__ = ["explain_samples", "rank_genes"]


class _Mean(torch.nn.Module):
    def __init__(self, members, data) -> None:
        super().__init__()
        self.members = torch.nn.ModuleList(members)
        self.data = data

    def forward(self, x):
        return torch.stack([run_model(m, self.data, x=x) for m in self.members]).mean(dim=0)


def explain_samples(classifier: ExplainableSamples, omics: Mapping[str, pd.DataFrame], *,
                    labels: pd.Series | None = None, method: str = "integrated_gradients",
                    steps: int = 32, batch_size: int = 16, progress: bool | None = None
                    ) -> pd.DataFrame:
    """Attributions of each sample's class logit to its genes.

    Args:
        classifier: a fitted ``SubtypeClassifier``: the ``expression-graph`` view (samples
            as graphs over a gene network), the ``features`` view or the ``patient-graph``
            view (each sample explained in its own pass, since its call also reads the
            profiles of the training samples it is linked to; the attributions are to its
            own values).
        omics: the omics tables of the samples to explain (as for ``predict``).
        labels: explain each sample's known class (default: its predicted class).
        method: ``"integrated_gradients"`` (zero baseline: a sample whose values are all at
            the training mean), ``"saliency"`` or ``"input_x_gradient"``.
        steps: Integrated Gradients' steps.
        batch_size: samples per pass.
        progress: a progress bar (default: on a terminal).

    Returns:
        samples x genes (expression-graph view: summed over the omics channels of a gene) or
        samples x feature columns (features view); ``attrs["target"]`` holds the explained
        class per sample.

    Raises:
        NotFittedError: before ``fit``.
        ConfigError: unknown method, labels naming an unknown class.
        DataFormatError: omics that do not match the fitted ones.
    """
    classifier = explainable(classifier, ExplainableSamples, what="explain_samples")
    if not isinstance(classifier.model_, torch.nn.Module):
        raise ConfigError("explain_samples: the fitted head is a random forest, which has no "
                          "gradients to attribute; fit with head='logreg' (or view='auto' "
                          "with candidates that exclude 'random_forest') to explain samples")
    if method not in _CAPTUM:
        raise ConfigError(f"explain_samples: method must be one of {list(_CAPTUM)}, got "
                          f"{method!r}")
    captum = _captum()
    samples, data, rows = classifier.sample_view(omics, what="explain_samples")
    columns = (list(classifier.genes_) if classifier.view_ == "expression-graph"
               else list(data.feature_names))
    fitted = classifier.fitted_
    members = [m.eval() for m in ((fitted.members if fitted is not None else None)
                                  or [classifier.model_])]
    model = _Mean(members, data).eval()
    classes = [str(c) for c in classifier.classes_]
    with torch.no_grad():
        predicted = model(data.x)[rows].argmax(dim=-1).numpy()
    if labels is None:
        target = predicted
    else:
        known = labels.reindex(samples).astype(str)
        unknown = sorted(set(known.dropna()) - set(classes))
        if known.isna().any() or unknown:
            raise ConfigError("explain_samples: labels must give a known class for every "
                              f"sample; unknown: {unknown[:5]}, missing: "
                              f"{known[known.isna()].index[:5].tolist()}")
        target = np.array([classes.index(c) for c in known])
    if classifier.view_ == "patient-graph":
        values = _patient_graph(captum, model, data, rows, target, method, steps, progress)
        frame = pd.DataFrame(values, index=samples, columns=columns)
        frame.attrs["target"] = pd.Series([classes[t] for t in target],
                                          index=samples).to_dict()
        frame.attrs["method"] = method
        return frame
    attribution = getattr(captum, _CAPTUM[method])(model)
    out = []
    for start in progress_bar(range(0, len(samples), batch_size),
                              desc=f"explain samples ({method})", show=progress):
        xb = data.x[start:start + batch_size].detach().requires_grad_()
        kwargs = {"target": torch.as_tensor(target[start:start + batch_size])}
        if method == "integrated_gradients":
            kwargs.update(n_steps=steps, baselines=torch.zeros_like(xb).detach())
        out.append(attribution.attribute(xb, **kwargs).detach())
    values = torch.cat(out).numpy()
    if values.ndim == 3:  # [samples, genes, channels]
        values = values.sum(axis=2)
    frame = pd.DataFrame(values, index=samples, columns=columns)
    frame.attrs["target"] = pd.Series([classes[t] for t in target], index=samples).to_dict()
    frame.attrs["method"] = method
    return frame


def _patient_graph(captum, model, data, rows: slice, target: np.ndarray, method: str,
                   steps: int, progress) -> np.ndarray:
    """Patient-graph view: a sample's call also reads its neighbours' profiles, so each sample
    is explained in its own pass (exact), and its row of the attributions (its own values)
    is kept. The profiles of the training samples it is linked to stay as they are."""
    first = rows.start or 0
    x = data.x.detach()
    out = np.zeros((len(target), x.shape[1]))
    for i in progress_bar(range(len(target)), desc=f"explain samples ({method})",
                          show=progress):
        row = first + i

        def forward(own: torch.Tensor, row: int = row) -> torch.Tensor:
            # Captum stacks scaled copies of the sample's own profile: one pass per copy
            outs = []
            for copy in own:
                full = torch.cat([x[:row], copy[None], x[row + 1:]])
                outs.append(model(full)[row])
            return torch.stack(outs)

        attribution = getattr(captum, _CAPTUM[method])(forward)
        own = x[row:row + 1].clone().requires_grad_()
        kwargs = {"target": int(target[i])}
        if method == "integrated_gradients":
            kwargs.update(n_steps=steps, baselines=torch.zeros_like(own).detach())
        out[i] = attribution.attribute(own, **kwargs).detach().numpy()[0]
    return out


def rank_genes(attributions: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """Genes ranked per class from :func:`explain_samples`' table.

    Returns:
        One row per (class, gene): ``class``, ``gene``, ``attribution`` (mean attribution
        to the class over the samples explained for it), ``rank`` (1 = strongest push
        towards the class); ``top`` rows per class when given.
    """
    targets = attributions.attrs.get("target")
    if not targets:
        raise DataFormatError("rank_genes: the table has no 'target' attribute; pass the "
                              "output of explain_samples")
    target = pd.Series(targets).reindex(attributions.index)
    rows = []
    for cls, part in attributions.groupby(target.to_numpy(), sort=True):
        mean = part.mean(axis=0).sort_values(ascending=False, kind="mergesort")
        if top is not None:
            mean = mean.head(top)
        rows.append(pd.DataFrame({"class": cls, "gene": mean.index,
                                  "attribution": mean.to_numpy(),
                                  "rank": np.arange(1, len(mean) + 1)}))
    return pd.concat(rows, ignore_index=True)
