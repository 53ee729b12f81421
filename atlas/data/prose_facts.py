"""Facts inside sentences: each one rendered from docs/data or marked and checked against it.

A sentence states a release, a level or a figure. Either the build writes the value (``[[since:CAP]]``,
``[[added:CAP]]``, atlas/site/inline_data.py) or a marker right after the value says which data settles it:

    async views arrived in Django 3.1<!-- fact: since async-views -->
    each request has its own thread from 4.0<!-- fact: changed asgi-handler ThreadSensitiveContext -->
    in 3.1–3.2<!-- fact: before changed asgi-handler ThreadSensitiveContext --> they share one thread
    `aget()` (4.1<!-- fact: api django.db.models.query.QuerySet.aget -->)
    a chat is **With a package**<!-- fact: level real-time-chat 6.1 --> on 6.1
    about 76 KiB<!-- lab: request_cost summary.django.total_kib_per_request -->  (atlas/data/lab_figures.py)

`since CAP` is the first release of a capability (docs/data/capabilities.yml: added_patch, else added);
`changed CAP WORD` the release of the change of CAP whose note holds WORD; `api NAME` the `since` of an API
of docs/data/async_api.json; `level USE-CASE RELEASE` the computed level (atlas/data/use_case_levels.py).
The value before a marker is a release ("4.1"), an open range ("4.1+", the first release counts) or a range
("3.1–3.2": with `before`, its end must be the release before the one the data names).

`check` fails on a marked value the data contradicts and on an unmarked "since/from/before X.Y", "X.Y+",
"Django X.Y does/did not/added …", "Django X.Y's" or figure with a unit on the reader pages of FOLDERS (the
figure rules, and the markers that settle a figure, are atlas/data/lab_figures.py's).
`check_contradictions` groups every fact of every hand-written page (marked, rendered, or found by pattern
next to an API name) by what it states and fails where two places say different things; an FAQ entry's
"Applies to:" range joins the group of the release its short answer states.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas.core.data_stamp import shared_reading
from atlas.core.datafile import Project
from atlas.data import lab_figures

FOLDERS = ("faq", "concepts", "use-cases", "learn")  # reader pages whose unmarked facts fail the check
MARKER = re.compile(r"<!-- fact: (?P<before>before )?(?P<kind>since|changed|api|middleware|level|support|releases|stack|code|newest|release)(?: (?P<args>[^<>]*?))? -->")
RENDERED = re.compile(r"\[\[(?P<kind>since|added):(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\]\]")
VERSION = r"\d+\.\d+(?:\.\d+)?"
STATED = re.compile(rf"(?P<low>{VERSION})(?P<plus>\+)?(?:\s*(?:–|-|to|and)\s*(?P<high>{VERSION}))?(?:'s)?[*_)\]\s]*$")
RANGE_TAIL = re.compile(rf"\s*(?:–|-|to|and)\s*{VERSION}")
NEAR = 8  # a marker must start within this many characters after the value it checks
# Unmarked release facts: "since 4.1", "from Django 4.0", "before 5.0", "(4.1+)", "Django 3.0 added", "Django 5.0 does
# not", "Django 6.1's ASGI handler" (a possessive says the release has it: true since when? mark which)
RELEASE_FACT = re.compile(
    rf"(?:\b(?:[Ss]ince|[Ff]rom|[Bb]efore|[Uu]ntil|[Ii]n) \[?(?:Django )?(?P<a>{VERSION})\b(?!\.\d|\s*[–-]\s*\d)"
    rf"|(?<![\w.])(?P<b>{VERSION})\+|\((?P<d>{VERSION})\)"
    rf"|\bDjango (?P<c>{VERSION})(?:'s\b| (?:does|did|do|doesn't|does not|did not|cannot|can't|added|adds|made|makes)\b))")
OTHER_PROJECT = re.compile(r"(?:Python|asgiref|Channels|channels-redis|uvicorn|psycopg|PEP|granian|daphne|httpx|"
                           r"Celery|gunicorn|Hypercorn|pytest|Sybil|MkDocs|Material|Redis|PostgreSQL)\b|\bv\s*$")
CODE = re.compile(r"`[^`]*`")
STACK = re.compile(r"(?P<n>\d+)<!-- stack: (?P<what>\w+) -->")  # checked by atlas/site/stack_render.py
LINK_TARGET = re.compile(r"\]\([^)\s]*\)$")  # "[Django 4.2](../versions/4.2.md)": the release is in the link text
# Headings, content-tab labels and admonition titles hold no marker (it would show in the title); the body
# under them states the fact, marked.
TITLE = lab_figures.TITLE


@dataclass(frozen=True)
class Fact:
    where: str      # file:line
    subject: str    # what it states, in words: "first release of capability async-views"
    stated: str     # the value the page states (a release, a level, a figure)
    data: str       # what the data says
    settled_by: str  # the data that settles it
    how: str        # "rendered", "marker" or "pattern"
    low: float = 0.0   # figures: the quoted value's interval (rounding included)
    high: float = 0.0
    stored: tuple[float, float] | None = None  # figures: the stored min..max the quote may come from


class Data:
    """The data that settles prose facts, read once per check through the Project."""

    def __init__(self, project: Project):
        from atlas.data import use_case_levels
        from atlas.data.versions_data import load_capabilities

        self.releases = project.releases()
        self.caps = {c.id: c for c in load_capabilities(project.file("capabilities"))}
        api_file = project.file("async_api")
        apis = json.loads(api_file.read_text(encoding="utf-8"))["apis"] if api_file.exists() else []
        self.apis = {a["name"]: a for a in apis}
        self.members: dict[str, set[str]] = {}
        for api in apis:  # `aget()` in prose: the releases every API of that member name arrived in
            self.members.setdefault(api["member"], set()).add(api["since"])
        self.figures = lab_figures.stores(project) if project.file("lab-runs").exists() else \
            {"lab:": {}, "fact: measured": {}}
        stack_file = project.file("stack")
        stack = json.loads(stack_file.read_text(encoding="utf-8"))["releases"] if stack_file.exists() else []
        self.stack = [r["version"] for r in stack]
        self.middleware: dict[str, str] = {}  # middleware class -> the first release the stack collection found it in
        for release in stack:
            for entry in release.get("middleware", []):
                self.middleware.setdefault(entry["path"], release["version"])
        try:
            levels = use_case_levels.load(project.file("use_case_levels"))
            self.levels = levels
            self.level_table = use_case_levels.compute(levels, list(self.caps.values()), self.releases,
                                                       list(project.vocabulary("requires")))
        except Exception:  # noqa: BLE001 - a broken levels file is reported by its own check
            self.levels, self.level_table = None, {}

    def first(self, kind: str, args: list[str]) -> tuple[str, str, str]:
        """(subject in words, the value the data gives, the data that settles it); KeyError naming what is missing."""
        if kind == "since":
            cap = self.caps[args[0]]
            return f"first release of {cap.id}", cap.added_patch or cap.added, f"docs/data/capabilities.yml {cap.id}: added"
        if kind == "changed":
            cap, word = self.caps[args[0]], " ".join(args[1:])
            change = next((c for c in cap.changed if word and word.lower() in c.note.lower()), None)
            if change is None:
                raise KeyError(f"no change of {cap.id} mentions {word!r}")
            return (f"release of the change of {cap.id} ({word})", change.version,
                    f"docs/data/capabilities.yml {cap.id}: changed {change.version}")
        if kind == "api":
            api = self.apis[args[0]]
            return f"first release of {api['name']}", api["since"], f"docs/data/async_api.json {api['name']}: since"
        if kind == "support":
            cap = self.caps[args[0]]
            return f"support of {cap.id}", cap.support or "full", f"docs/data/capabilities.yml {cap.id}: support"
        if kind == "middleware":
            return (f"first release of {args[0]}", self.middleware[args[0]],
                    f"docs/data/stack.json (the first release whose middleware holds {args[0]})")
        if kind == "level":
            use_case, release = args[0], args[1]
            cell = self.level_table[use_case][release]
            return (f"level of {use_case} on {release}", cell.level,
                    f"docs/data/use_case_levels.yml (computed) {use_case} on {release}")
        if kind == "releases":
            return ("releases the atlas covers", f"{self.releases[0]}–{self.releases[-1]}",
                    "docs/data/releases.yml")
        if kind == "newest":
            return "newest release", self.releases[-1], "docs/data/releases.yml"
        if kind == "release":  # a release named for what was read in it: true after newer ones arrive
            return "a release the atlas covers", "", "docs/data/releases.yml"
        if kind == "stack":
            return ("releases the stack collection measured", f"{self.stack[0]}–{self.stack[-1]}",
                    "docs/data/stack.json: releases")
        raise KeyError(kind)

    def release_before(self, version: str) -> str | None:
        feature = ".".join(version.split(".")[:2])
        if feature not in self.releases:
            return None
        index = self.releases.index(feature)
        return self.releases[index - 1] if index else None


def pages(docs: Path) -> list[Path]:
    """Every hand-written Markdown page (generated ones carry the generation note) and notebook."""
    from atlas.site.generate import GENERATED_NOTE

    return [p for p in sorted([*docs.rglob("*.md"), *docs.rglob("*.ipynb")])
            if "data" not in p.relative_to(docs).parts[:1] and ".ipynb_checkpoints" not in p.parts
            and (p.suffix == ".ipynb" or GENERATED_NOTE not in p.read_text(encoding="utf-8"))]


def page_texts(page: Path, shown: str) -> list[tuple[str, str]]:
    """(where, Markdown) of a page, or of each markdown cell of a notebook ("file cell N", as the lab's check
    names them)."""
    if page.suffix != ".ipynb":
        return [(shown, page.read_text(encoding="utf-8"))]
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    return [(f"{shown} cell {index}", "".join(cell["source"])) for index, cell in enumerate(cells)
            if cell["cell_type"] == "markdown"]


def prose_lines(text: str):
    """(line number, line) of prose: no front matter, no code blocks, no `Applies to:`/`Sources:` lines (the
    FAQ check reads those), inline code blanked."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0] == "---":
        start = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0) + 1
    fence = False
    for number, line in enumerate(lines[start:], start + 1):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence or line.startswith(("Applies to:", "Sources:", "--8<--")):
            continue
        yield number, CODE.sub(lambda m: "`" + "x" * (len(m[0]) - 2) + "`", line), line


