"""atlas/collect/sdists.py: one loop gives each release the files of its sdist, by predicate or by name."""
import io
import json
import tarfile
from types import SimpleNamespace

from atlas.collect import sdists


def make_sdist(path, files: dict[str, str]):
    with tarfile.open(path, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"Django-9.9.1/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_each_release_gets_the_files_a_predicate_accepts(tmp_path, monkeypatch):
    sdist = make_sdist(tmp_path / "django-9.9.1.tar.gz", {"django/a.py": "A", "docs/x.txt": "X"})
    monkeypatch.setattr(sdists, "sdist_paths", lambda releases: {r.version: sdist for r in releases})
    release = SimpleNamespace(version="9.9")
    found = list(sdists.release_files([release], lambda name: name.endswith(".py")))
    assert found == [(release, {"django/a.py": "A"})]


def test_named_files_are_read_once_then_kept_beside_the_sdist(tmp_path, monkeypatch):
    sdist = make_sdist(tmp_path / "django-9.9.2.tar.gz", {"django/a.py": "A", "django/b.py": "B"})
    monkeypatch.setattr(sdists, "sdist_paths", lambda releases: {r.version: sdist for r in releases})
    release = SimpleNamespace(version="9.9")
    [(_, files)] = sdists.release_files([release], ["django/a.py", "django/gone.py"])
    assert files == {"django/a.py": "A"}
    kept = json.loads((tmp_path / "django-9.9.2.tar.gz.members.json").read_text())
    assert kept == {"django/a.py": "A", "django/gone.py": None}   # a name the sdist lacks is kept as absent


def test_docs_and_packaging_files_are_read_once_then_kept_beside_the_sdist(tmp_path):
    sdist = make_sdist(tmp_path / "django-9.9.3.tar.gz",
                       {"docs/releases/9.9.txt": "notes", "setup.cfg": "[metadata]", "django/a.py": "A"})
    first = sdists._sdist_files(str(sdist))
    assert first == {"docs/releases/9.9.txt": "notes", "setup.cfg": "[metadata]"}
    sdist.write_bytes(b"")   # the tarball is not read again: its files come from the kept copy
    sdists._sdist_files.cache_clear()
    assert sdists._sdist_files(str(sdist)) == first
    assert (tmp_path / "django-9.9.3.tar.gz.docs.json.gz").exists()
