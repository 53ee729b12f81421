"""What each release did before a change: for every async-related versionadded/versionchanged/deprecated
directive of Django 3.0–6.1 (the items of atlas/collect/async_docs_coverage.py), the previous release's
side of it, collected rather than written:

* its docs: the previous release's text for the same API (the object directive the change sits under,
  found by name in the same file) or, failing that, for the same section;
* what it raised: the change's a-prefixed APIs looked up, a view decorator put on an async view and
  requested through the test client, and the change's capability probe run, in the previous release's own
  environment (atlas/in_release/probe_runner.py, cached under .cache/async-before/);
* the workaround its readers had: the sync twin (when the previous release has it) through sync_to_async(),
  or staying synchronous and reaching async code with async_to_sync(), each with the line of the previous
  release's docs/topics/async.txt that documents the adapter.

`python3 dev.py before` writes docs/data/async_before.json; tests/atlas/collect/test_async_before.py
compares it with a fresh collection.
"""
from __future__ import annotations

import json
import re

from atlas.collect import async_docs_coverage as coverage
from atlas.collect import rst
from atlas.core.paths import CACHE, IN_RELEASE
from atlas.data import async_api
from atlas.data.async_before import DATA_FILE, load  # noqa: F401 - the data file's one loader
from atlas.data.versions_data import Release, load_capabilities, load_releases

A_CALL = re.compile(r"\b(a[a-z][a-z_]*)\(")  # an a-prefixed name called in the directive's text

RUNNER = IN_RELEASE / "probe_runner.py"
ABOUT = ("For each async-related versionadded/versionchanged/deprecated directive of Django's docs, what the "
         "previous release did: its docs for the same API or section, what the change's APIs and capability "
         "probe raised when run on it, and the workaround it documents; regenerate with `python3 dev.py before`.")
ADAPTER = re.compile(r"^\.\. function:: (sync_to_async|async_to_sync)\(")
SNIPPET = 400  # characters of the previous release's text kept: enough to say what it did


def target_of(lines: list[str], number: int) -> dict:
    """The API and section a directive at `number` belongs to: the object directive(s) above it at a smaller
    indent (`.. method:: get()` followed by `.. method:: aget()`), and the nearest section title."""
    indent = len(lines[number]) - len(lines[number].lstrip())
    heads = rst.headings(lines)
    section = next((rst.plain(heads[n][1]) for n in range(number, -1, -1) if n in heads), "")
    names: list[str] = []
    kind = ""
    for n in range(number - 1, -1, -1):
        if n in heads:
            break
        match = rst.OBJECT.match(lines[n])
        if match and len(match["indent"]) < indent:
            kind = match["kind"]
            m = n
            while m >= 0 and rst.OBJECT.match(lines[m]) and len(rst.OBJECT.match(lines[m])["indent"]) == len(match["indent"]):
                m -= 1
            group = [rst.OBJECT.match(lines[k]) for k in range(m + 1, len(lines)) if rst.OBJECT.match(lines[k])]
            for g in group:
                if len(g["indent"]) != len(match["indent"]):
                    break
                names.append(re.split(r"[(\s]", g["signature"], maxsplit=1)[0])
                if g["signature"] == match["signature"]:
                    break
            break
    # sync names first: the previous release documents get(), not aget()
    names = list(dict.fromkeys(names))
    names.sort(key=lambda name: name[1:] in names)
    return {"kind": kind, "names": names, "section": section}


def previous_docs(files: dict[str, str], file: str, target: dict) -> dict | None:
    """The previous release's text for the target: the first paragraph of the same object directive's body,
    else of the same section; None when its docs have neither."""
    text = files.get(file)
    if text is None:
        return None
    lines = text.split("\n")
    for name in target["names"]:
        for n, line in enumerate(lines):
            match = rst.OBJECT.match(line)
            if match and match["kind"] == target["kind"] and re.split(r"[(\s]", match["signature"], maxsplit=1)[0] == name:
                end = next((k for k in range(n + 1, len(lines)) if lines[k].strip() and
                            len(lines[k]) - len(lines[k].lstrip()) <= len(match["indent"])
                            and not rst.OBJECT.match(lines[k])), len(lines))
                found = rst.paragraphs(lines, n + 1, end)
                if found:
                    return {"file": file, "line": found[0][0] + 1, "about": f"{name}()", "text": _clip(found[0][1])}
    for n, (_level, title) in sorted(rst.headings(lines).items()):
        if rst.plain(title) == target["section"]:
            found = rst.paragraphs(lines, n + 2, _section_end(lines, n))
            if found:
                return {"file": file, "line": found[0][0] + 1, "about": target["section"],
                        "text": _clip(found[0][1])}
    return None


