"""Benchmarks and measuring tools, run by their own command, never inside the suite: they print figures
and assert nothing (the suite runs their code at a tiny size, under tests/).

    python3 dev.py bench suite            # the real commands, timed: `dev.py check` here (warm)
    python3 dev.py bench suite check test clone-check clone-ci   # any of these steps, in that order:
        check        `python3 dev.py check` in this tree (warm)
        test         `python3 dev.py test` in this tree (warm: the whole suite, browser tests included)
        clone-check  a fresh clone (`git clone . <tmp>/atlas`): time to a ready .venv, then `dev.py check`
                     twice (cold: no .cache/ in the clone; then warm)
        clone-ci     a fresh clone: time to a ready .venv, then `.ci/run` (installs included)
    python3 dev.py bench suite clone-ci   # the clone uses what the machine keeps once for every clone (uv's
                                          # cache, the bootstrap uv, downloaded files, release environments):
                                          # a contributor's second clone or worktree
    python3 dev.py bench suite clone-ci --first-clone   # all of that empty but uv's cache: a first clone
    python3 dev.py bench suite clone-ci --cold   # uv's cache empty too (a first contributor on a new machine)
    python3 dev.py bench site [--site DIR] [--no-screenshots]   # paint, search, screenshots (atlas/bench/site_speed.py)
                                          # and page weight, gzip (atlas/bench/page_weight.py)
    python3 dev.py bench fan_out [--requests 5 --concurrency 10 --delay 0.2]   # snippets/fan_out/benchmark.py
    python3 dev.py bench stack [X.Y ...]  # the middleware collector's run time, cold and warm (atlas/collect/stack.py)
    python3 dev.py bench search [--site DIR] [--show-held-aside]   # the search question set: top-1, top-3,
                                          # MRR per part, failures, index size, query time (atlas/bench/search_quality.py)
    python3 dev.py bench ecosystem        # the ecosystem collector's run time, cold and warm (atlas/collect/ecosystem.py)

`python3 dev.py lighthouse` prints every page's Lighthouse scores (atlas/bench/lighthouse.py);
`python -m atlas.bench.pagefind_compare` runs the question set through Pagefind, for comparison.

`bench suite`: each step prints its wall time beside the CPU-seconds its own processes used (those it waited for) and
those the whole machine was busy meanwhile (on a shared machine, compare the own figure), then what it
built (each environment and sdist: .cache/timings/builds.jsonl), the 20 slowest tests and each worker's
busy time (.cache/timings/last-run.json, tests/support/timings.py).
"""
