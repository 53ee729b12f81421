"""Django's own words about async, covered by the atlas.

From each release's sdist (newest patch):
* every ``.. versionadded:: X.Y`` / ``.. versionchanged:: X.Y`` / ``.. deprecated:: X.Y`` directive of that
  release, anywhere in its docs, and every paragraph or bullet of its release notes (docs/releases/X.Y.txt) that concerns async
  (atlas/collect/about_async.py, the definition the upstream report's drafts use too) must map to a
  capability of docs/data/capabilities.yml or to an exclusion with a reason;
* every warning and note of docs/topics/async.txt must be answered by a page of the site (page#anchor);
* every paragraph of the newest release's async guides must be mapped to a page (atlas/collect/async_guide_map.py).

An item maps to a capability by itself when it names an a-prefixed API of the index (that API's
capability) or when it sits in a capability's source section; docs/data/async_docs_coverage.yml holds the
rules for the rest. `check()` lists what is not covered, one line per item, in the DataError format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from atlas.collect import rst
from atlas.collect.about_async import concerns_async, named_members
from atlas.core import datafile
from atlas.core.data_stamp import shared_reading
from atlas.core.datafile import Project
from atlas.core.paths import DATA, DOCS, relative
from atlas.data import async_api
from atlas.data.versions_data import Release, load_capabilities, load_releases

RULES_FILE = DATA / "async_docs_coverage.yml"
DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\. (?P<kind>versionadded|versionchanged|deprecated)::\s*(?P<version>\d+\.\d+)\s*$")
ADMONITION = re.compile(r"^(?P<indent>\s*)\.\. (?P<kind>warning|note|admonition)::\s*(?P<title>.*)$")


@dataclass(frozen=True)
class Item:
    release: str
    file: str
    line: int
    kind: str  # versionadded, versionchanged, deprecated, release-note
    section: str
    text: str

    def where(self) -> str:
        return f"{self.file}:{self.line} (Django {self.release} sdist)"


def items_of(release: Release, files: dict[str, str]) -> list[Item]:
    found = []
    for path, text in sorted(files.items()):
        if not path.startswith("docs/") or path.startswith("docs/releases/"):
            continue
        lines = text.split("\n")
        for number, line in enumerate(lines):
            match = DIRECTIVE.match(line)
            if match and match["version"] == release.version:
                body = rst.block(lines, number + 1, len(match["indent"]))
                if concerns_async(body):
                    found.append(Item(release.version, path, number + 1, match["kind"], "", body))
    notes = files.get(f"docs/releases/{release.version}.txt", "")
    lines = notes.split("\n")
    heads = rst.headings(lines)
    section, block, start = "", [], 0
    for number, line in enumerate(lines + [""]):
        heading = number in heads
        if not line.strip() or line.lstrip().startswith("* ") or heading or rst.ADORNMENT.match(line):
            text = " ".join(" ".join(block).split())
            if text and concerns_async(text, rst.plain(section)):
                found.append(Item(release.version, f"docs/releases/{release.version}.txt", start + 1,
                                  "release-note", section, text))
            block, start = [], number
        if heading:
            section = line.strip()
            continue
        if line.strip() and not rst.ADORNMENT.match(line):
            if not block:
                start = number
            block.append(line)
    return found


def admonitions(files: dict[str, str]) -> list[str]:
    text = files.get("docs/topics/async.txt", "")
    lines = text.split("\n")
    out = []
    for number, line in enumerate(lines):
        match = ADMONITION.match(line)
        if match:
            out.append(" ".join((match["title"] + " " + rst.block(lines, number + 1, len(match["indent"]))).split()))
    return out


def load_rules(path: Path | None = None) -> dict:
    return datafile.load("async_docs_coverage", path or RULES_FILE)  # the schema requires both lists


def _rule_matches(rule: dict, item: Item) -> bool:
    if "release" in rule and str(rule["release"]) != item.release:
        return False
    if "file" in rule and rule["file"] != item.file:
        return False
    if "section" in rule and rule["section"] != item.section:
        return False
    return not ("contains" in rule and rule["contains"].lower() not in item.text.lower())


def cover(item: Item, rules: dict, capabilities, index: dict) -> tuple[str | None, str | None, str]:
    """(capability, exclusion reason, how) for one item."""
    for rule in rules["items"]:
        if _rule_matches(rule, item):
            return rule.get("capability"), rule.get("exclusion"), "rule"
    for cap in capabilities:
        if cap.source and cap.source.file == item.file and item.section and \
                cap.source.section.lower() in item.section.lower() and cap.added == item.release:
            return cap.id, None, "source section"
    named = named_members(item.text)
    apis = [a for a in index["apis"] if a["member"] in named and a["capability"]]
    if apis:
        # Model.asave named as such beats SessionBase.asave; then an API new in this release
        best = max(apis, key=lambda a: (a["short"].split(".", 1)[-1] in item.text and
                                        f"{a['short'].split('.')[0]}." in item.text, a["since"] == item.release))
        return best["capability"], None, f"names {best['short']}"
    return None, None, ""


def _anchors(text: str) -> set[str]:
    """Anchors of a page as built: its generated tables included first (the matrix's rows carry the ids)."""
    from markdown.extensions.toc import slugify

    from atlas.site import generate

    text = generate.with_tables(text)
    found = set(re.findall(r"\{\s*#([\w-]+)", text)) | set(re.findall(r'id="([\w-]+)"', text))
    for heading in re.findall(r"^#+ (.+?)\s*(?:\{.*\})?$", text, re.MULTILINE):
        found.add(slugify(heading, "-"))
    return found


# a validation run asks for the same few pages again and again (the notes and the guide map point at them),
# each time rendering the tables they include: once per page and run
@shared_reading(key=lambda path: path)
def page_anchors(path: str) -> set[str] | None:
    """The anchors of docs/<path> (written or generated from data), or None when there is no such page."""
    from atlas.site import registry

    page = DOCS / path
    if page.exists():
        text = page.read_text(encoding="utf-8")
    else:
        text = registry.generated_pages().get(path)
        if text is None:
            return None
    return _anchors(text)


def answer_exists(target: str) -> bool:
    """True if docs/<page> exists (written or generated from data) and has the anchor."""
    path, _, anchor = target.partition("#")
    anchors = page_anchors(path)
    return anchors is not None and (not anchor or anchor in anchors)


def check(project: Project, releases: list[Release] | None = None) -> list[str]:
    """Every async directive, release-note item and async.txt warning/note not covered."""
    from atlas.collect.sdists import _sdist_files, sdist_paths

    rules = load_rules(project.file("async_docs_coverage"))
    capabilities = load_capabilities(project.file("capabilities"))
    known = {c.id for c in capabilities}
    index = async_api.load_index(project.file("async_api"))
    problems = []
    seen_notes: dict[str, str] = {}
    releases = releases or load_releases(project.file("releases"))
    sdists = sdist_paths(releases)   # the missing ones fetched at the same time
    for release in releases:
        files = _sdist_files(str(sdists[release.version]))
        for item in items_of(release, files):
            cap, exclusion, _how = cover(item, rules, capabilities, index)
            if cap and cap not in known:
                problems.append(f"{relative(RULES_FILE)}: a rule maps {item.where()} to capability {cap!r}, which "
                                f"capabilities.yml does not have — use an existing id")
            elif not cap and not exclusion:
                problems.append(f"{item.where()}: {item.kind} {item.text[:140]!r} concerns async but maps to no "
                                f"capability — add a rule to {relative(RULES_FILE)} (capability, or exclusion "
                                f"with a reason)")
        for note in admonitions(files):
            seen_notes.setdefault(note, release.version)
    for note, first in seen_notes.items():
        rule = next((r for r in rules["notes"] if r["contains"].lower() in note.lower()), None)
        if rule is None:
            problems.append(f"docs/topics/async.txt (Django {first} sdist): {note[:140]!r} is answered nowhere — "
                            f"add a notes entry (contains, answered_by: page.md#anchor) to {relative(RULES_FILE)}")
        elif not answer_exists(rule["answered_by"]):
            problems.append(f"{relative(RULES_FILE)}: notes: {rule['contains']!r}.answered_by = "
                            f"{rule['answered_by']!r}: no such page or anchor under docs/ — point it at a "
                            f"heading that answers the note")
    return problems


# Reads every release's sdist (about 25 s): `dev.py validate` and the suite run it, the site build does not.
check.in_build = False