def _stated(before: str) -> re.Match | None:
    return STATED.search(LINK_TARGET.sub("", before.rstrip())[-60:])


def _level_stated(before: str, data: Data) -> str | None:
    tail = re.sub(r"[*_)\]\s|]+$", "", before).lower()
    if data.levels is None:
        return None
    for key, level in data.levels.levels.items():
        for word in (level.label.lower(), key):
            if tail.endswith(word):
                return key
    return None


def line_facts(where: str, line: str, code_blanked: str, data: Data, code: str = "") -> tuple[list[Fact], list[str]]:
    """The facts one line states (marked and rendered) and the problems with its markers. `code`: the first
    release of the page's `django:` range (what `<!-- fact: code -->` checks)."""
    facts, problems = [], []
    for marker in MARKER.finditer(line):
        args, kind = (marker["args"] or "").split(), marker["kind"]
        shown = marker[0]
        try:
            if kind == "code":
                page = where.rsplit(":", 1)[0]
                subject, value, source = f"first release {page}'s code runs on", code, f"{page}: django:"
            else:
                subject, value, source = data.first(kind, args)
        except (KeyError, IndexError) as error:
            problems.append(f"{where}: {shown} names nothing in the data ({error}) — use a capability id of "
                            "docs/data/capabilities.yml, an API name of docs/data/async_api.json or a use case id "
                            "and release")
            continue
        before = line[:marker.start()]
        if kind == "support":
            said = re.search(r"\b(full|partial)\W*$", before)
            if said is None:
                problems.append(f"{where}: {shown} follows no support level — put it right after full or partial")
                continue
            facts.append(Fact(where, subject, said[1], value, source, "marker"))
            continue
        if kind == "level":
            level = _level_stated(before, data)
            if level is None:
                problems.append(f"{where}: {shown} follows no level — put it right after the level's words")
                continue
            facts.append(Fact(where, subject, level, value, source, "marker"))
            continue
        found = _stated(before)
        if not found:
            problems.append(f"{where}: {shown} follows no release — put it right after the release it checks")
            continue
        if kind == "release":
            stated = found["low"]
            facts.append(Fact(where, f"release {stated} is covered", stated,
                              stated if stated in data.releases else "(not in releases.yml)", source, "marker"))
            continue
        if kind in ("releases", "stack"):
            stated = f"{found['low']}–{found['high']}" if found["high"] else found["low"] + ("+" if found["plus"] else "")
            facts.append(Fact(where, subject, stated, value, source, "marker"))
        elif marker["before"]:
            last = found["high"] or found["low"]
            expected = data.release_before(value)
            subject = f"{subject}: last release before it"
            facts.append(Fact(where, subject, last, expected or "(none)", source, "marker"))
        else:
            facts.append(Fact(where, subject, found["low"], value, source, "marker"))
    for rendered in RENDERED.finditer(line):
        cap = data.caps.get(rendered["id"])
        if cap is not None:
            value = cap.added_patch or cap.added
            facts.append(Fact(where, f"first release of {cap.id}", value, value,
                              f"docs/data/capabilities.yml {cap.id}: added", "rendered"))
    for marker, stated, interval, stored, source in lab_figures.quoted(line, data.figures):
        path = marker["path"] + (f" {marker['op']}{marker['factor']}" if marker["op"] else "")
        kind = "lab figure" if marker["source"] == "lab:" else "measured figure"
        facts.append(Fact(where, f"{kind} {marker['benchmark']} {path}", stated,
                          f"{stored[0]:g}–{stored[1]:g}" if stored else "", source, "marker", *interval, stored))
    for quoted in STACK.finditer(line):
        facts.append(Fact(where, f"stack figure {quoted['what']}", quoted["n"], "",
                          "docs/data/stack.json (atlas/site/stack_render.py)", "marker"))
    facts += pattern_facts(where, code_blanked, line, data)
    return facts, problems


