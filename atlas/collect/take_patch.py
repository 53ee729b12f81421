"""Take a Django patch release in one command: `python3 dev.py patch 5.2.20`.

A patch release touches more than `newest_patch`: in order, and stopping at the first step that fails,
1. every capability probe runs on the patch (atlas.collect.matrix); one answer unlike the data stops here;
2. `newest_patch` in docs/data/releases.yml;
3. requirements.in and requirements.lock follow when it is the project's own release (the one compat.yml
   marks `project: true`); otherwise compat.yml's pins are resolved again by pip for it;
4. what is collected per release from its code: the async API index (docs/data/async_api.json) and
   what async_unsafe guards (docs/data/async_unsafe.json);
5. the page matrix reruns the pages that claim the release, on it (docs/data/page_matrix.json).
The Changes page then shows the patch (atlas/site/changes.py compares newest_patch between commits); commit
the files the command lists.

Each step is a function of `Steps`, so a test can run the whole command on a fake patch release.
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from atlas.core.paths import DATA, ROOT

Log = Callable[[str], None]


@dataclass
class Steps:
    """What the command does at each step; the defaults do the real work."""
    probe: Callable = None          # (release) -> list of mismatched capability ids
    resolve: Callable = None        # (feature) -> None: compat.yml pins for that release
    lock: Callable = None           # (patch) -> None: requirements.in/.lock pin Django==patch
    collect: Callable = None        # (feature) -> None: async_api.json, async_unsafe.json, stack.json, ecosystem.json
    page_matrix: Callable = None    # (feature) -> list of problems
    is_project_release: Callable = None  # (feature) -> bool

    def __post_init__(self):
        for name in ("probe", "resolve", "lock", "collect", "page_matrix", "is_project_release"):
            if getattr(self, name) is None:
                setattr(self, name, getattr(self, f"_real_{name}"))

    @staticmethod
    def _real_probe(release) -> list[str]:
        from atlas.collect import matrix
        from atlas.data.versions_data import load_capabilities

        result = matrix.probe_release(release, load_capabilities())
        return [o.capability for o in result.mismatches] if not result.ok else []

    @staticmethod
    def _real_resolve(feature: str) -> None:
        from atlas.collect import page_matrix

        page_matrix.resolve(feature)

    @staticmethod
    def _real_lock(patch: str) -> None:
        set_pin(ROOT / "requirements.in", patch)
        set_pin(ROOT / "requirements.lock", patch)

    @staticmethod
    def _real_collect(feature: str) -> None:
        from atlas.collect import async_api, async_unsafe, ecosystem, stack
        from atlas.data.versions_data import load_releases

        async_api.main([])      # every release from its cache, the patched one collected again
        async_unsafe.main([])
        if feature in {r.version for r in stack.releases_measured()}:
            stack.main([feature])  # that release's middleware measured again; the others keep theirs
        releases = load_releases()
        if feature == releases[-1].version or any(r.lts and r.version == feature for r in releases):
            ecosystem.main([])     # the packages are measured on the newest release and the LTS ones

    @staticmethod
    def _real_page_matrix(feature: str) -> list[str]:
        from atlas.collect import page_matrix
        from atlas.data import page_matrix_results as results
        from atlas.data.page_code import pages_with_code

        pages = list(pages_with_code())
        runs = page_matrix.run(pages, [feature])
        results.write_results(results.merge_results(runs, results.load_results()))
        return results.claim_problems(results.load_results(), pages, [feature])

    @staticmethod
    def _real_is_project_release(feature: str) -> bool:
        from atlas.data.compat import load_compat_unresolved

        env = load_compat_unresolved().releases.get(feature)
        return bool(env and env.project)


def set_pin(path: Path, patch: str) -> bool:
    """Rewrite the `django==X` line of a requirements file (any case), keeping the rest."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r"(?im)^(django)==\S+", lambda m: f"{m.group(1)}=={patch}", text, count=1)
    if count:
        path.write_text(new, encoding="utf-8")
    return bool(count)


def take(patch: str, steps: Steps | None = None, data_dir: Path = DATA, log: Log = print) -> int:
    """Take one patch release; 0 when every step passed."""
    from atlas.collect.pypi import parse_version
    from atlas.collect.upstream import set_newest_patch
    from atlas.data.versions_data import load_releases

    steps = steps or Steps()
    version = parse_version(patch)
    if version is None or not version.final:
        log(f"patch: {patch!r} is not a final release number (X.Y.Z)")
        return 2
    feature = version.feature
    releases = {r.version: r for r in load_releases(data_dir / "releases.yml")}
    if feature not in releases:
        log(f"patch: {feature} is not a release of docs/data/releases.yml; a new feature release is added by hand "
            f"(see CONTRIBUTING.md, \"Pages and tables made from data\")")
        return 2
    have = parse_version(releases[feature].newest_patch)
    if have and have.key >= version.key:
        log(f"patch: releases.yml already records {releases[feature].newest_patch} for {feature}")
        return 0
    candidate = dataclasses.replace(releases[feature], newest_patch=patch)
    log(f"1/5 probing every capability on Django {patch}")
    wrong = steps.probe(candidate)
    if wrong:
        log(f"patch: probes answer unlike the data on {patch}: {', '.join(wrong)} — fix capabilities.yml first")
        return 1
    log(f"2/5 releases.yml: {feature} newest_patch {releases[feature].newest_patch} -> {patch}")
    set_newest_patch(data_dir / "releases.yml", feature, patch)
    if steps.is_project_release(feature):
        log(f"3/5 the project's own release: requirements.in and requirements.lock pin Django=={patch}")
        steps.lock(patch)
    else:
        log(f"3/5 compat.yml: pip resolves the page-matrix pins of {feature} with django=={patch}")
        steps.resolve(feature)
    log(f"4/5 collecting the async API index, async_unsafe and the middleware's hops from {patch}")
    steps.collect(feature)
    log(f"5/5 page matrix: the pages that claim {feature}, on {patch}")
    problems = steps.page_matrix(feature)
    for line in problems:
        log("! " + line)
    log("done: commit docs/data/ (and requirements.* for the project's release); the Changes page will show "
        f"Django {patch}" if not problems else "the page matrix reported problems (above)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 dev.py patch", description=__doc__.split("\n\n")[0])
    parser.add_argument("patch", help="the patch release to take, e.g. 5.2.20")
    args = parser.parse_args(argv)
    return take(args.patch)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
