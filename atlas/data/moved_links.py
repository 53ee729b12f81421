"""Outside addresses known to have moved: a link to the old address fails validation with the new one.

The weekly link check (`dev.py links`) finds a dead link only when it runs; an address whose move we have
seen (upstream commit and date) is recorded here so that no page or data file can bring it back.
"""
from __future__ import annotations

from atlas.core.datafile import problem

# old address -> (new address, what moved it)
MOVED = {
    "https://github.com/django/deps/blob/main/accepted/0014-background-workers.rst": (
        "https://github.com/django/deps/blob/main/final/0014-background-workers.rst",
        "django/deps commit ef18045 (2026-04-20) moved DEP 14 from accepted/ to final/",
    ),
}


def check(project) -> list[str]:
    """Every page and data file of the project is free of a moved address."""
    from atlas.collect.linkcheck import outside_links

    found = []
    for url, files in outside_links(project.root / "docs").items():
        if url in MOVED:
            new, why = MOVED[url]
            found += [problem(where, 1, "", f"links {url}, which moved ({why})", f"link {new}")
                      for where in files]
    return found
