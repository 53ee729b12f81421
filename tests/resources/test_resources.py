"""The resource list: the real file validates, bad files say what is wrong and how to fix it, the page renders."""
from __future__ import annotations

import textwrap

import pytest
import yaml

from atlas import resources
from atlas.errors import DataError
from atlas.resources import KINDS, TOPICS, fix, is_dated, load_resources, render, render_resources_page

GOOD = [
    {
        "title": "Asynchronous support",
        "url": "https://docs.djangoproject.com/en/stable/topics/async/",
        "kind": "official-docs",
        "author": "Django Software Foundation",
        "year": 2025,
        "django": "3.1+",
        "topics": ["async-views", "sync-async"],
        "description": "Django's own guide to async views and the sync/async adapters.",
    },
    {
        "title": "Django Channels",
        "url": "https://channels.readthedocs.io/en/latest/",
        "kind": "package",
        "author": "Django Software Foundation",
        "year": 2024,
        "django": "4.2+",
        "topics": ["channels", "websockets"],
        "description": "WebSockets and other long-lived protocols on top of Django.",
    },
    {
        "title": "Old Channels 1 notes",
        "url": "https://channels.readthedocs.io/en/1.x/",
        "kind": "package",
        "author": "Andrew Godwin",
        "year": 2017,
        "django": "1.8-1.11",
        "topics": ["channels"],
        "description": "The first generation of Channels, kept for history.",
    },
]


