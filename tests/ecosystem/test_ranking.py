"""docs/data/ecosystem_ranking.json: the most downloaded Django packages, classified from their own metadata.

The matrix test downloads each listed distribution again (pip download --no-deps, cached under .cache/ecosystem/)
and re-derives the classifier from the wheel's METADATA or the sdist's PKG-INFO; the others check the committed
file and the metadata reader on distributions made here.
"""
from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest

from atlas.collect import ecosystem_dists as dists
from atlas.collect import ecosystem_ranking as ranking


def committed() -> dict:
    return json.loads(ranking.RANKING_FILE.read_text(encoding="utf-8"))


def test_the_ranking_names_its_source_and_month_and_keeps_its_size():
    data = committed()
    assert data["source"]["name"] == "PyPI download ranking"
    assert data["source"]["month"] and "/" not in json.dumps(data["source"]["month"])
    in_top = [p for p in data["packages"] if p["in_top"]]
    assert len(in_top) == data["size"] == 40
    assert [p["rank"] for p in in_top] == sorted(p["rank"] for p in in_top)
    assert all("left_top_in" in p for p in data["packages"] if not p["in_top"])
    # excluded candidates rank among the kept ones: the walk stopped at the 40th package
    assert max(e["rank"] for e in data["excluded"]) < in_top[-1]["rank"]


def _wheel(tmp_path, classifiers):
    path = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    body = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n" + "".join(f"Classifier: {c}\n" for c in classifiers)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("demo_pkg-1.0.dist-info/METADATA", body)
        archive.writestr("demo_pkg/middleware.py", "class DemoMiddleware:\n    async_capable = True\n")
    return path


def _sdist(tmp_path, classifiers):
    path = tmp_path / "demo-pkg-1.0.tar.gz"
    body = ("Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n" + "".join(f"Classifier: {c}\n" for c in classifiers)).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("demo-pkg-1.0/PKG-INFO")
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return path


@pytest.mark.parametrize("make", [_wheel, _sdist])
def test_the_classifier_and_the_django_releases_are_read_from_the_metadata(tmp_path, make):
    # made-up release numbers: sorted as numbers, not as text
    meta = dists.metadata(make(tmp_path, ["Framework :: Django", "Framework :: Django :: 9.10",
                                          "Framework :: Django :: 10.0", "Framework :: Django :: 9.2"]))
    assert dists.is_django_package(meta)
    assert dists.django_releases(meta) == ["9.2", "9.10", "10.0"]
    assert not dists.is_django_package(dists.metadata(make(tmp_path, ["Framework :: Flask"])))
    assert not dists.is_django_package(dists.metadata(make(tmp_path, ["Framework :: Django CMS"])))


def test_a_package_that_leaves_the_top_keeps_its_row_marked(tmp_path, monkeypatch):
    tsv = tmp_path / "ranking.tsv"
    tsv.write_text("name\tversion\tmonth\trank_among_15000_most_downloaded\tsummary\n"
                   "django-a\t1\t2026-10\t5\tfor Django\nnot-it\t1\t2026-11\t6\tno\nrunner\t1\t2026-09\t7\tDjango plugin\n"
                   "django-unranked\t1\t2026-08\t\tfor Django\n", encoding="utf-8")
    meta = {"django-a": ["Framework :: Django"], "runner": ["Framework :: Pytest"]}
    monkeypatch.setattr(ranking, "download", lambda name: name)
    monkeypatch.setattr(ranking, "metadata", lambda name: {"version": "1", "classifiers": meta[name]})
    previous = {"packages": [{"name": "django-gone", "rank": 3, "in_top": True, "version_checked": "2"}]}
    data = ranking.derive(tsv, 2, previous)
    assert data["source"]["month"] == "2026-11"
    assert [(p["name"], p["in_top"]) for p in data["packages"]] == [("django-a", True), ("django-gone", False)]
    assert data["packages"][1]["left_top_in"] == "2026-11"
    assert data["excluded"] == [{"name": "runner", "rank": 7, "version": "1",
                                 "reason": "its metadata has no Framework :: Django classifier"}]


@pytest.mark.matrix
def test_every_listed_package_is_classified_framework_django_in_its_own_metadata():
    data = committed()
    for package in data["packages"]:
        meta = dists.metadata(dists.download(package["name"], package["version_checked"]))
        assert dists.is_django_package(meta), package["name"]
    for excluded in data["excluded"]:
        if "version" in excluded:
            meta = dists.metadata(dists.download(excluded["name"], excluded["version"]))
            assert not dists.is_django_package(meta), excluded["name"]
