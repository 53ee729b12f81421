"""What crawlers and link previews read from the built site: robots.txt, sitemap.xml under site_url, a 404
page that helps, and description / Open Graph / Twitter meta tags on every page, taken from the page's
front matter summary. No browser needed: these read the files of the strict build."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from atlas.bench.site_browser import site_pages, site_url
from atlas.core.paths import DOCS
from atlas.data import frontmatter

pytestmark = pytest.mark.build


class MetaParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content", "")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(path: Path) -> MetaParser:
    parser = MetaParser()
    parser.feed(path.read_text())
    return parser


def source_summaries() -> dict[str, str]:
    """Built page path ('faq/', '' for home) -> the summary in its Markdown front matter."""
    summaries = {}
    for source in DOCS.rglob("*.md"):
        relative = source.relative_to(DOCS).as_posix()
        if relative == "tags.md":
            continue
        try:
            meta, _body, _line = frontmatter.split(source.read_text(), "docs/" + relative)
        except Exception:  # the front matter tests report broken front matter by name
            continue
        page = re.sub(r"(^|/)index\.md$", r"\1", relative)
        page = re.sub(r"\.md$", "/", page)
        if isinstance(meta, dict) and meta.get("summary"):
            summaries[page] = str(meta["summary"])
    return summaries


def test_robots_txt_allows_all_and_names_the_sitemap(built_site):
    robots = (built_site.site / "robots.txt").read_text()
    lines = [line.strip() for line in robots.splitlines() if line.strip()]
    assert "User-agent: *" in lines
    assert "Allow: /" in lines and not any(line.startswith("Disallow: /") for line in lines)
    assert f"Sitemap: {site_url()}sitemap.xml" in lines


def test_sitemap_lists_every_page_under_site_url(built_site):
    pages = site_pages(built_site.site)   # asserts each <loc> starts with site_url
    assert "" in pages and "faq/" in pages
    on_disk = {p.parent.relative_to(built_site.site).as_posix() + "/"
               for p in built_site.site.rglob("index.html") if p.parent != built_site.site}
    assert on_disk - set(pages) == set(), "pages missing from sitemap.xml"
    assert (built_site.site / "sitemap.xml.gz").exists()


def test_the_404_page_offers_search_and_links_to_every_section(built_site):
    page = built_site.site / "404.html"
    text = page.read_text()
    parsed = parse(page)
    assert "<h1>Page not found</h1>" in text
    assert "search box at the top of the page" in text
    base = re.sub(r"^https?://[^/]+", "", site_url())          # /atlas/
    assert f'href="{base}?q="' in text, "the search button must open the search (?q=, search.share)"
    for section in ("learn/", "use-cases/", "versions/", "concepts/", "faq/", "resources/", "lab/"):
        assert base + section in parsed.links, f"404 page does not link to {base}{section}"
    assert parsed.title.strip() == "Page not found - Django Async Atlas"
    # it is served for any missing address, at any depth: links and assets must be absolute
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', text)
    assert assets and all(asset.startswith(base) for asset in assets), assets


def test_every_page_has_description_and_social_meta_from_its_summary(built_site):
    summaries = source_summaries()
    checked = 0
    for path in site_pages(built_site.site):
        parsed = parse(built_site.site / path / "index.html")
        meta = parsed.meta
        for key in ("description", "og:title", "og:description", "og:type", "og:url", "twitter:card",
                    "twitter:title", "twitter:description"):
            assert meta.get(key), f"/{path}: no <meta {key}>"
        assert meta["twitter:card"] == "summary"
        assert meta["og:type"] == ("website" if path == "" else "article")
        assert meta["og:url"] == site_url() + path
        assert meta["og:description"] == meta["description"] == meta["twitter:description"]
        assert not any(key.endswith(":image") for key in meta), f"/{path}: social image (none allowed)"
        if path in summaries:
            assert meta["description"] == html.unescape(summaries[path]).strip(), path
            checked += 1
    assert checked >= 5, f"only {checked} pages matched a Markdown source with a summary"


def test_the_home_page_title_is_the_site_name_once(built_site):
    parsed = parse(built_site.site / "index.html")
    assert parsed.title.strip() == "Django Async Atlas"
    assert "<h1>Django Async Atlas</h1>" in (built_site.site / "index.html").read_text()
