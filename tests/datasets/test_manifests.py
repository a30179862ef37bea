"""Every shipped manifest parses and states provenance; bad manifests are refused."""

import pytest

from graphgen.datasets import load_manifest, manifests
from graphgen.exceptions import DataFormatError

REQUIRED = {"string-human-links", "string-human-aliases", "biogrid-human", "trrust-human",
            "trrust-mouse", "go-basic", "goa-human", "gene2go"}


def test_shipped_manifests_cover_the_promised_data_sets():
    found = manifests()
    assert REQUIRED <= set(found)
    for m in found.values():
        assert m.licence and m.citation and m.homepage.startswith("http")
        assert all(f.url.startswith(("https://", "http://", "ftp://")) for f in m.files)


def test_manifest_errors_name_the_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ntitle = "t"\n')
    with pytest.raises(DataFormatError, match="lacks"):
        load_manifest(bad)
    bad.write_text(
        'name="x"\ntitle="t"\nversion="1"\nkind="ppi"\nformat="string"\nhomepage="h"\n'
        'licence="l"\ncitation="c"\n[[files]]\nname="f"\nurl="https://x/f"\nsha256="abc"\n')
    with pytest.raises(DataFormatError, match="sha256 is not 64 hex digits"):
        load_manifest(bad)
