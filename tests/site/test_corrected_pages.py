"""The built site holds none of the errors of issue 26 that show in its pages: each check reads the built
HTML (one class of leak or wrong statement each). `python -m tests.site.test_corrected_pages SITE_DIR`
runs the same checks on any built site (to see them fail on an older build)."""
from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path

import pytest

from atlas.data.versions_data import load_capabilities

pytestmark = pytest.mark.build

DUNDER_WORDS = ("call", "acall", "aiter", "anext", "aenter", "aexit", "init", "iter", "next", "enter", "exit")
BOLD_DUNDER = re.compile(r"<strong>(" + "|".join(DUNDER_WORDS) + ")</strong>")


def pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        yield path.relative_to(site).as_posix(), path.read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The words a reader sees: tags and attributes dropped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def dunders_lost(site: Path) -> list[str]:
    return [f"{name}: <strong>{m}</strong>" for name, html in pages(site) for m in BOLD_DUNDER.findall(html)]


def capability_ids_shown(site: Path) -> list[str]:
    ids = [c.id for c in load_capabilities() if "-" in c.id]
    found = []
    for name, html in pages(site):
        if name == "versions/changes/index.html":
            continue  # its corrections quote what the site said before
        text = text_of(html)
        found += [f"{name}: (see {cid})" for cid in ids if f"(see {cid})" in text]
    return found


def full_support_notes_missing(site: Path) -> list[str]:
    matrix = text_of((site / "versions" / "matrix" / "index.html").read_text(encoding="utf-8"))
    matrix = " ".join(matrix.split())
    return [c.id for c in load_capabilities()
            if c.shipped and c.support == "full" and c.notes and " ".join(c.notes.split()) not in matrix]


def local_names_in_api_index(site: Path) -> list[str]:
    text = text_of((site / "versions" / "async-api" / "index.html").read_text(encoding="utf-8"))
    return re.findall(r"depends on what it awaits: c\(\)", text)


def unsafe_escape_hatch_without_its_patch(site: Path) -> list[str]:
    """Every FAQ paragraph naming DJANGO_ALLOW_ASYNC_UNSAFE says from which release: 3.0.1+."""
    html = (site / "faq" / "index.html").read_text(encoding="utf-8")
    paragraphs = [text_of(p) for p in re.findall(r"<p>.*?</p>", html, flags=re.S) if "DJANGO_ALLOW_ASYNC_UNSAFE" in p]
    return [" ".join(p.split())[:120] for p in paragraphs if "3.0.1+" not in p] or ([] if paragraphs else ["none"])


def ended_support_shown_as_a_date(site: Path) -> list[str]:
    """4.2's support ended on 7 April 2026: its page and the versions index say "ended", and every page
    tells My Django which releases have ended (meta atlas-support)."""
    found = []
    page = " ".join(text_of((site / "versions" / "4.2" / "index.html").read_text(encoding="utf-8")).split())
    if not re.search(r"ended\s*:\s*no more fixes", page):
        found.append("versions/4.2: no 'ended'")
    if "ended April 7, 2026" not in text_of((site / "versions" / "index.html").read_text(encoding="utf-8")):
        found.append("versions/index: 4.2 not shown as ended")
    index = (site / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta name="atlas-support" content="([^"]*)"', index)
    if not meta or "4.2=ended" not in meta.group(1).split():
        found.append("index: no atlas-support meta saying 4.2=ended")
    return found


CHECKS = [dunders_lost, capability_ids_shown, full_support_notes_missing, local_names_in_api_index,
          unsafe_escape_hatch_without_its_patch, ended_support_shown_as_a_date]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_built_site_is_free_of(check, built_site):
    assert check(built_site.site) == []


if __name__ == "__main__":
    site = Path(sys.argv[1])
    for check in CHECKS:
        found = check(site)
        print(f"{check.__name__}: {len(found)}", *found[:5], sep="\n  ")
