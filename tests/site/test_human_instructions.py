"""Every instruction the repository gives is one a person can follow: no text names an assistant's tools
(issue 26, item 16: the upstream report told people to re-read notes "with the search tool")."""
from __future__ import annotations

import re
import subprocess

from atlas.core.paths import ROOT

# Phrases that only make sense to an AI assistant with lookup tools. Spelled in pieces so that this file
# does not match itself.
TOOL_PHRASES = [
    "search" + " tool", "read" + "_file", "find" + "_string", "find" + "_repos", "fetch" + " tool",
    "helper" + " session", "lookup" + " tools",
]
PATTERN = re.compile("|".join(re.escape(p) for p in TOOL_PHRASES), re.IGNORECASE)
TEXT = (".py", ".md", ".yml", ".yaml", ".json", ".toml", ".txt", ".ipynb", ".html", ".js", ".in", ".cfg")


def offending_lines(root=ROOT) -> list[str]:
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    found = []
    for name in files.splitlines():
        if not name.endswith(TEXT) or name == "tests/site/test_human_instructions.py":
            continue
        try:
            text = (root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if PATTERN.search(line):
                found.append(f"{name}:{number}: {line.strip()[:160]}")
    return found


def test_no_text_assumes_an_assistants_tools():
    found = offending_lines()
    assert not found, ("say what a person does instead (open the page in a browser, read the file in the sdist "
                       "or a clone):\n" + "\n".join(found))


def test_the_upstream_report_prints_a_human_instruction():
    from atlas.collect import upstream

    state = {"next_release_notes": {"release": "6.2", "path": "docs/releases/6.2.txt", "repo": "django/django",
                                    "commit": "0" * 40, "read": "2026-12-01", "chars": 1, "sha256": None}}

    def unreachable(url):
        raise OSError("no route")

    printed = "\n".join(upstream.notes_status(state, {}, fetch=unreachable))
    assert not PATTERN.search(printed), printed
    assert "https://github.com/django/django/blob/main/docs/releases/6.2.txt" in printed