def _settled(line: str, end: int) -> bool:
    """Whether a marker or rendered value follows the value ending at `end`."""
    rest = line[end:end + NEAR + 80]
    rest = re.sub(r"^\]\([^)\s]*\)", "", rest)  # after a link whose text is the release
    return bool(re.match(rf"(?:'s)?[+*_)\]\s]{{0,{NEAR}}}<!-- (?:fact|lab|stack): ", rest))


def unmarked(code_blanked: str, line: str, releases: list[str], carry: str = "") -> list[re.Match]:
    """The release facts on a line with no marker after them. `carry`: the word that ended the line before
    ("since", "from Django"), when the release opens this one."""
    code_blanked, line = carry + code_blanked, carry + line
    found = []
    for match in RELEASE_FACT.finditer(code_blanked):
        group = next(g for g in ("a", "b", "c", "d") if match[g])
        version = match[group]
        if ".".join(version.split(".")[:2]) not in releases or version.count(".") > 1:
            continue  # not a Django feature release (Python 3.12, asgiref 3.3, a patch such as 3.2.25)
        if OTHER_PROJECT.search(code_blanked[:match.start(group)].rstrip()[-20:]):
            continue
        end = match.end(group)
        tail = RANGE_TAIL.match(line, end)  # "from 3.0 to 6.1<!-- fact: releases -->": the marker follows the range
        if not _settled(line, tail.end() if tail else end) and not TITLE.match(line):
            found.append(match)
    return found


