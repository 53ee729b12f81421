"""Code a reader copies lives once, in snippets/, and a test drives each snippet."""
import ast

import pytest

from atlas.paths import DOCS, ROOT, SNIPPETS

WINDOW = 6  # this many consecutive code lines repeated in a page count as a paste

SNIPPET_FILES = sorted(p for p in SNIPPETS.rglob("*.py") if p.name != "__init__.py" and "__pycache__" not in p.parts)
TEST_FILES = sorted((ROOT / "tests").rglob("*.py"))
PAGES = {p: p.read_text() for p in DOCS.rglob("*.md")}


def dotted(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(path):
    """Modules a file imports: `import a.b` gives a.b; `from a import b, c` gives a, a.b and a.c."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def exercised_snippets():
    """Snippet modules a test imports or names (a path, a dotted name for a server command), plus what
    those snippets import in turn."""
    test_text = "\n".join(p.read_text() for p in TEST_FILES)
    by_module = {dotted(p): p for p in SNIPPET_FILES}
    reached = {m for m in by_module if m in test_text or str(by_module[m].relative_to(SNIPPETS)) in test_text}
    for test in TEST_FILES:
        reached |= imported_modules(test) & set(by_module)
    pending = list(reached)
    while pending:
        for module in imported_modules(by_module[pending.pop()]) & set(by_module):
            if module not in reached:
                reached.add(module)
                pending.append(module)
    return reached


EXERCISED = exercised_snippets()


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=lambda p: str(p.relative_to(SNIPPETS)))
def test_each_snippet_is_exercised_by_a_test(snippet):
    module = dotted(snippet)
    assert module in EXERCISED, (
        f"snippets/{snippet.relative_to(SNIPPETS)} is not used by any test under tests/: import {module} "
        f"in a test that drives it (or from a snippet that a test drives)"
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
