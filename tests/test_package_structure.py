"""Tests of the conventions themselves (cf. scanpy's tests/test_package_structure.py)."""

import importlib
import inspect
import pkgutil
import re
import runpy
from pathlib import Path

import pytest

import graphgen

ROOT = Path(__file__).resolve().parents[1]
MODULES = [m.name for m in pkgutil.walk_packages(graphgen.__path__, "graphgen.")
           if not m.name.endswith("__main__")]  # importing it runs the command


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_all_exists(name):
    module = importlib.import_module(name)
    for attr in getattr(module, "__all__", []):
        assert hasattr(module, attr), f"{name}.__all__ lists missing {attr!r}"


@pytest.mark.parametrize("name", MODULES)
def test_modules_declare_all(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"


def test_public_api_has_docstrings_and_keyword_only_options():
    for attr in graphgen.__all__:
        obj = getattr(graphgen, attr)
        assert inspect.getdoc(obj), f"graphgen.{attr} has no docstring"
        if inspect.isfunction(obj):
            params = inspect.signature(obj).parameters.values()
            positional_defaults = [p for p in params if p.default is not p.empty
                                   and p.kind is p.POSITIONAL_OR_KEYWORD]
            assert len(positional_defaults) <= 3, (
                f"graphgen.{attr}: options {[p.name for p in positional_defaults]} should be "
                "keyword-only")


def test_errors_form_one_hierarchy():
    for attr in graphgen.__all__:
        obj = getattr(graphgen, attr)
        if inspect.isclass(obj) and issubclass(obj, Exception):
            assert issubclass(obj, graphgen.GraphgenError)


def test_no_dumping_ground_modules():
    names = {p.stem for p in (ROOT / "graphgen").rglob("*.py")}
    assert not names & {"utils", "helpers", "misc", "common"}


def test_readme_quickstart_runs(capsys):
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "gcn: test AUROC" in out and "mlp: test AUROC" in out


def test_bad_inputs_table_runs_without_unexpected_outcomes(capsys):
    """examples/bad_inputs.py (the table of docs/bad_inputs.md) gets no unexpected outcome,
    and the documented table lists every case it runs."""
    namespace = runpy.run_path(str(ROOT / "examples" / "bad_inputs.py"))
    assert namespace["main"]() == 0
    table = capsys.readouterr().out
    documented = (ROOT / "docs" / "bad_inputs.md").read_text()
    cases = [line.split(" | ")[1] for line in table.splitlines()[2:] if line.startswith("| ")]
    assert len(cases) >= 35 and all(f"| {case} |" in documented for case in cases)


def test_import_is_lazy():
    """`import graphgen` loads neither torch nor PyG (timed by benchmarks/import_time.py)."""
    code = ("import sys, graphgen; heavy = [m for m in ('torch', 'torch_geometric', 'sklearn') "
            "if m in sys.modules]; print(heavy)")
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def _layers() -> list[set[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    block = text.split("<!-- layers: the test reads this list -->", 1)[1].split("\n\n", 1)[0]
    return [set(re.findall(r"`([^`]+)`", line)) for line in block.splitlines() if line.strip()]


def test_no_upward_imports():
    """Every import of a graphgen module stays in its package or goes to a lower layer (the
    order listed in docs/architecture.md)."""
    import ast

    layers = _layers()
    rank = {name: i for i, names in enumerate(layers) for name in names}
    upward = []
    for path in (ROOT / "graphgen").rglob("*.py"):
        parts = path.relative_to(ROOT / "graphgen").with_suffix("").parts
        if parts == ("__init__",):
            continue  # the lazy public API re-exports every layer
        own = parts[0]
        assert own in rank, f"{own} is in no layer of docs/architecture.md"
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if not name.startswith("graphgen."):
                    continue
                target = name.split(".")[1]
                if target != own and rank[target] > rank[own]:
                    upward.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not upward, upward


def test_no_import_cycles_between_modules():
    """No module imports (directly or through others) a module that imports it back, even
    lazily inside a function (packages' ``__init__`` re-exports are left out)."""
    import ast

    modules = {}
    for path in (ROOT / "graphgen").rglob("*.py"):
        if path.name == "__init__.py":
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        modules[name] = deps
    graph = {m: {d for d in deps if d in modules and d != m} for m, deps in modules.items()}
    state, cycles = {}, []

    def visit(module, stack):
        state[module] = "open"
        stack.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == "open":
                cycles.append(" -> ".join(stack[stack.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert not cycles, cycles


def test_the_architecture_table_lists_every_module():
    """docs/architecture.md's module table names every module (``a/{b,c}.py`` expands to
    ``a/b.py`` and ``a/c.py``) and no module that is gone."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text[text.index("## Modules"):text.index("## Layers")]
    listed = set()
    for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M):
        for path in re.findall(r"`([^`]+)`", cell):
            brace = re.match(r"(.*)\{([^}]*)\}(.*)", path)
            listed |= ({brace.group(1) + name + brace.group(3)
                        for name in brace.group(2).split(",")} if brace else {path})
    modules = {str(p.relative_to(ROOT / "graphgen")) for p in (ROOT / "graphgen").rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")}
    assert not modules - listed, f"add to docs/architecture.md: {sorted(modules - listed)}"
    stale = {p for p in listed if p.endswith(".py")} - modules
    assert not stale, f"docs/architecture.md lists modules that are gone: {sorted(stale)}"
