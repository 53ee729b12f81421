"""Notebook pages (docs/**/*.ipynb): their page metadata, and executing them.

A notebook cannot carry YAML front matter, so its page metadata lives in the notebook's own metadata,
under "atlas", with the same rules as a Markdown page's front matter (atlas/frontmatter.py):

    "metadata": {"atlas": {"summary": "...", "django": "5.0+", "tags": ["memory"]}}

(no "title": the title comes from mkdocs.yml's nav). Refresh the stored outputs after changing a notebook:

    python -m atlas.notebooks docs/lab/*.ipynb
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import posixpath
import re
import struct
import sys
import time
from pathlib import Path

from . import css_prune, derived
from .datafile import Document, load_schema, parse, problem
from .errors import DataError
from .frontmatter import PAGE_SCHEMA, DjangoRange, metadata_problems, project_problems, read_checked
from .paths import ROOT, relative

EXAMPLE = '"atlas": {"summary": "...", "django": "5.0+", "tags": ["performance"]}'


def notebook_schema() -> dict:
    """The page schema without "title" (a notebook's title comes from the nav)."""
    schema = load_schema(PAGE_SCHEMA)
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k != "title"}
    schema["required"] = [k for k in schema["required"] if k != "title"]
    return schema


def notebook_problems(doc: Document, releases: list[str], tags: dict[str, str]) -> tuple[dict, DjangoRange | None, list[str]]:
    """(atlas metadata, range or None, every problem) of a parsed notebook."""
    meta = doc.data.get("metadata", {}).get("atlas") if isinstance(doc.data, dict) else None
    if not isinstance(meta, dict):
        return {}, None, [problem(doc.shown, doc.line(("metadata",)), "metadata.atlas", "is missing",
                                  f"add {EXAMPLE} to the notebook's metadata (Jupyter: Edit > Notebook metadata)")]
    applies, problems = metadata_problems(doc, ("metadata", "atlas"), notebook_schema(), releases, tags)
    return meta, applies, problems


def file_problems(text: str, shown: str, releases: list[str], tags: dict[str, str]) -> tuple[dict, DjangoRange | None, list[str]]:
    """(atlas metadata, range or None, every problem) of one notebook's text."""
    doc, problems = parse(text, Path(shown), shown)
    if doc is None:
        return {}, None, problems
    meta, applies, more = notebook_problems(doc, releases, tags)
    return meta, applies, problems + more


def check_notebook(path: Path, releases: list[str] | None = None, tags: dict[str, str] | None = None):
    """(atlas metadata, range) of one notebook on disk; DataError lists every problem."""
    return read_checked(path, file_problems, releases, tags)


def check(project) -> list[str]:
    """Every notebook's metadata under the project's docs/."""
    return project_problems(project, "*.ipynb", file_problems)


# mkdocs-jupyter appends this loader to every page; on a notebook page it fetches MathJax from a CDN.
# The atlas loads nothing from outside hosts and its notebooks have no LaTeX, so the hook removes it.
MATHJAX_LOADER = re.compile(r"<script data-mkdocs-jupyter-mathjax=.*?</script>\n?", re.DOTALL)


def strip_external_loaders(html: str) -> str:
    return MATHJAX_LOADER.sub("", html)


# mkdocs-jupyter inlines ~600 KB of identical CSS into every notebook page; the hook moves it to one
# cached file so a notebook page weighs what its content weighs.
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>\n?", re.DOTALL)
NOTEBOOK_CSS_DIR = "assets/stylesheets/notebooks"


def move_styles_to_file(html: str, page_url: str) -> tuple[str, str, str]:
    """Return (html with a <link> to its own stylesheet instead of the inline styles, that stylesheet's
    path under the site, the CSS it keeps). Only the rules the page uses are kept (atlas/css_prune.py):
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
        escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        html = html.replace(NO_ALT, f'alt="{escaped}"', 1)
    if NO_ALT in html:
        raise DataError(
            f"{relative(path)}: a plot has no description; add \"alt\": \"...\" to the metadata of the "
            f"cell that draws it (Jupyter: Property inspector > Cell metadata)"
        )
    return html


def execute(source: Path, destination: Path | None = None, timeout: int = 300) -> float:
    """Run every cell of a notebook with this interpreter's ipykernel, from the repository root; write the
    executed notebook to `destination` (default: in place). A failing cell raises, naming notebook and cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        index = next((i for i, cell in enumerate(notebook.cells) if cell.get("cell_type") == "code" and any(
            output.get("output_type") == "error" for output in cell.get("outputs", []))), "?")
        raise DataError(f"{relative(source)}: cell {index} failed:\n{error}") from None
    seconds = time.perf_counter() - started
    nbformat.write(notebook, destination or source)
    return seconds


def main(paths: list[str]) -> int:
    for name in paths:
        seconds = execute(Path(name))
        print(f"{name}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
