"""One way for hand-written Markdown to link Django's documentation: `django:PATH`, resolved by the build.

    [async guide](django:topics/async/)              -> https://docs.djangoproject.com/en/<R>/topics/async/
    [async views](django:topics/async/#async-views)  -> the same, with its anchor
    <django:howto/deployment/asgi/uvicorn/>          -> an autolink showing the resolved address
    [4.1 notes](django:4.1/releases/4.1/)            -> a link that names its release on purpose (X.Y,
                                                        `stable` or `dev` first): kept as written

<R> is the newest release the page applies to (atlas/data/applies.py, the range its banner shows; the newest
release the atlas covers when the range is open-ended), not `stable`: the page's sentences describe that
release, a page about 3.0–3.2 must send its reader to the 3.2 docs, and `stable` would move to a release the
page was not written against as soon as Django publishes one, without a rebuild. A new release in
releases.yml moves every open-ended page's links forward at the next build.

A release's notes are linked at their own release (`django:4.1/releases/4.1/`, not through /en/5.1/): the
rewrite (`python -m atlas.site.django_docs_links docs`) writes them so, and tests/site/test_django_docs_links.py
checks the built site.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from atlas.core.errors import DataError

BASE = "https://docs.djangoproject.com/en/"
RELEASE = r"(?:\d+\.\d+|stable|dev)"
PATH = r"[A-Za-z0-9_./#-]*"
# a link destination `](django:…)`, an autolink `<django:…>` or a reference definition `[id]: django:…`
LINK = re.compile(r"(?P<open>\]\(|<|^\[[^\]\n]+\]:[ \t]*)django:(?P<path>[^)>\s]*)", re.M)
EXPLICIT = re.compile(rf"^(?P<release>{RELEASE})/(?P<rest>{PATH})$")
IMPLICIT = re.compile(rf"^(?P<rest>[a-z_]{PATH})$")
NOTES = re.compile(r"^releases/(?P<release>\d+\.\d+)/?(?:#.*)?$")


def url(path: str, release: str, where: str = "") -> str:
    """The address of `django:PATH` on a page whose release is `release`."""
    explicit = EXPLICIT.match(path)
    if explicit:
        release, path = explicit.group("release"), explicit.group("rest")
    elif not IMPLICIT.match(path) or "//" in path:
        raise DataError(f"{where}: django:{path} is not a Django docs path — write django:topics/async/ "
                        f"(the page's release) or django:4.1/releases/4.1/ (one release on purpose)")
    return BASE + release + "/" + path


def resolve(markdown: str, release: str, where: str = "") -> str:
    """`markdown` with every `django:` link made a full address for `release` (see the module docstring)."""
    if "django:" not in markdown:
        return markdown

    def replace(match: re.Match) -> str:
        line = markdown[:match.start()].count("\n") + 1
        return match.group("open") + url(match.group("path"), release, f"{where}:{line}")

    return LINK.sub(replace, markdown)


def page_release(page: str | None, meta: dict, code, releases: list[str]) -> str:
    """The newest release the page at `page` (path under docs/) applies to: what its `django:` links name."""
    from atlas.data.applies import applies_to

    return applies_to(page, meta, code).high or releases[-1]


def resolved_page(path: Path, docs: Path) -> str:
    """The text of the Markdown page at `path` with its `django:` links resolved as the build resolves them
    (for the link checker, which reads pages from disk)."""
    text = path.read_text(encoding="utf-8")
    if "django:" not in text:
        return text
    from atlas.data import frontmatter

    releases = frontmatter.feature_releases()
    page = path.relative_to(docs).as_posix()
    try:
        meta, _body, _line = frontmatter.split(text, str(path))
        code = frontmatter.validate(meta, text, str(path), releases, frontmatter.known_tags())
        release = page_release(page, meta, code, releases)
    except (DataError, KeyError, TypeError):
        release = releases[-1]  # the validation layer reports the page's own problem
    return resolve(text, release, str(path))


# --- the rewrite of hand-written links (run once; kept so a contributor can run it on a pasted page) ----------

FULL = re.compile(r"https://docs\.djangoproject\.com/en/(?P<release>\d+\.\d+|stable|dev)/+(?P<path>[^\s)>\"'\]]*)")


def short_form(release: str, path: str) -> str:
    """`django:` form of https://docs.djangoproject.com/en/<release>/<path>: a release's notes keep (or get)
    their own release; `_modules/` source pages keep theirs; anything else follows the page."""
    path = re.sub(r"/+", "/", path)
    base, hashmark, anchor = path.partition("#")
    if base and not base.endswith("/"):
        base += "/"
    path = base + hashmark + anchor
    notes = NOTES.match(path)
    if notes:
        return f"django:{notes.group('release')}/{path}"
    if path.startswith("_modules/"):
        return f"django:{release}/{path}"
    return f"django:{path}"


def rewrite(text: str) -> str:
    return FULL.sub(lambda m: short_form(m.group("release"), m.group("path")), text)


def rewrite_tree(docs: Path) -> list[Path]:
    """Rewrite every hand-written Markdown page under `docs` (docs/data/ and generated pages left alone)."""
    from atlas.site.generate import GENERATED_NOTE

    changed = []
    for path in sorted(docs.rglob("*.md")):
        if "data" in path.relative_to(docs).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if GENERATED_NOTE in text:
            continue
        new = rewrite(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for changed in rewrite_tree(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(changed)
