"""Every link to Django's docs in the built site has the usual shape and names a release consistent with
its page (issue 26, item 9), or `stable` (the resource list's policy for living references): a release's
notes at their own release (/en/4.1/releases/4.1/, not through /en/5.1/), any other page of the docs at the newest release the page applies to (its banner's
data-django-high; the newest release when open-ended) unless the link's text names its release ("Django
3.1 documentation, ref/checks.txt"), or `stable`/`dev`. Hand-written pages write
`django:PATH` (atlas/site/django_docs_links.py); the old output (the async guide at /en/3.0/ on pages
quoting 6.1, the 4.1 notes through /en/5.1/) fails. `python -m tests.site.test_django_docs_links SITE_DIR`
runs the check on any built site."""
from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path

import pytest

from atlas.data import django_links
from atlas.data.versions_data import feature_releases

pytestmark = pytest.mark.build

ANCHOR = re.compile(r'<a [^>]*href="(https://docs\.djangoproject\.com/[^"]*)"[^>]*>(.*?)</a>', re.S)
BANNER = re.compile(r'class="atlas-versions" data-django-low="([^"]*)" data-django-high="([^"]*)"')
DOCS = re.compile(r"^https://docs\.djangoproject\.com/en/(?P<release>[^/]+)/(?P<path>.*)$")
NOTES = re.compile(r"^releases/(\d+\.\d+)(?:\.\d+)?(?:/|$|#)")


def wrong_links(site: Path, releases: list[str] | None = None) -> list[str]:
    releases = releases or feature_releases()
    found = []
    for path in sorted(site.rglob("*.html")):
        name = path.relative_to(site).as_posix()
        html = path.read_text(encoding="utf-8")
        banner = BANNER.search(html)
        page_release = (banner.group(2) or releases[-1]) if banner else None
        for url, text in sorted({(unescape(u), unescape(re.sub(r"<[^>]+>", "", t))) for u, t in ANCHOR.findall(html)}):
            match = DOCS.match(url)
            if django_links.bad(url) or not match:
                found.append(f"{name}: {url} has not the usual shape")
                continue
            release, rest = match.group("release"), match.group("path")
            notes = NOTES.match(rest)
            if notes and release not in (notes.group(1), "stable"):
                found.append(f"{name}: {url} reaches the {notes.group(1)} notes through /en/{release}/")
            elif (not notes and page_release and release not in ("stable", "dev", page_release)
                  and not rest.startswith("_modules/") and f"Django {release} " not in text):
                found.append(f"{name}: {url} names {release}; the page applies up to {page_release}")
    return found


def test_django_docs_links_name_the_pages_release(built_site):
    assert wrong_links(built_site.site) == []


if __name__ == "__main__":
    problems = wrong_links(Path(sys.argv[1]))
    print("\n".join(problems) or "no problem")
    sys.exit(1 if problems else 0)
