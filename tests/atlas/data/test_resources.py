"""The resource list: the real file passes every rule, each rule fails on a bad entry with file, line, entry
and fix, the fixer restores the order, and the page renders as awesome-style Markdown lines."""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from atlas.core.datafile import Project
from atlas.core.errors import DataError
from atlas.core.paths import DATA
from atlas.data import resources, resources_fix
from atlas.site import resources_render

SCHEMAS = DATA / "schemas"
TODAY = datetime.date(2026, 11, 27)
# A calendar for the tests: 5.0 has ended, 5.2 and 6.0 are supported. Not the real releases.yml.
SUPPORT = {
    "4.2": datetime.date(2026, 4, 30),
    "5.0": datetime.date(2025, 4, 2),
    "5.2": datetime.date(2028, 4, 30),
    "6.0": datetime.date(2027, 4, 30),
}

GOOD = [
    {
        "title": "Asynchronous support",
        "url": "https://docs.djangoproject.com/en/stable/topics/async/",
        "section": "start-here",
        "kind": "docs",
        "author": "Django Software Foundation",
        "year": 2025,
        "django": "3.1+",
        "topics": ["async-views", "sync-async"],
        "status": "current",
        "description": "Django's own guide to async views and the sync/async adapters.",
        "read_order": 1,
        "why": "Everything else builds on it.",
    },
    {
        "title": "Django Channels",
        "url": "https://channels.readthedocs.io/en/latest/",
        "section": "real-time",
        "kind": "library",
        "author": "Django Channels maintainers",
        "year": 2024,
        "django": "4.2+",
        "topics": ["channels", "websockets"],
        "status": "current",
        "description": "WebSockets and other long-lived protocols on top of Django.",
    },
    {
        "title": "Taking Django Async",
        "url": "https://pyvideo.org/pycon-us-2018/taking-django-async.html",
        "section": "real-time",
        "kind": "talk",
        "author": "Andrew Godwin",
        "year": 2018,
        "django": "1.11-2.2",
        "topics": ["channels"],
        "status": "historical",
        "description": "The Channels 2 rewrite around an event loop, kept for history.",
    },
]


