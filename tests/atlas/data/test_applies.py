"""What a page applies to (atlas/data/applies.py), checked against the capability and use-case data read here as
plain YAML, never against the banner it renders. The page's `django:` range (what its code must pass on) stays
apart: the page matrix keeps using it."""
import json
import re

import pytest

from atlas.core.datafile import safe_load
from atlas.core.django_range import DjangoRange
from atlas.core.paths import DATA, DOCS
from atlas.data import applies, frontmatter
from atlas.data.versions_data import feature_releases
from atlas.site import version_banner

RELEASES = feature_releases()
KEY = {v: i for i, v in enumerate(RELEASES)}
CAPS = {c["id"]: c for c in safe_load((DATA / "capabilities.yml").read_text(encoding="utf-8"))}
WAYS = safe_load((DATA / "use_case_levels.yml").read_text(encoding="utf-8"))["use_cases"]
USE_CASES = safe_load((DATA / "use_cases.yml").read_text(encoding="utf-8"))


def present(cap_id: str, release: str) -> bool:
    cap = CAPS[cap_id]
    return (cap.get("status", "shipped") == "shipped" and KEY[cap["added"]] <= KEY[release]
            and (not cap.get("removed") or KEY[release] < KEY[cap["removed"]]))


def way_possible(way: dict, release: str) -> bool:
    low, _, high = way.get("django", RELEASES[0] + "+").rstrip("+").partition("-")
    in_package = KEY[low] <= KEY[release] and (not high or KEY[release] <= KEY[high])
    return in_package and all(present(c, release) for c in way["capabilities"])


def contains(rng: DjangoRange, release: str) -> bool:
    return KEY[rng.low] <= KEY[release] and (rng.high is None or KEY[release] <= KEY[rng.high])


def code_range(path: str) -> DjangoRange:
    if path.endswith(".ipynb"):
        meta = json.loads((DOCS / path).read_text(encoding="utf-8"))["metadata"]["atlas"]
    else:
        meta, _body, _line = frontmatter.split((DOCS / path).read_text(encoding="utf-8"), path)
    return frontmatter.parse_range(meta["django"], RELEASES, path), meta


@pytest.mark.parametrize("version", RELEASES)
def test_a_release_page_applies_from_its_release_while_what_it_added_exists(version):
    derived = applies.applies_to(f"versions/{version}.md", {}, DjangoRange(version, version))
    added = [i for i, c in CAPS.items() if c.get("added") == version and c.get("status", "shipped") == "shipped"]
    assert derived.low == version
    for release in RELEASES[KEY[version]:]:
        assert contains(derived, release) == (not added or any(present(c, release) for c in added)), release


@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_a_use_case_page_applies_where_one_of_its_ways_is_possible(use_case):
    page = USE_CASES[use_case]["page"]
    code, meta = code_range(page)
    derived = applies.applies_to(page, meta, code)
    for release in RELEASES:
        assert contains(derived, release) == any(way_possible(w, release) for w in WAYS[use_case]["ways"]), release


def test_a_page_about_capabilities_applies_where_one_of_them_exists():
    pages = [p for p in [*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")] if "data" not in p.parts]
    checked = 0
    for path in pages:
        page = path.relative_to(DOCS).as_posix()
        if page.endswith(".md") and not path.read_text(encoding="utf-8").startswith("---\n"):
            continue
        code, meta = code_range(page)
        if "about" not in meta or applies.use_case_of(page):
            continue
        derived = applies.applies_to(page, meta, code)
        for release in RELEASES:
            expected = not meta["about"] or any(present(c, release) for c in meta["about"])
            assert contains(derived, release) == expected, (page, release)
        checked += 1
    assert checked >= 5  # the lab's index and notebooks, the roadmap


def test_the_first_time_readers_pages_apply_to_42():
    """The pages the issue found marked "not for you" on 4.2, although they are."""
    for page in ("versions/3.1.md", "versions/4.1.md", "use-cases/async-middleware-auth.md",
                 "use-cases/background-work.md", "lab/index.md", "lab/fan-out.ipynb", "lab/threads-vs-tasks.ipynb"):
        code, meta = code_range(page) if not page.startswith("versions/") else (DjangoRange(page[9:12], page[9:12]), {})
        assert contains(applies.applies_to(page, meta, code), "4.2"), page


def test_the_banner_carries_both_ranges_and_the_code_range_still_comes_from_django():
    code, meta = code_range("use-cases/fan-out.md")
    html = version_banner.version_banner(meta, code, RELEASES, page="use-cases/fan-out.md")
    first = min((w for w in WAYS["fan-out"]["ways"]), key=lambda w: 0)
    low = next(v for v in RELEASES if way_possible(first, v))
    assert f'data-django-low="{low}"' in html and f'data-code-low="{code.low}"' in html
    assert low != code.low  # fan-out's code needs Python 3.11's TaskGroup (4.1+); async views came earlier
    assert f"Applies to <strong>Django {low} and later</strong>" in html
    assert f"code for <strong>Django {code.low} and later</strong>, tested with" in html
    levels = json.loads(re.search(r'data-levels="([^"]*)"', html)[1].replace("&quot;", '"').replace("&amp;", "&"))
    assert list(levels) == RELEASES
    no_code = version_banner.version_banner({}, DjangoRange("4.2", "4.2"), RELEASES, page="versions/4.2.md", has_code=False)
    assert "tested with" not in no_code and 'data-levels' not in no_code
