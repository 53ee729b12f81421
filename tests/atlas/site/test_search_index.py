"""The site's search index (atlas/site/search_index.py) and its worker (docs/assets/javascripts/search-worker.js):
the index carries what a result shows and the weighted terms; the worker's tokenizer and stemmer are the
Python ones' twins; the worker answers in Material's message format."""
from __future__ import annotations

import json
import re
import subprocess
from collections import Counter

import pytest

from atlas.core.errors import DataError
from atlas.core.paths import DATA, DOCS
from atlas.site import search_index
from tests.support.tools import require_tool

WORKER = DOCS / "assets" / "javascripts" / "search-worker.js"


def material(*docs):
    return {"config": {"lang": ["en"]}, "docs": [dict(zip(("location", "title", "text"), doc)) for doc in docs]}


VOCABULARY = {"stop_words": ["async", "django"], "synonyms": [{"words": ["hang"], "means": ["deadlock"]}],
              "keywords": [{"at": ["faq/#orm"], "words": ["afilter"]}]}
SITE = material(
    ("faq/", "FAQ", "<p>Applies to Django 3.0 and later</p><p>Answers.</p>"),
    ("faq/#orm", "Can I use the ORM?", "<p>Yes: <code>aget</code> and <code>acount</code>. " + "More words. " * 30 + "</p>"),
    ("faq/#deadlock", "Why does my view deadlock?", "<p>Applies to: Django 4.1–6.1</p><p>A self call.</p>"),
    ("lab/x/#what", "What the numbers say¶", "<p>Threads.</p>"),
    ("versions/async-api/", "Async API index", "<p>All of them.</p>"),
    ("versions/async-api/#api-basecache-atouch", "BaseCache.atouch", "<p>Refresh the key's expiry, async</p>"),
)


APIS = [{"member": "atouch", "sync_twin": "touch", "anchor": "api-basecache-atouch", "since": "4.0"}]


def test_a_result_shows_a_clean_title_a_short_teaser_and_the_release_it_applies_from():
    built = search_index.build(SITE, VOCABULARY, APIS)
    docs = {doc["location"]: doc for doc in built["docs"]}
    assert docs["lab/x/#what"]["title"] == "What the numbers say"
    assert docs["faq/#deadlock"]["since"] == "4.1" and docs["faq/#deadlock"]["text"] == "A self call."
    assert docs["faq/"]["text"] == "Answers."
    assert docs["faq/#orm"]["since"] == "3.0"          # from its page
    assert docs["versions/async-api/#api-basecache-atouch"]["since"] == "4.0"   # from the API index
    assert len(docs["faq/#orm"]["text"]) <= search_index.TEASER + 2 and docs["faq/#orm"]["text"].endswith("…")


def test_the_postings_weigh_titles_keywords_and_an_async_name_s_sync_twin():
    built = search_index.build(SITE, VOCABULARY, APIS)
    postings = built["config"]["atlas"]["postings"]
    number = {doc["location"]: n for n, doc in enumerate(built["docs"])}

    def weight(term, location):
        pairs = postings[term]
        return dict(zip(pairs[::2], pairs[1::2])).get(number[location], 0)

    assert weight("touch", "versions/async-api/#api-basecache-atouch") == \
        weight("atouch", "versions/async-api/#api-basecache-atouch") > 0
    assert weight("afilter", "faq/#orm") == search_index.WEIGHTS["keywords"]
    assert weight("deadlock", "faq/#deadlock") > weight("deadlock", "faq/") == 0
    assert built["config"]["atlas"]["query"]["synonyms"] == [{"words": ["hang"], "means": ["deadlock"]}]


def test_stem_and_tokens():
    assert search_index.tokens("QuerySet.aget_or_create in 4.1") == \
        ["queryset", "aget", "or", "creat", "in", "4.1", "queryset.aget_or_create", "aget_or_create"]
    assert [search_index.stem(w) for w in ("notifications", "queries", "streaming", "class", "status", "sse")] == \
        ["notification", "query", "stream", "class", "status", "sse"]
    assert search_index.stem("upgrade") == search_index.stem("upgrading") == search_index.stem("upgraded") == "upgrad"
    assert search_index.stem("running") == search_index.stem("runs") == "run" and search_index.stem("stopped") == "stop"
    assert search_index.stem("added") == search_index.stem("adds") == "add" and search_index.stem("called") == "call"
    assert search_index.tokens("django-redis or redis") == ["django", "redis", "or", "redis", "django-redis"]


