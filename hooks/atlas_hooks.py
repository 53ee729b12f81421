"""MkDocs/ProperDocs hook: a thin adapter over the atlas package, which holds the logic and its tests.

* on_config reloads atlas/ (so `dev.py serve` shows an edit to it after one rebuild), stamps docs/data once
  for the whole build (atlas.core.data_stamp.steady_data, released on_post_build or on_build_error), lets
  nbconvert compile its templates once per process (atlas/site/notebook_templates.py), makes the process look for
  reference cycles less often (atlas/core/cycles.py), runs the validation
  layer (atlas/data/validation.py: every problem at once), then the generation step (atlas/site/generate.py: release
  pages and the changes page into docs/versions/, tables into generated/, other files such as JSON
  downloads, llms.txt and the Atom feed into docs/) and fills the nav's Releases section from
  docs/data/releases.yml;
* on_page_markdown checks each page's front matter and shows the Django versions it applies to;
* on_post_page post-processes notebook pages; on_post_build puts a Content-Security-Policy on every page;
* on_serve makes `dev.py serve` rebuild once per edit and re-import this file on each rebuild
  (atlas/site/live_preview.py).
A problem becomes a build error that names the file, the field and the fix.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402

_releases: list[str] = []
_tags: dict[str, str] = {}
# docs/data is read, never written, from on_config to the build's end: its stamp is taken once per build
_one_build = contextlib.ExitStack()


def _load_atlas() -> None:
    """Import atlas/ anew: MkDocs loads this hook once per process, and a serve rebuild must see edits
    to atlas/ and no data cached by the previous build. Binds the modules the hook uses as globals."""
    global DataError, cycles, csp, stamps, frontmatter, generate, live_preview, notebook_html, notebook_templates, notebooks
    global registry, validation
    global django_docs_links, inline_data, search_index, support, version_banner
    for name in [name for name in sys.modules if name == "atlas" or name.startswith("atlas.")]:
        del sys.modules[name]
    from atlas.core import cycles
    from atlas.core import data_stamp as stamps
    from atlas.core.errors import DataError
    from atlas.data import frontmatter, notebooks, support, validation
    from atlas.site import (
        csp,
        django_docs_links,
        generate,
        inline_data,
        live_preview,
        notebook_html,
        notebook_templates,
        registry,
        search_index,
        version_banner,
    )


_load_atlas()


def on_config(config):
    _one_build.close()  # a build that stopped before its end
    _load_atlas()
    _one_build.enter_context(stamps.steady_data())
    notebook_templates.share_compiled_templates()  # mkdocs-jupyter's exporters compile them once, not per notebook
    cycles.collect_less_often()
    problems = validation.problems(build=True)  # every data file, page, notebook and FAQ entry, all at once
    if problems:
        raise PluginError(validation.report(problems))
    try:
        generate.write()
        config["nav"] = generate.fill_release_nav(config["nav"])
    except DataError as error:
        raise PluginError(str(error)) from None
    try:
        _releases[:] = frontmatter.feature_releases()
        config["extra"]["atlas_releases"] = list(_releases)  # the "My Django" picker's choices (main.html)
        # what "My Django" tells a reader on an ended release: each release's state on the build day
        config["extra"]["atlas_support"] = [f"{v}={'ended' if s == support.ENDED else 'security' if s == support.SECURITY else 'supported'}"
                                            for v, s in support.states().items()]
        _tags.clear()
        _tags.update(frontmatter.known_tags())
    except (OSError, KeyError, TypeError, DataError) as error:
        raise PluginError(f"docs/data/releases.yml or docs/data/tags.yml cannot be read: {error}") from None
    return config


def on_page_markdown(markdown, page, config, files):
    path = "docs/" + page.file.src_uri
    if not page.file.src_uri.endswith(".md"):
        return markdown
    text = page.file.content_string
    try:
        meta, _body, _line = frontmatter.split(text, path)
        applies = frontmatter.validate(meta, text, path, _releases, _tags)
    except DataError as error:
        raise PluginError(str(error)) from None
    page.meta.setdefault("description", meta["summary"])
    if generate.GENERATED_NOTE in text:
        page.edit_url = None  # made from docs/data: there is no file to edit
    # pages in the page matrix say what their code ran on (docs/data/page_matrix.json)
    banner = version_banner.version_banner(meta, applies, _releases, page=page.file.src_uri, has_code="```" in markdown)
    try:  # facts written once in docs/data: [[since:capability-id]] (atlas/site/inline_data.py)
        markdown = inline_data.expand(markdown, path)
        # [text](django:topics/async/): Django's docs for the newest release the page applies to
        release = django_docs_links.page_release(page.file.src_uri, meta, applies, _releases)
        markdown = django_docs_links.resolve(markdown, release, path)
    except DataError as error:
        raise PluginError(str(error)) from None
    return version_banner.with_banner(markdown, banner)


def on_page_content(html, page, config, files):
    """Leave code blocks out of the search index. Notebook pages (docs/**/*.ipynb): check their "atlas"
    metadata and show the same version line."""
    html = registry.exclude_code_from_search(html)
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    try:
        meta, applies = notebooks.check_notebook(Path(page.file.abs_src_path), _releases, _tags)
    except DataError as error:
        raise PluginError(str(error)) from None
    page.meta.setdefault("description", meta["summary"])
    return version_banner.version_banner(meta, applies, _releases, page=page.file.src_uri) + html


def on_post_page(output, page, config):
    """Fail on a placeholder left unfilled. Remove mkdocs-jupyter's MathJax loader (it fetches from a CDN).
    On notebook pages, describe each plot, move plots into image files and keep only the notebook CSS
    the page uses, in a file of its own."""
    left = generate.unfilled_markers(output)
    if left:
        raise PluginError(f"docs/{page.file.src_uri}: unfilled {left[0]!r} in the built page: include the "
                          f"generated table with {generate.table_include('NAME')}")
    output = notebook_html.strip_external_loaders(output)
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    try:
        output = notebook_html.describe_images(output, Path(page.file.abs_src_path))
    except DataError as error:
        raise PluginError(str(error)) from None
    output, css_path, css = notebook_html.move_styles_to_file(output, page.url)
    output, images = notebook_html.externalize_images(output)
    site = Path(config["site_dir"])
    written = {css_path: css.encode()} if css_path else {}
    written.update({f"{page.url}{name}": data for name, data in images.items()})
    for relative_path, content in written.items():
        target = site / relative_path
        if not target.exists() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return output


def on_post_build(config):
    """One Content-Security-Policy for every page: instant navigation runs a later page's inline scripts
    under the first page's policy, so each page allows the inline scripts of all of them (by hash). The
    search index becomes the site's own (atlas/site/search_index.py)."""
    search_index.rewrite(Path(config["site_dir"]))
    csp.apply_to_site(Path(config["site_dir"]))
    _one_build.close()


def on_build_error(error):
    _one_build.close()


def on_serve(server, config, builder):
    """The preview adds a live-reload script to each page it serves; allow that one script too. The
    watcher ignores the files each build generates; each rebuild imports hooks/ anew."""
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is not None:
        server._inject_js_into_html = lambda content, epoch: csp.allow_own_inline_scripts(
            inject(content, epoch))
    live_preview.ignore_generated_files(server.observer)
    live_preview.reimport_hooks_on_each_build(server, config)
    return server
