"""Code a reader copies lives once, in snippets/, and a test drives each snippet."""
import pytest

from atlas.paths import DOCS, ROOT, SNIPPETS

WINDOW = 6  # this many consecutive code lines repeated in a page count as a paste

SNIPPET_FILES = sorted(p for p in SNIPPETS.rglob("*.py") if p.name != "__init__.py" and "__pycache__" not in p.parts)
TEST_SOURCES = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
PAGES = {p: p.read_text() for p in DOCS.rglob("*.md")}


def dotted(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=lambda p: str(p.relative_to(SNIPPETS)))
def test_each_snippet_is_exercised_by_a_test(snippet):
    module = dotted(snippet)
    relative = str(snippet.relative_to(SNIPPETS))
    named = module in TEST_SOURCES or module.rsplit(".", 1)[0] + " import " + snippet.stem in TEST_SOURCES \
        or relative in TEST_SOURCES
    assert named, (
        f"snippets/{relative} is not named by any test under tests/: import {module} (or name the file) "
        f"in a test that drives it"
    )


def code_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=lambda p: str(p.relative_to(SNIPPETS)))
def test_no_page_pastes_a_snippet_instead_of_including_it(snippet):
    lines = code_lines(snippet.read_text())
    windows = {tuple(lines[i:i + WINDOW]) for i in range(len(lines) - WINDOW + 1)}
    for page, text in PAGES.items():
        page_lines = code_lines(text)
        for i in range(len(page_lines) - WINDOW + 1):
            assert tuple(page_lines[i:i + WINDOW]) not in windows, (
                f"{page.relative_to(ROOT)} repeats {WINDOW}+ lines of snippets/{snippet.relative_to(SNIPPETS)}; "
                f"include the snippet with the --8<-- directive instead of pasting it"
            )
