"""docs/data/{releases,capabilities,roadmap}.yml: the real files load, and bad data is refused with
`file:line: entry.field: what is wrong — how to fix`, every problem of a file at once."""
import textwrap

import pytest

from atlas.core.datafile import Project
from atlas.core.errors import DataError
from atlas.core.paths import DATA
from atlas.data.versions_data import (
    check_use_cases,
    feature_releases,
    load_all,
    load_capabilities,
    load_releases,
    load_roadmap,
    requirements,
    use_cases,
)

RELEASES = feature_releases()
KNOWN = ", ".join(RELEASES)
GOOD = textwrap.dedent(
    """\
    - id: queryset-async-methods
      name: Async QuerySet methods
      apis: ["QuerySet.aget()"]
      added: "4.1"
      support: partial
      notes: "Runs in a thread."
      requires: [database-driver]
      use_cases: [dashboard]
      source: {file: docs/releases/4.1.txt, section: "Asynchronous ORM interface"}
      probe: |
        from django.db.models import QuerySet
        assert hasattr(QuerySet, "aget")
    - id: async-transactions
      name: Async transactions
      status: missing
      notes: "Use sync_to_async around a sync function."
      tracked_by: {url: "https://forum.djangoproject.com/t/x/1", title: "A thread"}
      checked: 2026-11-25
    """
)


