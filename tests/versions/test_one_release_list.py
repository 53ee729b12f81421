"""One fact, one place: the list of Django feature releases lives only in docs/data/releases.yml.

Code and tests derive it (atlas.data.versions_data.feature_releases()); this test looks through every Python
file of the project for a typed collection of three or more known releases — a tuple, list or set literal,
or a string listing them ("known: A, B, C") — which would go stale when a release is added.
"""
import ast
import re

import pytest

from atlas.core.paths import ROOT
from atlas.data.versions_data import feature_releases

ORDERED = feature_releases()
RELEASES = set(ORDERED)
SOURCES = ["atlas", "hooks", "tests", "snippets", "dev.py", "docs/conftest.py"]
MINIMUM = 3  # two releases side by side (an upgrade pair, a range's ends) are a fact, not a list


def python_files():
    for name in SOURCES:
        path = ROOT / name
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def typed_release_lists(source: str) -> list[tuple[int, str]]:
    """(line, text) of each literal collection, or string, that spells out MINIMUM or more known releases."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(set(values) & RELEASES) >= MINIMUM:
                found.append((node.lineno, ast.get_source_segment(source, node)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for run in re.findall(r"\d+\.\d+(?:\s*,\s*\d+\.\d+)+", node.value):
                if len(set(re.findall(r"\d+\.\d+", run)) & RELEASES) >= MINIMUM:
                    found.append((node.lineno, run))
    return found


def test_no_release_list_is_typed_outside_releases_yml():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in python_files()
        for line, text in typed_release_lists(path.read_text(encoding="utf-8"))
    ]
    assert not found, "derive these from docs/data/releases.yml (atlas.data.versions_data.feature_releases()):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [  # built from the data, so this file types no list itself
        f"SUPPORTED = {tuple(ORDERED[:4])!r}",
        f"for v in {ORDERED[-3:]!r}:\n    pass",
        f"MESSAGE = 'known: {', '.join(ORDERED[2:5])}'",
    ],
    ids=["tuple", "list", "string"],
)
def test_the_search_finds_a_typed_list(source):
    assert typed_release_lists(source)


def test_the_search_leaves_pairs_and_other_numbers_alone():
    source = f"PAIR = {tuple(ORDERED[:2])!r}\nPYTHONS = ['3.10', '3.11', '3.12']\nTEXT = 'Django {ORDERED[0]}, then {ORDERED[1]}'\n"
    assert typed_release_lists(source) == []
