"""docs/data/{releases,capabilities,roadmap}.yml: the real files load, and bad data is refused clearly."""
import textwrap

import pytest

from atlas.errors import DataError
from atlas.versions_data import (
    KNOWN_RELEASES,
    USE_CASES,
    load_all,
    load_capabilities,
    load_releases,
    load_roadmap,
)

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


def refused(tmp_path, text, *fragments, name="capabilities.yml", loader=load_capabilities):
    with pytest.raises(DataError) as info:
        loader(write(tmp_path, text, name))
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# -- the real files ---------------------------------------------------------------------------------


def test_real_files_load():
    releases, capabilities, roadmap = load_all()
    assert [r.version for r in releases] == list(KNOWN_RELEASES)
    assert len([c for c in capabilities if c.shipped]) >= 40
    assert len(capabilities) >= 45
    assert {"async-transactions", "async-templates", "native-async-db-connections"} <= {
        c.id for c in capabilities if not c.shipped
    }
    assert {"django-6-2-lts", "calendar-versioning", "dep-0009"} <= {i.id for i in roadmap}


def test_every_use_case_is_served_by_some_capability():
    used = {uc for c in load_capabilities() for uc in c.use_cases}
    assert used == set(USE_CASES)


def test_release_facts_are_consistent():
    for r in load_releases():
        assert r.newest_patch.startswith(r.version + ".")
        assert r.source == f"docs/releases/{r.version}.txt"
        assert r.probe_python in r.pythons


def test_good_example_loads(tmp_path):
    caps = load_capabilities(write(tmp_path, GOOD))
    assert [c.id for c in caps] == ["queryset-async-methods", "async-transactions"]
    assert caps[0].present_in("4.1") and not caps[0].present_in("4.0")
    assert not caps[1].present_in("6.1")


# -- bad data ---------------------------------------------------------------------------------------


def test_unknown_release(tmp_path):
    message = refused(tmp_path, GOOD.replace('added: "4.1"', 'added: "4.3"'),
                      "'queryset-async-methods'.added = '4.3'", "not a Django feature release", "known: 3.0")
    assert "capabilities.yml:1:" in message  # line number of the entry


def test_release_written_as_number(tmp_path):
    refused(tmp_path, GOOD.replace('added: "4.1"', "added: 4.1"), "'queryset-async-methods'.added", "quoted")


def test_missing_source(tmp_path):
    text = GOOD.replace('  source: {file: docs/releases/4.1.txt, section: "Asynchronous ORM interface"}\n', "")
    refused(tmp_path, text, "'queryset-async-methods'.source is missing")


def test_source_without_section(tmp_path):
    text = GOOD.replace(', section: "Asynchronous ORM interface"', "")
    refused(tmp_path, text, "'queryset-async-methods'.source.section")


def test_duplicate_id(tmp_path):
    text = GOOD.replace("id: async-transactions", "id: queryset-async-methods")
    refused(tmp_path, text, "'queryset-async-methods'.id", "duplicate id")


def test_unknown_use_case(tmp_path):
    refused(tmp_path, GOOD.replace("use_cases: [dashboard]", "use_cases: [dashbaord]"),
            "'queryset-async-methods'.use_cases", "'dashbaord'", "unknown use case")


def test_unknown_requirement(tmp_path):
    refused(tmp_path, GOOD.replace("requires: [database-driver]", "requires: [postgres]"),
            "'queryset-async-methods'.requires", "unknown requirement")


def test_probe_that_does_not_parse(tmp_path):
    refused(tmp_path, GOOD.replace('assert hasattr(QuerySet, "aget")', "assert hasattr(QuerySet, "),
            "'queryset-async-methods'.probe does not parse")


def test_shipped_without_probe(tmp_path):
    text = GOOD.replace('  probe: |\n    from django.db.models import QuerySet\n    assert hasattr(QuerySet, "aget")\n', "")
    refused(tmp_path, text, "'queryset-async-methods'.probe is missing")


def test_missing_required_field(tmp_path):
    refused(tmp_path, GOOD.replace("  name: Async QuerySet methods\n", ""), "'queryset-async-methods'.name is missing")


def test_wrong_type(tmp_path):
    refused(tmp_path, GOOD.replace('apis: ["QuerySet.aget()"]', 'apis: "QuerySet.aget()"'),
            "'queryset-async-methods'.apis", "must be a list")


def test_unknown_field(tmp_path):
    refused(tmp_path, GOOD.replace("  support: partial\n", "  support: partial\n  suport: full\n"),
            "'queryset-async-methods'.suport is not a known field")


def test_partial_without_notes(tmp_path):
    refused(tmp_path, GOOD.replace('  notes: "Runs in a thread."\n', ""),
            "'queryset-async-methods'.notes is missing", "partial support")


def test_bad_support_level(tmp_path):
    refused(tmp_path, GOOD.replace("support: partial", "support: some"), "'queryset-async-methods'.support")


def test_missing_entry_without_tracked_by(tmp_path):
    text = GOOD.replace('  tracked_by: {url: "https://forum.djangoproject.com/t/x/1", title: "A thread"}\n', "")
    refused(tmp_path, text, "'async-transactions'.tracked_by is missing")


