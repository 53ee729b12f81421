"""Code a reader copies lives once, in snippets/; each snippet is shown on a page or listed as harness code.
That tests run every shown snippet is checked by execution (coverage) at the end of the full run:
tests/support/snippet_use.py."""
import pytest

from atlas.core.paths import DOCS, ROOT, SNIPPETS
from tests.support import snippet_use

WINDOW = 6  # this many consecutive code lines repeated in a page count as a paste

SNIPPET_FILES = sorted(p for p in SNIPPETS.rglob("*.py") if p.name != "__init__.py" and "__pycache__" not in p.parts)
PAGES = {p: p.read_text() for p in DOCS.rglob("*.md")}
SHOWN = snippet_use.shown_snippets()


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=lambda p: str(p.relative_to(SNIPPETS)))
def test_each_snippet_is_shown_by_a_page_or_listed_as_harness(snippet):
    """Whether tests run each shown snippet is checked by execution at the end of the full run
    (`python3 dev.py test`, tests/support/snippet_use.py); harness code no page shows is listed there."""
    name = snippet.relative_to(SNIPPETS).as_posix()
    if name in snippet_use.HARNESS:
        assert name not in SHOWN, f"snippets/{name} is shown on a page: take it out of snippet_use.HARNESS"
    else:
        assert name in SHOWN, (f"snippets/{name}: no page includes it (--8<--) and no notebook imports it; show "
                               f"it on a page, or list it in tests/support/snippet_use.py HARNESS with the reason")


def test_the_harness_list_names_real_files():
    missing = sorted(set(snippet_use.HARNESS) - {p.relative_to(SNIPPETS).as_posix() for p in SNIPPET_FILES})
    assert not missing, f"snippet_use.HARNESS lists files that do not exist: {missing}"


def test_the_use_check_needs_a_call_not_an_import(tmp_path):
    """The execution check itself (run at the end of the full suite) fails a snippet nothing ran, and one
    that was only imported; a called function, or a module of plain statements that ran, passes."""
    plain = next(name for name in sorted(SHOWN) if not snippet_use.body_lines((SNIPPETS / name).read_text()))
    functions = next(name for name in sorted(SHOWN) if snippet_use.body_lines((SNIPPETS / name).read_text()))
    source = (SNIPPETS / functions).read_text()
    body = min(snippet_use.body_lines(source))
    definitions = {n for n in range(1, len(source.splitlines()) + 1)} - snippet_use.body_lines(source)
    assert snippet_use.unexercised({}, [functions]) == [f"snippets/{functions}: no test ran it (not even imported it)"]
    assert snippet_use.unexercised({functions: definitions}, [functions]) == [
        f"snippets/{functions}: imported, but no test called any of its functions"]
    assert snippet_use.unexercised({functions: definitions | {body}}, [functions]) == []
    assert snippet_use.unexercised({plain: {1}}, [plain]) == []   # plain statements: running them is their use


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
