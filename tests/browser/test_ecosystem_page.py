"""The Ecosystem page (docs/concepts/ecosystem.md, generated from docs/data/ecosystem.json) in headless Chromium:
every package has its block, the filter shows what the data says for each kind, and the site search finds
packages by name (today's complaint: "whitenoise" and "cors" found nothing)."""
from __future__ import annotations

import json

import pytest

from atlas.bench import site_browser
from atlas.site import ecosystem_render

PAGE = "concepts/ecosystem/"
DATA = json.loads(ecosystem_render.DATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def eco(page, site_server):
    page.goto(site_server.page_url(PAGE))
    page.wait_for_selector(".atlas-eco-filter:not([hidden])")
    yield page


def shown(page) -> list[str]:
    return page.eval_on_selector_all(".atlas-eco:not([hidden]) h3", "hs => hs.map(h => h.id)")


def test_every_package_has_a_block_and_each_filter_shows_its_packages(eco):
    ids = [p["name"].lower().replace(".", "-") for p in DATA["packages"]]
    assert shown(eco) == ids
    for kind in ("hop-free", "sync-only", "costly", "async"):
        eco.select_option(".atlas-eco-filter select", kind)
        wanted = [p["name"].lower().replace(".", "-") for p in DATA["packages"] if kind in ecosystem_render.tags(p)]
        assert wanted and shown(eco) == wanted, kind
        assert eco.inner_text(".atlas-eco-count") == f"{len(wanted)} of {len(ids)} shown"
    eco.select_option(".atlas-eco-filter select", "")
    assert shown(eco) == ids


@pytest.mark.parametrize("query, anchor", [("cors", "django-cors-headers"), ("whitenoise", "whitenoise"),
                                           ("django-csp", "django-csp"),
                                           ("debug toolbar", "django-debug-toolbar"), ("allauth", "django-allauth")])
def test_the_site_search_finds_a_package_by_name(shared_page, site_server, query, anchor):
    if shared_page.url == "about:blank":
        shared_page.goto(site_server.url)
    results = site_browser.search(shared_page, query, site_server)
    top = [r.path for r in results[:5]]
    assert f"{PAGE}#{anchor}" in top, f"{query!r}: {top}"
