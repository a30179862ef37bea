"""Sphinx configuration of graphgen's documentation site (``docs``).

Build: ``python -m sphinx -W -b html docs docs/_build`` (the test suite builds it with ``-W``:
a warning fails). The first page is README's quick tour (``index.md``), the guides are the
Markdown pages of ``docs`` (read by ``myst_parser``), and the reference (``api.rst``) lists
every module of the package (a test checks the list against the package), each module's own
classes and functions documented from their docstrings (Google style, read by
``sphinx.ext.napoleon``). The examples in the docstrings run as doctests in the suite
(``--doctest-modules``).
"""

import re

project = "graphgen"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "myst_parser"]
myst_heading_anchors = 3
autodoc_default_options = {"members": True, "ignore-module-all": True}
autodoc_member_order = "bysource"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
html_theme = "alabaster"
exclude_patterns = ["_build"]

# A fitted attribute (``model_``) outside a code span is a word, not a link target.
_TRAILING = re.compile(r"(?<![\w`])([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)_(?![\w`])")
_CODE = re.compile(r"(``[^`]*``|:[a-z:]+:`[^`]*`|`[^`]*`)")


def _escape(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        parts = _CODE.split(line)
        lines[i] = "".join(part if j % 2 else _TRAILING.sub(r"\1\\_", part)
                           for j, part in enumerate(parts))


def _skip(app, what, name, obj, skip, options):
    """Members that scikit-learn generates on the estimators (metadata routing) are its to
    document, not graphgen's."""
    module = getattr(obj, "__module__", None) or ""
    if callable(obj) and module and not module.startswith("graphgen"):
        return True
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _escape)
    app.connect("autodoc-skip-member", _skip)