def _section_end(lines: list[str], title: int) -> int:
    heads = rst.headings(lines)
    level = heads[title][0]
    return next((n for n in sorted(heads) if n > title and heads[n][0] <= level), len(lines))


def _stable(error: str | None) -> str | None:
    """An error as the data keeps it: object addresses (`at 0x7f49...`) differ from run to run."""
    return re.sub(r" at 0x[0-9a-f]+", "", error) if error else error


def _clip(text: str) -> str:
    return text if len(text) <= SNIPPET else text[:SNIPPET].rsplit(" ", 1)[0] + " …"


def adapters(files: dict[str, str]) -> dict[str, int]:
    """{adapter name: line} of the adapters the release's docs/topics/async.txt documents."""
    found = {}
    for n, line in enumerate(files.get("docs/topics/async.txt", "").split("\n")):
        match = ADAPTER.match(line)
        if match:
            found.setdefault(match[1], n + 1)
    return found


def attribute_probe(dotted: str) -> str:
    """Probe code that looks `dotted` up the way a reader's import and attribute access would."""
    return ("import importlib\n"
            f"_parts = {dotted!r}.split('.')\n"
            "for _i in range(len(_parts) - 1, 0, -1):\n"
            "    try:\n"
            "        _obj = importlib.import_module('.'.join(_parts[:_i]))\n"
            "        break\n"
            "    except ImportError:\n"
            "        continue\n"
            "for _name in _parts[_i:]:\n"
            "    _obj = getattr(_obj, _name)\n")


DECORATOR_MODULES = ("django.views.decorators.csrf", "django.views.decorators.http", "django.views.decorators.cache",
                     "django.views.decorators.vary", "django.views.decorators.gzip", "django.views.decorators.common",
                     "django.views.decorators.clickjacking")
# the arguments a decorator factory needs before it takes the view
DECORATOR_ARGS = {"require_http_methods": '(["GET"])', "cache_control": "(max_age=60)",
                  "vary_on_headers": '("Accept-Language")', "last_modified": "(lambda request: None)",
                  "etag": "(lambda request: None)", "condition": "()"}


def decorator_of(item, target: dict) -> str | None:
    """The view decorator a directive is about: the function it sits under, the first it names, or the one
    its section is about ("The login_required decorator")."""
    named = target["names"] or re.findall(r"``@(\w+)``", item.text) or \
        re.findall(r"^The (\w+) decorator$", target["section"])
    return named[0] if named else None


AUTH_DECORATOR_ARGS = {"user_passes_test": "(lambda user: True)", "permission_required": '("auth.view_group")'}


def auth_decorator_probe(name: str) -> str:
    """Probe code: an async view wrapped in an auth decorator, called for a signed-in user with every
    permission, its result checked the way Django's handler checks a view's (BaseHandler.check_response)."""
    return ("import asyncio\n"
            "from asgiref.sync import iscoroutinefunction\n"
            "from django.contrib.auth import decorators\n"
            "from django.core.handlers.base import BaseHandler\n"
            "from django.http import HttpResponse\n"
            "from django.test import RequestFactory\n"
            "class SignedIn:\n"
            "    is_authenticated = is_active = True\n"
            "    def has_perm(self, perm, obj=None):\n"
            "        return True\n"
            "    def has_perms(self, perms, obj=None):\n"
            "        return True\n"
            "    async def ahas_perms(self, perms, obj=None):\n"
            "        return True\n"
            "async def async_view(request):\n"
            "    return HttpResponse(b'ok')\n"
            f"view = getattr(decorators, {name!r}){AUTH_DECORATOR_ARGS.get(name, '')}(async_view)\n"
            "request = RequestFactory().get('/')\n"
            "request.user = SignedIn()\n"
            "async def auser():\n"
            "    return request.user\n"
            "request.auser = auser   # what AuthenticationMiddleware sets from 5.0 on\n"
            "response = run(view(request)) if iscoroutinefunction(view) else view(request)\n"
            "BaseHandler().check_response(response, view)\n")


