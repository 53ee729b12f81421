"""The harness that runs the pages' code: what it collects, how it runs async code, how it fails."""
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from sybil import Document

from atlas.core.paths import DOCS, ROOT
from atlas.site.doc_examples import PageCodeParser, language_of
from tests.support.once import once_per_run, shared_scratch

FENCE = re.compile(r"^\s*(```+|~~~+)\s*(\S+)", re.MULTILINE)


# Throwaway pages, one per test below, run by pytest once with the real docs/conftest.py as a contributor
# would (one run instead of four: each starts pytest and Django). Run together, each page must still
# start with its own namespace and an empty database.
PAGES = {
    "broken.md": '''\
        Some prose.

        ```python title="broken.py"
        total = 1 + 1
        assert total == 3, "arithmetic changed"
        ```
        ''',
    "async.md": '''\
        ```python
        import asyncio
        queue = asyncio.Queue()
        task = asyncio.create_task(queue.put("hello"))
        await task
        ```

        <!-- invisible-code-block: python
        hidden = "set up out of sight"
        -->

        ```py hl_lines="1"
        assert await queue.get() == "hello"
        assert hidden == "set up out of sight"
        ```

        <!-- skip: next "shows a shell command" -->

        ```python
        raise SystemExit("never runs")
        ```

        ```pycon
        >>> 2 * 21
        42

        ```
        ''',
    "database.md": '''\
        ```python
        from django.contrib.auth.models import Group
        Group.objects.create(name="editors")
        ```

        A block with top-level await runs inside the event loop, so it needs the async ORM methods:

        ```python
        assert await Group.objects.filter(name="editors").aexists()
        await Group.objects.acreate(name="reviewers")
        ```

        ```python
        assert Group.objects.count() == 2  # blocks on one page share the database
        ```
        ''',
    "fresh.md": '''\
        ```python
        from django.contrib.auth.models import Group
        assert not Group.objects.exists()
        Group.objects.create(name="left behind")
        ```
        ''',
}
PAGES["fresh2.md"] = PAGES["fresh.md"]  # the same page twice: the second copy must not see what the first left


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> dict:
    """pytest's output and each page's outcomes ({"passed": 2, ...}), from one run over PAGES."""
    def compute():
        folder = shared_scratch(tmp_path_factory, "doc-examples")
        docs = folder / "docs"
        docs.mkdir()
        (docs / "conftest.py").write_text((DOCS / "conftest.py").read_text())
        for name, text in PAGES.items():
            (docs / name).write_text(textwrap.dedent(text))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={folder}",
             "-o", "DJANGO_SETTINGS_MODULE=snippets.demo.settings", f"--junitxml={folder / 'results.xml'}",
             str(docs)],
            cwd=folder, env=env, capture_output=True, text=True, timeout=300,
        )
        outcomes: dict[str, Counter] = {name: Counter() for name in PAGES}
        for case in ET.parse(folder / "results.xml").iter("testcase"):
            kind = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "passed")
            outcomes[case.get("classname").removeprefix("docs.")][kind] += 1
        return {"stdout": done.stdout, "outcomes": {name: dict(c) for name, c in outcomes.items()}}

    return once_per_run(tmp_path_factory, "doc-examples", compute)


def test_a_failing_block_fails_the_suite_naming_file_and_line(harness):
    assert harness["outcomes"]["broken.md"] == {"failure": 1}, harness["stdout"]
    assert "broken.md line=3" in harness["stdout"], harness["stdout"]  # the block
    assert "broken.md:5: AssertionError" in harness["stdout"], harness["stdout"]  # the failing line
    assert "arithmetic changed" in harness["stdout"]


def test_async_blocks_share_the_page_event_loop_and_sessions_run(harness):
    # the skip directive counts as an example
    assert harness["outcomes"]["async.md"] == {"passed": 5, "skipped": 1}, harness["stdout"]


def test_every_python_block_on_every_page_is_collected_or_an_include():
    """Guard against Sybil silently skipping blocks (fence attributes, odd spellings)."""
    parser = PageCodeParser()
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text()
        fenced = [m for m in FENCE.finditer(text) if language_of(m.group(2)) in {"python", "py", "pycon"}]
        document = Document(text, str(page))
        regions = list(parser(document))
        includes = len(re.findall(r"^\s*(```+|~~~+)\s*(python|py)[^\n]*\n\s*-{2}8<-{2}", text, re.MULTILINE))
        collected_blocks = {region.start for region in regions}
        # a doctest block yields one region per '>>>' example, so count distinct fences reached
        reached = sum(1 for m in fenced if any(m.start() <= start < m.start() + 10_000 for start in collected_blocks))
        assert reached + includes >= len(fenced), f"{page.relative_to(ROOT)}: some python blocks are not collected"


