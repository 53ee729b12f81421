"""The site builds strictly, and each kind of mistake a contributor can make fails the build by name."""
import re

import pytest

from atlas.core.paths import ROOT
from atlas.site import version_banner
from tests.support.sitebuild import build, copy_project

pytestmark = pytest.mark.build


def test_strict_build_has_no_warning(built_site):
    assert "WARNING" not in built_site.output, built_site.output
    assert (built_site.site / "index.html").exists()


def test_pages_show_their_django_versions(built_site):
    html = (built_site.site / "learn" / "index.html").read_text()
    assert "Applies to <strong>Django 4.2 and later</strong>" in html
    # the releases the page matrix ran its code on (or the locked Django for a page outside the matrix)
    assert f"code tested with <strong>{version_banner.tested_with_label('learn/index.md')}</strong>" in html
    assert '<meta name="description" content="An ordered path' in html


PAGE = "concepts/index.md"  # any page works: each test appends its mistake or edits front matter


def build_with(tmp_path, append="", replace=None, extra_page=None, project=None):
    """Build a scratch copy of the project with one contributor mistake in it."""
    project = project or copy_project(tmp_path / "project")
    target = project / "docs" / PAGE
    original = target.read_text()
    text = original + append
    if replace:
        old, new = replace
        assert old in text, f"{old!r} not in {PAGE}: update this test"
        text = text.replace(old, new, 1)
    target.write_text(text)
    if extra_page:
        (project / "docs" / extra_page).write_text(original)
    return build(project, tmp_path / "site")


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_broken_links_missing_anchors_and_pages_left_out_of_nav_fail_the_build(tmp_path):
    result = build_with(
        tmp_path,
        append="\n\nSee [the matrix](../versions/no-such-page.md) and [the FAQ](../faq/index.md#no-such-anchor).\n",
        extra_page="orphan.md",
    )
    assert result.returncode != 0, result.output
    expected = [
        r"Doc file 'concepts/index\.md' contains a link '\.\./versions/no-such-page\.md', but the target "
        r"'versions/no-such-page\.md' is not found",
        r"Doc file 'concepts/index\.md' contains a link '\.\./faq/index\.md#no-such-anchor', but the doc "
        r"'faq/index\.md' does not contain an anchor '#no-such-anchor'",
        r"not included in the \"nav\" configuration:\s+- orphan\.md",
    ]
    for pattern in expected:
        assert re.search(pattern, result.output), f"{pattern}\n{result.output}"


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_a_missing_snippet_include_fails_the_build(tmp_path):
    result = build_with(tmp_path, append='\n```python\n--8<-- "no_such/snippet.py"\n```\n')
    assert result.returncode != 0, result.output
    assert "Snippet at path 'no_such/snippet.py' could not be found" in result.output, result.output


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_bad_data_fails_the_build_listing_every_problem_with_file_line_and_fix(tmp_path):
    project = copy_project(tmp_path / "project")
    capabilities = project / "docs" / "data" / "capabilities.yml"
    text = capabilities.read_text()
    assert "  use_cases: [deploying]\n" in text
    capabilities.write_text(text.replace("  use_cases: [deploying]\n", "  use_cases: [deploy]\n", 1))
    result = build_with(tmp_path, replace=('django: "3.0+"', 'django: "6.9+"'), project=project)
    assert result.returncode != 0, result.output
    line = text[:text.index("  use_cases: [deploying]")].count("\n") + 1
    for expected in (
        "docs/concepts/index.md:4: django: '6.9+' names 6.9, which is not a Django feature release in "
        "docs/data/releases.yml (known: 3.0, 3.1",
        f"docs/data/capabilities.yml:{line}: asgi-project-template.use_cases[0]: 'deploy' is not a known use case",
        "2 problems found by the validation layer (python3 dev.py validate)",
    ):
        assert expected in result.output, result.output


def test_code_blocks_stay_out_of_the_search_index(built_site):
    """Every visitor downloads the index: it holds prose and headings, not every line of every snippet."""
    page = (built_site.site / "use-cases" / "fan-out" / "index.html").read_text()
    blocks = re.findall(r'<div class="language-python highlight"([^>]*)>', page)
    assert blocks and all("data-search-exclude" in attrs for attrs in blocks), blocks
    index = (built_site.site / "search" / "search_index.json").read_text()
    assert "import httpx" in (ROOT / "snippets" / "fan_out" / "views.py").read_text()  # shown on that page
    assert "import httpx" not in index
    assert "fan-out" in index  # the prose is still there