def write(tmp_path, text, name="capabilities.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path, text, name="capabilities.yml", loader=load_capabilities) -> list[str]:
    """The problem lines of a refused file, with the temporary folder left out of the file name."""
    path = write(tmp_path, text, name)
    with pytest.raises(DataError) as info:
        loader(path)
    return [line.replace(f"{tmp_path}/", "").split(" (and ")[0] if " more below)" in line else
            line.replace(f"{tmp_path}/", "") for line in str(info.value).splitlines()]


# -- the real files ---------------------------------------------------------------------------------


def test_real_files_load():
    releases, capabilities, roadmap = load_all()
    assert [r.version for r in releases] == RELEASES and len(RELEASES) >= 11
    shipped = [c for c in capabilities if c.shipped]
    assert shipped and all(c.added in RELEASES for c in shipped)  # each names the release that added it
    assert {"async-transactions", "async-templates", "native-async-db-connections"} <= {
        c.id for c in capabilities if not c.shipped
    }
    assert {"django-6-2-lts", "calendar-versioning", "dep-0009"} <= {i.id for i in roadmap}


def test_every_use_case_is_served_by_some_capability():
    used = {uc for c in load_capabilities() for uc in c.use_cases}
    assert used == set(use_cases())


def test_good_example_loads(tmp_path):
    caps = load_capabilities(write(tmp_path, GOOD))
    assert [c.id for c in caps] == ["queryset-async-methods", "async-transactions"]
    assert caps[0].present_in("4.1") and not caps[0].present_in("4.0")
    assert not caps[1].present_in(RELEASES[-1])


# -- capabilities.yml: one bad input per rule, with its exact message ------------------------------

UNKNOWN = (f"is not a Django feature release in docs/data/releases.yml (known: {KNOWN}) — use one of those, "
           "or add the release to docs/data/releases.yml first")

CAPABILITY_CASES = {
    "unknown-release": (('added: "4.1"', 'added: "4.3"'),
                        f"capabilities.yml:4: queryset-async-methods.added: '4.3' {UNKNOWN}"),
    "release-as-number": (('added: "4.1"', "added: 4.1"),
                          'capabilities.yml:4: queryset-async-methods.added: 4.1 is a number, not a string — '
                          'write a feature release in quotes, e.g. "4.1"'),
    "missing-source": (('  source: {file: docs/releases/4.1.txt, section: "Asynchronous ORM interface"}\n', ""),
                       'capabilities.yml:1: queryset-async-methods.source: is missing — add it, for example '
                       '`source: {"file": "docs/releases/4.1.txt", "section": "Asynchronous ORM interface"}`'),
    "source-without-section": ((', section: "Asynchronous ORM interface"', ""),
                               "capabilities.yml:9: queryset-async-methods.source.section: is missing — add it, "
                               'for example `section: "Asynchronous views"`'),
    "duplicate-id": (("id: async-transactions", "id: queryset-async-methods"),
                     "capabilities.yml:13: queryset-async-methods.id: 'queryset-async-methods' is already used on "
                     "line 1 — ids must be unique; rename or merge the two entries"),
    "unknown-use-case": (("use_cases: [dashboard]", "use_cases: [dashbaord]"),
                         "capabilities.yml:8: queryset-async-methods.use_cases[0]: 'dashbaord' is not a known use "
                         f"case — use one of {', '.join(use_cases())}, or add it to docs/data/use_cases.yml first"),
    "unknown-requirement": (("requires: [database-driver]", "requires: [postgres]"),
                            "capabilities.yml:7: queryset-async-methods.requires[0]: 'postgres' is not a known "
                            "requirement — use one of none, asgi-server, channels, redis, database-driver, "
                            "task-worker, auth-middleware, session-middleware, or add it to docs/data/requires.yml first"),
    "probe-does-not-parse": (('assert hasattr(QuerySet, "aget")', "assert hasattr(QuerySet, "),
                             "capabilities.yml:10: queryset-async-methods.probe: does not parse: '(' was never "
                             "closed (probe line 2) — fix the Python code"),
    "shipped-without-probe": (('  probe: |\n    from django.db.models import QuerySet\n    assert hasattr(QuerySet, "aget")\n', ""),
                              "capabilities.yml:1: queryset-async-methods.probe: is missing — add it: write Python "
                              "that raises when the capability is absent"),
    "missing-name": (("  name: Async QuerySet methods\n", ""),
                     'capabilities.yml:1: queryset-async-methods.name: is missing — add it, for example `name: "Async views"`'),
    "wrong-type": (('apis: ["QuerySet.aget()"]', 'apis: "QuerySet.aget()"'),
                   "capabilities.yml:3: queryset-async-methods.apis: 'QuerySet.aget()' is a string, not a list — write a list"),
    "unknown-field": (("  support: partial\n", "  support: partial\n  suport: full\n"),
                      "capabilities.yml:6: queryset-async-methods.suport: is not a known field — remove or rename it "
                      "(known: id, name, status, apis, added, added_patch, removed, changed, support, notes, requires, use_cases, "
                      "source, probe, tracked_by, checked)"),
    "partial-without-notes": (('  notes: "Runs in a thread."\n', ""),
                              "capabilities.yml:1: queryset-async-methods.notes: is missing for partial support — "
                              "say in notes what is missing and what Django does instead"),
    "bad-support-level": (("support: partial", "support: some"),
                          "capabilities.yml:5: queryset-async-methods.support: 'some' is not allowed — use full, or "
                          "partial (say what is missing in notes)"),
    "missing-without-tracker": (('  tracked_by: {url: "https://forum.djangoproject.com/t/x/1", title: "A thread"}\n', ""),
                                "capabilities.yml:13: async-transactions.tracked_by: is missing — add it, for example "
                                '`tracked_by: {"url": "https://code.djangoproject.com/ticket/33882", "title": "Ticket #33882"}`'),
    "missing-with-added": (("  status: missing\n", '  status: missing\n  added: "5.0"\n'),
                           "capabilities.yml:16: async-transactions.added: is not allowed here — remove it, or set "
                           "status: shipped"),
    "bad-url": (("https://forum.djangoproject.com/t/x/1", "forum thread"),
                "capabilities.yml:17: async-transactions.tracked_by.url: 'forum thread' does not have the expected "
                "form — write the full http(s) address"),
    "changed-unknown-release": (("  support: partial\n", '  changed: [{version: "5.5", note: "x"}]\n  support: partial\n'),
                                f"capabilities.yml:5: queryset-async-methods.changed[0].version: '5.5' {UNKNOWN}"),
    "changed-before-added": (("  support: partial\n", '  changed: [{version: "4.0", note: "x"}]\n  support: partial\n'),
                             "capabilities.yml:5: queryset-async-methods.changed[0].version: '4.0' is not later than "
                             "added ('4.1') — a change is recorded in a release after the one that added it"),
    "removed-before-added": (("  support: partial\n", '  removed: "4.0"\n  support: partial\n'),
                             "capabilities.yml:5: queryset-async-methods.removed: '4.0' is not later than added "
                             "('4.1') — a capability is removed in a release after the one that added it"),
    "bad-date": (("checked: 2026-11-25", "checked: 2026-13-25"),
                 "capabilities.yml:18: async-transactions.checked: '2026-13-25' is not a date written YYYY-MM-DD — "
                 "write a date as YYYY-MM-DD"),
    "key-written-twice": (("  name: Async QuerySet methods\n", "  name: Async QuerySet methods\n  name: again\n"),
                          "capabilities.yml:3: queryset-async-methods.name: is written twice (first on line 2) — keep one of them"),
}


@pytest.mark.parametrize("case", CAPABILITY_CASES, ids=list(CAPABILITY_CASES))
def test_each_capability_rule_refuses_bad_input_with_its_exact_message(tmp_path, case):
    (old, new), expected = CAPABILITY_CASES[case]
    assert old in GOOD
    assert problems_of(tmp_path, GOOD.replace(old, new, 1)) == [expected]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = GOOD
    for case in ("unknown-release", "unknown-use-case", "bad-url", "missing-name"):
        (old, new), _expected = CAPABILITY_CASES[case]
        text = text.replace(old, new, 1)
    found = problems_of(tmp_path, text)
    assert len(found) == 4, found
    # in file order, each with its own line
    assert [line.split(":")[1] for line in found] == ["1", "3", "7", "16"]


def test_not_a_list(tmp_path):
    assert problems_of(tmp_path, "id: x\n") == [
        "capabilities.yml:1: {'id': 'x'} is a mapping, not a list — write the file as a list of capabilities, "
        "each starting with '- id: ...'"]


def test_invalid_yaml(tmp_path):
    assert problems_of(tmp_path, "- id: [unclosed\n") == [
        "capabilities.yml:2: not valid YAML (did not find expected ',' or ']') — fix the syntax on that line "
        "(quote values that contain ': ' or start with a symbol)"]


# -- releases.yml -----------------------------------------------------------------------------------


def _release_yaml(release, **override):
    version = release
    fields = {
        "version": f'"{version}"', "newest_patch": f'"{version}.1"', "released": "2020-01-01",
        "end_of_support": "2021-01-01", "lts": "false", "pythons": '["3.8"]', "asgiref_min": '"3.2"',
        "probe_python": '"3.8"', "summary": "x", "upgrade_notes": "[]", "pitfalls": "[]",
        "source": f"docs/releases/{version}.txt",
    }
    fields.update(override)
    lines = [f"- version: {fields.pop('version')}"] + [f"  {k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def three_releases(**override_for_middle):
    """A small releases.yml of made-up releases: the file defines the releases, nothing else does."""
    versions = ["7.0", "7.1", "7.2"]
    return "".join(_release_yaml(v, **(override_for_middle if v == "7.1" else {})) for v in versions)


def release_problems(tmp_path, **override):
    return problems_of(tmp_path, three_releases(**override), "releases.yml", load_releases)


def test_release_file_defines_the_releases(tmp_path):
    path = write(tmp_path, three_releases(), "releases.yml")
    assert feature_releases(path) == ["7.0", "7.1", "7.2"]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"probe_python": '"3.13"'}, "releases.yml:20: 7.1.probe_python: '3.13' is not a Python 7.1 supports — use one of 3.8"),
        ({"released": "soon"}, "releases.yml:15: 7.1.released: 'soon' is not a date written YYYY-MM-DD — write a date as YYYY-MM-DD"),
        ({"lts": '"yes"'}, "releases.yml:17: 7.1.lts: 'yes' is a string, not true or false — write true or false"),
        ({"end_of_support": "2019-01-01"}, "releases.yml:16: 7.1.end_of_support: 2019-01-01 is not after released "
                                           "(2020-01-01) — check both dates against the release notes and the support table"),
        ({"newest_patch": '"7.0.3"'}, "releases.yml:14: 7.1.newest_patch: '7.0.3' is not a patch of 7.1 — write \"7.1\" or \"7.1.N\""),
        ({"version": '"7.0"', "newest_patch": '"7.0.2"', "source": "docs/releases/7.0.txt"},
         "releases.yml:13: 7.0.version: '7.0' is already used on line 1 — releases must be unique; rename or merge the two entries"),
        ({"version": '"6.9"', "newest_patch": '"6.9.1"', "source": "docs/releases/6.9.txt"}, "releases.yml:13: 6.9.version: '6.9' comes after '7.0' — list releases oldest first"),
        ({"source": "docs/releases/7.0.txt"}, "releases.yml:24: 7.1.source: 'docs/releases/7.0.txt' is not the notes of 7.1 — write docs/releases/7.1.txt"),
    ],
    ids=["probe-python", "date", "lts-type", "support-before-release", "patch", "duplicate", "order", "source"],
)
def test_each_release_rule_refuses_bad_input_with_its_exact_message(tmp_path, override, expected):
    assert release_problems(tmp_path, **override) == [expected]


