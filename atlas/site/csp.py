"""The site's Content-Security-Policy: a <meta> tag on every built page that allows this origin only.

Inline scripts run only if their SHA-256 is listed: the theme's own (palette, tabs, config bootstrap) and
mkdocs-jupyter's on notebook pages, computed from the final HTML at build time. Inline style attributes
(Markdown table alignment) are allowed by hash too ('unsafe-hashes'). Images may be data: URLs (notebook
plots, the theme's icons). Nothing may load from another origin.
"""
from __future__ import annotations

import base64
import hashlib
import html as html_lib
import re
from pathlib import Path

SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
STYLE_ELEMENT = re.compile(r"<style(?:\s[^>]*)?>(?P<body>.*?)</style>", re.S | re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.I)
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?', re.I)
CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)
DATA_BLOCK = re.compile(r"""\stype=["']?application/(ld\+)?json""", re.I)  # not executed: CSP does not apply


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(page: str) -> list[str]:
    """The bodies of the inline scripts a browser would execute."""
    return [m["body"] for m in SCRIPT.finditer(page)
            if " src=" not in m["attrs"].lower() and not DATA_BLOCK.search(m["attrs"])]


def inline_styles(page: str) -> tuple[list[str], list[str]]:
    """(<style> bodies, style="..." attribute values as the browser reads them)."""
    elements = [m["body"] for m in STYLE_ELEMENT.finditer(page)]
    attributes = [html_lib.unescape(m["dq"] if m["dq"] is not None else m["sq"]) for m in STYLE_ATTRIBUTE.finditer(page)]
    return elements, attributes


def policy(script_hashes: set[str], style_hashes: set[str], attribute_hashes: set[str]) -> str:
    scripts = ["'self'", *sorted(script_hashes)]
    # 'unsafe-hashes' lets a style="..." attribute apply when its hash is listed, and nothing else
    styles = ["'self'", *(["'unsafe-hashes'"] if attribute_hashes else []), *sorted(style_hashes | attribute_hashes)]
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(scripts),
        "style-src " + " ".join(styles),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def page_hashes(page: str) -> tuple[set[str], set[str], set[str]]:
    elements, attributes = inline_styles(META.sub("", page))
    return ({digest(s) for s in inline_scripts(page)}, {digest(s) for s in elements},
            {digest(s) for s in attributes})


def with_policy(page: str, content: str) -> str:
    """The page with its CSP meta tag set to ``content``, right after <meta charset> (it applies only
    to what follows it)."""
    page = META.sub("", page, count=1)
    tag = f'<meta http-equiv="Content-Security-Policy" content="{html_lib.escape(content, quote=False)}">'
    match = CHARSET.search(page)
    if match is None:
        raise ValueError("a page without <meta charset>: cannot place the Content-Security-Policy")
    return page[:match.end()] + "\n    " + tag + page[match.end():]


def apply_to_site(site: Path) -> str:
    """Put one policy allowing every inline script and style of the site on each of its HTML pages."""
    pages = sorted(site.rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    scripts: set[str] = set()
    styles: set[str] = set()
    attributes: set[str] = set()
    for text in texts.values():
        found = page_hashes(text)
        scripts |= found[0]
        styles |= found[1]
        attributes |= found[2]
    content = policy(scripts, styles, attributes)
    for path, text in texts.items():
        path.write_text(with_policy(text, content), encoding="utf-8")
    return content


def policy_of(page: str) -> str | None:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page, re.I)
    return html_lib.unescape(match[1]) if match else None


def allow_own_inline_scripts(page: bytes) -> bytes:
    """For the preview server: add the hashes of scripts injected after the build (live reload)."""
    text = page.decode("utf-8")
    current = policy_of(text)
    if current is None:
        return page
    missing = [h for h in sorted({digest(s) for s in inline_scripts(text)}) if h not in current]
    if not missing:
        return page
    updated = current.replace("script-src 'self'", "script-src 'self' " + " ".join(missing), 1)
    return with_policy(text, updated).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """`python3 -m atlas.site.csp SITE_DIR`: put the policy on a site built without the hook (e.g. by Zensical)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python3 -m atlas.site.csp SITE_DIR", file=sys.stderr)
        return 2
    print(apply_to_site(Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