CARRY = re.compile(r"(?:\b(?:[Ss]ince|[Ff]rom|[Bb]efore|[Uu]ntil|[Ii]n)(?: Django)?|\bDjango)\s*$")


def carried(previous: str) -> str:
    """The keyword a line ends with that makes the next line's opening release a fact."""
    found = CARRY.search(previous)
    return found[0].strip() + " " if found else ""


def pattern_facts(where: str, code_blanked: str, line: str, data: Data) -> list[Fact]:
    """Unmarked "since X.Y" facts whose subject the line names: every backticked `aname()` of the async API
    index on the line, when all APIs of that name arrived in one release."""
    facts = []
    hits = unmarked(code_blanked, line, data.releases)
    if len(hits) != 1:
        return facts  # several releases on one line: which API goes with which is not clear
    hit = hits[0]
    version = next(hit[g] for g in ("a", "b", "c", "d") if hit[g])
    for name in re.findall(r"`(a[a-z_0-9]+)\(\)`", line):
        releases = data.members.get(name)
        if releases and len(releases) == 1:
            facts.append(Fact(where, f"first release of {name}()", version, next(iter(releases)),
                              f"docs/data/async_api.json (every API named {name})", "pattern"))
    return facts


@shared_reading(key=lambda project, data=None: project.root.resolve() if data is None else None)
def collect(project: Project, data: Data | None = None) -> tuple[list[Fact], list[str], dict[str, list[str]]]:
    """(every fact of every hand-written page, marker problems, {page: unmarked-fact problems})."""
    data = data or Data(project)
    facts, problems, loose = [], [], {}
    if not data.releases:  # releases.yml cannot be read: its own check says why, once
        return facts, problems, loose
    # lines the lab's own check reads already (its pages, paragraphs quoting it): not reported twice
    quoting_lab = {f"{name}:{number}" for name, number, _line, _coverage in lab_figures.texts(project.docs)}
    for page in pages(project.docs):
        shown = project.shown(page)
        in_scope = page.relative_to(project.docs).parts[0] in FOLDERS
        for name, text in page_texts(page, shown):
            code = re.search(r'^django:\s*"?(?P<low>\d+\.\d+)', text.split("\n---", 1)[0], re.MULTILINE)
            previous = ""
            for number, blanked, line in prose_lines(text):
                where = f"{name}:{number}"
                found, wrong = line_facts(where, line, blanked, data, code["low"] if code else "")
                facts += found
                problems += wrong
                carry, previous = carried(previous), blanked  # "since" at the end of one line, 3.1 on the next
                if in_scope and page.suffix == ".md":
                    loose.setdefault(shown, [])
                    loose[shown] += [_unmarked_problem(where, hit, line, data) for hit in
                                     unmarked(blanked, line, data.releases, carry)]
                    if where not in quoting_lab:  # every figure with a unit: stored, a setting, sourced or an example
                        loose[shown] += lab_figures.check_line(where, line, data.figures["lab:"],
                                                               measured=data.figures["fact: measured"],
                                                               root=project.root)
            if page.relative_to(project.docs).as_posix() == "faq/index.md":
                facts += applies_facts(text, shown, facts)
    return facts, problems, loose


