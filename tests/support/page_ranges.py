"""A page's tests run only on the releases its page claims: elsewhere they skip, saying why."""
from __future__ import annotations

from pathlib import Path

from atlas.data.page_code import covers, feature_releases, pages_with_code


def out_of_range(running: str) -> dict[Path, str]:
    """{tests path: skip reason} for every page whose range leaves out the `running` feature release ("5.2")."""
    releases = feature_releases()
    found = {}
    for page in pages_with_code():
        if page.range.any or covers(page.range, running, releases):
            continue
        needs = f"{page.range.low}+" if page.range.high is None else f"{page.range.low}-{page.range.high}"
        for path in page.tests:
            found[path] = f"page docs/{page.page} needs Django {needs}, running {running}"
    return found
