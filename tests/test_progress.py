"""Progress bars show on a terminal, including one that reports no width."""

import os
import sys

import pytest

from graphgen.progress import progress_bar

pty = pytest.importorskip("pty")

SCRIPT = """
import graphgen
org = graphgen.make_organism(n_genes=200, n_samples=5, seed=0)
data = graphgen.stack_blocks(org.ppi, {"attributes": org.features})
graphgen.GeneClassifier("mlp", trainer=graphgen.TrainerConfig(max_epochs=30)).fit(
    data, org.labels)
print("fitted")
"""


def _in_a_terminal(code: str) -> str:
    """Run ``code`` in a fresh pseudo-terminal (which reports 0 x 0, as `script` does)."""
    chunks = []

    def read(fd):
        data = os.read(fd, 4096)
        chunks.append(data)
        return data  # pty.spawn echoes it to stdout, which pytest captures

    status = pty.spawn([sys.executable, "-c", code], read)
    assert os.waitstatus_to_exitcode(status) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_training_shows_a_bar_on_a_terminal_without_a_size():
    out = _in_a_terminal(SCRIPT)
    assert "fitted" in out
    assert "mlp" in out and "/30" in out  # the epoch bar: description and total


def test_bars_are_off_when_asked_and_iterate_as_given(capsys):
    assert list(progress_bar(range(4), show=False)) == [0, 1, 2, 3]
    with progress_bar(total=3, show=False) as bar:
        bar.update(3)
    assert capsys.readouterr().err == ""
