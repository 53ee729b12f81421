"""What moved upstream since the atlas data was checked: ``python3 dev.py upstream``.

One report, read from PyPI (its JSON API, or ``pip index versions`` when the API is unreachable):

* Django feature releases and pre-releases that docs/data/releases.yml lacks; for each one the report
  downloads the sdist, installs the release (atlas.matrix.ensure_venv), runs every probe and prints the
  capability diff, a draft releases.yml entry and draft capability entries from the release notes and the
  versionadded/versionchanged directives of its docs;
* newer patch releases than a release's newest_patch;
* newer versions of the packages the pages name (docs/data/upstream.yml) than requirements.lock and the pages;
* whether the in-development notes of the next release changed since docs/data/upstream.yml recorded them;
* roadmap items and "not there yet" capabilities whose `checked` date is older than the threshold.
* releases in releases.yml that the page-matrix results and the error index's lines do not reach yet
  (to collect; the checks accept them so that adding a release stays one data edit).

    python -m atlas.upstream [--today 2026-11-27] [--index https://pypi.org/pypi] [--no-install] [--fail-on-moves]

Exit status 0; with --fail-on-moves, 1 when anything moved or is stale (the scheduled workflow uses that).
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from atlas.paths import DATA, DOCS, ROOT
from atlas import datafile

PYPI = os.environ.get("ATLAS_PYPI_JSON", "https://pypi.org/pypi")
STATE_FILE = DATA / "upstream.yml"
LOCK_FILE = ROOT / "requirements.lock"


# --------------------------------------------------------------------------------------------------
# Versions (Django's own scheme, X.Y[.Z][aN|bN|rcN], and the annual YYYY[.N] from Django 2028 on)

VERSION_RE = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(a|b|rc)(\d+))?$")
PRE_ORDER = {"a": 0, "b": 1, "rc": 2}


@dataclass(frozen=True)
class Version:
    raw: str
    feature: str  # "6.1", or "2028" under the annual numbering
    patch: int
    pre: tuple[int, int] | None  # (0=a/1=b/2=rc, n), None for a final release

    @property
    def key(self) -> tuple:
        feature = tuple(int(p) for p in self.feature.split("."))
        return feature + (0,) * (2 - len(feature)), self.patch, self.pre or (9, 0)

    @property
    def final(self) -> bool:
        return self.pre is None


def parse_version(raw: str) -> Version | None:
    """A release version, or None for anything else (dev/post releases, odd schemes)."""
    m = VERSION_RE.match(raw.strip())
    if not m:
        return None
    major, minor, micro, pre, pre_n = m.groups()
    pre_t = (PRE_ORDER[pre], int(pre_n)) if pre else None
    if int(major) >= 2000:  # annual numbering: YYYY is the feature release, YYYY.N its patches
        return Version(raw, major, int(minor or 0), pre_t) if micro is None else None
    return Version(raw, f"{major}.{minor or 0}", int(micro or 0), pre_t)


def feature_key(feature: str) -> tuple[int, int]:
    parts = [int(p) for p in feature.split(".")]
    return (parts + [0])[0], (parts + [0])[1]


def generic_key(raw: str) -> tuple | None:
    """Order key for a package's final release (1.2.3, 2026.10.19.post1 -> None: not compared)."""
    if not re.fullmatch(r"\d+(\.\d+)*", raw):
        return None
    return tuple(int(p) for p in raw.split("."))


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --------------------------------------------------------------------------------------------------
# The package index


class IndexUnreachable(RuntimeError):
    pass


