"""Render what changed in the atlas's data, read from the data files' git history, as a page and a feed.

The Changes page is docs/versions/changes.md (generated); its Atom feed is changes.xml at the site root.

An event is a new release, a new capability (or one that moved from "not there yet" to shipped), new
APIs listed for a capability, a roadmap item added or changing status, a resource added or removed, or a
correction recorded in docs/data/corrections.yml (atlas/data/corrections.py): what the site said and what is true.
Each file's committed versions are compared in order; the oldest version available is the starting point
(a shallow clone therefore shows only what its history holds: build the published site from a full clone).
"""
from __future__ import annotations

import datetime as dt
import html
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import yaml

from atlas.core import datafile
from atlas.core.paths import ROOT
from atlas.data import corrections, versions_data
from atlas.site.md_text import prose

FILES = ("docs/data/releases.yml", "docs/data/capabilities.yml", "docs/data/roadmap.yml", "docs/data/resources.yml")
FEED_PATH = "changes.xml"
PAGE_PATH = "versions/changes.md"
ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 50


@dataclass(frozen=True)
class Event:
    when: dt.datetime
    commit: str
    kind: str  # release | patch | capability | api | roadmap | resource | correction
    key: str
    title: str
    summary: str
    page: str  # path under docs/ with an optional #anchor

    @property
    def id(self) -> str:
        return f"tag:django-async-atlas,2026:change/{self.commit[:12]}/{self.kind}/{self.key}"


def _git(args: list[str], root: Path) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _versions(path: str, root: Path) -> list[tuple[str, dt.datetime, object]]:
    """Every committed version of a data file, oldest first: (commit, commit date, parsed YAML)."""
    log = _git(["log", "--reverse", "--format=%H%x09%cI", "--", path], root)
    found = []
    for line in (log or "").splitlines():
        commit, when = line.split("\t")
        text = _git(["show", f"{commit}:{path}"], root)
        if text is None:
            continue  # deleted in that commit
        try:
            data = datafile.safe_load(text)
        except yaml.YAMLError:
            continue
        found.append((commit, dt.datetime.fromisoformat(when), data if isinstance(data, list) else []))
    return found


def _by(entries, key: str) -> dict:
    return {str(e[key]): e for e in entries if isinstance(e, dict) and key in e}


def _diff_releases(old, new, commit, when):
    before, after = _by(old, "version"), _by(new, "version")
    for version in after.keys() - before.keys():
        r = after[version]
        yield Event(when, commit, "release", version, f"New release: Django {version}",
                    f"Django {version} joins the atlas (verified with {r.get('newest_patch', version)}). "
                    f"{r.get('summary', '')}".strip(), f"versions/{version}.md")
    for version in sorted(after.keys() & before.keys()):
        was, now = before[version].get("newest_patch"), after[version].get("newest_patch")
        if was and now and was != now:  # a patch release taken (python3 dev.py patch X.Y.Z)
            yield Event(when, commit, "patch", now, f"Patch release: Django {now}",
                        f"The atlas now checks Django {version} against {now} (was {was}): every capability, "
                        f"the async API list and the code of the pages for {version} ran on it.",
                        f"versions/{version}.md")


def _diff_capabilities(old, new, commit, when):
    before, after = _by(old, "id"), _by(new, "id")
    for cid, cap in after.items():
        name = cap.get("name", cid)
        was = before.get(cid)
        shipped = cap.get("status", "shipped") == "shipped"
        if was is None:
            if shipped:
                yield Event(when, commit, "capability", cid, f"New capability: {name}",
                            f"Available since Django {cap.get('added')}; APIs: {', '.join(cap.get('apis') or [])}.",
                            f"versions/matrix.md#{cid}")
            else:
                yield Event(when, commit, "capability", cid, f"Now tracked as not there yet: {name}",
                            str(cap.get("notes", "")), f"versions/matrix.md#{cid}")
            continue
        if shipped and was.get("status", "shipped") != "shipped":
            yield Event(when, commit, "capability", cid, f"Shipped: {name}",
                        f"Moved from “not there yet” to available since Django {cap.get('added')}.",
                        f"versions/matrix.md#{cid}")
        new_apis = [a for a in cap.get("apis") or [] if a not in (was.get("apis") or [])]
        if new_apis and shipped and was.get("status", "shipped") == "shipped":
            yield Event(when, commit, "api", cid, f"New APIs listed for {name}", ", ".join(new_apis) + ".",
                        f"versions/matrix.md#{cid}")


