"""What counts as being about async in Django's own docs: one definition for every collector that picks items.

A text is about async when it names the async machinery (async, await, ASGI, coroutines, the event loop,
asgiref and its adapters, the thread-sensitive mode, MiddlewareMixin's async support) or an a-prefixed API
of the async API index (``aget()``, ``asave``: the index is collected from the releases, so no list of
verbs is typed here); a release-note item also is when it stands under a section about async.
"""
from __future__ import annotations

import re
from functools import lru_cache

KEYWORDS = re.compile(
    r"\basync|\bawait\b|coroutine|\bASGI\b|sync_to_async|async_to_sync|asgiref|event loop|TaskGroup"
    r"|thread-sensitive|MiddlewareMixin",
    re.IGNORECASE,
)
A_NAME = re.compile(r"\b(a[a-z][a-z0-9_]*)\b")
SECTIONS = {"Asynchronous views", "Tasks", "Background Tasks"}  # release-note sections about async as a whole


@lru_cache(maxsize=1)
def async_members() -> frozenset[str]:
    """The a-prefixed members of the async API index (docs/data/async_api.json): aget, asave, alogin, ..."""
    from atlas.data import async_api

    return frozenset(a["member"] for a in async_api.load_index()["apis"] if a["member"].startswith("a"))


def named_members(text: str) -> list[str]:
    """The a-prefixed API members of the index that `text` names, in order."""
    return [name for name in A_NAME.findall(text) if name in async_members()]


def concerns_async(text: str, section: str = "") -> bool:
    """True if `text` (under the heading `section`, if given) is about async."""
    return bool(KEYWORDS.search(text)) or section in SECTIONS or bool(named_members(text))
