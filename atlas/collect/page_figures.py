"""Run the page tests that measure what their pages quote, and store the figures: `python3 dev.py pagefigures`.

Each group of docs/data/page_figures.json names the page that quotes it and the tests that measure it
(`tests`, pytest node ids). This command runs those tests RUNS times, serially, with ATLAS_PAGE_FIGURES
pointing at a scratch file their `record()` calls append to (tests/support/figures.py), and merges each key's
values over the runs into {median, min, max, n}: a page quotes the median as one figure, or min–max as a
range, checked with the lab's precision rules (atlas/data/lab_figures.py). The machine's load during the
runs is recorded the lab's way (snippets/lab/provenance.py) and a busy run is flagged `overloaded`, so its
timings cannot be quoted. Without --store it prints the figures only.

    python3 dev.py pagefigures                   # every group, 3 runs, printed
    python3 dev.py pagefigures uploads --store   # one group, stored (on a quiet machine, from a clean commit)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from atlas.core.paths import DOCS, ROOT

DATA = DOCS / "data" / "page_figures.json"
RUNS = 3


def merged(lines: list[dict], runs: int) -> dict[str, dict]:
    """{group: nested figures} from the recorded lines of every run: each key's values as a spread."""
    values: dict[tuple[str, str], list[float]] = {}
    for line in lines:
        values.setdefault((line["group"], line["key"]), []).append(float(line["value"]))
    groups: dict[str, dict] = {}
    for (group, key), found in sorted(values.items()):
        node = groups.setdefault(group, {})
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = {"median": round(statistics.median(found), 4), "min": min(found), "max": max(found),
                      "n": len(found)}
    return groups


def measure(tests: list[str], runs: int) -> list[dict]:
    """Run the tests `runs` times; every line their record() calls wrote. A failing run stops here."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "figures.jsonl"
        for run in range(1, runs + 1):
            print(f"run {run}/{runs}: {' '.join(tests)}", flush=True)
            env = {**os.environ, "ATLAS_PAGE_FIGURES": str(out)}
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", *tests], cwd=ROOT, env=env)
            if done.returncode:
                raise SystemExit(f"the tests failed in run {run}: nothing stored — fix them first")
        text = out.read_text(encoding="utf-8") if out.exists() else ""
    return [json.loads(line) for line in text.splitlines() if line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 dev.py pagefigures", description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="groups of docs/data/page_figures.json (default: all)")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each group's tests (default {RUNS})")
    parser.add_argument("--store", action="store_true", help="write the figures into docs/data/page_figures.json")
    args = parser.parse_args(argv)
    from snippets.lab import provenance

    data = json.loads(DATA.read_text(encoding="utf-8"))
    chosen = args.groups or list(data["figures"])
    unknown = sorted(set(chosen) - set(data["figures"]))
    if unknown:
        parser.error(f"no group {', '.join(unknown)} in {DATA.name}: add it there with its page and tests")
    for name in chosen:
        group = data["figures"][name]
        with provenance.recorded("full", args.runs) as recorder:
            found = merged(measure(group["tests"], args.runs), args.runs).get(name, {})
        prov = recorder.result()
        print(json.dumps({name: found}, indent=1))
        print(provenance.caption(prov))
        if not found:
            raise SystemExit(f"{name}: its tests recorded nothing — do they call record({name!r}, ...)?")
        if args.store:
            tests_changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "tests"],
                                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
            if prov["git_sha"].endswith("+dirty") or tests_changed:
                raise SystemExit("the measuring code (snippets/, tests/) has uncommitted changes: commit, then store")
            data["figures"][name] = {"page": group["page"], "tests": group["tests"], "provenance": prov, **found}
            DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"stored {name} in {DATA.relative_to(ROOT)}; python3 dev.py labfigures names the quotes "
                  "that no longer match (reread them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
