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


def test_hand_copied_file_checked_against_pinned_checksum_and_min_bytes(tmp_path, monkeypatch):
    from graphgen.datasets import registry
    from graphgen.datasets.download import verify_cached

    monkeypatch.setattr(graphgen.settings, "data_dir", tmp_path / "cache")
    trrust = registry.dataset_info("trrust-human")
    folder = tmp_path / "cache" / "trrust-human" / trrust.version
    folder.mkdir(parents=True)
    truncated = "".join(f"TF{i}\tG{i}\tActivation\t{i}\n" for i in range(100))
    (folder / trrust.main_file.name).write_text(truncated)
    with pytest.raises(ChecksumError, match="fewer than the 200,000 expected.*truncated"):
        registry.dataset_path("trrust-human")
    assert recorded_checksums(folder) == {}  # nothing trusted or recorded
    with pytest.raises(ChecksumError):
        graphgen.load_grn("trrust-human")
    pinned = _manifest("file:///nowhere", sha=hashlib.sha256(CONTENT).hexdigest())
    copied = tmp_path / "cache2" / "toy" / "1" / "toy.tsv"
    copied.parent.mkdir(parents=True)
    copied.write_bytes(b"TP53\tMDM2\tActivation\t1\n" * 2)  # a different file
    with pytest.raises(ChecksumError, match="its manifest says"):
        verify_cached(pinned, pinned.main_file, tmp_path / "cache2")


def test_manifest_names_cannot_leave_the_cache(tmp_path):
    from graphgen.datasets.manifest import load_manifest
    from graphgen.exceptions import DataFormatError

    base = ('title = "t"\nkind = "grn"\nformat = "trrust"\nhomepage = "https://x.org"\n'
            'licence = "CC0"\ncitation = "none"\n')
    for name, version, file in (("../evil", "1", "a.tsv"), ("ok", "../../1", "a.tsv"),
                                ("ok", "1", "../../a.tsv"), ("ok", "1", "sub/a.tsv")):
        path = tmp_path / "m.toml"
        path.write_text(f'name = "{name}"\nversion = "{version}"\n{base}'
                        f'[[files]]\nname = "{file}"\nurl = "https://x.org/a"\n')
        with pytest.raises(DataFormatError, match="must be one plain name"):
            load_manifest(path)
