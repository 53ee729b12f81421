"""The site's search index, built from the one Material's search plugin writes (search/search_index.json),
for the site's own search worker (docs/assets/javascripts/search-worker.js), which Material's search box
talks to in place of its lunr worker.

Why an index of our own: Material's settings stop at a separator and three field boosts, so the words
readers type ("hang", "notifications", "touch") found nothing or the wrong page, every page matched
"async" and "django", and the index a phone downloads held every page's full text, which lunr then
indexed on the phone. Here, at build time, in plain Python:

* each document's title (without the heading's ¶), headings, tags, words and the reader words of
  docs/data/search_vocabulary.yml become weighted terms, in postings (term -> documents and weights);
* the ways readers ask for a section, written for every section in that file's `sections:` map (not
  learnt from failed questions, so they reach words no question has shown yet), index it below its
  title and above its text; a location the site does not have stops the build;
* an error's whole message and the exception it is raised as (docs/data/errors.yml) index its entry of
  the error index, whose heading holds only the message's first part and whose quote of it is a code
  block (left out of Material's index): readers paste the whole message, or its second sentence;
* a section whose id its author chose (`{ #blocking-call }`, not the slug of its title) also indexes the
  id's words: a FAQ entry's, an error's or a roadmap item's id names its topic in a word or two;
* an async API name also indexes its sync twin ("atouch" -> "touch", from docs/data/async_api.json), and a
  dotted or underscored name both whole and by its parts; an API entry's title weighs its member
  ("alogout") as a title and the class or module that holds it less ("owner");
* each document keeps only what a result shows: its title and its first sentence, with the release
  it applies from ("Since 4.1": an API's release, or the section's or page's "Applies to" line).

`tokens` and `stem` have a twin in the worker: tests/site/test_search_index.py runs both on the site's
words and compares them.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from atlas.core import datafile
from atlas.core.errors import DataError
from atlas.core.paths import DATA, relative
from atlas.data import async_api
from atlas.data.error_index import load_errors
from atlas.site.changes import PAGE_PATH as CHANGES_SOURCE

VOCABULARY = DATA / "search_vocabulary.yml"
CHANGES_PAGE = CHANGES_SOURCE.removesuffix(".md") + "/"   # made from the data files' git history
API_PAGE = "versions/async-api/"
ERRORS_PAGE = "faq/errors/"
# How much a word counts where it stands (tuned on the question set's tuning data: tuned and spent parts)
WEIGHTS = {"title": 12.0, "keywords": 8.0, "asked": 4.0, "held": 12.0, "owner": 4.0, "page": 2.0, "tags": 6.0, "text": 1.0, "message": 2.0, "anchor": 1.0}
TITLE_WORDS, TITLE_DAMPING = 2, 0.5     # a title of more words than 2 weighs each (2 / words) ** 0.5
GENERIC, GENERIC_TITLE = 3, 0.3     # a section title on 3 pages or more weighs 0.3, its page's title as much
BOOST = 0.1                  # a page's front-matter search boost of 2 multiplies its score by 1.1
REFERENCE_TITLES, REFERENCES = {"Sources"}, 0.4   # a list of sources repeats every title it cites: x 0.4
MODULE_FUNCTION = 1.03       # a near tie "alogout": django.contrib.auth.alogout, a function readers call, over a
                             # class's method of the same name (ClientMixin.alogout, whose text says it once more)
CONTRIBUTING_PAGE, CONTRIBUTORS = "contributing/", 0.5    # how the site is built: for contributors, not
                                                          # readers, though it says every topic's words
# kinds of section that match the common words of many queries without being what they ask for: an error's
# entry holds its message's words ("channels", "event loop"; a pasted message matches it on all its words
# anyway); the release matrix and the site's change log sum up other pages in a line each
KINDS = {ERRORS_PAGE + "#": 0.8, "versions/matrix/": 0.8, CHANGES_PAGE: 0.8}
TEASER = 170                 # characters of a result's text
TOKEN = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+")
# django.tasks, sync_to_async, a package django-redis: also kept whole
NAME = re.compile(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)+|django(?:-[a-z0-9]+)+")
TAG = re.compile(r"<[^>]+>")
DOUBLED = re.compile(r"([bdgmnpt])\1$")
APPLIES = re.compile(r"Applies to:? Django (\d+\.\d+)")
APPLIES_PARAGRAPH = re.compile(r"<p>\s*Applies to.*?</p>", re.DOTALL)


def undouble(word: str) -> str:
    """running, stopped -> run, stop (added -> add)."""
    return word[:-1] if len(word) > 3 and DOUBLED.search(word) else word


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing/-ed (and the consonant they double) and a final e, so
    "notifications" finds "notification" and "running" finds "run"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = undouble(word[:-3])
    elif word.endswith("ed") and len(word) > 4:
        word = undouble(word[:-2])
    if word.endswith("e") and len(word) > 4:       # upgrade, upgrading -> upgrad
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased words and version numbers ("4.1"); a dotted or underscored name also whole, after its
    parts: "QuerySet.aget_or_create" gives queryset, aget, or, create, queryset.aget_or_create, aget_or_create;
    a name of three dotted parts or more also its last two: "request.session.get" holds session.get."""
    text = text.lower()
    names = NAME.findall(text)
    # a dotted name's underscored parts whole too: Signal.asend_robust holds asend_robust
    return TOKEN.findall(text) + names + [part for name in names if "." in name
                                          for part in name.split(".") if "_" in part] \
        + [".".join(name.split(".")[-2:]) for name in names if name.count(".") >= 2]


