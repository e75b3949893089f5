import hashlib
import os
from pathlib import Path

import pytest
import yaml

from compare.errors import ChecksumError, ConfigError, DataError
from compare.sources.catalog import fetch, load_catalog, sha256_of

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def _mini_catalog(tmp_path, content=b"hello\n", sha=None, url="https://example.invalid/x"):
    cat = {
        "datasets": [
            {
                "id": "mini",
                "title": "t",
                "publisher": "p",
                "licence": "CC BY 4.0",
                "citation": "c",
                "source_page": "https://example.invalid",
                "files": [
                    {
                        "path": "mini/x.txt",
                        "url": url,
                        "bytes": len(content),
                        "sha256": sha or hashlib.sha256(content).hexdigest(),
                    }
                ],
            }
        ]
    }
    p = tmp_path / "catalog.yml"
    p.write_text(yaml.safe_dump(cat))
    mirror = tmp_path / "mirror"
    (mirror / "mini").mkdir(parents=True)
    (mirror / "mini" / "x.txt").write_bytes(content)
    return load_catalog(p), mirror


def test_catalog_records_every_manifest_file_with_origin_and_licence():
    cat = load_catalog()
    manifest = {
        line.split("\t")[0]: line.split("\t")[2]
        for line in (SHARED / "MANIFEST.tsv").read_text().splitlines()[1:]
    }
    files = {f.path: f for f in cat.files()}
    assert set(files) == set(manifest)
    for path, sha in manifest.items():
        assert files[path].sha256 == sha
        assert files[path].url.startswith("https://raw.githubusercontent.com/")
    for ds in cat:
        assert ds.licence and ds.citation and ds.source_page.startswith("http")


def test_catalog_urls_pin_the_commits_of_the_source_files():
    cat = load_catalog()
    f = cat.file("berlin-lor-geometry", "berlin-lor-districts.geojson")
    assert "ac6ec9b1df791458032a8ec3aef31d6c340bea69" in f.url


def test_fetch_copies_verifies_and_is_idempotent(tmp_path):
    cat, mirror = _mini_catalog(tmp_path)
    dest = tmp_path / "raw"
    first = fetch(catalog=cat, mirror=mirror, dest=dest, download=False)
    assert first.copied == ["mini/x.txt"]
    assert (dest / "mini" / "x.txt").read_bytes() == b"hello\n"
    second = fetch(catalog=cat, mirror=mirror, dest=dest, download=False)
    assert second.skipped == ["mini/x.txt"] and not second.copied


def test_fetch_refuses_a_checksum_mismatch_and_leaves_no_file(tmp_path):
    cat, mirror = _mini_catalog(tmp_path, sha="0" * 64)
    dest = tmp_path / "raw"
    with pytest.raises(ChecksumError, match="sha256 mismatch") as exc:
        fetch(catalog=cat, mirror=mirror, dest=dest, download=False)
    assert "mirror/mini/x.txt" in str(exc.value)
    assert not (dest / "mini" / "x.txt").exists()
    assert not list((dest / "mini").glob("*.part"))  # no half-written temporary left behind


def test_fetch_replaces_a_corrupted_local_copy(tmp_path):
    cat, mirror = _mini_catalog(tmp_path)
    dest = tmp_path / "raw"
    (dest / "mini").mkdir(parents=True)
    (dest / "mini" / "x.txt").write_bytes(b"tampered\n")
    res = fetch(catalog=cat, mirror=mirror, dest=dest, download=False)
    assert res.copied == ["mini/x.txt"]
    assert sha256_of(dest / "mini" / "x.txt") == hashlib.sha256(b"hello\n").hexdigest()


def test_fetch_reports_a_file_missing_from_mirror_when_downloads_are_off(tmp_path):
    cat, mirror = _mini_catalog(tmp_path)
    os.remove(mirror / "mini" / "x.txt")
    with pytest.raises(DataError, match="not in the mirror"):
        fetch(catalog=cat, mirror=mirror, dest=tmp_path / "raw", download=False)


def test_fetch_names_the_failed_download(tmp_path):
    cat, _ = _mini_catalog(tmp_path, url="http://127.0.0.1:9/nothing")
    with pytest.raises(DataError, match="download failed") as exc:
        fetch(catalog=cat, mirror=None, dest=tmp_path / "raw", timeout=2)
    assert exc.value.file == "mini/x.txt"


def test_fetch_refuses_a_missing_mirror_folder(tmp_path):
    cat, _ = _mini_catalog(tmp_path)
    with pytest.raises(DataError, match="mirror folder does not exist"):
        fetch(catalog=cat, mirror=tmp_path / "nope", dest=tmp_path / "raw")


def test_malformed_catalog_yaml_is_refused(tmp_path):
    p = tmp_path / "catalog.yml"
    p.write_text("datasets: [\n  - id: x\n   bad")
    with pytest.raises(ConfigError, match="malformed YAML"):
        load_catalog(p)


def test_catalog_entry_without_sha256_is_refused(tmp_path):
    cat, _ = _mini_catalog(tmp_path)
    doc = yaml.safe_load((tmp_path / "catalog.yml").read_text())
    del doc["datasets"][0]["files"][0]["sha256"]
    (tmp_path / "catalog.yml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ConfigError, match="sha256") as exc:
        load_catalog(tmp_path / "catalog.yml")
    assert exc.value.key == "datasets[0].files[0].sha256"


def test_every_fetched_file_matches_the_catalog(raw_data):
    cat = load_catalog()
    for f in cat.files():
        assert (raw_data / f.path).stat().st_size == f.bytes