def run_worker(script: str, change: tuple[str, str] = ("", "")) -> str:
    """`script` after the worker's source (with `change[0]` replaced by `change[1]`, to run it without a rule)."""
    require_tool("node", "nodejs")
    source = WORKER.read_text(encoding="utf-8").replace(*change)
    prelude = "const posted = []; const self = globalThis; globalThis.postMessage = m => posted.push(m); " \
              "const handlers = []; globalThis.addEventListener = (t, h) => handlers.push(h);\n"
    # the script on stdin: as an argument, a long one (the question set's words) passes the system's limit
    done = subprocess.run(["node", "-"], input=prelude + source + "\n" + script, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def first_results(index: dict, queries: list[str], change: tuple[str, str] = ("", "")) -> list[str | None]:
    """Each query's first result (its location; None when nothing matched), from the worker on `index`."""
    out = run_worker(f"handlers[0]({{data: {{type: 0, data: {json.dumps(index)}}}}});\n"
                     f"for (const q of {json.dumps(queries)}) handlers[0]({{data: {{type: 2, data: q}}}});\n"
                     "process.stdout.write(JSON.stringify(posted));", change)
    _, *answers = json.loads(out)
    return [a["data"]["items"][0][0]["location"] if a["data"]["items"] else None for a in answers]


def first_result(index: dict, query: str, change: tuple[str, str] = ("", "")) -> str | None:
    return first_results(index, [query], change)[0]


def test_the_worker_tokenizes_and_stems_as_the_index_does():
    text = " ".join((DOCS / "faq" / "index.md").read_text(encoding="utf-8").split()[:4000])
    text += " " + (DATA / "search_questions.yml").read_text(encoding="utf-8")
    out = run_worker(f"process.stdout.write(JSON.stringify(words({json.dumps(text)}).map(stem)))")
    assert json.loads(out) == search_index.tokens(text)


def test_the_worker_answers_in_material_s_format_best_page_first():
    built = search_index.build(SITE, VOCABULARY, APIS)
    out = run_worker(
        f"handlers[0]({{data: {{type: 0, data: {json.dumps(built)}}}}});\n"
        "for (const q of ['hang', 'touch', 'afilter', 'async', 'zzzqq']) handlers[0]({data: {type: 2, data: q}});\n"
        "process.stdout.write(JSON.stringify(posted));")
    ready, *answers = json.loads(out)
    assert ready == {"type": 1}
    assert all(a["type"] == 3 and a["data"]["suggest"] == [] for a in answers)
    first = [a["data"]["items"][0][0]["location"] if a["data"]["items"] else None for a in answers]
    assert first == ["faq/#deadlock", "versions/async-api/#api-basecache-atouch", "faq/#orm",
                     "versions/async-api/", None]
    hang = answers[0]["data"]["items"][0]
    assert [doc["location"] for doc in hang] == ["faq/#deadlock", "faq/"] and hang[1]["score"] == 0
    assert "<b>Since Django 4.1</b>" in hang[0]["text"]
    assert answers[1]["data"]["items"][0][0]["terms"] == {"touch": True}
    assert re.search(r"<mark>Async</mark> API index", answers[3]["data"]["items"][0][0]["title"])


def test_readers_words_for_a_dated_section_of_the_changes_page_stop_the_build_with_the_fix():
    """Its sections are made from the git history: a scratch copy (no history) and next month's site have others."""
    site = material(("versions/changes/", "Changes", "<p>What changed.</p>"),
                    ("versions/changes/#2026-11-27", "2026-11-27", "<p>New APIs.</p>"))
    words = {**VOCABULARY, "sections": {"versions/changes/#2026-11-27": ["new apis"]}}
    with pytest.raises(DataError, match=r"search_vocabulary\.yml: sections: \['versions/changes/#2026-11-27'\]: the "
                                        r"Changes page's sections follow the git history .* give the words to the page"):
        search_index.build(site, words, APIS)
    search_index.build(site, {**VOCABULARY, "sections": {"versions/changes/": ["new apis"]}}, APIS)


@pytest.mark.build
def test_every_vocabulary_keyword_place_is_in_the_built_index(built_site):
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    vocabulary = search_index.load_vocabulary()
    missing = [place for entry in vocabulary.get("keywords", []) for place in entry["at"] if place not in locations]
    assert not missing, f"docs/data/search_vocabulary.yml keywords at places the site does not have: {missing}"
    assert "atlas" in index["config"] and len(index["docs"]) == len(index["config"]["atlas"]["lengths"])


def test_readers_words_for_a_section_index_it_and_find_it_where_its_own_text_does_not():
    site = material(("lab/", "Lab", "<p>Benchmarks.</p>"),
                    ("lab/#gil", "What the GIL limits", "<p>One thread runs Python code at a time.</p>"),
                    ("lab/#tasks", "What a task costs", "<p>A task takes about 1 KiB; one core runs them.</p>"))
    words = {**VOCABULARY, "sections": {"lab/#gil": ["one core", "multiple cores"]}}

    built = search_index.build(site, words, [])
    postings = built["config"]["atlas"]["postings"]
    assert dict(zip(postings["multipl"][::2], postings["multipl"][1::2])) == {1: search_index.WEIGHTS["asked"]}
    assert first_result(built, "multiple cores") == "lab/#gil"
    assert first_result(search_index.build(site, VOCABULARY, []), "multiple cores") == "lab/#tasks"  # without


def test_readers_words_for_a_section_the_site_does_not_have_stop_the_build_with_the_fix():
    words = {**VOCABULARY, "sections": {"faq/#orm": ["database"], "faq/#gone": ["stuck"]}}
    with pytest.raises(DataError, match=r"search_vocabulary\.yml: sections: no section of the site is at \['faq/#gone'\]"
                                        r" — use a location as the search index names it"):
        search_index.build(SITE, words, APIS)


@pytest.mark.build
def test_every_section_a_reader_looks_for_has_readers_words(built_site):
    """Each page and section of the reader pages has its readers' words in docs/data/search_vocabulary.yml
    (`sections:`), but the API index's entries (their names are the words), the Changes page's sections (made
    from the git history: the page's words stand for them) and the sections whose title recurs on three pages
    or more ("Sources", "How to run it": the page's words stand for them)."""
    docs = json.loads((built_site.site / "search" / "search_index.json").read_text())["docs"]
    shared = Counter(doc["title"] for doc in docs)
    asked = search_index.load_vocabulary().get("sections", {})
    missing = [doc["location"] for doc in docs if doc["location"] not in asked
               and not doc["location"].startswith((search_index.API_PAGE + "#", search_index.CHANGES_PAGE + "#",
                                                   "contributing/"))
               and shared[doc["title"]] < search_index.GENERIC]
    assert not missing, ("sections without readers' words in docs/data/search_vocabulary.yml (sections:): "
                         f"{missing}; read each and write how readers ask for what it answers")


def test_an_api_entry_is_found_by_the_call_as_readers_write_it_on_the_object_they_hold():
    site = material(("versions/async-api/", "Async API index", "<p>All of them.</p>"),
                    ("versions/async-api/#api-basecache-aget", "BaseCache.aget", "<p>Fetch a key.</p>"),
                    ("versions/async-api/#api-sessionbase-aget", "SessionBase.aget", "<p>Read a key.</p>"),
                    ("faq/#cache", "Is the cache async?", "<p>Since 4.0 the cache has a-methods; the session since 5.1.</p>"))
    apis = [{"member": "aget", "sync_twin": "get", "anchor": "api-basecache-aget", "since": "4.0"},
            {"member": "aget", "sync_twin": "get", "anchor": "api-sessionbase-aget", "since": "5.1"}]
    words = {**VOCABULARY, "stop_words": ["async", "django", "get"],
             "holders": {"BaseCache": ["cache"], "SessionBase": ["session"]}}
    assert search_index.words("request.session.get")[-2:] == ["request.session.get", "session.get"]

    built = search_index.build(site, words, apis)
    assert first_result(built, "cache.get") == "versions/async-api/#api-basecache-aget"
    assert first_result(built, "request.session.get()") == "versions/async-api/#api-sessionbase-aget"
    assert first_result(search_index.build(site, VOCABULARY, apis), "cache.get") == "faq/#cache"        # without holders


def test_a_release_the_query_names_or_asks_for_weighs_its_own_page_more():
    site = material(("faq/", "FAQ", "<p>Questions.</p>"),
                    ("faq/#streaming", "Iterators", "<p>Streaming responses take async iterators from 4.2.</p>"),
                    ("versions/4.2/", "Django 4.2", "<p>A release.</p>"),
                    ("versions/4.2/#what-it-adds", "What it adds", "<p>Streaming responses take async iterators"
                     + ", and more" * 4 + ".</p>"))
    built = search_index.build(site, VOCABULARY, [])

    def first(query, change=("", ""), index=built):
        return first_result(index, query, change)

    assert first("streaming responses in 4.2") == "versions/4.2/#what-it-adds"
    assert first("streaming responses in 4.2", ("const RELEASE = 2;", "const RELEASE = 1;")) == "faq/#streaming"
    assert first("streaming responses") == "faq/#streaming"
    # a query that asks which release, without naming one
    asks = search_index.build(site, {**VOCABULARY, "asks_release": ["since when"]}, [])
    assert first("since when are streaming responses async", index=asks) == "versions/4.2/#what-it-adds"
    assert first("since when are streaming responses async") == "faq/#streaming"


def test_a_query_asking_what_a_word_means_weighs_the_glossary_more():
    site = material(("faq/", "FAQ", "<p>Questions.</p>"),
                    ("faq/#loop", "Event loop blocked", "<p>The event loop stops while a view blocks it.</p>"),
                    ("faq/glossary/", "Glossary", "<p>Words.</p>"),
                    ("faq/glossary/#event-loop", "Event loop", "<p>What runs coroutines, one at a time, switching"
                     + " between them" * 6 + ".</p>"))

    def first(query, vocabulary):
        return first_result(search_index.build(site, vocabulary, []), query)

    asks = {**VOCABULARY, "stop_words": ["what", "is", "an"], "asks_meaning": ["what is"]}
    assert first("what is an event loop", asks) == "faq/glossary/#event-loop"
    assert first("what is an event loop", {**asks, "asks_meaning": []}) == "faq/#loop"
    assert first("event loop blocked", asks) == "faq/#loop"
    # the words of the question's form are no topic: "counts" does not bring up a section about counting
    site["docs"].append({"location": "faq/#counts", "title": "Event counts", "text": "<p>How many events a loop counts.</p>"})
    assert first("what counts as an event loop", {**asks, "asks_meaning": ["what counts as"]}) == "faq/glossary/#event-loop"


def test_an_error_s_entry_and_the_release_matrix_weigh_less_than_a_reader_page():
    site = material(("faq/errors/#channels-layer", "'NoneType' object has no attribute 'group_add'", "<p>No layer.</p>"),
                    ("versions/matrix/#details", "Details", "<p>Chat.</p>"), ("faq/#chat", "Chat", "<p>Yes.</p>"))
    ranks = [doc.get("rank", 1) for doc in search_index.build(site, VOCABULARY, [])["docs"]]
    assert ranks == [search_index.KINDS["faq/errors/#"], search_index.KINDS["versions/matrix/"], 1] and max(ranks[:2]) < 1


def test_the_contributors_guide_comes_after_a_reader_page_that_says_the_same():
    site = material(("contributing/#tests", "Async tests", "<p>How they run.</p>"),
                    ("faq/#testing", "Async tests", "<p>How they run.</p>"))
    built = search_index.build(site, VOCABULARY, [])
    assert [doc.get("rank", 1) for doc in built["docs"]] == [search_index.CONTRIBUTORS, 1]
    out = run_worker(f"handlers[0]({{data: {{type: 0, data: {json.dumps(built)}}}}});\n"
                     "handlers[0]({data: {type: 2, data: 'async tests'}});\nprocess.stdout.write(JSON.stringify(posted));")
    assert [group[0]["location"] for group in json.loads(out)[1]["data"]["items"]] == ["faq/#testing", "contributing/#tests"]


def test_an_api_entry_is_about_its_member_and_a_module_s_function_wins_a_tie():
    site = material(("versions/async-api/#api-clientmixin-alogout", "ClientMixin.alogout", "<p>Log out.</p>"),
                    ("versions/async-api/#api-django-contrib-auth-alogout", "django.contrib.auth.alogout", "<p>Log out.</p>"))
    built = search_index.build(site, VOCABULARY, [])
    postings = built["config"]["atlas"]["postings"]
    assert postings["alogout"][1] == postings["alogout"][3]         # the same weight for the member
    assert dict(zip(postings["contrib"][::2], postings["contrib"][1::2])) == {1: search_index.WEIGHTS["owner"]}
    assert [doc.get("rank", 1) for doc in built["docs"]] == [1, search_index.MODULE_FUNCTION]


def test_the_worker_reads_phrases_names_and_pages_as_a_reader_means_them():
    vocabulary = {"stop_words": ["async", "django", "what", "can", "do", "does", "in", "the", "a", "on"],
                  "synonyms": [{"words": ["notifications"], "means": ["server-sent events"]},
                               {"words": ["what can"], "means": ["use cases"]},
                               {"words": ["post_save"], "means": ["signals"]}]}
    site = material(
        ("sse/", "Server-sent events", "<p>Events sent by the server.</p>"),
        ("servers/", "Servers", "<p>Which server to run, and its settings.</p>"),
        ("cases/", "Use cases", "<p>What async buys.</p>"),
        ("faq/", "FAQ", "<p>Questions.</p>"),
        ("faq/#sleep", "What happens if I call time.sleep?", "<p>Django blocks.</p>"),
        ("signals/", "Signals", "<p>Receivers run after a model is saved.</p>"),
        ("posts/", "Save a post", "<p>Editing a post and saving it.</p>"),
        ("browser/", "Browser", "<p>The browser.</p>"),
        ("guide/", "A guide", "<p>Streaming responses.</p>"),
        ("guide/#browser", "What the browser does on a reconnect", "<p>The EventSource object reconnects.</p>"),
    )
    built = search_index.build(site, vocabulary, [])
    queries = ["notifications", "what can async django do", "post_save receiver", "streaming in the browser"]
    out = run_worker(f"handlers[0]({{data: {{type: 0, data: {json.dumps(built)}}}}});\n"
                     f"for (const q of {json.dumps(queries)}) handlers[0]({{data: {{type: 2, data: q}}}});\n"
                     "process.stdout.write(JSON.stringify(posted));")
    _, *answers = json.loads(out)
    pages = [[group[0]["location"].split("#")[0] for group in a["data"]["items"]] for a in answers]
    assert pages[0][0] == "sse/"        # "server-sent events" needs all its words: "server" alone is not it
    assert pages[1][0] == "cases/"      # a phrase of stop words still means something
    assert pages[2][0] == "signals/"    # post_save is one word: its parts "post" and "save" are not the question
    assert pages[3][0] == "guide/"      # "browser" in one section, "streaming" in another: the page has both


def test_a_pasted_error_message_finds_its_entry_though_the_heading_holds_only_its_first_part():
    """The error index's heading holds the message's first sentence and its quote is a code block, which
    Material leaves out: a reader who pastes the second sentence, or the exception's name, still lands on
    the entry, because the index takes the whole message from docs/data/errors.yml."""
    site = material(
        ("faq/errors/", "Error messages", "<p>Paste the message.</p>"),
        ("faq/errors/#e1", "The view didn't return an HttpResponse object", "<p>A decorator for sync views.</p>"),
        ("faq/#views", "How do I write a view?", "<p>Add a view and await what it needs; your view returns.</p>"),
    )
    errors = [{"id": "e1", "raised_as": "ValueError", "message": "The view x.y didn't return an "
               "HttpResponse object. It returned an unawaited coroutine instead. You may need to add an 'await' "
               "into your view."}]
    queries = ["You may need to add an 'await' into your view.", "ValueError unawaited coroutine"]
    assert first_results(search_index.build(site, VOCABULARY, [], errors), queries) == ["faq/errors/#e1"] * 2
    assert first_results(search_index.build(site, VOCABULARY, []), queries) == ["faq/#views", None]  # without the rule


def test_an_id_its_author_chose_indexes_its_words_and_a_title_s_slug_adds_nothing(monkeypatch):
    site = material(("faq/", "FAQ", "<p>Questions.</p>"),
                    ("faq/#blocking-call", "What happens if I call time.sleep()?", "<p>The loop stops.</p>"),
                    ("dash/", "Dashboards", "<p>Panels.</p>"),
                    ("dash/#the-blocks-of-a-dashboard", "The blocks of a dashboard", "<p>Each one calls an API.</p>"))
    assert search_index.chosen_id("faq/#blocking-call", "What happens if I call time.sleep()?") == "blocking-call"
    assert search_index.chosen_id("dash/#the-blocks-of-a-dashboard", "The blocks of a dashboard") == ""
    assert search_index.chosen_id("versions/async-api/#api-queryset-aget", "QuerySet.aget") == ""

    assert first_result(search_index.build(site, VOCABULARY, []), "blocking call") == "faq/#blocking-call"
    monkeypatch.setitem(search_index.WEIGHTS, "anchor", 0.0)
    assert first_result(search_index.build(site, VOCABULARY, []), "blocking call") == "dash/#the-blocks-of-a-dashboard"


def test_sections_of_a_page_that_tie_show_as_one_and_the_rest_fold_under_more_on_this_page():
    site = material(("api/", "API index", "<p>All of them.</p>"),
                    ("api/#file-acreate", "file.SessionStore.acreate", "<p>Create.</p>"),
                    ("api/#file-adelete", "file.SessionStore.adelete", "<p>Delete.</p>"),
                    ("uploads/", "Uploads", "<p>A file sent by a form.</p>"))
    built = search_index.build(site, VOCABULARY, [])
    out = run_worker(f"handlers[0]({{data: {{type: 0, data: {json.dumps(built)}}}}});\n"
                     "handlers[0]({data: {type: 2, data: 'file'}});\nprocess.stdout.write(JSON.stringify(posted));")
    api = next(group for group in json.loads(out)[1]["data"]["items"] if group[0]["location"].startswith("api/"))
    sections = [doc for doc in api if "#" in doc["location"]]
    assert len(sections) == 2 and sections[1]["score"] < sections[0]["score"]    # Material shows only the first
    assert sections[1]["score"] == pytest.approx(sections[0]["score"], rel=1e-5)    # only the tie factor, 1e-6, apart


def test_a_name_the_vocabulary_gives_is_one_term_of_the_site_as_of_the_query():
    vocabulary = {"stop_words": ["from"], "synonyms": [{"words": ["bulk insert"], "means": ["abulk_create"]}]}
    site = material(("api/#abulk-create", "QuerySet.abulk_create", "<p>Create many rows.</p>"),
                    ("learn/", "Create rows", "<p>Create and insert.</p>"))
    built = search_index.build(site, vocabulary, [])
    out = run_worker(f"handlers[0]({{data: {{type: 0, data: {json.dumps(built)}}}}});\n"
                     "process.stdout.write(JSON.stringify(concepts('bulk insert').map(c => [c.word, "
                     "Object.fromEntries(c.terms), c.phrases])));")
    for word, terms, phrases in json.loads(out):
        assert terms.get("abulk_create") == pytest.approx(0.7) and phrases == [], (word, terms, phrases)
