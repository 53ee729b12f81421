"""Post-process a built notebook page: no external loaders, its CSS in a file, plots as image files with descriptions."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import posixpath
import re
import struct
from html import escape
from pathlib import Path

from atlas.core import derived
from atlas.core.errors import DataError
from atlas.core.paths import relative
from atlas.site import css_prune

MATHJAX_LOADER = re.compile(r"<script data-mkdocs-jupyter-mathjax=.*?</script>\n?", re.DOTALL)


def strip_external_loaders(html: str) -> str:
    return MATHJAX_LOADER.sub("", html)


# mkdocs-jupyter inlines ~600 KB of identical CSS into every notebook page; the hook moves it to one
# cached file so a notebook page weighs what its content weighs.
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>\n?", re.DOTALL)
NOTEBOOK_CSS_DIR = "assets/stylesheets/notebooks"


def move_styles_to_file(html: str, page_url: str) -> tuple[str, str, str]:
    """Return (html with a <link> to its own stylesheet instead of the inline styles, that stylesheet's
    path under the site, the CSS it keeps). Only the rules the page uses are kept (atlas/site/css_prune.py):
    about 20 KB of JupyterLab's 600 KB."""
    styles = INLINE_STYLE.findall(html)
    if not styles:
        return html, "", ""
    first = INLINE_STYLE.search(html)
    html = html[:first.start()] + "<!-- atlas:notebook-css -->" + INLINE_STYLE.sub("", html[first.start():])
    css = derived.kept("notebook-css", [Path(css_prune.__file__)], ["\n".join(styles).encode(), html.encode()],
                       lambda: css_prune.prune("\n".join(styles), html).encode()).decode()
    name = hashlib.sha256(css.encode()).hexdigest()[:10]
    target = f"{NOTEBOOK_CSS_DIR}/{name}.css"  # named by content: identical pages share one cached file
    href = posixpath.relpath(target, page_url.rstrip("/") or ".")
    html = html.replace("<!-- atlas:notebook-css -->", f'<link rel="stylesheet" href="{href}">\n', 1)
    return html, target, css


PNG_IMAGE = re.compile(r'<img(?P<before>[^>]*?) src="data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)"(?P<after>[^>]*)>')


def smaller_png(data: bytes) -> bytes:
    """A plot with a 256-colour palette: line charts lose nothing visible and weigh a third."""
    return derived.kept("notebook-png", [Path(__file__)], [data, _pillow_version().encode()], lambda: _quantised(data))


def _pillow_version() -> str:
    from importlib.metadata import version

    return version("pillow")


def _quantised(data: bytes) -> bytes:
    from PIL import Image  # matplotlib's dependency

    image = Image.open(io.BytesIO(data))
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # fully opaque: the alpha channel carries nothing
    method = Image.Quantize.MEDIANCUT if image.mode == "RGB" else Image.Quantize.FASTOCTREE
    out = io.BytesIO()
    image.quantize(colors=256, method=method).save(out, format="PNG", optimize=True)
    return min(data, out.getvalue(), key=len)


def externalize_images(html: str) -> tuple[str, dict[str, bytes]]:
    """Move inline base64 plots into files next to the page: {file name: PNG bytes}. Each <img> gets
    its width and height (no layout shift) and loads lazily, so a reader downloads a plot when it scrolls
    into view and the HTML stays small."""
    files: dict[str, bytes] = {}

    def replace(match: re.Match) -> str:
        data = smaller_png(base64.b64decode(match.group("data")))
        width, height = struct.unpack(">II", data[16:24])  # the PNG IHDR chunk
        name = f"plot-{len(files) + 1}-{hashlib.sha256(data).hexdigest()[:8]}.png"
        files[name] = data
        attributes = (match.group("before") + match.group("after")).replace(' class=""', "").rstrip("/")
        return (f'<img{attributes} src="{name}" width="{width}" height="{height}" '
                f'loading="lazy" decoding="async">')

    return PNG_IMAGE.sub(replace, html), files


NO_ALT = 'alt="No description has been provided for this image"'


def image_alts(path: Path) -> list[str]:
    """The alt text of each plot, in page order: the "alt" metadata of the cells that output an image."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        cell["metadata"]["alt"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "alt" in cell.get("metadata", {})
        and any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))
    ]


def describe_images(html: str, path: Path) -> str:
    """Put each plot's own description where nbconvert wrote its placeholder alt text."""
    for alt in image_alts(path):
        html = html.replace(NO_ALT, f'alt="{escape(alt, quote=True)}"', 1)
    if NO_ALT in html:
        raise DataError(
            f"{relative(path)}: a plot has no description; add \"alt\": \"...\" to the metadata of the "
            f"cell that draws it (Jupyter: Property inspector > Cell metadata)"
        )
    return html