def applies_facts(text: str, shown: str, facts: list[Fact]) -> list[Fact]:
    """An FAQ entry's "Applies to: Django X.Y–…" as a fact: when its short answer states a marked release
    ("Yes, since 5.0<!-- fact: since … -->"), the range must start there (a reader on 4.2 is told otherwise)."""
    from atlas.data import faq

    marked: dict[str, Fact] = {}
    for fact in facts:  # the first release fact of each line
        if fact.how == "marker" and fact.subject.startswith(("first release of", "release of the change")) \
                and not fact.subject.endswith("before it"):
            marked.setdefault(fact.where, fact)
    found = []
    for entry in faq.entries(text):
        lines = [(n, line) for n, line in entry.body if line.strip()]
        answer = [marked[f"{shown}:{n}"] for n, _ in lines[:2] if f"{shown}:{n}" in marked]
        applies = next(((n, line) for n, line in entry.body if line.startswith("Applies to: Django ")), None)
        low = re.match(rf"Applies to: Django (?P<low>{VERSION})", applies[1]) if applies else None
        if answer and low:
            first = answer[0]
            found.append(Fact(f"{shown}:{applies[0]}", first.subject, low["low"], first.data, first.settled_by,
                              "range"))
    return found


def _unmarked_problem(where: str, hit: re.Match, line: str, data: Data) -> str:
    version = next(hit[g] for g in ("a", "b", "c", "d") if hit[g])
    hint = ""
    for name in re.findall(r"`(a[a-z_0-9]+)\(\)`", line):
        caps = sorted((c for c in data.caps.values() if any(name in api for api in c.apis)),
                      key=lambda c: c.added != version)  # the one that arrived in the stated release first
        if caps:
            hint = f" (the line names `{name}()`: <!-- fact: since {caps[0].id} -->?)"
            break
    return (f"{where}: {hit[0].strip()!r} states a release with no marker — put <!-- fact: since CAPABILITY -->, "
            f"<!-- fact: api NAME --> or <!-- fact: changed CAPABILITY WORD --> right after {version}{hint}, or "
            f"write [[added:CAPABILITY]] for it")


