"""Reader pages speak to readers: how the site is built and checked belongs in CONTRIBUTING.md (and the
contributing page). Checked over the built site's article text."""
import html
import re

import pytest

pytestmark = pytest.mark.build

# What only a contributor needs: the site's data files, dev.py commands, the page matrix.
BUILDER_TEXT = re.compile(r"docs/data/|\bdev\.py\b|page matrix", re.IGNORECASE)
# A lab page may say how to rerun its benchmarks.
LAB_RERUN = re.compile(r"python3 dev\.py lab [a-z_ ]+(?:--full|--store|\s)*")


def article_text(page_html: str) -> str:
    match = re.search(r"<article[^>]*>(.*)</article>", page_html, re.S)
    body = match.group(1) if match else ""
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_no_data_file_dev_py_command_or_page_matrix_sentence_on_a_reader_page(built_site):
    found = []
    pages = sorted(built_site.site.rglob("index.html"))
    for page in pages:
        where = page.parent.relative_to(built_site.site).as_posix()
        if where.startswith("contributing"):
            continue
        text = article_text(page.read_text(encoding="utf-8"))
        if where.startswith("lab"):
            text = LAB_RERUN.sub("", text)
        found += [f"{where}: …{text[max(0, m.start() - 60):m.end() + 40]!r}" for m in BUILDER_TEXT.finditer(text)]
    assert len(pages) > 40
    assert not found, "\n".join(found)


def test_notebook_set_up_cells_are_hidden_but_kept(built_site):
    from atlas.core.paths import DOCS

    notebooks = sorted(DOCS.glob("lab/*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        assert "Make the repository importable" in notebook.read_text(encoding="utf-8")  # still run
        page = built_site.site / "lab" / notebook.stem / "index.html"
        assert "Make the repository importable" not in article_text(page.read_text(encoding="utf-8")), notebook.name


def test_every_page_ends_with_found_a_mistake_opening_an_issue_that_names_it(built_site):
    import urllib.parse

    from atlas.core.paths import ROOT

    repo = re.search(r"^repo_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(), re.M)[1].rstrip("/")
    pages = sorted(built_site.site.rglob("index.html"))
    for page in pages:
        where = "/" + page.parent.relative_to(built_site.site).as_posix() + "/"
        where = "/" if where == "/./" else where
        found = re.search(r'<p class="atlas-mistake">Found a mistake\? <a href="([^"]+)"', page.read_text(encoding="utf-8"))
        assert found, f"{where}: no 'Found a mistake?' link"
        url = urllib.parse.urlsplit(html.unescape(found[1]))
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{repo}/issues/new", where
        query = urllib.parse.parse_qs(url.query)
        assert query["title"] == [f"Mistake on {where}"], (where, query)
    assert len(pages) > 40
