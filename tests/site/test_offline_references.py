"""The built site loads nothing from outside hosts: a fast scan of every built HTML, CSS and JS file for
references that make a browser fetch something (scripts, stylesheets, preloads, icons, preconnects,
images, frames, media, CSS @import and url()). Plain <a href> links to other sites are fine: the reader
chooses to follow them. tests/browser/test_every_page.py checks the same thing for real, in Chromium."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

OUTSIDE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)   # http://, https://, protocol-relative //
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut", "apple-touch-icon",
                "mask-icon", "manifest", "preconnect", "dns-prefetch", "prerender"}
CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]+)['"]?\s*\)""", re.I)
SRCSET_URL = re.compile(r"\s*([^\s,]+)(?:\s+[\d.]+[wx])?\s*(?:,|$)")

# URL literals in Material's bundle that load something only when their trigger is present; each entry
# names the trigger, and test_material_bundle_loaders_are_inert checks no built page has it.
MATERIAL_CONDITIONAL = {
    "https://unpkg.com/mermaid": 'class="mermaid"',                       # a mermaid diagram block
    "https://api.github.com/": 'data-md-component="source"',              # repository stars/forks
    "https://${": 'data-md-component="source"',                           # GitLab API, same component
    "https://unpkg.com/resize-observer-polyfill": None,                   # browsers without ResizeObserver
}


class LoadScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._style = False

    def add(self, what, url):
        if url and OUTSIDE.match(url):
            self.found.append((what, url.strip()))

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "script":
            self.add("script src", attrs.get("src"))
        elif tag == "link":
            rels = set(attrs.get("rel", "").lower().split())
            if rels & LOADING_RELS:
                self.add(f"link rel={'/'.join(sorted(rels))}", attrs.get("href"))
        elif tag in ("img", "source", "iframe", "frame", "embed", "video", "audio", "track", "input"):
            self.add(f"{tag} src", attrs.get("src"))
            for candidate in SRCSET_URL.findall(attrs.get("srcset", "")):
                self.add(f"{tag} srcset", candidate)
            self.add(f"{tag} poster", attrs.get("poster"))
        elif tag == "object":
            self.add("object data", attrs.get("data"))
        elif tag in ("image", "use", "feimage"):                  # SVG
            self.add(f"svg {tag}", attrs.get("href") or attrs.get("xlink:href"))
        elif tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.add("meta refresh", attrs.get("content", "").partition("url=")[2])
        if "style" in attrs:
            for url in css_urls(attrs["style"]):
                self.add(f"{tag} style", url)
        if tag == "style":
            self._style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            for url in css_urls(data):
                self.add("<style>", url)


def css_urls(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [first or second for first, second in CSS_URL.findall(css)]


def site_files(site: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_no_html_page_loads_a_resource_from_an_outside_host(built_site):
    pages = site_files(built_site.site, ".html")
    assert pages
    problems = {}
    for page in pages:
        scanner = LoadScanner()
        scanner.feed(page.read_text(errors="replace"))
        if scanner.found:
            problems[page.relative_to(built_site.site).as_posix()] = scanner.found
    print(f"\nscanned {len(pages)} HTML files")
    assert not problems, f"resources loaded from outside hosts: {problems}"


def test_no_stylesheet_imports_or_loads_from_an_outside_host(built_site):
    sheets = site_files(built_site.site, ".css")
    problems = {}
    for sheet in sheets:
        urls = [url for url in css_urls(sheet.read_text(errors="replace")) if OUTSIDE.match(url)]
        if urls:
            problems[sheet.relative_to(built_site.site).as_posix()] = urls
    assert sheets and not problems, f"CSS loading from outside hosts: {problems}"


def js_url_literals(source: str) -> list[str]:
    """URLs written as string literals (quotes or template strings), not in comments or licences."""
    return re.findall(r"""["'`](https?://[^"'`\s]*)""", source)


def test_scripts_reference_no_outside_host_except_materials_inert_loaders(built_site):
    scripts = [p for p in site_files(built_site.site, ".js")]
    problems = {}
    for script in scripts:
        urls = [url for url in js_url_literals(script.read_text(errors="replace"))
                if not any(url.startswith(prefix) for prefix in MATERIAL_CONDITIONAL)]
        if urls:
            problems[script.relative_to(built_site.site).as_posix()] = urls
    assert scripts and not problems, f"scripts that may load from outside hosts: {problems}"


def test_material_bundle_loaders_are_inert(built_site):
    """The bundle's outside URLs load only when a page has their trigger: none does."""
    pages = site_files(built_site.site, ".html")
    for prefix, trigger in MATERIAL_CONDITIONAL.items():
        if trigger is None:
            continue  # the ResizeObserver polyfill: every browser Material supports has ResizeObserver
        offenders = [p.relative_to(built_site.site).as_posix() for p in pages if trigger in p.read_text()]
        assert not offenders, f"{trigger} in {offenders} makes Material load {prefix}…"


def test_the_scanner_finds_what_it_should(tmp_path):
    """The scanner itself: each kind of outside reference is caught, links and local paths are not."""
    page = """<html><head>
      <script src="https://cdn.example.org/x.js"></script>
      <link rel="stylesheet" href="//fonts.example.org/css">
      <link rel="preconnect" href="https://fonts.example.org">
      <link rel="icon" href="http://example.org/favicon.ico">
      <style>@import url("https://example.org/a.css"); body { background: url(https://example.org/b.png) }</style>
      </head><body>
      <img src="https://example.org/c.png" srcset="local.png 1x, https://example.org/d.png 2x">
      <iframe src="https://example.org/frame"></iframe>
      <div style="background-image: url('https://example.org/e.png')"></div>
      <a href="https://docs.djangoproject.com/">fine: a link</a>
      <img src="assets/local.png"> <script src="assets/local.js"></script>
    </body></html>"""
    scanner = LoadScanner()
    scanner.feed(page)
    kinds = [what for what, _url in scanner.found]
    assert len(scanner.found) == 10, scanner.found
    assert not any("djangoproject" in url or "local" in url for _what, url in scanner.found)
    assert {"script src", "link rel=stylesheet", "link rel=preconnect", "link rel=icon", "<style>",
            "img src", "img srcset", "iframe src", "div style"} <= set(kinds)