def _diff_roadmap(old, new, commit, when):
    before, after = _by(old, "id"), _by(new, "id")
    for rid, item in after.items():
        title = item.get("title", rid)
        was = before.get(rid)
        if was is None:
            yield Event(when, commit, "roadmap", rid, f"Roadmap: {title}",
                        f"New on the roadmap, status {item.get('status')}.", f"versions/roadmap.md#{rid}")
        elif was.get("status") != item.get("status"):
            yield Event(when, commit, "roadmap", rid, f"Roadmap: {title} is now {item.get('status')}",
                        f"Status changed from {was.get('status')} to {item.get('status')}.",
                        f"versions/roadmap.md#{rid}")


def _diff_resources(old, new, commit, when):
    before, after = _by(old, "url"), _by(new, "url")
    for url in sorted(after.keys() - before.keys()):
        yield Event(when, commit, "resource", url, f"Resource added: {after[url].get('title', url)}",
                    f"{after[url].get('description', '')} <{url}>".strip(), "resources/index.md")
    for url in sorted(before.keys() - after.keys()):
        yield Event(when, commit, "resource", url, f"Resource removed: {before[url].get('title', url)}",
                    f"No longer listed: <{url}>", "resources/index.md")


DIFFS = {
    "docs/data/releases.yml": _diff_releases,
    "docs/data/capabilities.yml": _diff_capabilities,
    "docs/data/roadmap.yml": _diff_roadmap,
    "docs/data/resources.yml": _diff_resources,
}


def collect(root: Path = ROOT) -> list[Event]:
    """Every data change in the history, newest first."""
    events: list[Event] = []
    for path, diff in DIFFS.items():
        versions = _versions(path, root)
        for (_, _, old), (commit, when, new) in zip(versions, versions[1:]):
            events.extend(diff(old, new, commit, when))
    events.extend(correction_events(root / "docs" / "data" / corrections.FILE))
    events.sort(key=lambda e: e.when, reverse=True)  # stable: one commit's events keep the data's order
    return events


_CACHE: dict[tuple[str, str], list[Event]] = {}


def events(root: Path = ROOT) -> list[Event]:
    """collect(), once per commit (the page and the feed of one build share it)."""
    head = (_git(["rev-parse", "HEAD"], root) or "").strip()
    key = (str(root), head)
    if key not in _CACHE:
        _CACHE[key] = collect(root)
    return _CACHE[key]


def site_url() -> str:
    """The published address (mkdocs.yml: site_url from ATLAS_SITE_URL, with the same default)."""
    return os.environ.get("ATLAS_SITE_URL", "https://django-async-atlas.github.io/atlas/").rstrip("/") + "/"


def _page_url(page: str, base: str) -> str:
    path, _, anchor = page.partition("#")
    path = path[:-3] + "/" if path.endswith(".md") else path
    path = "" if path == "index/" else path.replace("/index/", "/")
    return base + path + (f"#{anchor}" if anchor else "")


