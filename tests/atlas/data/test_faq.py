"""FAQ entries (docs/faq/index.md), checked in place: stable anchor, short answer first, 'Applies to', sources."""
import pytest

from atlas.core.datafile import Project
from atlas.core.paths import DOCS
from atlas.data import faq
from atlas.data.versions_data import feature_releases

RELEASES = feature_releases()

GOOD = """---
title: FAQ
---

Intro.

## Can async views stream? { #stream }

Yes, from Django 4.2 an async view can return a `StreamingHttpResponse` over an async iterator.
Details follow here.

Applies to: Django 4.2–6.1

Sources: [Django 4.2 release notes](https://docs.djangoproject.com/en/4.2/releases/4.2/).

## Sources { #sources }

- The release notes.
"""


def problems(text: str) -> list[str]:
    return faq.faq_problems(text, "docs/faq/index.md", RELEASES)


def test_the_real_faq_passes_and_has_its_entries():
    page = (DOCS / "faq" / "index.md").read_text()
    assert faq.check(Project()) == []
    assert len(faq.entries(page)) >= 45


def test_a_good_entry_passes():
    assert problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ((" { #stream }", ""), ["docs/faq/index.md:7: Can async views stream?.anchor: the heading has no stable anchor — "
                                "end the heading with { #short-name }, e.g. { #uploads-asgi }"]),
        (("{ #stream }", "{ #Stream_It }"), ["docs/faq/index.md:7: Stream_It.anchor: 'Stream_It' is not kebab-case — use "
                                             "lowercase letters, digits and dashes"]),
        (("Can async views stream?", "Streaming from async views"),
         ["docs/faq/index.md:7: stream.question: 'Streaming from async views' is not a question — phrase the heading "
          "as the reader's question"]),
        (("Yes, from Django 4.2", "- Yes, from Django 4.2"),
         ["docs/faq/index.md:9: stream.short_answer: the entry does not start with its short answer — put a sentence "
          "that answers the question first, then lists, code or notes"]),
        (("Yes, from Django 4.2 an async view", "Yes, " + "very " * 60 + "much: from Django 4.2 an async view"),
         ["docs/faq/index.md:9: stream.short_answer: the first sentence is 401 characters long — answer in one "
          "sentence of at most 300 characters, then give the details"]),
        (("Applies to: Django 4.2–6.1\n", ""),
         ["docs/faq/index.md:7: stream.applies_to: has no 'Applies to:' line — add a line such as 'Applies to: "
          "Django 4.1–6.1' after the answer"]),
        (("Applies to: Django 4.2–6.1", "Applies to: Django 4.2–6.3"),
         [f"docs/faq/index.md:12: stream.applies_to: '4.2-6.3' names 6.3, which is not a Django feature release in "
          f"docs/data/releases.yml (known: {', '.join(RELEASES)}) — use one of those, or add the release to "
          "docs/data/releases.yml first"]),
        (("Applies to: Django 4.2–6.1", "Applies to: recent ones"),
         ["docs/faq/index.md:12: stream.applies_to: 'Applies to: recent ones' names no release — name the releases, "
          "e.g. 'Django 4.1–6.1', or say 'any Django release'"]),
        (("Sources: [Django 4.2 release notes](https://docs.djangoproject.com/en/4.2/releases/4.2/).\n", ""),
         ["docs/faq/index.md:7: stream.sources: has no 'Sources:' line — end the entry with 'Sources: [title](https://...)' "
          "naming where the facts come from"]),
        (("[Django 4.2 release notes](https://docs.djangoproject.com/en/4.2/releases/4.2/)", "the release notes"),
         ["docs/faq/index.md:14: stream.sources: names no link or sdist file — link the source ([title](https://...)) "
          "or name the file, e.g. `docs/releases/5.0.txt`"]),
    ],
    ids=["no-anchor", "bad-anchor", "not-a-question", "no-short-answer", "long-short-answer", "no-applies-to",
         "unknown-release", "applies-to-names-nothing", "no-sources", "sources-without-link"],
)
def test_each_faq_rule_refuses_a_bad_entry_with_its_exact_message(change, expected):
    old, new = change
    assert old in GOOD
    assert problems(GOOD.replace(old, new, 1)) == expected


def test_sdist_files_and_atlas_pages_count_as_sources():
    for source in ("Sources: `docs/topics/async.txt` in the 6.1.3 sdist.", "Sources: the [lab](../lab/index.md)'s runs."):
        text = GOOD.replace("Sources: [Django 4.2 release notes](https://docs.djangoproject.com/en/4.2/releases/4.2/).", source)
        assert problems(text) == []


def test_a_duplicate_anchor_and_every_other_problem_are_reported_together():
    entry = GOOD.split("## Can async views stream?", 1)[1].split("## Sources", 1)[0]
    text = GOOD.replace("## Sources", "## Can async views stream, again?" + entry.replace("Applies to", "Applies") + "## Sources")
    found = problems(text)
    assert [line.split(": ")[1] for line in found] == ["stream.anchor", "stream.applies_to"], found
    assert found[0].startswith("docs/faq/index.md:16: stream.anchor: 'stream' is already used on line 7")


def test_fact_markers_do_not_count_towards_the_short_answer():
    marked = "4.2" + "<!-- fact: since streaming-async-iterators -->" * 8  # invisible to the reader
    assert problems(GOOD.replace("from Django 4.2 an async view", f"from Django {marked} an async view")) == []
