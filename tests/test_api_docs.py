"""The documentation site (docs): its reference lists every module, every public name has a
docstring, and Sphinx builds the site (guides and reference) without a single warning."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import graphgen

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(graphgen.__path__, "graphgen.")
            if not m.name.endswith("__main__")]


def test_the_reference_lists_every_module():
    listed = {line.split("::", 1)[1].strip() for line in
              (DOCS / "api.rst").read_text().splitlines() if line.startswith(".. automodule::")}
    missing = sorted(set(_modules()) - listed)
    assert not missing, f"add these modules to docs/api.rst: {missing}"
    stale = sorted(listed - set(_modules()) - {"graphgen"})
    assert not stale, f"docs/api.rst lists modules that no longer exist: {stale}"


def test_every_public_name_has_a_docstring():
    undocumented = []
    for name in ["graphgen", *_modules()]:
        module = importlib.import_module(name)
        if not (module.__doc__ or "").strip():
            undocumented.append(name)
        for public in getattr(module, "__all__", []):
            value = getattr(module, public)
            if callable(value) and not (getattr(value, "__doc__", None) or "").strip():
                undocumented.append(f"{name}.{public}")
    assert not undocumented, f"public names without a docstring: {undocumented}"


def test_sphinx_builds_the_reference_without_warnings(tmp_path):
    pytest.importorskip("sphinx", reason="the docs need sphinx (pip install -e .[docs])")
    pytest.importorskip("myst_parser", reason="the docs need myst-parser (pip install -e .[docs])")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(DOCS), str(tmp_path / "html")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]
    assert (tmp_path / "html" / "api.html").stat().st_size > 100_000
    first = (tmp_path / "html" / "index.html").read_text()
    assert "make_organism" in first and "gene_classification.html" in first
