"""Links to Django's documentation have one shape: https://docs.djangoproject.com/en/<release>/<path>,
with <release> a feature release (X.Y), `stable` or `dev`, and no empty path segment (issue 26, item 9:
five pages linked /en/5.2//howto/…)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from atlas.core.datafile import problem

SHAPE = re.compile(r"^https://docs\.djangoproject\.com/en/(?:stable|dev|\d+\.\d+)/(?:[^/]+/)*[^/]*(?:#.*)?$")


def bad(url: str) -> bool:
    if urlsplit(url).hostname != "docs.djangoproject.com":
        return False
    return "//" in urlsplit(url).path or not SHAPE.match(url)


def check(project) -> list[str]:
    from atlas.collect.linkcheck import outside_links

    found = []
    for url, files in outside_links(project.root / "docs").items():
        if bad(url):
            found += [problem(where, 1, "", f"{url} is not a Django docs link of the usual shape",
                              "write https://docs.djangoproject.com/en/<X.Y or stable>/<path>/ (one slash "
                              "between parts)") for where in files]
    return found
