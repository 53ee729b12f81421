"""The contributing page a person reads: it opens with "Found a mistake?", and each recipe renders as one
numbered list on the built page (an unindented paragraph inside a step would split it in two)."""
import re

import pytest

from atlas.core.paths import ROOT

pytestmark = pytest.mark.build


def section(html, anchor):
    start = html.index(f'<h2 id="{anchor}"')
    end = html.find("<h2", start + 1)
    return html[start:end if end != -1 else len(html)]


def test_the_page_opens_with_found_a_mistake(built_site):
    html = (built_site.site / "contributing" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2[^>]*>(.*?)<", html)
    assert headings[0] == "Found a mistake?", headings


@pytest.mark.parametrize("heading, steps", [("add-a-page", 5), ("add-a-use-case", 5), ("add-a-notebook", 5)])
def test_each_recipe_is_one_numbered_list(built_site, heading, steps):
    html = (built_site.site / "contributing" / "index.html").read_text(encoding="utf-8")
    recipe = section(html, heading)
    assert recipe.count("<ol>") == 1, f"{heading!r} renders as {recipe.count('<ol>')} numbered lists"
    items = re.findall(r"<ol>(.*?)</ol>", recipe, re.S)[0]
    top_level = re.sub(r"<ul>.*?</ul>", "", items, flags=re.S).count("<li>")
    assert top_level == steps, f"{heading!r} has {top_level} numbered steps, CONTRIBUTING.md gives {steps}"


def test_contributing_describes_every_data_file():
    """A contributor who opens docs/data/ finds each file in CONTRIBUTING's table of data files."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text[text.index("### Data files and how they are checked"):text.index("`python3 dev.py validate` runs")]
    named = set(re.findall(r"`([\w-]+\.(?:yml|json))`", table))
    files = {path.name for path in (ROOT / "docs" / "data").iterdir() if path.is_file()}
    assert files <= named, f"CONTRIBUTING.md's data-file table does not name {sorted(files - named)}"