# -- roadmap.yml ------------------------------------------------------------------------------------

ROADMAP = textwrap.dedent(
    """\
    - id: django-6-2
      title: Django 6.2
      status: accepted
      summary: x
      source: {url: "https://docs.djangoproject.com/en/dev/releases/6.2/", title: "notes"}
      checked: 2026-11-25
      related: [async-transactions]
    """
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("status: accepted", "status: rumoured"), "roadmap.yml:3: django-6-2.status: 'rumoured' is not allowed — "
                                                   "use one of: shipped, merged, accepted, proposed, discussed"),
        (('  source: {url: "https://docs.djangoproject.com/en/dev/releases/6.2/", title: "notes"}\n', ""),
         'roadmap.yml:1: django-6-2.source: is missing — add it, for example '
         '`source: {"url": "https://code.djangoproject.com/ticket/33882", "title": "Ticket #33882"}`'),
        (("related: [async-transactions]", "related: [async-transaction]"),
         "roadmap.yml:7: django-6-2.related[0]: 'async-transaction' is not a capability id — use an id from "
         "docs/data/capabilities.yml"),
    ],
    ids=["status", "missing-source", "unknown-capability"],
)
def test_each_roadmap_rule_refuses_bad_input_with_its_exact_message(tmp_path, change, expected):
    old, new = change
    assert old in ROADMAP
    assert problems_of(tmp_path, ROADMAP.replace(old, new), "roadmap.yml", load_roadmap) == [expected]


