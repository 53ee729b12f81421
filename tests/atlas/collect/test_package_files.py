"""A package release's file, read from the index's listing and kept once per machine (atlas/collect/index_files.py,
atlas/collect/package_files.py): the right file is chosen, a release without one is remembered, pip is the fallback."""
from __future__ import annotations

import pytest

from atlas.collect import index_files, package_files


def listing(*names: str) -> list[dict]:
    return [{"filename": n, "url": n, "hashes": {}} for n in names]


FILES = listing("django_silk-5.6.0.tar.gz", "django_silk-5.6.0-py3-none-any.whl", "django_silk-5.5.0-py3-none-any.whl",
                "django-silk-5.6.0.zip")


@pytest.mark.parametrize(("kind", "expected"), [("sdist", "django_silk-5.6.0.tar.gz"),
                                                ("wheel", "django_silk-5.6.0-py3-none-any.whl")])
def test_the_release_s_own_file_of_the_kind_is_chosen(kind, expected):
    """By the normalized name and the exact version: the sdist's name may use - or _, another version's is not taken."""
    assert index_files.choose(FILES, "Django-Silk", "5.6.0", kind)["filename"] == expected


def test_a_release_without_a_wheel_says_so_and_one_with_only_platform_wheels_is_left_to_pip():
    with pytest.raises(index_files.NoSuchFile, match="no wheel of pkg 1.0"):
        index_files.choose(listing("pkg-1.0.tar.gz"), "pkg", "1.0", "wheel")
    only_platform = listing("pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")
    with pytest.raises(ValueError, match="only wheels built for one platform") as raised:
        index_files.choose(only_platform, "pkg", "1.0", "wheel")
    assert not isinstance(raised.value, index_files.NoSuchFile)


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """An empty per-machine folder, and an index that answers from `served` ({(name, version, kind): filename})."""
    monkeypatch.setattr(package_files, "FOLDER", tmp_path)
    served, calls = {}, []

    def fetch_file(name, version, folder, kind):
        calls.append((name, version, kind))
        if (name, version, kind) not in served:
            raise index_files.NoSuchFile(f"no {kind}")
        (folder / served[name, version, kind]).write_bytes(b"file")
        return folder / served[name, version, kind]

    monkeypatch.setattr(index_files, "fetch_file", fetch_file)
    return served, calls


def test_a_wheel_is_preferred_and_each_file_is_fetched_once(machine):
    served, calls = machine
    served["pkg", "1.0", "wheel"] = "pkg-1.0-py3-none-any.whl"
    served["pkg", "1.0", "sdist"] = "pkg-1.0.tar.gz"
    assert package_files.release_file("pkg", "1.0").name == "pkg-1.0-py3-none-any.whl"
    assert package_files.release_file("pkg", "1.0", ("sdist",)).name == "pkg-1.0.tar.gz"
    assert package_files.release_file("pkg", "1.0").name == "pkg-1.0-py3-none-any.whl"
    assert calls == [("pkg", "1.0", "wheel"), ("pkg", "1.0", "sdist")]


def test_a_release_without_a_wheel_is_remembered_and_its_sdist_used(machine):
    served, calls = machine
    served["old", "0.1", "sdist"] = "old-0.1.tar.gz"
    for _ in range(2):
        assert package_files.release_file("old", "0.1").name == "old-0.1.tar.gz"
    assert calls == [("old", "0.1", "wheel"), ("old", "0.1", "sdist")]   # the missing wheel is asked for once
    assert package_files.release_file("gone", "9.9") is None


def test_when_the_index_cannot_be_read_pip_downloads_the_file_and_nothing_is_remembered(machine, monkeypatch, capsys):
    def unreachable(name, version, folder, kind):
        raise OSError("connection refused")

    monkeypatch.setattr(index_files, "fetch_file", unreachable)
    ran = []

    def pip(command, **kwargs):
        ran.append(command)
        return None

    monkeypatch.setattr(package_files.subprocess, "run", pip)
    assert package_files.release_file("pkg", "1.0", ("sdist",)) is None
    assert ran and ran[0][-1] == "pkg==1.0" and "--no-binary" in ran[0]
    assert "trying pip" in capsys.readouterr().err
    assert not list(package_files.FOLDER.rglob("none")), "a failed download must not be remembered as no file"