@dataclass
class Index:
    """Released versions of a project and the date each was first uploaded (None when unknown)."""

    base: str = PYPI
    timeout: float = 20.0
    pip_fallback: bool = True
    simple: str | None = None  # --index-url for the pip fallback (default: pip's own configuration)
    log: list[str] = field(default_factory=list)

    def releases(self, name: str) -> dict[str, dt.date | None]:
        url = f"{self.base.rstrip('/')}/{name}/json"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as answer:
                data = json.load(answer)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return {}
            return self._pip(name, f"{url}: HTTP {exc.code}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return self._pip(name, f"{url}: {exc}")
        found: dict[str, dt.date | None] = {}
        for version, files in data.get("releases", {}).items():
            live = [f for f in files if not f.get("yanked")]
            if files and not live:
                continue  # every file yanked
            times = sorted(f["upload_time"][:10] for f in live if f.get("upload_time"))
            found[version] = dt.date.fromisoformat(times[0]) if times else None
        return found

    def _pip(self, name: str, why: str) -> dict[str, dt.date | None]:
        if not self.pip_fallback:
            raise IndexUnreachable(why)
        self.log.append(f"JSON API unreachable ({why}); asked `pip index versions {name}`")
        cmd = [sys.executable, "-m", "pip", "index", "versions", "--pre", "--disable-pip-version-check", name]
        if self.simple:
            cmd += ["--index-url", self.simple]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        m = re.search(r"Available versions:\s*(.+)", done.stdout)
        if done.returncode != 0 or not m:
            raise IndexUnreachable(f"{why}; pip index versions {name} failed: {done.stderr.strip()[-300:]}")
        return {v.strip(): None for v in m.group(1).split(",")}


# --------------------------------------------------------------------------------------------------
# Django releases


@dataclass
class DjangoMoves:
    new_features: list[tuple[str, Version, dt.date | None]]  # feature, newest version, upload date
    new_patches: list[tuple[str, str, Version, dt.date | None]]  # feature, newest_patch we have, newer one


def django_moves(known: dict[str, str], pypi: dict[str, dt.date | None]) -> DjangoMoves:
    """known: {feature: newest_patch} from releases.yml."""
    versions = [v for v in (parse_version(raw) for raw in pypi) if v]
    newest_known = max((feature_key(f) for f in known), default=(0, 0))
    by_feature: dict[str, list[Version]] = {}
    for v in versions:
        by_feature.setdefault(v.feature, []).append(v)
    new_features = []
    for feature, vs in sorted(by_feature.items(), key=lambda item: feature_key(item[0])):
        if feature in known or feature_key(feature) <= newest_known:
            continue
        finals = [v for v in vs if v.final]
        newest = max(finals or vs, key=lambda v: v.key)
        new_features.append((feature, newest, pypi[newest.raw]))
    new_patches = []
    for feature, have in sorted(known.items(), key=lambda item: feature_key(item[0])):
        have_v = parse_version(have)
        finals = [v for v in by_feature.get(feature, []) if v.final]
        if have_v and finals:
            newest = max(finals, key=lambda v: v.key)
            if newest.key > have_v.key:
                new_patches.append((feature, have, newest, pypi[newest.raw]))
    return DjangoMoves(new_features, new_patches)


# --------------------------------------------------------------------------------------------------
# Packages the pages name


def lock_pins(path: Path = LOCK_FILE) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][\w.-]*)==([^\s;#]+)", line.strip())
        if m:
            pins[normalize(m.group(1))] = m.group(2)
    return pins


def page_mentions(names: list[str], roots: list[Path]) -> dict[str, tuple[str, str]]:
    """Highest version each package is named with on the pages ("uvicorn 0.54", "channels==4.3.2"):
    {name: (version, file)}."""
    found: dict[str, tuple[str, str]] = {}
    files = [p for root in roots for p in sorted(root.rglob("*")) if p.suffix in {".md", ".yml", ".ipynb"}]
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file()}
    for name in names:
        spelled = "[-_]".join(re.escape(part) for part in normalize(name).split("-"))
        pattern = re.compile(rf"(?<![\w-]){spelled}(?![\w-])\s*(?:==|\s)\s*v?(\d+\.\d+(?:\.\d+)?)(?![\w.]*\d)",
                             re.IGNORECASE)
        for path, text in texts.items():
            for m in pattern.finditer(text):
                version = m.group(1)
                best = found.get(name)
                if best is None or (generic_key(version) or ()) > (generic_key(best[0]) or ()):
                    found[name] = (version, str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
    return found


@dataclass
class PackageMove:
    name: str
    lock: str | None
    pages: tuple[str, str] | None
    newest: str
    released: dt.date | None


def package_moves(names: list[str], pins: dict[str, str], mentions: dict[str, tuple[str, str]],
                  index: Index) -> tuple[list[PackageMove], list[str], list[str]]:
    """(moves, problems, unpinned): a package neither pinned nor named with a version is only listed."""
    moves, problems, unpinned = [], [], []
    for name in names:
        try:
            pypi = index.releases(name)
        except IndexUnreachable as exc:
            problems.append(f"{name}: {exc}")
            continue
        finals = [(generic_key(v), v) for v in pypi if generic_key(v)]
        if not finals:
            problems.append(f"{name}: no final release on the index")
            continue
        newest_key, newest = max(finals)
        used = [v for v in (pins.get(normalize(name)), (mentions.get(name) or (None,))[0]) if v]
        if not used:
            unpinned.append(f"{name} {newest} (uploaded {pypi[newest] or '?'}): not pinned, no version on the pages")
            continue
        used_key = max((generic_key(v) or () for v in used), default=())
        if newest_key > used_key:
            moves.append(PackageMove(name, pins.get(normalize(name)), mentions.get(name), newest, pypi[newest]))
    return moves, problems, unpinned


# --------------------------------------------------------------------------------------------------
# Freshness


@dataclass
class Stale:
    where: str
    id: str
    checked: dt.date
    age: int


def stale_entries(today: dt.date, days: int, roadmap_path: Path | None = None,
                  capabilities_path: Path | None = None) -> list[Stale]:
    from atlas.versions_data import load_capabilities, load_roadmap

    found = []
    for item in load_roadmap(roadmap_path):
        age = (today - item.checked).days
        if age > days:
            found.append(Stale("roadmap", item.id, item.checked, age))
    for cap in load_capabilities(capabilities_path):
        if not cap.shipped and cap.checked is not None:
            age = (today - cap.checked).days
            if age > days:
                found.append(Stale("not there yet", cap.id, cap.checked, age))
    return found


# --------------------------------------------------------------------------------------------------
# Async-relevant items of a release: release-note bullets and versionadded/versionchanged directives

ASYNC_VERBS = (
    "get", "set", "create", "save", "delete", "update", "iterator", "count", "exists", "first", "last",
    "earliest", "latest", "aggregate", "contains", "in_bulk", "bulk_create", "bulk_update", "get_or_create",
    "update_or_create", "explain", "refresh_from_db", "add", "remove", "clear", "send", "send_robust",
    "authenticate", "login", "logout", "user", "get_user", "enqueue", "get_result", "refresh", "process_request",
    "process_response", "check_password", "set_password", "has_perm", "get_page", "cycle_key", "flush",
    "prefetch_related_objects", "get_object_or_404", "get_list_or_404", "incr", "decr", "touch", "close",
)
ASYNC_RE = re.compile(
    r"\basync|\bawait|\bASGI\b|asyncio|coroutine|sync_to_async|async_to_sync|asgiref|TaskGroup|MiddlewareMixin"
    r"|thread-sensitive|\ba(?:" + "|".join(ASYNC_VERBS) + r")\b",
    re.IGNORECASE,
)
ASYNC_SECTIONS = {"Asynchronous views", "Tasks", "Background Tasks"}
ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{2,}\s*$")


@dataclass
class Item:
    file: str
    section: str  # innermost heading above it
    path: str  # headings from the top, joined with " › "
    kind: str  # "notes" or "versionadded" / "versionchanged"
    text: str

    def short(self, width: int = 160) -> str:
        text = re.sub(r":[a-z]+:`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", self.text)
        text = " ".join(text.replace("``", "").split())
        return text if len(text) <= width else text[: width - 1] + "…"


def _headings(lines: list[str]) -> dict[int, tuple[int, str]]:
    """{line number of a title: (level, title)}; levels follow the order adornments first appear."""
    styles: list[tuple[str, bool]] = []
    found = {}
    for i in range(1, len(lines)):
        if not ADORNMENT.match(lines[i]) or not lines[i - 1].strip() or ADORNMENT.match(lines[i - 1]):
            continue
        over = i >= 2 and bool(ADORNMENT.match(lines[i - 2]))
        style = (lines[i].strip()[0], over)
        if style not in styles:
            styles.append(style)
        found[i - 1] = (styles.index(style), lines[i - 1].strip())
    return found


def _plain(title: str) -> str:
    title = re.sub(r":[a-z]+:`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", title)
    return title.replace("``", "")


def _walk(text: str):
    """(line index, line, heading path) for every line of an RST document."""
    lines = text.split("\n")
    heads = _headings(lines)
    stack: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if i in heads:
            level, title = heads[i]
            stack = [s for s in stack if s[0] < level] + [(level, _plain(title))]
        yield i, line, [s[1] for s in stack], lines


def note_items(text: str, file: str) -> list[Item]:
    """Bullets of a release-notes file that are about async (by keyword, or under an async section)."""
    items = []
    current: list[str] | None = None
    path: list[str] = []

    def close():
        if current is None:
            return
        body = "\n".join(current).strip()
        placeholder = body.strip("* .") == ""  # the notes' "* ..." stubs of empty sections
        if not placeholder and (ASYNC_RE.search(body) or (path and path[-1] in ASYNC_SECTIONS)):
            items.append(Item(file, path[-1] if path else "", " › ".join(path[1:] or path), "notes", body))

    for _i, line, heads, _lines in _walk(text):
        if line.startswith("* "):  # a bullet at the left margin starts an item
            close()
            current, path = [line], heads
        elif current is not None and (line.startswith("  ") or not line.strip()):
            current.append(line)  # its indented continuation lines and blank lines
        else:
            close()
            current = None
    close()
    return items


DIRECTIVE = re.compile(r"^(\s*)\.\. (versionadded|versionchanged):: (\S+)\s*(.*)$")


def directive_items(files: dict[str, str], feature: str) -> list[Item]:
    """versionadded/versionchanged `feature` directives in docs/topics, ref and howto, about async."""
    items = []
    for name, text in sorted(files.items()):
        if not name.startswith(("docs/topics/", "docs/ref/", "docs/howto/")) or f":: {feature}" not in text:
            continue
        lines = text.split("\n")
        walked = list(_walk(text))
        for i, line, heads, _ in walked:
            m = DIRECTIVE.match(line)
            if not m or m.group(3) != feature:
                continue
            indent = len(m.group(1))
            body = [m.group(4)]
            for follow in lines[i + 1:]:
                if follow.strip() and len(follow) - len(follow.lstrip()) <= indent:
                    break
                body.append(follow)
            before: list[str] = []
            paragraphs = 0
            for back in reversed(lines[:i]):
                if not back.strip():
                    if before and before[0] != "":
                        paragraphs += 1
                        if paragraphs == 2:
                            break
                        before.insert(0, "")
                    continue
                if ADORNMENT.match(back):
                    break
                before.insert(0, back)
            context = "\n".join(before + body)
            if ASYNC_RE.search(context):
                items.append(Item(name, heads[-1] if heads else "", " › ".join(heads), m.group(2),
                                  "\n".join(before).strip() + "\n" + "\n".join(body).strip()))
    return items


# --------------------------------------------------------------------------------------------------
# Drafts for a new release


def _api_tokens(apis) -> set[str]:
    tokens = set()
    for api in apis:
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]+", api):
            if len(word) >= 4 and word.lower() not in {"django", "contrib", "setting", "none", "only", "does", "exist",
                                                        "from", "with", "views", "view", "request", "true",
                                                        "async", "kwargs", "sender", "self"}:
                tokens.add(word.lower())
    return tokens


def match_capabilities(item: Item, capabilities, limit: int = 3) -> list[str]:
    """Existing capabilities an item most likely changes, best first: words of the item's code markup that
    the capability's APIs use, each weighted by its length and divided by how many capabilities share it."""
    shipped = [c for c in capabilities if c.shipped]
    tokens = {c.id: _api_tokens(c.apis) for c in shipped}
    df: dict[str, int] = {}
    for ts in tokens.values():
        for t in ts:
            df[t] = df.get(t, 0) + 1
    code = " ".join(x or y for x, y in re.findall(r"``(.+?)``|:[a-z]+:`([^`]+)`", item.text, re.S))
    words = set(re.findall(r"[a-z_][a-z0-9_]+", code.lower()))  # API names are marked up as code in RST
    scores = {cid: sum(len(t) / df[t] for t in ts & words) for cid, ts in tokens.items()}
    best = max(scores.values(), default=0)
    if best <= 0:
        return []
    ranked = sorted((cid for cid, sc in scores.items() if sc >= best / 2), key=lambda cid: -scores[cid])
    return ranked[:limit]


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def draft_release(feature: str, version: Version, pypi: dict[str, dt.date | None], files: dict[str, str],
                  installed_pythons: list[str]) -> dict:
    """A releases.yml entry from the sdist (notes, pyproject/setup.cfg) and the index; TODO where a human
    writes (summary, upgrade notes, pitfalls)."""
    notes = files.get(f"docs/releases/{feature}.txt", "")
    packaging = files.get("pyproject.toml", "") + "\n" + files.get("setup.cfg", "")
    pythons = sorted(set(re.findall(r"Programming Language :: Python :: (3\.\d+)", packaging)),
                     key=lambda p: int(p.split(".")[1]))
    asgiref = re.search(r"asgiref\s*>=\s*([\d.]+)", packaging)
    flat = " ".join(notes.split())
    lts = bool(re.search(rf"Django {re.escape(feature)} is designated as a :term:`long-term support release",
                         flat))
    released = pypi.get(feature) if feature in pypi else None
    end = re.search(r"Extended support is expected to end in (\w+) (\d{4})", flat)
    if end:
        month = list(calendar.month_name).index(end.group(1)) if end.group(1) in calendar.month_name else 0
        end_of_support = _end_of_month(int(end.group(2)), month) if month else "TODO"
    elif lts and released:
        end_of_support = _end_of_month(released.year + 3, released.month)
    else:
        end_of_support = "TODO: from the supported-versions table"
    expected = re.search(r"\*Expected (\w+ \d{4})\*", notes)
    probe = [p for p in reversed(pythons) if p in installed_pythons]
    return {
        "version": feature,
        "newest_patch": version.raw,
        "released": released or f"TODO (not released yet; notes say: {expected.group(1) if expected else '?'})",
        "end_of_support": end_of_support,
        "end_of_support_expected": True,
        "lts": lts,
        "pythons": pythons,
        "asgiref_min": asgiref.group(1) if asgiref else "TODO",
        "probe_python": probe[0] if probe else "TODO: install one of " + ", ".join(pythons),
        "summary": "TODO: one sentence, in our own words, on what it changes for async",
        "upgrade_notes": ["TODO"],
        "pitfalls": ["TODO"],
        "source": f"docs/releases/{feature}.txt",
        "support_source": "https://www.djangoproject.com/download/#supported-versions",
    }


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", _plain(text).lower())[:6]
    return "-".join(words) or "new-capability"


def draft_capabilities(items: list[Item], capabilities, feature: str) -> tuple[list[dict], list[dict]]:
    """(changed, new): a `changed` entry for items that match an existing capability, a new entry otherwise."""
    changed, new = [], []
    for item in items:
        targets = match_capabilities(item, capabilities)
        if targets:
            changed.append({"capability": targets[0], "or": targets[1:], "version": feature,
                            "note": "TODO: " + item.short(), "from": f"{item.file} › {item.section}"})
        else:
            new.append({
                "id": _slug(item.short(60)), "name": "TODO: " + item.short(70), "added": feature,
                "support": "full", "apis": ["TODO"], "requires": ["none"], "use_cases": [],
                "source": {"file": item.file, "section": item.section},
                "probe": "TODO: Python that raises unless the capability is there",
            })
    return changed, new


@dataclass
class ReleaseDraft:
    feature: str
    version: Version
    entry: dict
    items: list[Item]
    changed: list[dict]
    new: list[dict]
    probe_lines: list[str]


def installed_pythons() -> list[str]:
    from atlas.matrix import PythonNotFound, find_python

    found = []
    for minor in range(8, 20):
        try:
            find_python(f"3.{minor}")
            found.append(f"3.{minor}")
        except PythonNotFound:
            pass
    return found


def build_release_draft(feature: str, version: Version, pypi: dict[str, dt.date | None], known_features: list[str],
                        capabilities, install: bool = True) -> ReleaseDraft:
    from atlas import matrix
    from atlas.versions_data import Release

    def release_for(python: str) -> Release:
        return Release(version=feature, newest_patch=version.raw, released=dt.date.today(),
                       end_of_support=dt.date.today() + dt.timedelta(days=1), end_of_support_expected=True,
                       lts=False, pythons=(python,), asgiref_min="0", probe_python=python, summary="",
                       upgrade_notes=(), pitfalls=(), source="")

    files = matrix._sdist_files(str(matrix.sdist_path(release_for("3.12"))))
    entry = draft_release(feature, version, pypi, files, installed_pythons())
    items = note_items(files.get(f"docs/releases/{feature}.txt", ""), f"docs/releases/{feature}.txt")
    items += directive_items(files, feature)
    changed, new = draft_capabilities(items, capabilities, feature)
    probe_lines = []
    if install and re.fullmatch(r"3\.\d+", str(entry["probe_python"])):
        probe_lines = probe_diff(release_for(entry["probe_python"]), capabilities, known_features)
        probe_lines += api_diff(release_for(entry["probe_python"]), capabilities, known_features)
    elif install:
        probe_lines = [f"not probed: {entry['probe_python']}"]
    return ReleaseDraft(feature, version, entry, items, changed, new, probe_lines)


def probe_diff(release, capabilities, known_features: list[str]) -> list[str]:
    """Run every shipped probe in the new release; compare with what the newest known release has."""
    from atlas import matrix

    previous = max(known_features, key=feature_key)
    venv = matrix.ensure_venv(release, log=lambda *a: None)
    shipped = [c for c in capabilities if c.shipped and c.probe]
    payload = json.dumps({"probes": [{"id": c.id, "code": c.probe} for c in shipped]})
    data, _ = matrix.run_json_script(str(matrix.venv_python(venv)), matrix.RUNNER, payload, cwd=str(venv),
                                     timeout=600, what=f"probe runner for Django {release.newest_patch}")
    if data.get("setup_error"):
        return [f"Django {release.newest_patch} could not be configured: {data['setup_error'][:300]}"]
    results = data["results"]
    kept = [c.id for c in shipped if c.present_in(previous) and results.get(c.id, {}).get("ok")]
    lost = [c.id for c in shipped if c.present_in(previous) and not results.get(c.id, {}).get("ok")]
    gained = [c.id for c in shipped if not c.present_in(previous) and results.get(c.id, {}).get("ok")]
    lines = [f"probes on Django {data.get('django')} / Python {data.get('python')}: "
             f"{len(kept)} of {len(kept) + len(lost)} capabilities of {previous} still pass"]
    lines += [f"  GONE (probe fails; removed or probe broken): {cid}: "
              f"{(results.get(cid, {}).get('error') or '')[:160]}" for cid in lost]
    lines += [f"  now passes (not in {previous}): {cid}" for cid in gained]
    return lines


def api_diff(release, capabilities, known_features: list[str]) -> list[str]:
    """Run the async API collector (atlas/async_api.py, the API index's) on the new release and compare
    what it finds with the committed index's newest release."""
    try:
        from atlas import async_api
    except ImportError:
        return ["async API collector: not in this checkout (atlas/async_api.py); no API diff"]
    previous = max(known_features, key=feature_key)
    try:
        scope = async_api.load_scope()
        tokens = async_api.all_tokens(capabilities, scope)
        found = async_api.collect_release(release, scope, tokens, use_cache=True, log=lambda *a: None)
        index = async_api.load_index()
    except Exception as error:  # a draft is still useful without the API part; say why it is missing
        return [f"async API collector failed on Django {release.newest_patch}: {type(error).__name__}: {error}"]
    before = {a["name"] for a in index.get("apis", []) if previous in a.get("releases", [])}
    now = {a["name"] for a in found.get("apis", [])}
    lines = [f"async APIs: {len(now)} in Django {release.newest_patch}, {len(before)} in {previous} "
             f"(committed index): {len(now - before)} new, {len(before - now)} gone"]
    lines += [f"  + {name}" for name in sorted(now - before)]
    lines += [f"  - {name}" for name in sorted(before - now)]
    return lines


# --------------------------------------------------------------------------------------------------
# Newer patches: probe them, then update releases.yml in place (like MDN's update-bcd for existing entries)


def set_newest_patch(path: Path, feature: str, patch: str) -> bool:
    """Rewrite one release's newest_patch line in releases.yml; comments and layout stay as they are."""
    lines = path.read_text(encoding="utf-8").split("\n")
    inside = False
    for number, line in enumerate(lines):
        entry = re.match(r'^- version:\s*"?([\d.]+)"?\s*$', line)
        if entry:
            inside = entry.group(1) == feature
        elif inside and re.match(r"^\s+newest_patch:", line):
            lines[number] = re.sub(r"newest_patch:.*$", f'newest_patch: "{patch}"', line)
            path.write_text("\n".join(lines), encoding="utf-8")
            return True
    return False


def apply_patches(data_dir: Path, new_patches, capabilities, probe=None) -> list[str]:
    """For each newer patch: run every probe on it (atlas.matrix); all as expected -> newest_patch updated."""
    import dataclasses

    from atlas import matrix
    from atlas.versions_data import load_releases

    probe = probe or matrix.probe_release
    releases = {r.version: r for r in load_releases(data_dir / "releases.yml")}
    lines = []
    for feature, have, newer, _date in new_patches:
        candidate = dataclasses.replace(releases[feature], newest_patch=newer.raw)
        result = probe(candidate, capabilities, log=lambda *a: None)
        if result.ok and set_newest_patch(data_dir / "releases.yml", feature, newer.raw):
            lines.append(f"UPDATED releases.yml {feature}: newest_patch {have} -> {newer.raw} "
                         f"({len(result.outcomes)} probes as expected)")
        else:
            wrong = ", ".join(o.capability for o in result.mismatches) or "the entry was not found"
            lines.append(f"not updated {feature} to {newer.raw}: {wrong}")
    return lines


# --------------------------------------------------------------------------------------------------
# The next release's in-development notes


def notes_status(state: dict, pypi: dict[str, dt.date | None], fetch=None) -> list[str]:
    """Compare the recorded digest of docs/releases/<next>.txt with a copy we can reach: the sdist of a
    pre-release on PyPI, else GitHub (not reachable from every machine)."""
    watch = state.get("next_release_notes")
    if not watch:
        return []
    release, path = watch["release"], watch["path"]
    head = (f"{path} of Django {release}: recorded {watch['read']} from {watch['repo']}@{str(watch['commit'])[:12]} "
            f"({watch['chars']} characters, sha256 {str(watch.get('sha256') or 'not recorded')[:16]})")
    pre = sorted((v for v in (parse_version(r) for r in pypi) if v and v.feature == release), key=lambda v: v.key)
    text, where = None, None
    if pre:
        from atlas import matrix
        from atlas.versions_data import Release

        rel = Release(version=release, newest_patch=pre[-1].raw, released=dt.date.today(),
                      end_of_support=dt.date.today() + dt.timedelta(days=1), end_of_support_expected=True, lts=False,
                      pythons=("3.12",), asgiref_min="0", probe_python="3.12", summary="", upgrade_notes=(),
                      pitfalls=(), source="")
        text, where = matrix.sdist_text(rel, path), f"the Django {pre[-1].raw} sdist"
    else:
        fetch = fetch or _fetch_text
        url = f"https://raw.githubusercontent.com/{watch['repo']}/main/{path}"
        try:
            text, where = fetch(url), url
        except OSError as exc:
            return [head, f"  cannot check from here: {url} is unreachable ({exc.__class__.__name__}); "
                          f"no {release} pre-release on PyPI yet. Open https://github.com/{watch['repo']}/blob/main/{path} "
                          f"in a browser (or `git clone https://github.com/{watch['repo']}` and read {path}), "
                          f"compare it with the recorded items and update docs/data/upstream.yml."]
    if text is None:
        return [head, f"  {where} has no {path}"]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    same = digest == watch.get("sha256") or (not watch.get("sha256") and len(text) == watch["chars"])
    verdict = "unchanged" if same else f"CHANGED ({len(text)} characters, sha256 {digest[:16]})"
    lines = [head, f"  {where}: {verdict}"]
    if not same:
        items = note_items(text, path)
        lines += [f"  async item: {i.path}: {i.short()}" for i in items]
    return lines


def _fetch_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


# --------------------------------------------------------------------------------------------------
# The report


@dataclass
class Report:
    lines: list[str]
    moved: bool
    seconds: float = 0.0


def load_state(path: Path = STATE_FILE) -> dict:
    return datafile.safe_load(path.read_text(encoding="utf-8")) or {}


def known_releases(path: Path) -> dict[str, str]:
    """{feature: newest_patch} from a releases.yml (read directly, so a scratch copy may lack releases)."""
    return {str(e["version"]): str(e["newest_patch"]) for e in datafile.safe_load(path.read_text(encoding="utf-8"))}


def to_collect(data_dir: Path) -> list[str]:
    """What releases.yml names but the collected data does not reach yet: the build and validation accept
    it (one data edit adds a release); these commands collect it. A data file absent from data_dir (a
    scratch copy) has nothing to collect."""
    from atlas import error_index, page_matrix

    order = list(known_releases(data_dir / "releases.yml"))
    out = []
    if (data_dir / "page_matrix.json").exists():
        out += [f"  Django {v}: page-matrix results — run `python3 dev.py pagematrix --resolve {v}`, then "
                f"`python3 dev.py pagematrix`"
                for v in page_matrix.to_collect(order, page_matrix.load_results(data_dir / "page_matrix.json"))]
    if (data_dir / "errors.yml").exists():
        out += [f"  Django {v}: error-index lines — run `python -m atlas.error_index --collect`"
                for v in error_index.to_collect(order, error_index.load_errors(data_dir / "errors.yml"))]
    return out


def build_report(today: dt.date, index: Index, data_dir: Path = DATA, install: bool = True, draft: bool = True,
                 update_patches: bool = False,
                 state_path: Path | None = None, page_roots: list[Path] | None = None,
                 lock_path: Path = LOCK_FILE, fetch=None) -> tuple[Report, list[ReleaseDraft]]:
    from atlas.versions_data import load_capabilities

    started = time.perf_counter()
    state = load_state(state_path or data_dir / "upstream.yml")
    out: list[str] = [f"Upstream report for {today} (index: {index.base})", ""]
    moved = False
    known = known_releases(data_dir / "releases.yml")
    capabilities = load_capabilities(data_dir / "capabilities.yml")
    drafts: list[ReleaseDraft] = []

    out.append("## Django on PyPI")
    try:
        pypi = index.releases("django")
    except IndexUnreachable as exc:
        pypi = {}
        out.append(f"  cannot read the index: {exc}")
        moved = True
    if pypi:
        dj = django_moves(known, pypi)
        if not dj.new_features and not dj.new_patches:
            newest = max(known, key=feature_key)
            out.append(f"  nothing new: newest release {newest} ({known[newest]}), every newest_patch current")
        for feature, version, date in dj.new_features:
            moved = True
            out.append(f"  NEW {'release' if version.final else 'pre-release'}: Django {version.raw} "
                       f"(uploaded {date or '?'}); releases.yml has no {feature}")
            if draft:
                drafts.append(build_release_draft(feature, version, pypi, list(known), capabilities, install))
                out += _format_draft(drafts[-1])
        for feature, have, newer, date in dj.new_patches:
            moved = True
            out.append(f"  newer patch: Django {newer.raw} (uploaded {date or '?'}); releases.yml {feature} "
                       f"newest_patch is {have}")
        if update_patches and dj.new_patches:
            out += ["  " + line for line in apply_patches(data_dir, dj.new_patches, capabilities)]
    out.append("")

    out.append("## Packages the pages name")
    names = list(state.get("packages", []))
    mentions = page_mentions(names, page_roots or [DOCS])
    moves, problems, unpinned = package_moves(names, lock_pins(lock_path), mentions, index)
    for m in moves:
        moved = True
        used = [f"lock {m.lock}" if m.lock else "not in the lock"]
        if m.pages:
            used.append(f"pages {m.pages[0]} ({m.pages[1]})")
        out.append(f"  {m.name} {m.newest} (uploaded {m.released or '?'}); we use: {', '.join(used)}")
    out += [f"  ? {p}" for p in problems]
    if not moves and not problems:
        out.append(f"  all {len(names) - len(unpinned)} pinned or versioned packages current")
    out += [f"  (info) {line}" for line in unpinned]
    out.append("")

    out.append("## Next release's notes")
    notes = notes_status(state, pypi, fetch=fetch)
    moved = moved or any("CHANGED" in line for line in notes)
    out += notes or ["  (nothing recorded in upstream.yml)"]
    out.append("")

    days = int(state.get("freshness_days", 31))
    out.append(f"## Checked more than {days} days ago")
    stale = stale_entries(today, days, data_dir / "roadmap.yml", data_dir / "capabilities.yml")
    for s in stale:
        moved = True
        out.append(f"  {s.where}: {s.id} checked {s.checked} ({s.age} days)")
    if not stale:
        out.append("  none")
    out.append("")

    out.append("## Releases to collect")
    collect = to_collect(data_dir)
    moved = moved or bool(collect)
    out += collect or ["  none: the page matrix and the error index reach the newest release"]
    out.append("")

    link_days = int(state.get("link_days", 14))
    out.append(f"## Outside links (re-checked when older than {link_days} days)")
    links_file = data_dir / "link_status.json"
    status = json.loads(links_file.read_text(encoding="utf-8")) if links_file.exists() else {}
    checked = status.get("checked")
    if not checked:
        moved = True
        out.append("  never checked: run `python3 dev.py links` (the scheduled workflow does)")
    else:
        age = (today - dt.date.fromisoformat(checked)).days
        failing = sorted(u for u, e in status.get("links", {}).items() if e["status"] not in ("ok", "redirected"))
        out.append(f"  last checked {checked} ({age} days ago): {len(status.get('links', {}))} links, "
                   f"{len(failing)} failing")
        out += [f"    {url}" for url in failing]
        from atlas.linkcheck import outside_links

        unchecked = sorted(set(outside_links(data_dir.parent)) - set(status.get("links", {})))
        if unchecked:
            moved = True
            out.append(f"  {len(unchecked)} links the site shows were never checked, e.g. {', '.join(unchecked[:3])}")
        if age > link_days:
            moved = True
            out.append(f"  older than {link_days} days: run `python3 dev.py links`")
    if index.log:
        out += ["", "## Notes"] + [f"  {line}" for line in index.log]
    return Report(out, moved, time.perf_counter() - started), drafts


def _format_draft(draft: ReleaseDraft) -> list[str]:
    out = [f"  ### Draft for Django {draft.feature} ({draft.version.raw})"]
    out += ["    " + line for line in draft.probe_lines]
    out.append(f"    async items found: {len(draft.items)} (release notes and versionadded/versionchanged "
               f"{draft.feature} directives)")
    out += [f"    - {i.file} › {i.section}: {i.short()}" for i in draft.items]
    out.append("    draft releases.yml entry:")
    out += ["      " + line for line in yaml.safe_dump([draft.entry], sort_keys=False, width=110).splitlines()]
    if draft.changed:
        out.append("    draft `changed` entries for existing capabilities:")
        for c in draft.changed:
            alternatives = f" (or {', '.join(c['or'])})" if c["or"] else ""
            out.append(f"      {c['capability']}{alternatives}: {c['from']}")
            out.append(f"        - {{version: \"{c['version']}\", note: \"{c['note']}\"}}")
    if draft.new:
        out.append("    draft new capability entries:")
        out += ["      " + line for line in yaml.safe_dump(draft.new, sort_keys=False, width=110).splitlines()]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.upstream", description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--index", default=PYPI, help="base of a PyPI-style JSON API (default %(default)s)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with releases.yml, capabilities.yml, ...")
    parser.add_argument("--no-install", action="store_true", help="do not install new releases or run probes")
    parser.add_argument("--fail-on-moves", action="store_true", help="exit 1 when anything moved or is stale")
    parser.add_argument("--update-patches", action="store_true",
                        help="probe each newer patch and, when every probe answers as the data says, write it "
                             "as newest_patch in releases.yml")
    args = parser.parse_args(argv)
    report, _ = build_report(args.today, Index(args.index), args.data, install=not args.no_install,
                             update_patches=args.update_patches)
    print("\n".join(report.lines))
    print(f"\n(report took {report.seconds:.1f} s; {'something moved' if report.moved else 'nothing moved'})")
    return 1 if (args.fail_on_moves and report.moved) else 0