def test_missing_entry_with_added(tmp_path):
    text = GOOD.replace("  status: missing\n", '  status: missing\n  added: "5.0"\n')
    refused(tmp_path, text, "'async-transactions'.added must not be set")


def test_missing_entry_with_bad_url(tmp_path):
    refused(tmp_path, GOOD.replace("https://forum.djangoproject.com/t/x/1", "forum thread"),
            "'async-transactions'.tracked_by.url")


def test_changed_in_unknown_release(tmp_path):
    text = GOOD.replace("  support: partial\n", '  changed: [{version: "5.5", note: "x"}]\n  support: partial\n')
    refused(tmp_path, text, "'queryset-async-methods'.changed.version = '5.5'", "not a Django feature release")


def test_removed_before_added(tmp_path):
    refused(tmp_path, GOOD.replace("  support: partial\n", '  removed: "4.0"\n  support: partial\n'),
            "'queryset-async-methods'.removed")


def test_not_a_list(tmp_path):
    refused(tmp_path, "id: x\n", "expected a list")


def test_invalid_yaml(tmp_path):
    refused(tmp_path, "- id: [unclosed\n", "not valid YAML")


# -- releases.yml -----------------------------------------------------------------------------------


def _release_yaml(version, **override):
    fields = {
        "version": f'"{version}"', "newest_patch": f'"{version}.1"', "released": "2020-01-01",
        "end_of_support": "2021-01-01", "lts": "false", "pythons": '["3.8"]', "asgiref_min": '"3.2"',
        "probe_python": '"3.8"', "summary": "x", "upgrade_notes": "[]", "pitfalls": "[]",
        "source": f"docs/releases/{version}.txt",
    }
    fields.update(override)
    lines = [f"- version: {fields.pop('version')}"] + [f"  {k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def all_releases(**override_for_41):
    return "".join(_release_yaml(v, **(override_for_41 if v == "4.1" else {})) for v in KNOWN_RELEASES)


def test_release_file_validates(tmp_path):
    assert len(load_releases(write(tmp_path, all_releases(), "releases.yml"))) == 11


def test_release_missing_one(tmp_path):
    text = "".join(_release_yaml(v) for v in KNOWN_RELEASES if v != "5.0")
    refused(tmp_path, text, "missing releases ['5.0']", name="releases.yml", loader=load_releases)


def test_release_probe_python_not_supported(tmp_path):
    refused(tmp_path, all_releases(probe_python='"3.13"'), "'4.1'.probe_python", name="releases.yml",
            loader=load_releases)


def test_release_bad_date(tmp_path):
    refused(tmp_path, all_releases(released="soon"), "'4.1'.released", "YYYY-MM-DD", name="releases.yml",
            loader=load_releases)


def test_release_lts_wrong_type(tmp_path):
    refused(tmp_path, all_releases(lts='"yes"'), "'4.1'.lts", "true or false", name="releases.yml",
            loader=load_releases)


# -- roadmap.yml ------------------------------------------------------------------------------------


def test_roadmap_bad_status(tmp_path):
    text = textwrap.dedent(
        """\
        - id: django-6-2
          title: Django 6.2
          status: rumoured
          summary: x
          source: {url: "https://docs.djangoproject.com/en/dev/releases/6.2/", title: "notes"}
          checked: 2026-11-25
        """
    )
    refused(tmp_path, text, "'django-6-2'.status = 'rumoured'", name="roadmap.yml", loader=load_roadmap)


def test_roadmap_missing_source(tmp_path):
    text = "- id: x\n  title: X\n  status: proposed\n  summary: s\n  checked: 2026-11-25\n"
    refused(tmp_path, text, "'x'.source is missing", name="roadmap.yml", loader=load_roadmap)


def test_capability_added_patch_must_belong_to_added(tmp_path):
    text = GOOD.replace('  added: "4.1"\n', '  added: "4.1"\n  added_patch: "4.2.1"\n')
    refused(tmp_path, text, "'queryset-async-methods'.added_patch = '4.2.1'", "patch release of 4.1")


def test_capability_added_patch_is_loaded(tmp_path):
    text = GOOD.replace('  added: "4.1"\n', '  added: "4.1"\n  added_patch: "4.1.4"\n')
    assert load_capabilities(write(tmp_path, text))[0].added_patch == "4.1.4"


def test_roadmap_merged_item_needs_release_and_section(tmp_path):
    text = ("- id: x\n  title: X\n  status: merged\n  summary: s\n  checked: 2026-11-27\n"
            '  source: {url: "https://github.com/django/django/blob/main/docs/releases/6.2.txt", title: "notes"}\n')
    refused(tmp_path, text, "'x'.release is missing", name="roadmap.yml", loader=load_roadmap)
    refused(tmp_path, text + '  release: "6.2"\n', "'x'.section is missing", name="roadmap.yml", loader=load_roadmap)
    item = load_roadmap(write(tmp_path, text + '  release: "6.2"\n  section: Tasks\n', "roadmap.yml"))[0]
    assert (item.release, item.section, item.coming_next) == ("6.2", "Tasks", False)
