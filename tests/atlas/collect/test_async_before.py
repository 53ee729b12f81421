"""Each async change of Django's docs has its "before", collected from the previous release's docs and by
running its code (atlas/collect/async_before.py, docs/data/async_before.json)."""
import pytest

from atlas.collect import async_before as before
from atlas.collect import rst

QUERYSETS = """\
``get()``
~~~~~~~~~

.. method:: get(*args, **kwargs)
.. method:: aget(*args, **kwargs)

    *Asynchronous version*: ``aget()``

    Returns the object matching the given lookup parameters.

    .. versionchanged:: 4.1

        ``aget()`` method was added.
"""

PREVIOUS = """\
``get()``
~~~~~~~~~

.. method:: get(*args, **kwargs)

    Returns the object matching the given lookup parameters, which should be
    in the format described in Field lookups.

    ::

        Entry.objects.get(id=1)
"""


def test_a_directive_belongs_to_the_api_it_sits_under_sync_name_first():
    lines = QUERYSETS.split("\n")
    target = before.target_of(lines, lines.index("    .. versionchanged:: 4.1"))
    assert target == {"kind": "method", "names": ["get", "aget"], "section": "get()"}


def test_the_previous_release_text_is_found_by_the_sync_name():
    found = before.previous_docs({"docs/ref/models/querysets.txt": PREVIOUS}, "docs/ref/models/querysets.txt",
                                 {"kind": "method", "names": ["get", "aget"], "section": "get()"})
    assert found["about"] == "get()" and found["line"] == 6
    assert found["text"].startswith("Returns the object matching") and "Entry.objects" not in found["text"]
    missing = before.previous_docs({}, "docs/ref/models/querysets.txt", {"kind": "method", "names": ["get"],
                                                                         "section": "get()"})
    assert missing is None


def test_paragraphs_leave_out_titles_code_and_version_directives():
    # "*Asynchronous version*: ``aget()``" is under four words: a label, not a paragraph
    assert [p for _, p in rst.paragraphs(QUERYSETS.split("\n"))] == [
        "Returns the object matching the given lookup parameters."]
    assert [p for _, p in rst.paragraphs(PREVIOUS.split("\n"))] == [
        "Returns the object matching the given lookup parameters, which should be in the format described in "
        "Field lookups."]


def test_every_directive_has_its_before():
    data = before.load()
    directives = data["directives"]
    assert len(directives) >= 100, len(directives)   # 115 collected from 3.0–6.1
    for record in directives:
        was = record["before"]
        assert was["raised"] or was["docs"], record
    aget = next(r for r in directives if r["text"] == "``aget()`` method was added." and r["release"] == "4.1")
    assert aget["before"]["release"] == "4.0" and aget["before"]["docs"]["about"] == "get()"
    assert any("has no attribute 'aget'" in e["error"] for e in aget["before"]["raised"])
    assert aget["before"]["workaround"]["adapter"] == "sync_to_async"
    assert "QuerySet.get" in aget["before"]["workaround"]["calls"]


@pytest.mark.matrix  # runs probes in every previous release's environment: the full suite, not `dev.py check`
def test_the_committed_file_matches_a_fresh_collection():
    fresh = before.collect()
    assert fresh == before.load(), "docs/data/async_before.json is stale: run `python3 dev.py before`"


@pytest.mark.matrix  # runs probes in release environments: the full suite, not `dev.py check`
def test_a_decorator_probe_passes_on_the_release_that_brings_the_change():
    """The error recorded for the release before is the decorator's, not the probe's: on the directive's own
    release the same probe passes."""
    import json

    from atlas.collect.environments import cached_run
    from atlas.core.paths import CACHE
    from atlas.data.versions_data import releases_by_version

    releases = releases_by_version()
    by_release: dict[str, dict[str, str]] = {}
    for record in before.load()["directives"]:
        for raised in record["before"]["raised"]:
            if raised["by"] == "request":
                name = raised["what"].split()[0].lstrip("@")
                probe = before.DECORATOR_PROBES[record["capability"]](name)
                by_release.setdefault(record["release"], {})[name] = probe
    assert by_release.keys() == {"5.0", "5.1"}, by_release.keys()
    for version, probes in by_release.items():
        payload = json.dumps({"probes": [{"id": n, "code": c} for n, c in sorted(probes.items())]})
        results = cached_run(releases[version], before.RUNNER, (), payload, CACHE / "unused", what="decorator probes",
                             timeout=300, use_cache=False)["results"]
        failed = {n: r["error"] for n, r in results.items() if not r["ok"]}
        assert not failed, f"on Django {version}: {failed}"