def write(tmp_path, entries, name="resources.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def error_for(tmp_path, entries) -> str:
    path = write(tmp_path, entries)
    with pytest.raises(DataError) as info:
        load_resources(path)
    return str(info.value)


def changed(index, **fields):
    entries = [dict(entry) for entry in GOOD]
    entries[index].update(fields)
    return entries


# ------------------------------------------------------------------------------------------ real file


def test_real_file_validates_and_is_big_enough():
    entries = load_resources()
    assert len(entries) >= 60
    assert {entry["kind"] for entry in entries} <= set(KINDS)


def test_real_file_is_already_sorted_as_the_fixer_would_write_it():
    entries = load_resources()
    assert entries == sorted(entries, key=resources.sort_key)


def test_real_file_render_contains_every_title_and_url():
    page = render_resources_page()
    for entry in load_resources():
        assert resources._esc(entry["title"]) in page
        assert resources._esc(entry["url"]) in page


# ------------------------------------------------------------------------------------------- good data


def test_good_file_loads(tmp_path):
    assert load_resources(write(tmp_path, GOOD)) == GOOD


def test_render_groups_by_kind_and_labels(tmp_path):
    page = render(GOOD)
    assert "<!--" not in page and not page.startswith("---")
    assert page.index("## Official documentation") < page.index("## Packages")
    assert "## Talks" not in page  # empty kinds get no heading
    for entry in GOOD:
        assert entry["title"] in page
        assert f'href="{entry["url"]}"' in page
        assert f"({entry['author']}, {entry['year']})" in page
    assert 'data-topics="channels websockets"' in page
    assert 'data-django-min="4.2" data-django-max=""' in page
    assert "Django 4.2+" in page
    assert '<form class="atlas-resource-filter" hidden>' in page  # no JS: no filter, full list
    assert "What *dated* means" in page


def test_dated_rule():
    assert is_dated(GOOD[2])  # written for Django 1.x
    assert not is_dated(GOOD[0])
    assert is_dated(dict(GOOD[0], year=2019))  # about Django, before 2021
    assert not is_dated(dict(GOOD[0], django="any", year=2015))  # not about Django releases
    assert is_dated(dict(GOOD[0], django="3.0", year=2023))


def test_render_marks_dated_entries(tmp_path):
    page = render(GOOD)
    old = page[page.index("Old Channels 1 notes") - 400:page.index("Old Channels 1 notes") + 400]
    assert "atlas-resource--dated" in old and ">dated<" in old


def test_titles_are_escaped():
    entries = [dict(GOOD[0], title="Async <b>views</b> & more")]
    assert "Async &lt;b&gt;views&lt;/b&gt; &amp; more" in render(entries)


# ------------------------------------------------------------------------------------------- bad data


def test_missing_field(tmp_path):
    entries = [dict(entry) for entry in GOOD]
    del entries[1]["author"]
    message = error_for(tmp_path, entries)
    assert "resources.yml: entry 2 ('Django Channels'): field 'author' is missing" in message
    assert "add a line such as `author:" in message


def test_bad_url(tmp_path):
    message = error_for(tmp_path, changed(0, url="htp://x"))
    assert (
        "resources.yml: entry 1 ('Asynchronous support').url = 'htp://x': not an http(s) URL; "
        "write the full address starting with https://"
    ) in message


def test_duplicate_url(tmp_path):
    message = error_for(tmp_path, changed(2, url="https://channels.readthedocs.io/en/latest"))
    assert "entry 3 ('Old Channels 1 notes').url" in message
    assert "duplicates the URL of entry 2" in message


def test_duplicate_title(tmp_path):
    message = error_for(tmp_path, changed(2, title="django channels"))
    assert "entry 3 ('django channels').title" in message
    assert "duplicates the title of entry 2" in message


def test_unsorted_names_both_entries_and_the_fixer(tmp_path):
    entries = [GOOD[1], GOOD[0], GOOD[2]]
    message = error_for(tmp_path, entries)
    assert "entry 2 ('Asynchronous support') should come before entry 1 ('Django Channels')" in message
    assert "python -m atlas.resources --fix" in message


def test_unsorted_by_title_within_a_kind(tmp_path):
    message = error_for(tmp_path, [GOOD[0], GOOD[2], GOOD[1]])
    assert "entry 3 ('Django Channels') should come before entry 2 ('Old Channels 1 notes')" in message


def test_unknown_topic(tmp_path):
    message = error_for(tmp_path, changed(1, topics=["channels", "sockets"]))
    assert "entry 2 ('Django Channels').topics" in message
    assert "'sockets' is not a known topic; use one of: " in message
    assert "websockets" in message


def test_unknown_kind(tmp_path):
    message = error_for(tmp_path, changed(1, kind="video"))
    assert "entry 2 ('Django Channels').kind = 'video': is not a known kind; use one of: official-docs, talk" in message


@pytest.mark.parametrize(
    "value, expected",
    [
        ("4.2.1", "is not a release range"),
        ("5.2-4.2", "ends before it starts"),
        (4.2, "write it in quotes"),
        ("latest", "is not a release range"),
    ],
)
def test_bad_django_range(tmp_path, value, expected):
    message = error_for(tmp_path, changed(0, django=value))
    assert "entry 1 ('Asynchronous support').django" in message
    assert expected in message


@pytest.mark.parametrize(
    "value, expected",
    [
        ("No final period", "must end with a period"),
        ("x" * 200 + ".", "shorten it to at most 200"),
    ],
)
def test_bad_description(tmp_path, value, expected):
    message = error_for(tmp_path, changed(0, description=value))
    assert "entry 1 ('Asynchronous support').description" in message
    assert expected in message


@pytest.mark.parametrize("value", [1989, 3000, "2020"])
def test_bad_year(tmp_path, value):
    message = error_for(tmp_path, changed(0, year=value))
    assert "entry 1 ('Asynchronous support').year" in message


def test_unknown_field(tmp_path):
    message = error_for(tmp_path, changed(0, tags=["x"]))
    assert "field 'tags' is not a known field" in message


def test_not_a_list(tmp_path):
    path = tmp_path / "resources.yml"
    path.write_text("title: nope\n", encoding="utf-8")
    with pytest.raises(DataError, match="must be a YAML list of entries"):
        load_resources(path)


def test_every_problem_is_reported(tmp_path):
    message = error_for(tmp_path, changed(0, url="ftp://x.org", kind="video"))
    assert ".url" in message and ".kind" in message


# ----------------------------------------------------------------------------------------------- fixer


def test_fixer_sorts_and_keeps_yaml_readable(tmp_path):
    path = write(tmp_path, [GOOD[2], GOOD[1], GOOD[0]])
    assert fix(path) == []
    assert load_resources(path) == GOOD
    text = path.read_text(encoding="utf-8")
    assert "  topics: [channels, websockets]" in text
    assert '  django: "4.2+"' in text
    assert "\n\n- title: Django Channels\n" in text  # one block per entry, separated by a blank line
    assert text.index("Asynchronous support") < text.index("Django Channels") < text.index("Old Channels 1 notes")


def test_fixer_round_trips_awkward_strings(tmp_path):
    entry = dict(GOOD[0], title="Channels tutorial: build a chat app", description="Quotes ' and \" and #hash: fine.")
    path = write(tmp_path, [GOOD[1], entry])
    assert fix(path) == []
    assert load_resources(path) == [entry, GOOD[1]]


def test_fixer_reports_what_sorting_cannot_fix(tmp_path):
    path = write(tmp_path, [GOOD[1], dict(GOOD[0], kind="video")])
    problems = fix(path)
    assert any(".kind = 'video'" in problem for problem in problems)


def test_cli_check_and_fix(tmp_path, capsys):
    path = write(tmp_path, [GOOD[1], GOOD[0]])
    assert resources.main(["--path", str(path)]) == 1
    assert "should come before" in capsys.readouterr().err
    assert resources.main(["--path", str(path), "--fix"]) == 0
    assert resources.main(["--path", str(path)]) == 0
    assert "2 entries OK" in capsys.readouterr().out


def test_topics_and_kinds_are_documented():
    assert all(description.endswith(".") for description in TOPICS.values())
    assert list(KINDS)[0] == "official-docs" and list(KINDS)[-1] == "list"


def test_empty_file_is_an_empty_list(tmp_path):
    path = tmp_path / "resources.yml"
    path.write_text(textwrap.dedent("# nothing yet\n"), encoding="utf-8")
    assert load_resources(path) == []
