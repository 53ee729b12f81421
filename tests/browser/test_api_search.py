"""Search finds async APIs by name: a bare a-method, a Class.method form or a reader's spelling such as
request.auser puts the API's row of the async API index (docs/versions/async-api.md) among the first three
results. The rows' anchors come from docs/data/async_api.json; the site's search index
(atlas/site/search_index.py) holds a dotted or underscored name whole and by its parts."""
from __future__ import annotations

import pytest

from atlas.bench import site_browser
from atlas.data import async_api

TOP = 3
PAGE = "versions/async-api/#"

# query -> the anchors of the rows that answer it. A bare member name (aget_or_create) is answered by
# any class's row for that member; a qualified or reader's spelling by one row.
BY_MEMBER = ["acreate_user", "aget_or_create", "aauthenticate", "alogin", "arefresh_from_db", "asend_robust",
             "aenqueue", "aprefetch_related_objects", "ahas_perm", "aiterator", "listen_for_disconnect",
             "aset_expiry"]
BY_ROW = {
    "QuerySet.aget": "api-queryset-aget",
    "Manager.acreate": "api-manager-acreate",
    "Model.asave": "api-model-asave",
    "Signal.asend": "api-signal-asend",
    "AsyncPaginator.apage": "api-asyncpaginator-apage",
    "cache.aget_or_set": "api-basecache-aget-or-set",
    "request.session.aget": "api-sessionbase-aget",
    "request.auser": "api-django-contrib-auth-middleware-auser",
    "transaction.atomic": "api-transaction-atomic",
}


def expected(query: str) -> set[str]:
    if query in BY_ROW:
        return {BY_ROW[query]}
    return {a["anchor"] for a in async_api.load_index()["apis"] if a["member"] == query}


def test_every_expected_row_exists():
    anchors = {a["anchor"] for a in async_api.load_index()["apis"]} | {"api-transaction-atomic"}
    for query in BY_MEMBER:
        assert expected(query), f"no API named {query} in docs/data/async_api.json: update BY_MEMBER"
    missing = sorted(set(BY_ROW.values()) - anchors)
    assert not missing, f"no row with anchor(s) {missing}: update BY_ROW"


@pytest.mark.parametrize("query", BY_MEMBER + list(BY_ROW))
def test_an_api_name_finds_its_row_among_the_first_three(shared_page, site_server, query):
    if shared_page.url == "about:blank":
        shared_page.goto(site_server.url)
    results = site_browser.search(shared_page, query, site_server)
    top = [r.path for r in results[:TOP]]
    print(f"\n{query!r}: " + "; ".join(f"{i + 1}. /{r.path} (score {r.score:.0f})" for i, r in enumerate(results[:TOP])))
    wanted = {PAGE + anchor for anchor in expected(query)}
    assert wanted & set(top), f"{query!r}: none of {sorted(wanted)[:5]} in the first {TOP} results {top}"
