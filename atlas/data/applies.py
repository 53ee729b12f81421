"""The releases a page applies to, derived from what it describes; kept apart from its `django:` range.

A page's `django:` range says which releases its code must pass on (the page matrix runs it there). Whether
the page is useful to a reader on release X is another question, answered here from the data:

* a release page (versions/X.Y.md) applies from X.Y on, for as long as one of the capabilities it adds
  exists (all of them removed by Y: up to the release before Y);
* a use-case page applies wherever the use case is possible, packages included (atlas/data/use_case_levels.py);
* a page whose metadata names `about: [capability ids]` applies wherever one of them exists ([]: everywhere);
* any other page applies to its `django:` range.

The "My Django" picker marks a page from this range (the banner's data-django-low/-high); the code range
travels beside it (data-code-low/-high) so the banner can say "this applies to you; the code needs 5.0".
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from atlas.core.django_range import DjangoRange, release_key


def _within(releases: list[str], present) -> DjangoRange | None:
    """The range from the first release where `present(release)` holds to the last (open-ended when that
    is the newest); None if it never holds."""
    where = [v for v in releases if present(v)]
    if not where:
        return None
    return DjangoRange(where[0], None if where[-1] == releases[-1] else where[-1])


def release_page_range(version: str, releases: list[str], capabilities: list) -> DjangoRange:
    added = [c for c in capabilities if c.shipped and c.added == version]
    later = [v for v in releases if release_key(v) >= release_key(version)]
    if not added:
        return DjangoRange(version, None)
    found = _within(later, lambda v: any(c.present_in(v) for c in added))
    return found or DjangoRange(version, version)


def about_range(ids: list[str], releases: list[str], capabilities: list) -> DjangoRange | None:
    if not ids:
        return DjangoRange(releases[0], None)
    named = [c for c in capabilities if c.id in ids]
    return _within(releases, lambda v: any(c.present_in(v) for c in named))


def use_case_of(page: str) -> str | None:
    """The use case whose page is `page` (a path under docs/), if any."""
    from atlas.data.versions_data import use_cases

    return next((uc for uc, (_title, path) in use_cases().items() if path == page), None)


def applies_to(page: str | None, meta: dict, code: DjangoRange) -> DjangoRange:
    """The range the page at `page` (path under docs/; None: unknown) applies to; `code` is its `django:` range."""
    from atlas.data.versions_data import feature_releases, load_capabilities

    from . import use_case_levels

    releases = feature_releases()
    stem = Path(page).stem if page else ""
    if page and page == f"versions/{stem}.md" and stem in releases:
        return release_page_range(stem, releases, load_capabilities())
    use_case = use_case_of(page) if page else None
    if use_case:
        row = use_case_levels.table()[use_case]
        first = use_case_levels.first_release(row)
        return DjangoRange(first, use_case_levels.last_release(row)) if first else code
    if isinstance(meta.get("about"), list):
        return about_range(meta["about"], releases, load_capabilities()) or code
    return code


def use_case_levels_attr(page: str | None) -> str:
    """For a use-case page: ` data-levels="{release: what the reader on it can do}"` (JSON), else ""."""
    from atlas.data.versions_data import feature_releases

    from . import use_case_levels

    use_case = use_case_of(page) if page else None
    if not use_case:
        return ""
    from atlas.data.versions_data import load_capabilities

    levels = use_case_levels.load()
    capabilities = {c.id: c for c in load_capabilities()}
    said = {}
    for release in feature_releases():
        level, how = use_case_levels.answer(use_case, release, capabilities, levels)
        said[release] = levels.label(level) + (f": {how}" if how else "")
    return f' data-levels="{html.escape(json.dumps(said, ensure_ascii=False), quote=True)}"'


# --------------------------------------------------------------------------------------------------
# The rule a schema cannot say (found by atlas/data/validation.py by name)


def check(project) -> list[str]:
    """Every capability id a page's or notebook's `about` names exists."""
    from atlas.core.datafile import parse
    from atlas.data.frontmatter import _split

    caps = project.document("capabilities")
    ids = {e.get("id") for e in (caps.data if caps and isinstance(caps.data, list) else []) if isinstance(e, dict)}
    problems = []
    for path in sorted([*project.docs.rglob("*.md"), *project.docs.rglob("*.ipynb")]):
        if project.data_dir in path.parents:
            continue
        text, shown = path.read_text(encoding="utf-8"), project.shown(path)
        if path.suffix == ".md":
            meta, _body, _line, _problems, doc = _split(text, shown)
            loc = ()
        else:
            doc, _problems = parse(text, path, shown)
            meta = ((doc.data.get("metadata") or {}).get("atlas") if doc and isinstance(doc.data, dict) else None)
            loc = ("metadata", "atlas")
        if doc is None or not isinstance(meta, dict) or not isinstance(meta.get("about"), list):
            continue
        for number, name in enumerate(meta["about"]):
            if isinstance(name, str) and name not in ids:
                problems.append(doc.problem(loc + ("about", number), f"{name!r} is not a capability id",
                                            "use an id from docs/data/capabilities.yml"))
    return problems
