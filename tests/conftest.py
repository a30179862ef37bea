"""Shared fixtures: small simulated organisms (session-scoped, they are read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphgen.datasets.synthetic import make_organism

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def organism():
    """The default-size organism (2,000 genes), as `graphgen demo` uses it."""
    return make_organism(seed=0)


@pytest.fixture(scope="session")
def organism_split(organism):
    """The default organism's graph with its attributes, its labels and one stratified split."""
    from graphgen.evaluation.splits import stratified_split
    from graphgen.features.blocks import stack_blocks

    data = stack_blocks(organism.ppi, {"a": organism.features})
    return data, organism.labels, stratified_split(organism.labels, seed=0)


@pytest.fixture(scope="session")
def small_organism():
    return make_organism(n_genes=300, n_samples=40, seed=3)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data` beside the checkout; tests that need it skip in a user's clone."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it exists only on the "
                    "project's machines); see shared/data/SOURCES.md for where to get the files")
    return SHARED_DATA