def write(tmp_path, entries, name="resources.yml") -> Path:
    path = tmp_path / name
    path.write_text(resources_fix.dump(entries), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """The 1-based line of the first line containing `needle` (after the line containing `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def found(path, today=TODAY) -> list[str]:
    return resources.problems(path, releases=SUPPORT, today=today)


def changed(index, **fields):
    entries = [dict(entry) for entry in GOOD]
    entries[index].update(fields)
    return entries


def one_problem(tmp_path, entries) -> tuple[Path, str]:
    path = write(tmp_path, entries)
    problems = found(path)
    assert len(problems) == 1, problems
    return path, problems[0]


# ------------------------------------------------------------------------------------------ real file


def test_real_file_passes_every_rule_with_the_real_releases():
    entries = resources.load_resources()
    assert entries and all(entry["status"] in ("current", "historical", "superseded") for entry in entries)


def test_real_file_matches_its_json_schemas():
    for name in ("resources", "resource_sections"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        data = yaml.safe_load((DATA / f"{name}.yml").read_text(encoding="utf-8"))
        errors = [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert errors == [], f"{name}.yml: {errors[:3]}"


def test_real_file_is_written_as_the_fixer_writes_it(tmp_path):
    copy = tmp_path / "resources.yml"
    copy.write_text(resources.RESOURCES.read_text(encoding="utf-8"), encoding="utf-8")
    assert resources_fix.fix(copy) == []
    assert copy.read_text(encoding="utf-8") == resources.RESOURCES.read_text(encoding="utf-8")


def test_start_here_is_short_and_every_section_is_used():
    vocab = resources.load_vocabulary()
    counts = resources_fix.counts_by_section(resources.load_resources(), vocab)
    assert 3 <= counts["start-here"] <= 7
    assert all(counts.values()), {section: n for section, n in counts.items() if not n}


def test_start_here_goes_in_reading_order_with_djangos_guide_first():
    raw = [e for e in yaml.safe_load(resources.RESOURCES.read_text(encoding="utf-8")) if e["section"] == "start-here"]
    assert [e["read_order"] for e in raw] == list(range(1, len(raw) + 1))  # the file lists them in that order
    assert raw[0]["url"].startswith("https://docs.djangoproject.com/") and "topics/async" in raw[0]["url"]
    page = resources_render.render_resources_page()
    section = page.split("## Start here", 1)[1].split("\n## ", 1)[0]
    shown = [line.split("](", 1)[0][3:] for line in section.splitlines() if line.startswith("- [")]
    assert shown == [resources_render._md_text(e["title"]) for e in raw]
    assert section.count('class="atlas-resource-why">Why read it ') == len(raw)


@pytest.mark.parametrize("fields, expected", [
    ({"read_order": None}, "'Asynchronous support'.read_order: is missing or not a whole number from 1"),
    ({"why": None}, "'Asynchronous support'.why: is missing or not one line"),
])
def test_a_start_here_entry_without_its_place_or_why_fails(tmp_path, fields, expected):
    entries = changed(0)
    for key in fields:
        del entries[0][key]
    _path, problem = one_problem(tmp_path, entries)
    assert expected in problem


def test_two_start_here_entries_in_one_place_and_a_place_outside_start_here_fail(tmp_path):
    entries = changed(1, section="start-here", read_order=1, why="A reason.")
    problems = found(write(tmp_path, entries))
    assert any("'Django Channels'.read_order: 1 is also the place of 'Asynchronous support'" in p for p in problems), problems
    entries = changed(1, read_order=2)
    _path, problem = one_problem(tmp_path, entries)
    assert "'Django Channels'.read_order: is only for a section read in order ('real-time' is alphabetical)" in problem


def test_start_here_sorts_by_place_not_title(tmp_path):
    second = dict(GOOD[0], title="A talk first alphabetically", url="https://example.org/talk", read_order=2)
    path = write(tmp_path, [second, *GOOD])
    assert any("is out of order" in p for p in found(path))
    resources_fix.fix(path)
    assert [e["title"] for e in yaml.safe_load(path.read_text())][:2] == ["Asynchronous support", second["title"]]


# --------------------------------------------------------------------------------------------- render


def test_render_groups_by_section_one_markdown_line_per_entry():
    vocab = resources.load_vocabulary()
    page = resources_render.render(GOOD, vocab, releases=["5.2", "6.0"])
    assert page.index("## Start here") < page.index("## Real-time (Channels, WebSockets, SSE)")
    assert "## Testing" not in page  # empty sections get no heading
    assert vocab.sections["real-time"]["description"] in page
    for entry in GOOD:
        assert f"- [{entry['title']}]({entry['url']}) - {entry['description']} <span " in page
    # within a section: by title
    assert page.index("[Django Channels]") < page.index("[Taking Django Async]")
    assert '<option value="5.2">Django 5.2</option><option value="6.0">Django 6.0</option>' in page
    assert '<form class="atlas-resource-filter" hidden>' in page  # no JS: no filter, full list


def test_render_badges_kind_release_and_only_non_current_status():
    page = resources_render.render(GOOD, resources.load_vocabulary(), releases=["6.0"])
    old = page[page.index("[Taking Django Async]"):].split("\n")[0]
    assert '<span class="atlas-badge atlas-resource-kind">talk</span>' in old
    assert ">historical</span>" in old and "Django 1.11–2.2" in old
    assert 'data-django-min="1.11" data-django-max="2.2"' in old
    new = page[page.index("[Asynchronous support]"):].split("\n")[0]
    assert "atlas-resource-status" not in new and 'data-django-max=""' in new


def test_markdown_syntax_in_titles_is_escaped():
    entry = dict(GOOD[0], title="The [async] *views*")
    page = resources_render.render([entry], resources.load_vocabulary(), releases=[])
    assert r"- [The \[async\] \*views\*](" in page


def test_release_options_come_from_releases_yml():
    from atlas.data import versions_data

    page = resources_render.render(GOOD, resources.load_vocabulary())
    for release in versions_data.load_releases():
        assert f'<option value="{release.version}">' in page


# ------------------------------------------------------------------------------------- link policy


@pytest.mark.parametrize(
    "url, host, fix",
    [
        ("https://preview.pyvideo.org/pycon-us-2018/taking-django-async.html", "preview.pyvideo.org", "pyvideo.org"),
        ("https://raw.githubusercontent.com/Kludex/uvicorn/main/README.md", "raw.githubusercontent.com", "github.com"),
        ("https://newreleases.io/project/github/Kludex/uvicorn/release/0.30.0", "newreleases.io", "release"),
        ("https://cast.writtn.com/episode/68769/x", "cast.writtn.com", "show's own site"),
    ],
)
def test_blocked_hosts_fail_with_line_entry_and_fix(tmp_path, url, host, fix):
    path, message = one_problem(tmp_path, changed(2, url=url))
    expected_line = line_of(path, "url:", after="Taking Django Async")
    assert message.startswith(f"{resources.relative(path)}:{expected_line}: 'Taking Django Async'.url: {host} is ")
    assert " — " in message and fix in message.split(" — ", 1)[1]


def test_docs_pinned_to_an_unsupported_release_fail_unless_historical(tmp_path):
    pinned = "https://docs.djangoproject.com/en/5.0/topics/async/"
    path, message = one_problem(tmp_path, changed(0, url=pinned, django="5.0"))
    assert "'Asynchronous support'.url: links the 5.0 docs, whose support ended 2025-04-02" in message
    assert "link /stable/ instead, or set `status: historical`" in message
    assert message.startswith(f"{resources.relative(path)}:{line_of(path, 'url:')}:")
    assert found(write(tmp_path, changed(0, url=pinned, django="5.0", status="historical"))) == []


def test_docs_older_than_every_known_release_count_as_unsupported(tmp_path):
    old = "https://docs.djangoproject.com/en/1.11/topics/http/views/"
    _, message = one_problem(tmp_path, changed(0, url=old, django="1.11"))
    assert "links the 1.11 docs" in message


def test_the_same_pin_passes_while_supported_and_fails_once_support_ends(tmp_path):
    path = write(tmp_path, changed(0, url="https://docs.djangoproject.com/en/5.2/topics/async/", django="5.2"))
    assert found(path, today=TODAY) == []
    assert any("links the 5.2 docs" in p for p in found(path, today=datetime.date(2028, 5, 1)))


def test_docs_pinned_to_a_release_the_entry_is_not_about_fail(tmp_path):
    _, message = one_problem(tmp_path, changed(0, url="https://docs.djangoproject.com/en/6.0/topics/async/"))
    assert "links the 6.0 docs, but the entry is about Django 3.1+" in message
    assert 'link /stable/, or set django to "6.0"' in message


def test_readthedocs_release_pins_are_read_too(tmp_path):
    _, message = one_problem(tmp_path, changed(0, url="https://django.readthedocs.io/en/5.0.x/topics/async.html"))
    assert "links the 5.0 docs" in message


# ------------------------------------------------------------------------------------- duplicates


def test_duplicate_url_fails_even_with_www_and_trailing_slash(tmp_path):
    path, message = one_problem(tmp_path, changed(2, url="https://www.channels.readthedocs.io/en/latest"))
    assert message.startswith(f"{resources.relative(path)}:{line_of(path, 'url:', after='Taking Django Async')}:")
    assert "'Taking Django Async'.url: duplicates the URL of 'Django Channels' — merge the two entries" in message


def test_duplicate_title_fails(tmp_path):
    _, message = one_problem(tmp_path, changed(2, title="django channels"))
    assert "'django channels'.title: duplicates the title of 'Django Channels'" in message
    assert "editions belong in one" in message


# ---------------------------------------------------------------------------- vocabulary and order


@pytest.mark.parametrize(
    "key, value",
    [("section", "misc"), ("kind", "video"), ("status", "dated"), ("topics", ["channels", "sockets"])],
)
def test_unknown_vocabulary_fails_and_names_the_vocabulary_file(tmp_path, key, value):
    _, message = one_problem(tmp_path, changed(1, **{key: value}))
    assert f"'Django Channels'.{key}: " in message
    assert "is not a known" in message and "resource_sections.yml" in message


def test_a_new_topic_needs_only_a_vocabulary_edit(tmp_path):
    vocab_path = tmp_path / "resource_sections.yml"
    data = yaml.safe_load(resources.VOCABULARY.read_text(encoding="utf-8"))
    data["topics"].append({"id": "graphql", "description": "GraphQL servers on Django."})
    vocab_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    path = write(tmp_path, changed(1, topics=["graphql"]))
    assert any("'graphql' is not a known topic" in p for p in found(path))
    assert resources.problems(path, vocabulary=vocab_path, releases=SUPPORT, today=TODAY) == []


def test_unsorted_entries_fail_and_the_fixer_restores_the_order(tmp_path):
    path = write(tmp_path, [GOOD[2], GOOD[1], GOOD[0]])
    problems = found(path)
    assert any("'Django Channels'.section: is out of order" in p and "dev.py resources --fix" in p for p in problems)
    assert resources_fix.fix(path, releases=SUPPORT, today=TODAY) == []
    assert [e["title"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))] == [e["title"] for e in GOOD]


def test_cli_checks_and_fixes(tmp_path, capsys):
    path = write(tmp_path, [GOOD[1], GOOD[0]])
    assert resources_fix.main(["--path", str(path)]) == 1
    assert "is out of order" in capsys.readouterr().err
    assert resources_fix.main(["--path", str(path), "--fix"]) == 0
    assert resources_fix.main(["--path", str(path)]) == 0
    assert "2 entries OK (start-here 1, real-time 1)" in capsys.readouterr().out


# ---------------------------------------------------------------------------------- entry shape


def test_missing_status_fails_with_an_example(tmp_path):
    entries = [dict(entry) for entry in GOOD]
    del entries[1]["status"]
    path = write(tmp_path, entries)
    message = next(p for p in found(path) if ".status" in p)
    assert message.startswith(f"{resources.relative(path)}:{line_of(path, 'title: Django Channels')}: 'Django Channels'.status: is missing")
    assert "add a line such as `status: current`" in message


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("django", "4.2.1", "is not a release range"),
        ("django", "5.2-4.2", "ends before it starts"),
        ("django", 4.2, "is a float, not a string — write it in quotes"),
        ("description", "No final period", "does not end with a period"),
        ("description", "lower case start.", "starts with a lower-case letter"),
        ("description", "x" * 200 + ".", "shorten it to at most 200"),
        ("year", "2020", "is not a whole number"),
        ("url", "htp://x", "is not an http(s) URL"),
        ("notes", "x", "is not a known field"),
    ],
)
def test_bad_fields_fail_with_line_entry_and_fix(tmp_path, key, value, expected):
    path = write(tmp_path, changed(0, **{key: value}))
    message = next(p for p in found(path) if f"'Asynchronous support'.{key}" in p)
    assert expected in message and " — " in message
    assert message.startswith(f"{resources.relative(path)}:{line_of(path, key + ':')}:")


def test_schema_rejects_what_the_checker_rejects():
    schema = json.loads((SCHEMAS / "resources.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(GOOD))
    for bad in (changed(0, status="dated"), changed(0, django="4.2.1"), changed(0, description="no period")):
        assert list(validator.iter_errors(bad)), bad
    missing = [dict(entry) for entry in GOOD]
    del missing[0]["status"]
    assert list(validator.iter_errors(missing))


def test_load_raises_data_error_listing_every_problem(tmp_path):
    path = write(tmp_path, changed(0, url="https://preview.pyvideo.org/x.html", kind="video"))
    with pytest.raises(DataError) as info:
        resources.load_resources(path, releases=SUPPORT, today=TODAY)
    assert ".url" in str(info.value) and ".kind" in str(info.value)


def test_empty_file_is_an_empty_list(tmp_path):
    path = tmp_path / "resources.yml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert resources.load_resources(path, releases=SUPPORT, today=TODAY) == []


def test_check_accepts_a_validation_layer_project(tmp_path):
    """The validation layer discovers `check` and passes its Project (file(stem) / data_dir): the rules then
    read that project's files, releases.yml included."""
    write(tmp_path, changed(2, url="https://raw.githubusercontent.com/django/channels/main/README.rst"))
    (tmp_path / "resource_sections.yml").write_text(resources.VOCABULARY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "releases.yml").write_text((DATA / "releases.yml").read_text(encoding="utf-8"), encoding="utf-8")

    class Folder:  # anything with a data_dir
        data_dir = tmp_path

    problems = resources.check(Folder(), today=TODAY)
    assert len(problems) == 1 and "raw.githubusercontent.com is a raw file" in problems[0]
    assert problems[0].startswith(str(tmp_path / "resources.yml") + ":")
    assert resources.check(Project()) == []  # the repository's own files


def test_check_through_the_validation_layer_project_names_the_file_as_contributors_see_it(tmp_path):
    from atlas.core.datafile import Project

    data = tmp_path / "docs" / "data"
    data.mkdir(parents=True)
    write(data, changed(2, url="https://preview.pyvideo.org/pycon-us-2018/taking-django-async.html"))
    for name in ("resource_sections.yml", "releases.yml"):
        (data / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    problems = resources.check(Project(tmp_path), today=TODAY)
    assert len(problems) == 1
    assert problems[0].startswith("docs/data/resources.yml:")
    assert "'Taking Django Async'.url: preview.pyvideo.org is a preview build of pyvideo.org" in problems[0]
