"""What a new Python thread reserves, per platform (issue 26, item 12). The pages used to say that Linux
and macOS both reserve `ulimit -s` (8 MB); on macOS CPython sets THREAD_STACK_SIZE (16 MiB) in its
configure step (configure.ac, Darwin, issue 18075), and the pthread default there is 512 KiB."""
from __future__ import annotations

import re

import pytest

from atlas.core.paths import DOCS

PAGES = ["concepts/threads-tasks-and-the-gil.md", "faq/index.md"]
# platform -> the reservation the pages must state (source: CPython configure.ac for Darwin; glibc)
RESERVES = {"macOS": "16 MiB", "Linux": "8 MiB"}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_says_what_a_thread_reserves_on_each_platform(page):
    text = " ".join((DOCS / page).read_text(encoding="utf-8").split())
    assert not re.search(r"Linux and\s+macOS", text), f"{page} still gives Linux and macOS one stack size"
    assert "THREAD_STACK_SIZE" in text and "issue 18075" in text
    for platform, size in RESERVES.items():
        assert re.search(rf"{platform}[^.]*?{size}|{size}[^.]*?{platform}", text), (page, platform, size)
