"""The Python snippets of README and the guides (docs/*.md) still match the API.

Most snippets read the user's own files (``load_ppi("9606.protein.links...")``), so they
cannot run here as written; README's first one runs whole as ``examples/quickstart.py`` and
the docstring examples run as doctests. For every snippet this test checks what goes stale
when the API changes: it parses; every ``graphgen`` module, class and function it imports
or reaches by attribute exists; and every call of a graphgen callable passes only keyword
arguments that callable takes.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _snippets():
    for page in PAGES:
        for i, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8"))):
            yield pytest.param(match.group(1), id=f"{page.name}-{i}")


def _resolve(dotted: str):
    """The graphgen object a dotted name reaches, or raise AssertionError naming it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            assert hasattr(value, name), f"{dotted}: {'.'.join(parts[:cut])} has no {name!r}"
            value = getattr(value, name)
        return value
    raise AssertionError(f"{dotted}: no such module")


def _dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    """``graphgen.x.y`` for an attribute chain rooted at a name bound to graphgen."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in names:
        return ".".join([names[node.id], *reversed(chain)])
    return None


@pytest.mark.parametrize("code", _snippets())
def test_snippet_matches_the_api(code):
    _check(code)


def _check(code: str) -> None:
    tree = ast.parse(code)  # a snippet that does not parse fails here
    names: dict[str, str] = {}  # local name -> the graphgen object it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "graphgen":
                    importlib.import_module(alias.name)
                    names[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else "graphgen")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("graphgen"):
            for alias in node.names:
                _resolve(f"{node.module}.{alias.name}")
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _dotted(node, names) is not None:
            _resolve(_dotted(node, names))  # graphgen.nosuch fails
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func, names) if isinstance(node.func, ast.Attribute) else (
            names.get(node.func.id) if isinstance(node.func, ast.Name) else None)
        if dotted is None:
            continue
        target = _resolve(dotted)
        if not callable(target):
            continue
        try:
            signature = inspect.signature(target)
        except (TypeError, ValueError):
            continue
        params = signature.parameters.values()
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            continue
        accepted = {p.name for p in params}
        unknown = [k.arg for k in node.keywords if k.arg is not None and k.arg not in accepted]
        assert not unknown, f"{dotted}(...) takes no {unknown}; it takes {sorted(accepted)}"


def test_the_check_catches_a_stale_snippet():
    with pytest.raises(AssertionError, match="takes no \\['nosuch'\\]"):
        _check("import graphgen\ngraphgen.make_organism(nosuch=1)\n")
    with pytest.raises(AssertionError, match="has no 'NoSuchThing'"):
        _check("from graphgen import NoSuchThing\n")
    with pytest.raises(AssertionError, match="has no 'gone'"):
        _check("import graphgen\ngraphgen.gone(1)\n")