def decorator_probe(name: str) -> str:
    """Probe code: an async view wrapped in the decorator `name`, requested through Django's test client, as a
    reader's project would serve it."""
    return ("import importlib\n"
            "from django.http import HttpResponse\n"
            "from django.test import Client\n"
            "from django.urls import clear_url_caches, path\n"
            f"for _module in {DECORATOR_MODULES!r}:\n"
            "    _module = importlib.import_module(_module)\n"
            f"    if hasattr(_module, {name!r}):\n"
            f"        decorator = getattr(_module, {name!r}){DECORATOR_ARGS.get(name, '')}\n"
            "        break\n"
            "async def async_view(request):\n"
            "    return HttpResponse(b'ok')\n"
            f"probe_urls.urlpatterns.append(path('decorated-{name}/', decorator(async_view)))\n"
            "clear_url_caches()\n"
            f"response = Client().{'post' if name == 'require_POST' else 'get'}('/decorated-{name}/')\n"
            "assert response.status_code == 200, response.status_code\n")


# capabilities whose directives each name one view decorator: how to try that decorator on an async view
DECORATOR_PROBES = {"async-view-decorators": decorator_probe, "async-auth-decorators": auth_decorator_probe}


def apis_of(item: coverage.Item, capability: str | None, target: dict, index: dict) -> list[dict]:
    """The a-prefixed APIs the directive names that are new in its release: those that fit its place best
    (a function under `.. function::`, a method of the class it documents, its capability's), defined
    there rather than inherited or generated (QuerySet.aget, not Manager.aget)."""
    named = set(A_CALL.findall(item.text)) | set(re.findall(r"``(a\w+)\(\)``", item.text))
    new = [a for a in index["apis"] if a["member"] in named and a["since"] == item.release]
    owners = {name.rsplit(".", 1)[0] for name in target["names"] if "." in name}

    def fit(api: dict) -> tuple:
        owner = _owner(api).rsplit(".", 1)[-1]
        return ((api["kind"] == "function") == (target["kind"] == "function"),
                any(owner.startswith(o) for o in owners), api["capability"] == capability)

    best = [a for a in new if fit(a) == max(map(fit, new))] if new else []
    own = [a for a in best if not a["overrides"] and not a["built_by"]]
    return sorted(own or best, key=lambda a: a["name"])


def _owner(api: dict) -> str:
    return api["name"][: -len(api["member"]) - 1]


def collect(releases: list[Release] | None = None) -> dict:
    """The whole data file, collected from the sdists and the previous releases' environments."""
    from atlas.collect.environments import cached_run
    from atlas.collect.sdists import _sdist_files, sdist_paths

    releases = releases or load_releases()
    rules = coverage.load_rules()
    capabilities = load_capabilities()
    probes = {c.id: c.probe for c in capabilities if c.probe}
    index = async_api.load_index()
    sdists = sdist_paths(releases)
    twins = {a["member"]: a["sync_twin"] for a in index["apis"] if a["sync_twin"]}
    records = []
    for before, release in zip(releases, releases[1:]):
        files, old = _sdist_files(str(sdists[release.version])), _sdist_files(str(sdists[before.version]))
        items = [i for i in coverage.items_of(release, files) if i.kind != "release-note"]
        if not items:
            continue
        planned = []
        wanted: dict[str, str] = {}
        for item in items:
            capability, _exclusion, _how = coverage.cover(item, rules, capabilities, index)
            target = target_of(files[item.file].split("\n"), item.line - 1)
            apis = apis_of(item, capability, target, index)
            for api in apis:
                wanted[f"api:{api['name']}"] = attribute_probe(api["name"])
                if api["sync_twin"]:
                    wanted[f"api:{_owner(api)}.{api['sync_twin']}"] = attribute_probe(f"{_owner(api)}.{api['sync_twin']}")
            if capability in probes:
                wanted[f"capability:{capability}"] = probes[capability]
            decorator = decorator_of(item, target) if capability in DECORATOR_PROBES else None
            if decorator:
                wanted[f"decorator:{decorator}"] = DECORATOR_PROBES[capability](decorator)
            planned.append((item, capability, apis, target))
        payload = json.dumps({"probes": [{"id": k, "code": v} for k, v in sorted(wanted.items())]})
        ran = cached_run(before, RUNNER, (), payload, CACHE / "async-before" / f"{before.version}.json",
                         what="before-probes", timeout=600)["results"]
        documented = adapters(old)
        for item, capability, apis, target in planned:
            records.append(_record(item, capability, apis, target, before, old, ran, documented, twins))
    return {"$schema": "schemas/async_before.schema.json", "about": ABOUT, "directives": records}


