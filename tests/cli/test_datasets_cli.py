"""`graphgen datasets list|info|fetch`."""

from graphgen.cli.main import main


def test_list_and_info(capsys):
    assert main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    assert "trrust-human" in out and "string-human-links" in out
    assert main(["datasets", "info", "go-basic"]) == 0
    out = capsys.readouterr().out
    assert "CC BY 4.0" in out and "release.geneontology.org/2022-07-01" in out


def test_unknown_name_and_failed_fetch_are_one_line_errors(capsys, tmp_path, monkeypatch):
    assert main(["datasets", "info", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown data set 'nope'" in err
    import graphgen
    monkeypatch.setattr(graphgen.settings, "data_dir", tmp_path)
    monkeypatch.setattr("urllib.request.urlopen",
                        lambda *a, **k: (_ for _ in ()).throw(OSError("offline")))
    assert main(["datasets", "fetch", "trrust-human", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot download" in err
