"""The generation step (atlas/site/generate.py) writes every page and table made from data before a build; pages
include tables with pymdownx.snippets, so no builder can drop them silently; ProperDocs builds the same site."""
import re
import shutil
import subprocess
import sys

import pytest

from atlas.core.paths import DOCS, ROOT
from atlas.site import generate, registry
from tests.support.once import once_per_run
from tests.support.sitebuild import build, copy_project
from tests.support.tools import missing_in_ci_or_skip

pytestmark = pytest.mark.build

WRITTEN_PAGES = {p: p.read_text() for p in DOCS.rglob("*.md") if generate.GENERATED_NOTE not in p.read_text()}


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, list[str]]:
    """A second generation of the real tree, check-only, after the one every run starts with (tests/conftest.py):
    each output's path (from the root), and what it would write or remove (it compares every output with its
    file). Once per run, shared by the workers: a generation takes 1-3 s."""
    def compute():
        report = generate.write(check_only=True)
        return {name: [str(path.relative_to(ROOT)) for path in paths] for name, paths in
                (("outputs", report.written + report.unchanged), ("written", report.written),
                 ("removed", report.removed))}

    return once_per_run(tmp_path_factory, "generation", compute)


def test_generation_writes_every_registered_page_and_table_and_is_then_up_to_date(generated):
    wanted = {ROOT / path for path in generated["outputs"]}
    assert {ROOT / "docs" / path for path in registry.generated_pages()} <= wanted
    assert {ROOT / generate.TABLES / f"{name}.md" for name in registry.placeholders()} <= wanted
    # the run's generation wrote them all: a second one, comparing each output with its file, changes nothing
    assert generated["written"] == [] and generated["removed"] == [], generated


def test_every_generated_table_is_included_by_a_written_page():
    text = "\n".join(WRITTEN_PAGES.values())
    unused = [name for name in registry.placeholders() if generate.table_include(name) not in text]
    assert not unused, f"tables no page includes (remove them from registry.placeholders()): {unused}"


def test_generated_files_are_ignored_by_git(generated):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = sorted(generated["outputs"])
    result = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *paths],
                            cwd=ROOT, capture_output=True, text=True)
    tracked = [line.split("\t")[-1] for line in result.stdout.splitlines() if line.startswith("::")]
    assert not tracked, f"generated files git would commit: add them to .gitignore: {tracked}"


def test_the_nav_lists_every_release_newest_first(built_site):
    html = (built_site.site / "versions" / "index.html").read_text()
    section = html[re.search(r">\s*Releases\s*<", html).start():]
    found = re.findall(r'href="(\d+\.\d+)/"', section)
    expected = [path.removeprefix("versions/").removesuffix(".md") for path in generate.release_nav()]
    assert found[:len(expected)] == expected


def test_generated_pages_have_no_edit_link(built_site):
    release = (built_site.site / "versions" / "6.1" / "index.html").read_text()
    matrix = (built_site.site / "versions" / "matrix" / "index.html").read_text()
    assert 'rel="edit"' not in release and 'rel="edit"' in matrix


def test_no_built_page_holds_an_unfilled_marker(built_site):
    left = {str(p.relative_to(built_site.site)): generate.unfilled_markers(p.read_text())
            for p in built_site.site.rglob("*.html")}
    assert not {page: marks for page, marks in left.items() if marks}
    assert not (built_site.site / "conftest.py").exists()  # docs/conftest.py configures Sybil; not a page


def build_with_lines_appended(tmp_path, text):
    """Build a scratch copy of the project whose concepts/index.md ends with `text`; also return the
    line number `text` starts on."""
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "concepts" / "index.md"
    original = page.read_text()
    page.write_text(original + text)
    return build(project, tmp_path / "site"), original.count("\n") + 1


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_a_page_with_an_old_placeholder_fails_the_build_with_the_fix(tmp_path):
    result, line = build_with_lines_appended(tmp_path, "<!-- atlas:roadmap -->\n")
    assert result.returncode != 0, result.output
    assert (f"docs/concepts/index.md:{line}: <!-- atlas:roadmap --> is a placeholder no build fills any more"
            f" — replace the line with --8<-- \"generated/roadmap.md\"") in result.output, result.output


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_an_unfilled_marker_in_a_built_page_fails_the_build(tmp_path):
    """A marker that reaches the HTML (here through raw HTML the generation check does not look at)."""
    result, _ = build_with_lines_appended(tmp_path, "\n<div><!-- atlas:roadmap --></div>\n")
    assert result.returncode != 0, result.output
    assert "docs/concepts/index.md: unfilled '<!-- atlas:roadmap -->' in the built page" in result.output


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_including_a_table_that_is_not_registered_fails_the_build(tmp_path):
    result, _ = build_with_lines_appended(tmp_path, '\n--8<-- "generated/no-such-table.md"\n')
    assert result.returncode != 0, result.output
    assert "Snippet at path 'generated/no-such-table.md' could not be found" in result.output, result.output


def test_one_generation_on_a_fresh_clone_leaves_nothing_to_regenerate(tmp_path):
    """What generation writes depends on the data only, not on what an earlier run wrote: otherwise the
    second build of a fresh clone rewrites files, and `dev.py serve` rebuilds a second time."""
    project = copy_project(tmp_path / "project")  # as a fresh clone has it: nothing generated yet
    env = {"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-m", "atlas.site.generate"], cwd=project, capture_output=True, text=True,
                           env=env)
    assert first.returncode == 0, first.stderr
    again = subprocess.run([sys.executable, "-m", "atlas.site.generate", "--check"], cwd=project, capture_output=True,
                           text=True, env=env)
    assert again.returncode == 0, again.stdout + again.stderr


def test_generation_does_not_overwrite_a_written_page(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "docs" / "versions" / "6.1.md").write_text("# Written by hand\n")
    result = subprocess.run([sys.executable, "-m", "atlas.site.generate"], cwd=project, capture_output=True, text=True,
                            env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert "docs/versions/6.1.md: generation would overwrite a file it did not write" in result.stderr


@pytest.fixture(scope="session")
def properdocs_site(tmp_path_factory):
    try:
        import properdocs  # noqa: F401
    except ImportError:
        missing_in_ci_or_skip("properdocs is not installed: run python3 dev.py test (it installs requirements.lock)")
    result = build(ROOT, tmp_path_factory.mktemp("properdocs-site"), builder="properdocs")
    assert result.returncode == 0, f"properdocs build --strict failed:\n{result.output}"
    return result


LINK = re.compile(r'\s(?:href|src)="([^"]*)"')


def links(site):
    return {str(p.relative_to(site)): sorted(set(LINK.findall(p.read_text()))) for p in site.rglob("*.html")}


@pytest.mark.scratch_build  # a build of its own: the full suite, not `dev.py check`
def test_properdocs_builds_the_same_pages_with_the_same_links(built_site, properdocs_site):
    assert "WARNING" not in properdocs_site.output, properdocs_site.output
    mkdocs_files = sorted(str(p.relative_to(built_site.site)) for p in built_site.site.rglob("*") if p.is_file())
    properdocs_files = sorted(str(p.relative_to(properdocs_site.site)) for p in properdocs_site.site.rglob("*")
                              if p.is_file())
    assert mkdocs_files == properdocs_files
    assert links(built_site.site) == links(properdocs_site.site)
    generator = re.compile(r'<meta name="generator" content="[^"]*">')
    for page in ("versions/matrix/index.html", "versions/6.1/index.html", "lab/fan-out/index.html"):
        same = [generator.sub("", (site / page).read_text()) for site in (built_site.site, properdocs_site.site)]
        assert same[0] == same[1], page