# -- vocabularies: use_cases.yml, requires.yml ------------------------------------------------------


def test_use_case_vocabulary_rules(tmp_path):
    write(tmp_path, textwrap.dedent("""\
        dashboard: {title: Live dashboards, page: use-cases/dashboard.md}
        chat: {title: Chat, page: use-cases/chat.md}
        uploads: {title: Uploads}
        Fan Out: {title: Fan-out, page: use-cases/fan-out.md}
        """), "use_cases.yml")
    project = Project(data_dir=tmp_path, fallback=DATA)
    found = [p.replace(f"{tmp_path}/", "") for p in project.validate_file("use_cases") + check_use_cases(project)]
    assert sorted(found) == [
        "use_cases.yml:2: chat.page: 'use-cases/chat.md' does not exist under docs/ — fix the path, or write the page first",
        'use_cases.yml:3: uploads.page: is missing — add it, for example `page: "use-cases/dashboard.md"`',
        "use_cases.yml:4: Fan Out: 'Fan Out' is not a valid name — write it in kebab-case: lowercase letters, digits and "
        "dashes, e.g. async-views",
    ]


def test_vocabularies_are_read_in_file_order():
    assert list(use_cases())[:3] == ["real-time-chat", "server-sent-events", "long-polling"]
    assert requirements()["none"] == "nothing beyond Django"


# -- fields for keeping current: added_patch, merged roadmap items, coming_next -----------------------


def test_capability_added_patch(tmp_path):
    text = GOOD.replace('  added: "4.1"\n', '  added: "4.1"\n  added_patch: "4.1.4"\n')
    assert load_capabilities(write(tmp_path, text))[0].added_patch == "4.1.4"
    assert problems_of(tmp_path, text.replace('"4.1.4"', '"4.2.1"')) == [
        "capabilities.yml:5: queryset-async-methods.added_patch: '4.2.1' is not a patch release of 4.1 — write the "
        'patch of 4.1 that first shipped it, such as "4.1.1"']
    missing = GOOD.replace("  status: missing\n", '  status: missing\n  added_patch: "5.0.1"\n')
    assert problems_of(tmp_path, missing) == [
        "capabilities.yml:16: async-transactions.added_patch: is not allowed here — remove it, or set status: shipped"]


def test_roadmap_merged_item_needs_release_and_section(tmp_path):
    merged = ROADMAP.replace("status: accepted", "status: merged")
    assert problems_of(tmp_path, merged, "roadmap.yml", load_roadmap) == [
        'roadmap.yml:1: django-6-2.release: is missing — add it, for example `release: "6.2"`',
        'roadmap.yml:1: django-6-2.section: is missing — add it, for example `section: "Python compatibility"`']
    item = load_roadmap(write(tmp_path, merged + '  release: "6.2"\n  section: Tasks\n  coming_next: true\n',
                              "roadmap.yml"))[0]
    assert (item.status, item.release, item.section, item.coming_next) == ("merged", "6.2", "Tasks", True)


def test_the_release_list_is_read_from_the_data_file(tmp_path):
    """feature_releases() answers what releases.yml says, so a release added or dropped there is seen by
    every page, check and table without a code change."""
    text = (DATA / "releases.yml").read_text(encoding="utf-8")
    head, _, _last = text.rpartition("\n- version:")
    path = tmp_path / "releases.yml"
    path.write_text(head + "\n", encoding="utf-8")
    assert feature_releases(path) == RELEASES[:-1]
