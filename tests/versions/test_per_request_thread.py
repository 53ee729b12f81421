"""Since when each request gets its own thread for sync code (issue 26, item 7): the sdists put
`ThreadSensitiveContext` into the ASGI handler from 4.0 (4.0.10 has it, 3.2.25 does not), and the pages say
so, with what 3.0-3.2 did instead."""
from __future__ import annotations

import re
import tarfile

import pytest

from atlas.collect import sdists
from atlas.core.paths import DOCS
from atlas.data.versions_data import load_releases

FIRST = "4.0"  # the first feature release whose ASGIHandler enters a ThreadSensitiveContext per request
PAGES = ["faq/index.md", "concepts/sync-and-async-bridges.md", "use-cases/self-call-deadlock.md",
         "use-cases/dashboard.md"]


def handler_source(release) -> str:
    with tarfile.open(sdists.sdist_path(release), mode="r:gz") as tar:
        member = next(m for m in tar if m.name.endswith("/django/core/handlers/asgi.py"))
        return tar.extractfile(member).read().decode("utf-8")


@pytest.mark.matrix
@pytest.mark.parametrize("release", load_releases(), ids=lambda r: r.version)
def test_the_handler_enters_a_context_per_request_from_4_0(release):
    has = "async with ThreadSensitiveContext()" in handler_source(release)
    assert has == (tuple(map(int, release.version.split("."))) >= (4, 0)), release.newest_patch


def paragraphs_about_it(page: str) -> list[str]:
    text = re.sub(r"<!--.*?-->", "", (DOCS / page).read_text(encoding="utf-8"))  # fact markers name it too
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)
            if "ThreadSensitiveContext" in p and re.search(r"each request|per request|every request|for each", p)]


@pytest.mark.parametrize("page", PAGES)
def test_pages_date_the_per_request_thread_to_4_0(page):
    paragraphs = paragraphs_about_it(page)
    assert paragraphs, f"{page} no longer speaks of the per-request ThreadSensitiveContext: update this test"
    for paragraph in paragraphs:
        assert f"{FIRST}" in paragraph or "6.1" in paragraph, (page, paragraph[:200])


def test_the_faq_and_the_bridges_page_say_what_3_0_to_3_2_did():
    for page in ("faq/index.md", "concepts/sync-and-async-bridges.md"):
        text = " ".join((DOCS / page).read_text(encoding="utf-8").split())
        assert "3.1 and 3.2" in text and "Django 3.0" in text and "one thread for the whole process" in text, page