def check(project: Project) -> list[str]:
    """Marked facts against the data, and unmarked release facts and figures on the reader pages."""
    facts, problems, loose = collect(project)
    for fact in facts:
        if fact.subject.startswith(("lab figure", "measured figure", "stack figure")):
            continue  # checked against the stored figures by lab_figures, against stack.json by stack_render
        if fact.how == "marker" and fact.data and fact.stated != fact.data \
                and not (fact.subject.startswith("first release") and fact.data.startswith(fact.stated + ".")):
            problems.append(f"{fact.where}: states {fact.stated} as the {fact.subject}; {fact.settled_by} says "
                            f"{fact.data} — write {fact.data}, or correct the data from the release's sdist")
    return problems + [p for page in loose.values() for p in page]


def _differ(a: Fact, b: Fact) -> bool:
    if a.subject.startswith(("lab figure", "measured figure")):
        return not lab_figures.agree((a.low, a.high), (b.low, b.high), a.stored)
    return a.stated != b.stated


def check_contradictions(project: Project) -> list[str]:
    """Two places stating one fact differently, each pair named once with the data that settles it."""
    facts, _, _ = collect(project)
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(fact.subject, []).append(fact)
    problems = []
    for subject, group in groups.items():
        said = {}
        for fact in group:
            if not any(not _differ(fact, other) for other in said.values()):
                said[fact.stated] = fact
        if len(said) < 2:
            continue
        first, *others = said.values()
        for other in others:
            settles = f"{first.settled_by}" + (f" says {first.data}" if first.data else "")
            problems.append(f"{first.where}: states {first.stated} as the {subject}, {other.where} states "
                            f"{other.stated} — {settles}: make both say what it says")
    return problems


def counts(project: Project | None = None) -> dict[str, dict[str, int]]:
    """Per page: how many facts it states from data (rendered, marked) and how many are still unmarked."""
    project = project or Project()
    facts, _, loose = collect(project)
    found: dict[str, dict[str, int]] = {}
    for fact in facts:
        page = fact.where.rsplit(":", 1)[0].split(" cell ")[0]
        row = found.setdefault(page, {"rendered": 0, "marker": 0, "range": 0, "pattern": 0, "unmarked": 0})
        row[fact.how] += 1
    for page, problems in loose.items():
        found.setdefault(page, {"rendered": 0, "marker": 0, "range": 0, "pattern": 0, "unmarked": 0})["unmarked"] = len(problems)
    return dict(sorted(found.items()))


def unmarked_figures(project: Project | None = None) -> dict[str, list[str]]:
    """Per reader page, every figure with a unit that has no marker (lab_figures' coverage rule), wherever on
    the page it stands: the list a change of the rule starts from."""
    project = project or Project()
    found: dict[str, list[str]] = {}
    for page in pages(project.docs):
        if page.relative_to(project.docs).parts[0] not in FOLDERS or page.suffix != ".md":
            continue
        shown = project.shown(page)
        found[shown] = [problem for number, _blanked, line in prose_lines(page.read_text(encoding="utf-8"))
                        for problem in lab_figures.check_line(f"{shown}:{number}", line, {}, root=project.root)
                        if " has no marker right after it" in problem]
    return found


def main() -> int:
    """`python -m atlas.data.prose_facts`: per page, the facts it states from data, and what is still unmarked."""
    project = Project()
    figures = unmarked_figures(project)
    _, _, loose = collect(project)
    for page, row in counts(project).items():
        if sum(row.values()):
            releases = [p for p in loose.get(page, []) if " has no marker right after it" not in p]
            text = (project.root / page).read_text(encoding="utf-8")
            settings, sources, examples = (len(kind.findall(text)) for kind in
                                           (lab_figures.SETTING, lab_figures.SOURCE, lab_figures.EXAMPLE))
            print(f"{page}: {row['rendered']} rendered, {row['marker']} marked, {row['range']} FAQ ranges checked "
                  f"against their answers; figures that are no data: {settings} settings checked against their "
                  f"code, {sources} sourced, {examples} examples; unmarked: {len(releases)} releases, "
                  f"{len(figures.get(page, []))} figures with a unit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
