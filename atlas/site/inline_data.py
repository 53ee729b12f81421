"""Facts written once in docs/data and put into hand-written pages by the build.

* ``[[since:CAPABILITY-ID]]`` becomes the release a capability arrived in, with a ``+``: the patch release
  when it came in one (``DJANGO_ALLOW_ASYNC_UNSAFE``: ``3.0.1+``), else the feature release (``3.1+``);
* ``[[added:CAPABILITY-ID]]`` becomes the same release without the ``+`` ("since Django [[added:async-views]]");
* ``[[releases]]`` becomes the releases the atlas covers, first to newest ("3.0 to 6.1"), so a page that
  names them follows docs/data/releases.yml when a release is added; ``[[newest]]`` becomes the newest.

`expand(markdown, page)` is called by the MkDocs hook on every page; an unknown id fails the build with
the page, the line and the fix.
"""
from __future__ import annotations

import re

from atlas.core.errors import DataError
from atlas.data.versions_data import load_capabilities, load_releases

SINCE = re.compile(r"\[\[(since|added):([a-z0-9]+(?:-[a-z0-9]+)*)\]\]")
RELEASES = "[[releases]]"
NEWEST = "[[newest]]"


def since(capability) -> str:
    return f"{capability.added_patch or capability.added}+"


def covered() -> str:
    versions = [r.version for r in load_releases()]
    return f"{versions[0]} to {versions[-1]}"


def expand(markdown: str, page: str = "") -> str:
    if RELEASES in markdown:
        markdown = markdown.replace(RELEASES, covered())
    if NEWEST in markdown:
        markdown = markdown.replace(NEWEST, load_releases()[-1].version)
    if "[[since:" not in markdown and "[[added:" not in markdown:
        return markdown
    caps = {c.id: c for c in load_capabilities()}

    def replace(match: re.Match) -> str:
        kind, cid = match.group(1), match.group(2)
        if cid not in caps:
            line = markdown[:match.start()].count("\n") + 1
            raise DataError(f"{page}:{line}: {match.group(0)} names no capability of docs/data/capabilities.yml "
                            f"— use one of its ids, e.g. [[since:allow-async-unsafe]]")
        return since(caps[cid]) if kind == "since" else since(caps[cid])[:-1]

    return SINCE.sub(replace, markdown)