if __name__ == "__main__":
    sys.exit(main())


# --------------------------------------------------------------------------------------------------
# Cross-file rules (collected by the validation layer: atlas.validation calls every module's check())


def check() -> list[str]:
    """Problems between roadmap.yml, releases.yml and upstream.yml, as `file:line: entry.field: what — fix`.
    (No parameters: the validation layer calls it as it is.)"""
    return check_data(DATA)


def check_data(data_dir: Path) -> list[str]:
    """check() for the data files in another folder (a scratch copy in a test)."""
    from atlas.versions_data import load_roadmap

    problems = []
    known = known_releases(data_dir / "releases.yml")
    watch = (load_state(data_dir / "upstream.yml").get("next_release_notes") or {})
    for item in load_roadmap(data_dir / "roadmap.yml"):
        if item.status != "merged":
            continue
        where = f"docs/data/roadmap.yml:{item.line}: {item.id!r}.release"
        if item.release in known:
            problems.append(f"{where} = {item.release!r}: that release is out and in releases.yml — "
                            "move the item to capabilities.yml / the release entry, or set status: shipped")
        elif watch and item.release != str(watch.get("release")):
            problems.append(f"{where} = {item.release!r}: upstream.yml watches the notes of "
                            f"{watch.get('release')!r} — update next_release_notes or the item")
    return problems
