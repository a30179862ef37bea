"""Downloads into the cache: checksum verified, recorded when upstream has none, atomic."""

import hashlib
import zipfile

import pytest

import graphgen
from graphgen.datasets import fetch, list_datasets
from graphgen.datasets.download import download_file, recorded_checksums
from graphgen.datasets.manifest import DataFile, Manifest
from graphgen.exceptions import ChecksumError, DataNotAvailableError

CONTENT = b"TP53\tMDM2\tActivation\t1\n"


def _manifest(url, sha="", member=""):
    return Manifest(name="toy", title="toy", version="1", kind="grn", format="trrust",
                    homepage="https://example.org", licence="CC0", citation="none",
                    files=(DataFile(name="toy.tsv", url=url, sha256=sha, member=member),))


@pytest.fixture
def upstream(tmp_path):
    path = tmp_path / "upstream" / "toy.tsv"
    path.parent.mkdir()
    path.write_bytes(CONTENT)
    return path


def test_checksum_verified(tmp_path, upstream):
    good = hashlib.sha256(CONTENT).hexdigest()
    m = _manifest(upstream.as_uri(), sha=good)
    path = download_file(m, m.main_file, tmp_path / "cache", progress=False)
    assert path.read_bytes() == CONTENT


def test_bad_checksum_leaves_nothing_behind(tmp_path, upstream):
    m = _manifest(upstream.as_uri(), sha="0" * 64)
    with pytest.raises(ChecksumError, match="expected 0000"):
        download_file(m, m.main_file, tmp_path / "cache", progress=False)
    folder = tmp_path / "cache" / "toy" / "1"
    assert list(folder.iterdir()) == []  # no partial or corrupt file under any name


def test_checksum_recorded_at_first_download_then_enforced(tmp_path, upstream):
    m = _manifest(upstream.as_uri())
    cache = tmp_path / "cache"
    path = download_file(m, m.main_file, cache, progress=False)
    assert recorded_checksums(path.parent) == {"toy.tsv": hashlib.sha256(CONTENT).hexdigest()}
    path.write_bytes(b"tampered")
    with pytest.raises(ChecksumError, match="cached file has sha256"):
        download_file(m, m.main_file, cache, progress=False)
    fresh = download_file(m, m.main_file, cache, progress=False, refresh=True)
    assert fresh.read_bytes() == CONTENT


def test_zip_member_extracted(tmp_path, upstream):
    archive = tmp_path / "upstream" / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("inner/toy.tsv", CONTENT)
    m = _manifest(archive.as_uri(), member="inner/toy.tsv")
    path = download_file(m, m.main_file, tmp_path / "cache", progress=False)
    assert path.read_bytes() == CONTENT and path.name == "toy.tsv"


def test_unreachable_url_says_what_to_do(tmp_path):
    m = _manifest((tmp_path / "nowhere.tsv").as_uri())
    with pytest.raises(DataNotAvailableError, match="pass its local path"):
        download_file(m, m.main_file, tmp_path / "cache", progress=False)


def test_named_data_set_fetched_and_loaded(tmp_path, upstream, monkeypatch):
    toy = _manifest(upstream.as_uri())
    monkeypatch.setattr("graphgen.datasets.registry.manifests", lambda: {"toy": toy})
    monkeypatch.setattr(graphgen.settings, "data_dir", tmp_path / "cache")
    assert not list_datasets().loc["toy", "cached"]
    fetch("toy", progress=False)
    assert list_datasets().loc["toy", "cached"]
    grn = graphgen.load_grn("toy")
    assert grn.node_ids == ["MDM2", "TP53"] and grn.edge_sign.tolist() == [1]
