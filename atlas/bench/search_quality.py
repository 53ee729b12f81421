"""How well the site's search answers readers' questions: the public question set
(docs/data/search_questions.yml) through the site's real search.

    python3 dev.py bench search                        # builds the site (--strict) into a temp folder
    python3 dev.py bench search --site DIR             # an already built site
    python3 dev.py bench search --show-held-aside      # also list the held-aside part's failures
    python3 dev.py bench search --hide-held-aside      # while tuning: no held-aside figure at all
    python3 dev.py bench search --chromium             # also time every query in Chromium, CPU slowed 4x

Every question goes through the search worker the built site's pages name (the site's own, which Material's
search box talks to: docs/assets/javascripts/search-worker.js), run under Node on
the built index (atlas/bench/material_search.js), and its results are read as the search box lists them.
Per part — the tuned part, the spent part (held aside by a batch whose held-aside part was read while
tuning: tuning data now, reported apart so its history shows), the held-aside part (never used to tune:
only its figures are printed unless asked; with --hide-held-aside, used while tuning, not even those, nor
the "all" row they are part of), and all — it prints top-1 and top-3 (the share of questions
answered by the first result, by one of the first three) and the mean reciprocal rank (1/rank of the first
right result, 0 if none); then the failures of the tuning data (tuned and spent: not in the first three)
with what came first; the index's size, raw and gzip as a
static host sends it; and the worker's median time per query in Node (not a browser's: the machine's
load shows in it); with --chromium, also the time from the last keystroke to the results drawn in the
real search box in headless Chromium with the CPU slowed 4× (atlas/bench/chromium_timing.py). Asserts
nothing and exits 0: quality is a figure to read (tests/search/ checks the set,
tests/browser/test_search_questions.py that the browser lists the same results).
"""
from __future__ import annotations

import argparse
import gzip
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas.bench import chromium_timing, material_search
from atlas.bench.built_site import site_to_measure
from atlas.data import search_questions

TOP = 3


@dataclass(frozen=True)
class Scored:
    question: search_questions.Question
    answer: material_search.Answer
    rank: int | None            # of the first right result, from 1; None: no result answers it


@dataclass(frozen=True)
class Figures:
    count: int
    top1: float
    top3: float
    mrr: float


def score(questions, answers) -> list[Scored]:
    return [Scored(q, a, search_questions.first_right(a.locations, q.answers)) for q, a in zip(questions, answers)]


def figures(scored: list[Scored]) -> Figures:
    n = len(scored)
    if not n:
        return Figures(0, 0.0, 0.0, 0.0)
    return Figures(n, sum(s.rank == 1 for s in scored) / n, sum(s.rank is not None and s.rank <= TOP for s in scored) / n,
                   sum(1 / s.rank for s in scored if s.rank) / n)


def index_size(site: Path) -> tuple[int, int, int]:
    """(bytes, gzip bytes, documents) of the index every visitor's browser downloads."""
    import json

    raw = (site / "search" / "search_index.json").read_bytes()
    return len(raw), len(gzip.compress(raw, compresslevel=6)), len(json.loads(raw)["docs"])


def format_failure(s: Scored) -> str:
    came = "; ".join(f"{i}. {link.location or '(home)'} ({link.title[:50]})" for i, link in enumerate(s.answer.links[:TOP], 1))
    where = f"right answer at {s.rank}" if s.rank else "no right answer at all"
    return f"  {s.question.text[:70]!r}\n      wants {s.question.answers[0]} ({where}); first: {came or 'No matching documents'}"