def render_feed(events: list[Event], base: str | None = None) -> str:
    """An Atom 1.0 feed of the newest events."""
    base = base or site_url()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "id", base + FEED_PATH)
    sub(feed, "title", "Django Async Atlas: what changed")
    sub(feed, "subtitle", "New releases, capabilities, APIs, roadmap status changes, resources and corrections in the atlas.")
    updated = events[0].when if events else dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    sub(feed, "updated", updated.isoformat())
    sub(feed, "link", href=base + FEED_PATH, rel="self", type="application/atom+xml")
    sub(feed, "link", href=_page_url(PAGE_PATH, base), rel="alternate", type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "Django Async Atlas")
    for event in events[:FEED_LIMIT]:
        entry = sub(feed, "entry")
        sub(entry, "id", event.id)
        sub(entry, "title", event.title)
        sub(entry, "updated", event.when.isoformat())
        sub(entry, "link", href=_page_url(event.page, base), rel="alternate", type="text/html")
        sub(entry, "category", term=event.kind)
        sub(entry, "summary", event.summary or event.title)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


# What a reader wants first leads each day (new releases, then new answers and corrections); the
# resource list's additions and removals are folded into one section at the end.
LEAD = ("release", "capability", "api", "roadmap")
FOLDED = ("resource",)


def correction_events(path: Path | None = None) -> list[Event]:
    """One Changes event per correction, dated the day it landed."""
    found = []
    for entry in corrections.load(path):
        when = dt.datetime.combine(corrections.date_of(entry["date"]), dt.time(0, 0), tzinfo=dt.timezone.utc)
        summary = (f"The site said: {entry['said'].strip()} What is true: {entry['correct'].strip()} "
                   f"Source: {corrections.source_text(entry)}.")
        found.append(Event(when, "correction", "correction", entry["id"], f"Correction: {entry['title']}",
                           " ".join(summary.split()), entry["page"]))
    return found


def _by_day(out: list[str], events: list[Event], level: str = "##") -> None:
    """Append the events, grouped under a heading per day (`level`; "": a bold line), in the order given."""
    day = None
    for event in events:
        if event.when.date() != day:
            day = event.when.date()
            out += ["", f"{level} {day.isoformat()}" if level else f"**{day.isoformat()}**", ""]
        link = os.path.relpath(event.page.partition("#")[0], "versions").replace(os.sep, "/")
        anchor = event.page.partition("#")[2]
        out.append(f"- **{prose(event.title)}** ([{event.kind}]({link}{'#' + anchor if anchor else ''})): "
                   f"{prose(html.escape(event.summary, quote=False))}")


def render_page(events: list[Event]) -> str:
    """docs/versions/changes.md: releases, new answers and corrections grouped by day, newest first, with
    links to the pages; then the resource list's changes, folded."""
    out = [
        "---",
        "title: What changed",
        'summary: "Every change to the atlas: new releases, capabilities, APIs, roadmap status changes, '
        'resources added or removed, and corrections, newest first."',
        'django: "3.0+"',
        # `tested_with` is on its way out of front matter (it will come from requirements.lock); while the
        # front-matter check still asks for it, give the same value the release pages give.
        *([f'tested_with: "{versions_data.TESTED_WITH}"'] if hasattr(versions_data, "TESTED_WITH") else []),
        "tags: [versions, roadmap]",
        "---",
        "",
        "# What changed",
        "",
        "Changes to the atlas's data, collected from the data files and their history, and every "
        "correction: what a page said that was wrong, and what is true. "
        f"Follow them with the [Atom feed](../{FEED_PATH}).",
        "",
    ]
    if not events:
        out.append("No changes recorded yet (the history of the data files is not available in this build).")
    news = [e for e in events if e.kind not in FOLDED]
    churn = [e for e in events if e.kind in FOLDED]
    _by_day(out, sorted(news, key=lambda e: (-e.when.toordinal(), LEAD.index(e.kind) if e.kind in LEAD else len(LEAD))))
    if churn:
        out += ["", "## The resource list", "",
                f'??? note "{len(churn)} additions and removals, newest first"', ""]
        inner: list[str] = []
        _by_day(inner, churn, level="")  # no headings: the folded days stay out of the table of contents
        out += [f"    {line}" if line else "" for line in inner]
    out.append("")
    return "\n".join(out)