def tokens(text: str) -> list[str]:
    """words(), stemmed."""
    return [stem(t) for t in words(text)]


def plain(text: str) -> str:
    return html.unescape(TAG.sub(" ", text)).replace("¶", "").strip()


def load_vocabulary(path: Path = VOCABULARY) -> dict:
    data = datafile.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data or {}


def teaser(html_text: str) -> str:
    """The first sentence or two, as a result shows it: without the "Applies to" paragraph, whose
    release the result shows apart."""
    body = re.sub(r"\s+", " ", plain(APPLIES_PARAGRAPH.sub(" ", html_text, count=1)))
    body = re.sub(r"\(\s+", "(", re.sub(r"\s+([,.;:!?)])", r"\1", body)).strip()
    if len(body) <= TEASER:
        return body
    cut = body.rfind(" ", 0, TEASER)
    return body[:cut if cut > 0 else TEASER] + " …"


def slug(title: str) -> str:
    """The id Python-Markdown's toc gives a heading: lower case, words joined by hyphens."""
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", title.lower())).strip("-")


def chosen_id(location: str, title: str) -> str:
    """A section's id when its author chose it (it is not its title's slug), else "". The API index's
    ids are made from the names its titles already hold."""
    anchor = location.partition("#")[2]
    if not anchor or location.startswith(API_PAGE) or anchor == slug(title):
        return ""
    return anchor


def since(location: str, text: str, page_since: dict[str, str]) -> str | None:
    found = APPLIES.search(text)
    if found:
        return found[1]
    return page_since.get(location.split("#", 1)[0])