def test_blocks_can_use_the_demo_database_from_sync_and_async_code(harness):
    assert harness["outcomes"]["database.md"] == {"passed": 3}, harness["stdout"]


def test_each_page_starts_with_an_empty_database(harness):
    assert harness["outcomes"]["fresh.md"] == harness["outcomes"]["fresh2.md"] == {"passed": 1}, harness["stdout"]


@pytest.mark.nested  # a process tree of its own: the full suite, not `dev.py check`
def test_in_a_parallel_run_a_pages_blocks_stay_on_one_worker():
    """A page's blocks share one namespace: with pytest-xdist's default scheduling the second block of this
    page ran on another worker, without the first's import (NameError). docs/conftest.py keeps them together."""
    import subprocess
    import sys

    page = "docs/learn/03-orm-and-sync-to-async.md"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:randomly", page],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout[-3000:]


def run_scheduled(workers: int, nodeids: list[str], markexpr: str | None = None) -> dict[str, list[str]]:
    """The tests each worker runs, in order, under docs/conftest.py's scheduler, workers finishing their
    tests in turn (the scheduler alone, driven as pytest-xdist's controller drives it)."""
    import importlib.util
    from types import SimpleNamespace

    spec = importlib.util.spec_from_file_location("docs_conftest", ROOT / "docs" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    values = {"dist": "load", "tx": [f"{workers}*popen"], "markexpr": markexpr}
    config = SimpleNamespace(getvalue=values.get, option=SimpleNamespace(loadscopereorder=True))
    scheduler = module.pytest_xdist_make_scheduler(config, None)

    class Worker:
        def __init__(self, name):
            self.gateway, self.shutting_down, self.queue, self.ran = SimpleNamespace(id=name), False, [], []

        def send_runtest_some(self, indices):
            self.queue += indices

        def shutdown(self):
            self.shutting_down = True

    nodes = [Worker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, nodeids)
    scheduler.schedule()
    while any(node.queue for node in nodes):
        for node in nodes:
            if node.queue:
                index = node.queue.pop(0)
                node.ran.append(nodeids[index])
                scheduler.mark_test_complete(node, index)
    assert scheduler.tests_finished
    return {node.gateway.id: node.ran for node in nodes}


SCHEDULED = ([f"tests/chat/test_consumer.py::test_{i}" for i in range(6)]
             + ["docs/faq/chat.md::line:10,column:1", "docs/faq/chat.md::line:20,column:1"]
             + [f"tests/browser/test_every_page.py::test_{i}" for i in range(3)]
             + ["tests/browser/test_csp.py::test_policy"])


def test_in_a_parallel_run_one_worker_takes_every_browser_test_first_then_other_work():
    """Chromium keeps both cores busy by itself: the browser tests run on one worker, before anything else
    there (docs/conftest.py); once Chromium has closed, that worker takes its share of what is left."""
    ran = run_scheduled(3, SCHEDULED)
    browser = [nodeid for nodeid in SCHEDULED if nodeid.startswith("tests/browser/")]
    assert sorted(sum(ran.values(), [])) == sorted(SCHEDULED)
    [theirs] = [tests for tests in ran.values() if set(tests) & set(browser)]
    assert theirs[:len(browser)] == browser
    assert len(theirs) > len(browser), "the browser worker stayed idle after Chromium closed"
    page = [tests for tests in ran.values() if "docs/faq/chat.md::line:10,column:1" in tests][0]
    assert "docs/faq/chat.md::line:20,column:1" in page


def test_with_one_worker_the_browser_tests_come_last():
    ran = run_scheduled(1, SCHEDULED)["gw0"]
    assert sorted(ran) == sorted(SCHEDULED)
    assert all(nodeid.startswith("tests/browser/") for nodeid in ran[-4:]), ran


def test_the_longest_work_goes_out_first(monkeypatch):
    """By the last recorded times (tests/support/timings.py); a test of a module with matrix tests that has no
    recorded time yet counts as slow; the rest keep their order (and the browser tests their place)."""
    from tests.support import timings

    monkeypatch.setattr(timings, "recorded_durations", lambda: {"tests/chat/test_consumer.py::test_4": 30.0,
                                                                "docs/faq/chat.md::line:20,column:1": 70.0})
    matrix_test = "tests/atlas/collect/test_matrix.py::test_release_matches_capabilities[django-4.2]"
    ran = run_scheduled(1, [*SCHEDULED, matrix_test])["gw0"]
    assert ran[:4] == ["docs/faq/chat.md::line:10,column:1", "docs/faq/chat.md::line:20,column:1", matrix_test,
                       "tests/chat/test_consumer.py::test_4"], ran
    assert ran[4:6] == ["tests/chat/test_consumer.py::test_0", "tests/chat/test_consumer.py::test_1"]
    assert all(nodeid.startswith("tests/browser/") for nodeid in ran[-4:]), ran


def test_a_tests_recorded_time_leaves_out_its_wait_for_another_workers_share(tmp_path, monkeypatch):
    """The times the next run is ordered by leave out a wait in once_per_run (tests/support/once.py): else the
    test that waited for the site build counts as slow and starts beside the build next time, waiting again."""
    import json
    from types import SimpleNamespace

    from tests.support import timings

    monkeypatch.setattr(timings, "LAST_RUN", tmp_path / "last-run.json")
    monkeypatch.setattr(timings, "DURATIONS", tmp_path / "durations.json")
    monkeypatch.setattr(timings, "MACHINE_DURATIONS", tmp_path / "machine" / "durations.json")
    recorder = timings.Recorder()
    for nodeid, seconds, waited in (("t.py::builds", 9.0, 0.0), ("t.py::waits", 9.25, 9.0)):
        recorder.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, duration=seconds, user_properties=[
            ("cpu_seconds", 1.0), ("waited_seconds", waited)]))
    recorder.pytest_sessionfinish(None)
    durations = json.loads((tmp_path / "durations.json").read_text())
    assert (durations["t.py::builds"], durations["t.py::waits"]) == (9.0, 0.25)
    assert json.loads((tmp_path / "last-run.json").read_text())["tests"]["t.py::waits"] == [9.25, "main", 1.0]


