"""Every page carries valid front matter; each kind of mistake gets a message with file, line and fix."""
import pytest

from atlas.core.errors import DataError
from atlas.core.paths import DOCS, ROOT
from atlas.data import frontmatter
from atlas.site import version_banner

RELEASES = frontmatter.feature_releases()
TAGS = frontmatter.known_tags()
PAGES = sorted(DOCS.rglob("*.md"))
KNOWN = ", ".join(RELEASES)

GOOD = """---
title: Streaming
summary: How to stream.
django: "4.2+"
tags: [streaming]
---
Body.
"""


def problems(text: str) -> list[str]:
    return frontmatter.page_problems(text, "docs/example.md", RELEASES, TAGS)[2]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_page_has_valid_front_matter(page):
    meta, applies = frontmatter.check_page(page, RELEASES, TAGS)
    assert applies.low in RELEASES


def test_good_front_matter_passes_and_parses_the_range():
    assert problems(GOOD) == []
    applies = frontmatter.validate({}, GOOD, "docs/example.md", RELEASES, TAGS)
    assert (applies.low, applies.high) == ("4.2", None)
    assert applies.label() == "Django 4.2 and later"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('django: "4.2+"\n', ""), 'docs/example.md:2: django: is missing — add it, for example `django: "4.2+"`'),
        (('django: "4.2+"', 'django: "4.3+"'),
         f"docs/example.md:4: django: '4.3+' names 4.3, which is not a Django feature release in docs/data/releases.yml "
         f"(known: {KNOWN}) — use one of those, or add the release to docs/data/releases.yml first"),
        (('django: "4.2+"', "django: 4.2"),
         'docs/example.md:4: django: 4.2 is a number, not a string — write the releases its code must run on, in quotes: '
         '"X.Y+", "X.Y-X.Y" or "X.Y"'),
        (('django: "4.2+"', 'django: "5.0-4.2"'),
         "docs/example.md:4: django: '5.0-4.2' ends before it starts — write the older release first, e.g. \"4.2-5.0\""),
        (('django: "4.2+"', 'django: "4.2 and up"'),
         "docs/example.md:4: django: '4.2 and up' is not a release range — write \"X.Y+\", \"X.Y-X.Y\" or \"X.Y\", e.g. \"4.2+\""),
        (("tags: [streaming]", "tags: streaming"),
         "docs/example.md:5: tags: 'streaming' is a string, not a list — write a list of tags from docs/data/tags.yml, e.g. [streaming]"),
        (("tags: [streaming]", "tags: [streamz]"),
         f"docs/example.md:5: tags[0]: 'streamz' is not a known tag — use one of {', '.join(sorted(TAGS))}, "
         "or add it to docs/data/tags.yml first"),
        (("summary: How to stream.", "summary: ''"),
         "docs/example.md:3: summary: is empty — write one line of at most 200 characters; it becomes the search "
         "snippet and the page description"),
        (("summary: How to stream.", "summary: " + "x" * 201),
         "docs/example.md:3: summary: is 201 characters long — write one line of at most 200 characters; it becomes "
         "the search snippet and the page description"),
        (("title: Streaming", "title: Streaming\nauthor: me"),
         "docs/example.md:3: author: is not a known field — remove or rename it (known: title, summary, django, about, tags, "
         "description, hide, search, status, template, icon)"),
        (('django: "4.2+"', 'django: "4.2+"\ntested_with: "6.1"'),
         'docs/example.md:5: tested_with: is no longer a page field — remove it: "code tested with" comes from the '
         "Django pinned in requirements.lock"),
        (("title: Streaming", "title: Streaming\ntitle: Again"),
         "docs/example.md:3: title: is written twice (first on line 2) — keep one of them"),
    ],
    ids=["missing-field", "unknown-version", "number-not-string", "reversed-range", "not-a-range", "tags-not-list",
         "unknown-tag", "empty-summary", "long-summary", "unknown-field", "tested-with-is-gone", "field-twice"],
)
def test_bad_front_matter_is_rejected_with_file_line_and_fix(change, expected):
    old, new = change
    assert old in GOOD
    assert problems(GOOD.replace(old, new, 1)) == [expected]


def test_every_problem_of_a_page_is_reported_at_once():
    text = GOOD.replace('"4.2+"', '"4.3+"').replace("[streaming]", "[streamz]").replace("title: Streaming\n", "")
    found = problems(text)
    assert [line.split(": ")[1] for line in found] == ["title", "django", "tags[0]"], found
    with pytest.raises(DataError) as error:
        frontmatter.validate({}, text, "docs/example.md", RELEASES, TAGS)
    assert str(error.value).splitlines() == [found[0] + " (and 2 more below)", *found[1:]]


def test_page_without_front_matter_is_rejected():
    assert problems("# Title\n") == [
        "docs/example.md:1: the page has no front matter — start the page with a '---' line, the fields title, "
        "summary, django and tags, and a '---' line (see templates/page.md)"]


def test_invalid_yaml_is_rejected_with_its_line():
    found = problems("---\ntitle: x\nsummary: [unclosed\n---\n")
    assert found == ["docs/example.md:4: not valid YAML (did not find expected ',' or ']') — fix the syntax on that "
                     "line (quote values that contain ': ' or start with a symbol)"]


def test_tested_with_comes_from_the_lock(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("asgiref==3.9.1\nDjango==7.3.1\n")
    assert version_banner.tested_with_label(lock=lock) == "Django 7.3"
    assert version_banner.tested_with_label() == "Django " + ".".join(frontmatter.locked_django().split(".")[:2])
    assert frontmatter.locked_django() in (ROOT / "requirements.lock").read_text()


def test_ranges_read_elsewhere_name_their_place():
    assert frontmatter.parse_range("4.1-5.0", RELEASES, "docs/x.md: tab 'Django 4.1 – 5.0'").label(RELEASES) == \
        "Django 4.1 to 5.0"
    with pytest.raises(DataError) as error:
        frontmatter.parse_range("4.3+", RELEASES, "docs/x.md: tab 'Django 4.3+'")
    assert str(error.value).startswith("docs/x.md: tab 'Django 4.3+': '4.3+' names 4.3, which is not a Django feature release")


def test_the_banner_goes_under_the_title_after_a_generated_pages_note():
    from atlas.site.generate import GENERATED_NOTE

    page = f"{GENERATED_NOTE}\n# Django 4.2\n\nThe summary.\n"
    out = version_banner.with_banner(page, "<p>BANNER</p>\n\n")
    assert out.index("# Django 4.2") < out.index("BANNER") < out.index("The summary.")
    assert version_banner.with_banner("No title here.\n", "<p>BANNER</p>\n\n").startswith("<p>BANNER</p>")
