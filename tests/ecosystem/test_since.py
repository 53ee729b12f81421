"""Since which release an async offer exists (atlas/collect/ecosystem_since.py): the bisection over a
package's releases, the changelog line, the offers found in the newest code; and the committed offers."""
from __future__ import annotations

import io
import json
import tarfile

from packaging.version import Version

from atlas.collect import ecosystem, ecosystem_since

RELEASES = ["0.9", "1.0", "1.1", "2.0", "2.1", "3.0"]
SYNC = {"pkg/middleware.py": "class M:\n    def __call__(self, r):\n        pass\n"}
ASYNC = {"pkg/middleware.py": "class M:\n    async def __acall__(self, r):\n        pass\n"}


def fake_releases(monkeypatch, first_async: str, read: list):
    def release_files(name, version):
        read.append(version)
        return ASYNC if Version(version) >= Version(first_async) else SYNC
    monkeypatch.setattr(ecosystem_since, "release_files", release_files)


def test_the_first_release_with_the_offer_is_found_and_the_one_before_it_read(monkeypatch):
    read = []
    fake_releases(monkeypatch, "2.0", read)
    index, count, (path, line, text) = ecosystem_since.first_release("pkg", lambda p: True, RELEASES)
    assert RELEASES[index] == "2.0" and {"1.1", "2.0", "3.0"} <= set(read)
    assert (path, line, text) == ("pkg/middleware.py", 2, "async def __acall__(self, r):")
    assert count == len(set(read)) < len(RELEASES)


def test_an_offer_in_the_first_release_and_no_offer_at_all(monkeypatch):
    fake_releases(monkeypatch, "0.9", [])
    assert ecosystem_since.first_release("pkg", lambda p: True, RELEASES)[0] == 0
    fake_releases(monkeypatch, "9.9", [])
    assert ecosystem_since.first_release("pkg", lambda p: True, RELEASES) is None


def sdist(tmp_path, changelog: str):
    path = tmp_path / "pkg-3.0.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        data = changelog.encode()
        info = tarfile.TarInfo("pkg-3.0/CHANGELOG.rst")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def test_the_changelog_line_is_taken_from_the_section_of_that_release_only(tmp_path, monkeypatch):
    text = "3.0 (2024-01-01)\n----------------\n\n* Async support for the cache.\n\n2.0 (2023-01-01)\n" \
           "----------------\n\n* Dropped Python 3.7.\n* Add async support to the middleware.\n\n1.1\n---\n* async typo\n"
    monkeypatch.setattr(ecosystem_since, "newest_sdist", lambda name, version: sdist(tmp_path, text))
    found = ecosystem_since.changelog_line("pkg", "3.0", "2.0")
    assert found == {"file": "pkg-3.0.tar.gz: CHANGELOG.rst", "line": 10, "text": "* Add async support to the middleware."}
    assert ecosystem_since.changelog_line("pkg", "3.0", "1.0") is None
    text = text.replace("* Dropped Python 3.7.", "* Async support in the models.")
    assert ecosystem_since.changelog_line("pkg", "3.0", "2.0")["line"] == 9
    assert ecosystem_since.changelog_line("pkg", "3.0", "2.0", about="middleware")["line"] == 10


def test_offers_are_found_in_the_newest_code_and_siblings_in_their_own_releases(monkeypatch):
    monkeypatch.setattr(ecosystem_since, "versions", lambda name: RELEASES if name == "pkg" else ["0.1", "0.2", "0.3"])
    monkeypatch.setattr(ecosystem_since, "changelog_line", lambda *a: None)
    monkeypatch.setattr(ecosystem_since, "release_files", lambda name, version: {
        **ASYNC, "pkg/views.py": "async def view(request):\n    pass\n" if version >= "3.0" else ""}
        if name == "pkg" else {"sib/views.py": "async def v(request):\n    pass\n"})
    row = {"name": "pkg", "version": "3.0", "middleware": [{"path": "pkg.middleware.M"}],
           "async_code": {"async_defs": 2, "modules": ["pkg/middleware.py", "pkg/views.py"], "a_prefixed": []}}
    found = ecosystem_since.offers(row, [{"sibling": "sib", "version": "0.2", "claim": "x",
                                                              "source": "https://example.org"}])
    assert [(o["package"], o["since"], o["evidence"]["file"]) for o in found] == [
        ("pkg", "0.9", "pkg/middleware.py"), ("pkg", "3.0", "pkg/views.py"), ("sib", "0.1", "sib/views.py")]
    assert found[1]["before"] == "2.1" and found[2]["sibling"] is True
    assert found[2]["releases_read"] == 2  # the sibling's releases up to the one its note names (0.2)
    assert ecosystem_since.offers({**row, "async_code": {"async_defs": 0, "modules": [], "a_prefixed": []}}, []) == []


def test_each_committed_offer_names_a_release_up_to_the_one_collected_and_quotes_an_async_def():
    data = json.loads(ecosystem.DATA_FILE.read_text(encoding="utf-8"))
    offers = [(p, o) for p in data["packages"] for o in p.get("async_offers", [])]
    assert len(offers) >= 8
    for p, o in offers:
        if not o.get("sibling"):
            assert Version(o["since"]) <= Version(p["version"]), p["name"]
        if "before" in o:
            assert Version(o["before"]) < Version(o["since"]), p["name"]
        assert o["evidence"]["text"].startswith("async def"), p["name"]
    names = {p["name"]: [o["since"] for o in p.get("async_offers", [])] for p in data["packages"]}
    assert names["djangorestframework"] and names["whitenoise"], "adrf and servestatic, the siblings the page names"