def api_facts(apis: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """From the async API index (docs/data/async_api.json): each async name's sync twin (atouch ->
    touch), and each API entry's release ('versions/async-api/#api-basecache-atouch' -> '4.0')."""
    twins = {api["member"].lower(): api["sync_twin"].lower() for api in apis if api.get("sync_twin")}
    since = {f"{API_PAGE}#{api['anchor']}": api["since"] for api in apis if api.get("since")}
    return twins, since


def build(material: dict, vocabulary: dict, apis: list[dict] = (), errors: list[dict] = ()) -> dict:
    """The site's index: {"config" (with "atlas": postings, lengths, query words), "docs" (location,
    title, text, since, rank: the factor its score is multiplied by)}. `errors`: the error index's
    entries ({"id", "message", "raised_as"}), whose messages index their sections."""
    docs = material["docs"]
    pages = {d["location"]: d for d in docs if "#" not in d["location"]}
    page_since = {loc: found[1] for loc, d in pages.items() if (found := APPLIES.search(plain(d["text"])))}
    keywords: dict[str, list[str]] = defaultdict(list)
    for entry in vocabulary.get("keywords", []):
        for location in entry["at"]:
            keywords[location] += entry["words"]
    asked = vocabulary.get("sections", {})
    dated = [location for location in asked if location.startswith(f"{CHANGES_PAGE}#")]
    if dated:
        raise DataError(f"{relative(VOCABULARY)}: sections: {dated}: the Changes page's sections follow the git "
                        "history (a scratch copy or next month's build has others); give the words to the page, "
                        f"'{CHANGES_PAGE}'")
    unknown = [location for location in asked if location not in {d["location"] for d in docs}]
    if unknown:
        raise DataError(f"{relative(VOCABULARY)}: sections: no section of the site is at {unknown} — use a location "
                        "as the search index names it (a page 'faq/', a section 'faq/#gil': its page's path, '#' "
                        "and the heading's id), or remove the entry if the section is gone")
    bodies = [plain(d["text"]) for d in docs]
    messages = {f"{ERRORS_PAGE}#{e['id']}": f"{e['raised_as']} {e['message']}" for e in errors}
    parts, api_since = api_facts(list(apis))
    holders = vocabulary.get("holders", {})

    def expand(text: str) -> list[str]:
        out = []
        for word in words(text):
            out.append(stem(word))
            if word in parts:
                out.append(stem(parts[word]))
        return out

    def api_title(name: str) -> tuple[list[str], list[str], list[str]]:
        """An API entry's title as (its member's terms and the whole name, its owner's terms): in
        "django.contrib.auth.alogout" or "ClientMixin.alogout" the entry is about alogout; the class or
        module that holds it only tells the entries apart."""
        owner_name, dot, member = name.rpartition(".")
        if not dot or "(" in name or " " in name:
            return expand(name), [], []
        whole = [stem(w) for w in NAME.findall(name.lower())]
        # how readers write the call: the object they hold, then the name ("cache.get" for BaseCache.aget);
        # and a long name's last two parts, as a query of it also gives them ("auth.alogout")
        held = [f"{holder}.{name}" for holder in holders.get(owner_name.rpartition(".")[2], [])
                for name in (member.lower(), parts.get(member.lower())) if name]
        held += [".".join(w.split(".")[-2:]) for w in whole if w.count(".") >= 2]
        return expand(member) + whole, expand(owner_name), held

    stop = {stem(w) for w in vocabulary.get("stop_words", [])}
    shared = Counter(plain(d["title"]) for d in docs)
    postings: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    lengths = []
    out_docs = []
    for number, (doc, body) in enumerate(zip(docs, bodies)):
        title = plain(doc["title"])
        location = doc["location"]
        page = pages.get(location.split("#", 1)[0])
        title_terms, owner, held = api_title(title) if location.startswith(API_PAGE + "#api-") else (expand(title), [], [])
        fields = {"title": title_terms, "owner": owner, "keywords": expand(" ".join(keywords.get(location, []))),
                  "asked": expand(" ".join(asked.get(location, []))), "held": held,
                  "page": expand(plain(page["title"])) if page and page is not doc else [],
                  "tags": expand(" ".join(doc.get("tags", []))), "text": expand(body),
                  "message": expand(messages.get(location, "")),
                  "anchor": expand(chosen_id(location, title).replace("-", " "))}
        length = 0.0
        # a word of a short title says more than one of a long title: "QuerySet.aget" over "aget_user"
        said = [t for t in fields["title"] if t not in stop] or fields["title"]
        short = {"title": (TITLE_WORDS / max(TITLE_WORDS, len(said))) ** TITLE_DAMPING}
        if shared[title] >= GENERIC:      # "Sources", "The code": the page's title says which
            short = {"title": GENERIC_TITLE, "page": WEIGHTS["title"] / WEIGHTS["page"] * GENERIC_TITLE}
        for field, terms in fields.items():
            for term, count in Counter(terms).items():
                postings[term][number] += WEIGHTS[field] * short.get(field, 1.0) * count
            length += len(terms) if field == "text" else 0
        lengths.append(round(length))
        entry = {"location": location, "title": title, "text": teaser(doc["text"])}
        release = api_since.get(location) or since(location, body, page_since)
        if release:
            entry["since"] = release
        rank = (1 + BOOST * (doc.get("boost", 1) - 1)) * (REFERENCES if title in REFERENCE_TITLES else 1) \
            * (MODULE_FUNCTION if location.startswith(API_PAGE + "#api-django-") else 1) \
            * (CONTRIBUTORS if location.startswith(CONTRIBUTING_PAGE) else 1)
        rank *= next((factor for kind, factor in KINDS.items() if location.startswith(kind)), 1)
        if rank != 1:
            entry["rank"] = round(rank, 2)
        out_docs.append(entry)
    index = {term: [x for number, weight in sorted(found.items()) for x in (number, round(weight, 1))]
             for term, found in sorted(postings.items())}
    query = {"stop_words": sorted(vocabulary.get("stop_words", [])), "asks_release": vocabulary.get("asks_release", []),
             "asks_meaning": vocabulary.get("asks_meaning", []),
             "synonyms": [{"words": e["words"], "means": e["means"]} for e in vocabulary.get("synonyms", [])]}
    # Material's page script hands the worker `config` and `docs` only: the postings ride in `config`
    return {"config": {**material["config"], "atlas": {"postings": index, "lengths": lengths, "query": query}},
            "docs": out_docs}


def rewrite(site: Path, vocabulary_path: Path = VOCABULARY) -> None:
    """Replace the site's search/search_index.json with the index of this module."""
    path = site / "search" / "search_index.json"
    if not path.exists():
        return
    material = json.loads(path.read_text(encoding="utf-8"))
    if "atlas" in material["config"]:
        return                  # already rewritten (a serve rebuild that kept the file)
    errors = [{"id": e.id, "message": e.message, "raised_as": e.raised_as} for e in load_errors()]
    built = build(material, load_vocabulary(vocabulary_path), async_api.load_index()["apis"], errors)
    path.write_text(json.dumps(built, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