def test_a_fresh_clone_is_ordered_by_the_times_another_clone_of_the_machine_recorded(tmp_path, monkeypatch):
    """A clone's first run has no times of its own: it takes those of the machine, every clone's latest merged;
    a time of its own wins."""
    from types import SimpleNamespace

    from tests.support import timings

    monkeypatch.setattr(timings, "LAST_RUN", tmp_path / "one" / "last-run.json")
    monkeypatch.setattr(timings, "DURATIONS", tmp_path / "one" / "durations.json")
    monkeypatch.setattr(timings, "MACHINE_DURATIONS", tmp_path / "machine" / "durations.json")
    (tmp_path / "one").mkdir()
    recorder = timings.Recorder()
    for nodeid in ("t.py::slow", "t.py::quick"):
        recorder.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, duration=30.0 if "slow" in nodeid else 0.5,
                                                          user_properties=[]))
    recorder.pytest_sessionfinish(None)
    monkeypatch.setattr(timings, "DURATIONS", tmp_path / "two" / "durations.json")   # a fresh clone: no file
    assert timings.recorded_durations() == {"t.py::slow": 30.0, "t.py::quick": 0.5}
    (tmp_path / "two").mkdir()
    timings.write(timings.DURATIONS, {"t.py::slow": 2.0})
    assert timings.recorded_durations() == {"t.py::slow": 2.0, "t.py::quick": 0.5}


def test_a_run_without_browser_tests_keeps_no_worker_for_tests_browser():
    """`dev.py check` leaves the browser out: the rest of tests/browser/ spreads over every worker."""
    ran = run_scheduled(3, SCHEDULED, markexpr="not server and not browser and not matrix")
    browser_dir = [nodeid for nodeid in SCHEDULED if nodeid.startswith("tests/browser/")]
    assert sorted(sum(ran.values(), [])) == sorted(SCHEDULED)
    assert len([tests for tests in ran.values() if set(tests) & set(browser_dir)]) > 1, ran
    assert all(tests for tests in ran.values()), "every worker gets work"
