import os
import stat

import pytest

from graphgen.io import atomic_write


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "metrics.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("new, half written")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]


def test_binary_write_replaces(tmp_path):
    target = tmp_path / "x.bin"
    with atomic_write(target, "wb") as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    with pytest.raises(ValueError, match="mode"), atomic_write(target, "a"):
        pass


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_follow_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        target = tmp_path / f"out-{umask:o}.txt"
        with atomic_write(target) as handle:
            handle.write("x")
        plain = tmp_path / f"plain-{umask:o}.txt"
        plain.write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"),
                                     RuntimeError("[enforce fail at inline_container.cc] . "
                                                  "PytorchStreamWriter failed writing file")])
def test_a_full_disk_is_one_output_error_and_keeps_the_old_file(tmp_path, failure):
    from graphgen import OutputError

    target = tmp_path / "clf.pt"
    target.write_text("old")
    with pytest.raises(OutputError, match=r"cannot write .*clf.pt.*the previous file"), \
            atomic_write(target, "wb"):
        raise failure
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["clf.pt"]  # no temporary left


def test_other_errors_in_the_block_pass_through(tmp_path):
    with pytest.raises(KeyError), atomic_write(tmp_path / "x.txt"):
        raise KeyError("not a write failure")
