"""What moved upstream since the atlas data was checked: ``python3 dev.py upstream``.

One report, read from PyPI (its JSON API, or ``pip index versions`` when the API is unreachable):

* Django feature releases and pre-releases that docs/data/releases.yml lacks; for each one the report
  downloads the sdist, installs the release (atlas.collect.environments.ensure_venv), runs every probe and prints the
  capability diff, a draft releases.yml entry and draft capability entries from the release notes and the
  versionadded/versionchanged directives of its docs;
* newer patch releases than a release's newest_patch;
* newer versions of the packages the pages name (docs/data/upstream.yml) than requirements.lock and the pages;
* whether the in-development notes of the next release changed since docs/data/upstream.yml recorded them;
* roadmap items and "not there yet" capabilities whose `checked` date is older than the threshold.
* releases in releases.yml that the page-matrix results and the error index's lines do not reach yet
  (to collect; the checks accept them so that adding a release stays one data edit).

    python -m atlas.collect.upstream [--today 2026-11-27] [--index https://pypi.org/pypi] [--no-install] [--fail-on-moves]

Exit status 0; with --fail-on-moves, 1 when anything moved or is stale (the scheduled workflow uses that).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from atlas.collect.pypi import PYPI, Index, IndexUnreachable, feature_key, parse_version
from atlas.collect.release_drafts import ReleaseDraft, build_release_draft
from atlas.collect.release_notes import note_items
from atlas.collect.upstream_moves import (
    LOCK_FILE,
    django_moves,
    lock_pins,
    package_moves,
    page_mentions,
    stale_entries,
)
from atlas.core import datafile, yaml_rewrite
from atlas.core.datafile import Project
from atlas.core.paths import DATA, DOCS
from atlas.core.progress import show_progress

STATE_FILE = DATA / "upstream.yml"


# --------------------------------------------------------------------------------------------------
# Newer patches: probe them, then update releases.yml in place (like MDN's update-bcd for existing entries)


def set_newest_patch(path: Path, feature: str, patch: str) -> bool:
    """Set one release's newest_patch in releases.yml; comments and layout stay as they are."""
    def change(releases) -> bool:
        for entry in releases:
            if str(entry.get("version")) == feature and "newest_patch" in entry:
                entry["newest_patch"] = yaml_rewrite.quoted(patch)
                return True
        return False

    return yaml_rewrite.rewrite(path, change)


def apply_patches(data_dir: Path, new_patches, capabilities, probe=None) -> list[str]:
    """For each newer patch: run every probe on it (atlas.collect.matrix); all as expected -> newest_patch updated."""
    import dataclasses

    from atlas.collect import matrix
    from atlas.data.versions_data import load_releases

    probe = probe or matrix.probe_release
    releases = {r.version: r for r in load_releases(data_dir / "releases.yml")}
    lines = []
    for feature, have, newer, _date in new_patches:
        candidate = dataclasses.replace(releases[feature], newest_patch=newer.raw)
        result = probe(candidate, capabilities)
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
        from atlas.collect import sdists
        from atlas.data.versions_data import Release

        rel = Release(version=release, newest_patch=pre[-1].raw, released=dt.date.today(),
                      end_of_support=dt.date.today() + dt.timedelta(days=1), end_of_support_expected=True, lts=False,
                      pythons=("3.12",), asgiref_min="0", probe_python="3.12", summary="", upgrade_notes=(),
                      pitfalls=(), source="")
        text, where = sdists.sdist_text(rel, path), f"the Django {pre[-1].raw} sdist"
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
    from atlas.data import error_index, page_matrix_results

    order = list(known_releases(data_dir / "releases.yml"))
    out = []
    if (data_dir / "page_matrix.json").exists():
        out += [f"  Django {v}: page-matrix results — run `python3 dev.py pagematrix --resolve {v}`, then "
                f"`python3 dev.py pagematrix`"
                for v in page_matrix_results.to_collect(order, page_matrix_results.load_results(data_dir / "page_matrix.json"))]
    if (data_dir / "errors.yml").exists():
        out += [f"  Django {v}: error-index lines — run `python3 dev.py errors`"
                for v in error_index.to_collect(order, error_index.load_errors(data_dir / "errors.yml"))]
    return out


def build_report(today: dt.date, index: Index, data_dir: Path = DATA, install: bool = True, draft: bool = True,
                 update_patches: bool = False,
                 state_path: Path | None = None, page_roots: list[Path] | None = None,
                 lock_path: Path = LOCK_FILE, fetch=None) -> tuple[Report, list[ReleaseDraft]]:
    from atlas.data.versions_data import load_capabilities

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
        from atlas.collect.linkcheck import outside_links

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
    show_progress()
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.upstream", description=__doc__.split("\n\n")[0])
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
# Cross-file rules (collected by the validation layer: atlas.data.validation calls every module's check())


def check(project: Project) -> list[str]:
    """Problems between roadmap.yml, releases.yml and upstream.yml, as `file:line: entry.field: what — fix`.
    Nothing when one of them cannot be read: the layer reports that file's own problems."""
    if any(project.document(stem) is None for stem in ("releases", "roadmap", "upstream")):
        return []
    return check_data(project.data_dir)


def check_data(data_dir: Path) -> list[str]:
    """check() for the data files in another folder (a scratch copy in a test)."""
    from atlas.data.versions_data import load_roadmap

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