def report(scored: list[Scored], site: Path, run: material_search.Run, show_held_aside: bool = False,
           chromium_ms: list[float] | None = None, hide_held_aside: bool = False) -> str:
    parts = {"tuned": [s for s in scored if s.question.part == "tuned"],
             "spent": [s for s in scored if s.question.part == "spent"],
             "held aside": [s for s in scored if s.question.part == "held aside"],
             "all": scored}
    if hide_held_aside:         # while tuning: the "all" row would give the held-aside figures away too
        del parts["held aside"], parts["all"]
    lines = [f"Search: {len(scored)} questions of docs/data/search_questions.yml through the site's search worker",
             "", f"  {'part':12} {'questions':>9} {'top-1':>7} {'top-3':>7} {'MRR':>6}"]
    for name, part in parts.items():
        if name == "spent" and not part:
            continue
        f = figures(part)
        lines.append(f"  {name:12} {f.count:9} {f.top1:7.1%} {f.top3:7.1%} {f.mrr:6.3f}")
    lines.append("")
    if parts["spent"]:
        lines.append(f"(spent: the {len(parts['spent'])} held-aside questions of batches marked spent in the file; their "
                     "held-aside part was read while tuning, so they are tuning data now, not evidence)")
        lines.append("")
    shown = [("tuned", parts["tuned"])] + ([("spent", parts["spent"])] if parts["spent"] else []) + \
        ([("held aside", parts["held aside"])] if show_held_aside else [])
    for name, part in shown:
        failures = [s for s in part if s.rank is None or s.rank > TOP]
        lines.append(f"Failures of the {name} part ({len(failures)}: the right answer is not among the first {TOP}):")
        lines.extend(format_failure(s) for s in failures)
        lines.append("")
    if hide_held_aside:
        lines.append(f"(the held-aside part, {sum(s.question.part == 'held aside' for s in scored)} questions, is hidden: "
                     "neither its figures nor its failures are shown while tuning; run without --hide-held-aside "
                     "once the tuning is committed)")
        lines.append("")
    elif not show_held_aside:
        lines.append("(the held-aside part's failures are not listed: it is never used to tune; --show-held-aside lists them)")
        lines.append("")
    raw, packed, docs = index_size(site)
    times = [a.ms for a in run.answers]
    lines.append(f"Index: search/search_index.json {raw / 1024:.0f} KiB, {packed / 1024:.0f} KiB gzip, {docs} documents")
    lines.append(f"Query time (the worker in Node {node_version()}, this machine now): median {statistics.median(times):.1f} ms, "
                 f"90th percentile {statistics.quantiles(times, n=10)[-1]:.1f} ms, max {max(times):.1f} ms; "
                 f"index set-up {run.setup_ms:.0f} ms")
    if chromium_ms:
        lines.append(f"Query time in Chromium, CPU slowed {chromium_timing.THROTTLE}x (last keystroke to results drawn): "
                     f"median {statistics.median(chromium_ms):.0f} ms, 90th percentile "
                     f"{statistics.quantiles(chromium_ms, n=10)[-1]:.0f} ms, max {max(chromium_ms):.0f} ms")
    return "\n".join(lines)


def node_version() -> str:
    import subprocess

    return subprocess.run([material_search.node(), "--version"], capture_output=True, text=True).stdout.strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build one with --strict)")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--show-held-aside", action="store_true", help="also list the held-aside part's failures")
    shown.add_argument("--hide-held-aside", action="store_true",
                       help="while tuning: print no figure of the held-aside part (nor of all questions)")
    parser.add_argument("--chromium", action="store_true", help="also time every query in Chromium, CPU slowed 4x")
    args = parser.parse_args(argv)
    if material_search.node() is None:
        print("node is not installed (Debian: apt-get install nodejs): the benchmark runs the site's search "
              "worker under Node", file=sys.stderr)
        return 2
    questions = search_questions.load()
    with site_to_measure(args.site) as site:
        run = material_search.search(site, [q.text for q in questions])
        chromium_ms = chromium_timing.query_times(site, [q.text for q in questions]) if args.chromium else None
        print(report(score(questions, run.answers), site, run, args.show_held_aside, chromium_ms, args.hide_held_aside))
    return 0


if __name__ == "__main__":
    sys.exit(main())
