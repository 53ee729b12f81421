"""MkDocs hook: a thin layer over the atlas package, which holds the logic and its tests.

* on_config runs the validation layer (atlas/validation.py) and stops the build on any problem;
* on_files adds the pages generated from docs/data (release pages, ...) and the other generated files
  (JSON downloads, llms.txt, the Atom feed of changes: site_pages.generated_files());
* on_page_markdown checks each page's front matter, shows the Django versions it applies to, and fills
  ``<!-- atlas:NAME -->`` placeholders with tables rendered from data.
A problem becomes a build error that names the file, the field and the fix.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from atlas import frontmatter, notebooks, site_pages, validation  # noqa: E402
from atlas.errors import DataError  # noqa: E402

_releases: list[str] = []
_tags: dict[str, str] = {}


def on_config(config):
    problems = validation.problems(build=True)  # every data file, page, notebook and FAQ entry, all at once
    if problems:
        raise PluginError(validation.report(problems))
    try:
        _releases[:] = frontmatter.feature_releases()
        config["extra"]["atlas_releases"] = list(_releases)  # the "My Django" picker's choices (main.html)
        _tags.clear()
        _tags.update(frontmatter.known_tags())
    except (OSError, KeyError, TypeError, DataError) as error:
        raise PluginError(f"docs/data/releases.yml or docs/data/tags.yml cannot be read: {error}") from None
    return config


def on_files(files, config):
    try:
        pages = site_pages.generated_pages()
    except DataError as error:
        raise PluginError(str(error)) from None
    for path, content in pages.items():
        files.append(File.generated(config, path, content=content))
    try:
        extra = site_pages.generated_files()
    except DataError as error:
        raise PluginError(str(error)) from None
    # Added as files (not written after the build) so links to them are checked like any other.
    for path, content in extra.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    path = "docs/" + page.file.src_uri
    if not page.file.src_uri.endswith(".md"):
        return markdown
    text = page.file.content_string
    try:
        meta, _body, _line = frontmatter.split(text, path)
        applies = frontmatter.validate(meta, text, path, _releases, _tags)
        markdown = site_pages.fill_placeholders(markdown, path, site_pages.placeholders())
    except DataError as error:
        raise PluginError(str(error)) from None
    page.meta.setdefault("description", meta["summary"])
    # pages in the page matrix say what their code ran on (docs/data/page_matrix.json)
    banner = frontmatter.version_banner(meta, applies, _releases, page=page.file.src_uri)
    return frontmatter.with_banner(markdown, banner)


def on_page_content(html, page, config, files):
    """Leave code blocks out of the search index. Notebook pages (docs/**/*.ipynb): check their "atlas"
    metadata and show the same version line."""
    html = site_pages.exclude_code_from_search(html)
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    try:
        meta, applies = notebooks.check_notebook(Path(page.file.abs_src_path), _releases, _tags)
    except DataError as error:
        raise PluginError(str(error)) from None
    page.meta.setdefault("description", meta["summary"])
    return frontmatter.version_banner(meta, applies, _releases) + html


def on_post_page(output, page, config):
    """Remove mkdocs-jupyter's MathJax loader (it fetches from a CDN): the site loads nothing external.
    On notebook pages, describe each plot, move plots into image files and keep only the notebook CSS
    the page uses, in a file of its own."""
    output = notebooks.strip_external_loaders(output)
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    try:
        output = notebooks.describe_images(output, Path(page.file.abs_src_path))
    except DataError as error:
        raise PluginError(str(error)) from None
    output, css_path, css = notebooks.move_styles_to_file(output, page.url)
    output, images = notebooks.externalize_images(output)
    site = Path(config["site_dir"])
    written = {css_path: css.encode()} if css_path else {}
    written.update({f"{page.url}{name}": data for name, data in images.items()})
    for relative_path, content in written.items():
        target = site / relative_path
        if not target.exists() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return output
