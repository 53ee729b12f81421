"""Search quality for the FAQ: a reader typing a few words into Material's search finds the FAQ entry
that answers them among the first three results. The entries' anchors are stable ids written in
docs/faq/index.md ({ #anchor } after each question)."""
from __future__ import annotations

import re

import pytest

from atlas.bench import site_browser
from atlas.core.paths import DOCS

# query -> the anchor of the FAQ entry (docs/faq/index.md) that answers it
EXPECTED = {
    "chat": "chat-django-3-0",
    "background jobs": "background-jobs",
    "faster": "faster-or-steadier",
    "deadlock": "self-call-deadlock",
    "transaction": "transactions-async",
    "thread memory": "thread-memory",
    "uvicorn": "uvicorn-needed",
}
TOP = 3


def test_the_expected_anchors_exist_in_the_faq():
    text = (DOCS / "faq" / "index.md").read_text()
    anchors = set(re.findall(r"^## .*\{ *#([a-z0-9-]+) *\}\s*$", text, re.MULTILINE))
    missing = sorted(set(EXPECTED.values()) - anchors)
    assert not missing, f"docs/faq/index.md has no entry with anchor(s) {missing}: update EXPECTED"


@pytest.mark.parametrize("query", list(EXPECTED))
def test_a_faq_entry_is_among_the_first_three_results(shared_page, site_server, query):
    if shared_page.url == "about:blank":
        shared_page.goto(site_server.url)
    results = site_browser.search(shared_page, query, site_server)
    top = [r.path for r in results[:TOP]]
    expected = f"faq/#{EXPECTED[query]}"
    print(f"\n{query!r}: " + "; ".join(f"{i + 1}. /{r.path} ({r.title}, score {r.score:.1f})"
                                        for i, r in enumerate(results[:TOP])))
    assert expected in top, f"{query!r}: /{expected} not in the first {TOP} results {top}"
