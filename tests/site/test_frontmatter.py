"""Every page carries valid front matter; each kind of mistake gets a message with file, line and fix."""
import pytest

from atlas import frontmatter
from atlas.errors import DataError
from atlas.paths import DOCS

RELEASES = frontmatter.feature_releases()
TAGS = frontmatter.known_tags()
PAGES = sorted(DOCS.rglob("*.md"))

GOOD = """---
title: Streaming
summary: How to stream.
django: "4.2+"
tested_with: "6.1"
tags: [streaming]
---
Body.
"""


def check(text: str):
    meta, _body, _line = frontmatter.split(text, "docs/example.md")
    return frontmatter.validate(meta, text, "docs/example.md", RELEASES, TAGS)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_page_has_valid_front_matter(page):
    meta, applies = frontmatter.check_page(page, RELEASES, TAGS)
    assert applies.low in RELEASES


def test_good_front_matter_passes_and_parses_the_range():
    applies = check(GOOD)
    assert (applies.low, applies.high) == ("4.2", None)
    assert applies.label(RELEASES) == "Django 4.2 and later"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # missing field: named, with an example line to add
        (("tested_with: \"6.1\"\n", ""), "docs/example.md:1: front matter field 'tested_with' is missing; add it, for example `tested_with:"),
        # unknown Django version: the known ones are listed
        (('django: "4.2+"', 'django: "4.3+"'), "docs/example.md:4: front matter field 'django' = '4.3+': 4.3 is not a Django feature release (known: 3.0,"),
        # wrong type: a number where a quoted string is needed
        (('django: "4.2+"', "django: 4.2"), "docs/example.md:4: front matter field 'django' = 4.2: expected a quoted string"),
        (("tags: [streaming]", "tags: streaming"), "docs/example.md:6: front matter field 'tags' must be a non-empty list"),
        # unknown tag: the fix names docs/data/tags.yml
        (("tags: [streaming]", "tags: [streamz]"), "front matter field 'tags' has unknown tag 'streamz'; use one of"),
        (('tested_with: "6.1"', 'tested_with: "7.0"'), "docs/example.md:5: front matter field 'tested_with' = '7.0' is not a Django feature release"),
        (("summary: How to stream.", "summary: ''"), "front matter field 'summary' must be a non-empty string"),
        (("title: Streaming", "title: Streaming\nauthor: me"), "front matter field 'author' is not a known field"),
        (('django: "4.2+"', 'django: "5.0-4.2"'), "the range ends before it starts"),
    ],
    ids=["missing-field", "unknown-version", "number-not-string", "tags-not-list", "unknown-tag",
         "unknown-tested-with", "empty-summary", "unknown-field", "reversed-range"],
)
def test_bad_front_matter_is_rejected_with_file_line_and_fix(change, expected):
    old, new = change
    assert old in GOOD
    with pytest.raises(DataError) as error:
        check(GOOD.replace(old, new, 1))
    assert expected in str(error.value)


def test_page_without_front_matter_is_rejected():
    with pytest.raises(DataError, match=r"docs/example.md:1: the page has no front matter; start it with a '---' line"):
        check("# Title\n")


def test_invalid_yaml_is_rejected_with_its_line():
    with pytest.raises(DataError, match=r"docs/example.md:4: the front matter is not valid YAML"):
        check("---\ntitle: x\nsummary: [unclosed\n---\n")
