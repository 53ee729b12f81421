"""The site builds strictly, and each kind of mistake a contributor can make fails the build by name."""
import re

import pytest

from tests.support.sitebuild import build, copy_project

pytestmark = pytest.mark.build


def test_strict_build_has_no_warning(built_site):
    assert "WARNING" not in built_site.output, built_site.output
    assert (built_site.site / "index.html").exists()


def test_pages_show_their_django_versions(built_site):
    html = (built_site.site / "learn" / "index.html").read_text()
    assert "Applies to <strong>Django 4.2 and later</strong>" in html
    assert "code tested with <strong>Django 6.1</strong>" in html
    assert '<meta name="description" content="An ordered path' in html


def break_and_build(tmp_path, page, old, new):
    project = copy_project(tmp_path / "project")
    target = project / "docs" / page
    text = target.read_text()
    assert old in text, f"{old!r} not in {page}: update this test"
    target.write_text(text.replace(old, new, 1))
    return build(project, tmp_path / "site")


SECTION = "## Step 1: coroutines and the event loop"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (SECTION, SECTION + "\n\nSee [the matrix](../versions/no-such-page.md).",
         r"Doc file 'learn/index\.md' contains a link '\.\./versions/no-such-page\.md', but the target 'versions/no-such-page\.md' is not found"),
        (SECTION, SECTION + "\n\nSee [the FAQ](../faq/index.md#no-such-anchor).",
         r"learn/index\.md.*contains a link '\.\./faq/index\.md#no-such-anchor', but the doc 'faq/index\.md' does not contain an anchor '#no-such-anchor'"),
        (SECTION, SECTION + '\n\n```python\n--8<-- "no_such/snippet.py"\n```',
         r"Snippet at path 'no_such/snippet\.py' could not be found"),
        ('tested_with: "6.1"', 'tested_with: "6.9"',
         r"docs/learn/index\.md:5: front matter field 'tested_with' = '6\.9' is not a Django feature release"),
    ],
    ids=["broken-link", "missing-anchor", "missing-snippet", "bad-front-matter"],
)
def test_a_contributor_mistake_fails_the_build_naming_the_file(tmp_path, old, new, expected):
    result = break_and_build(tmp_path, "learn/index.md", old, new)
    assert result.returncode != 0, result.output
    assert re.search(expected, result.output), result.output


def test_a_page_left_out_of_nav_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "docs" / "orphan.md").write_text((project / "docs" / "concepts" / "index.md").read_text())
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "orphan.md" in result.output and "not included in the \"nav\"" in result.output, result.output