MISSING = re.compile(r"'(?P<owner>\w+)' (?:object|object of type)? ?has no attribute '(?P<member>a\w+)'|"
                     r"type object '(?P<type>\w+)' has no attribute '(?P<tmember>a\w+)'")


def _record(item, capability, apis, target, before: Release, old: dict, ran: dict, documented: dict,
            twins: dict[str, str]) -> dict:
    docs = previous_docs(old, item.file, target)
    # an API whose owner cannot be imported by name (a related manager is built at run time) is not looked
    # up: the capability's probe shows what the previous release did instead
    looked = [a for a in apis if f"'{a['member']}'" in (ran[f"api:{a['name']}"]["error"] or "")]
    raised = [{"what": a["short"], "by": "lookup", "error": ran[f"api:{a['name']}"]["error"]} for a in looked]
    decorator = decorator_of(item, target) if capability in DECORATOR_PROBES else None
    decorated = f"decorator:{decorator}"
    if decorated in ran:   # the decorator itself, on an async view, served by the test client
        raised.append({"what": f"@{decorator} on an async view", "by": "request",
                       "error": _stable(ran[decorated]["error"])})
    elif not looked and f"capability:{capability}" in ran:
        raised.append({"what": f"probe {capability}", "by": "probe", "error": _stable(ran[f"capability:{capability}"]["error"])})
    calls = sorted({_twin_call(a) for a in apis if a["sync_twin"] and (
        ran.get(f"api:{_owner(a)}.{a['sync_twin']}", {}).get("ok") or (docs and docs["about"] == f"{a['sync_twin']}()"))})
    if not calls:   # the probe found an a-method missing: its sync twin is the workaround
        for entry in raised:
            match = MISSING.search(entry["error"] or "")
            if match:
                member = match["member"] or match["tmember"]
                calls.append(f"{match['owner'] or match['type']}.{twins.get(member, member[1:])}")
    if item.text.startswith("In older versions"):
        workaround = None   # the directive states the old behaviour itself; there was nothing to work around
    elif calls and "sync_to_async" in documented:
        workaround = {"adapter": "sync_to_async", "calls": calls,
                      "source": {"file": "docs/topics/async.txt", "line": documented["sync_to_async"]}}
    elif raised and raised[0]["error"] and "async_to_sync" in documented:
        workaround = {"adapter": "async_to_sync", "calls": [],
                      "source": {"file": "docs/topics/async.txt", "line": documented["async_to_sync"]}}
    else:
        workaround = None
    return {
        "release": item.release, "file": item.file, "line": item.line, "kind": item.kind, "text": item.text,
        "capability": capability, "target": target, "apis": [a["short"] for a in apis],
        "before": {"release": before.version, "django": before.newest_patch,
                   "docs": docs, "raised": raised, "workaround": workaround},
    }


def _twin_call(api: dict) -> str:
    return api["sync_twin"] if api["kind"] == "function" else f"{_owner(api).rsplit('.', 1)[-1]}.{api['sync_twin']}"


def dump(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    data = collect()
    DATA_FILE.write_text(dump(data), encoding="utf-8")
    print(f"{len(data['directives'])} directives with their before written to docs/data/async_before.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
