"""`python3 dev.py bench NAME`: run one benchmark (the list: atlas/bench/__init__.py, or `dev.py bench --help`)."""
from __future__ import annotations

import sys

import atlas.bench


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(atlas.bench.__doc__)
        return 0
    name, rest = argv[0], argv[1:]
    if name == "suite":
        from atlas.bench import suite

        return suite.suite(rest)
    if name == "site":
        from atlas.bench import site_speed

        return site_speed.main(rest)
    if name == "search":
        from atlas.bench import search_quality

        return search_quality.main(rest)
    if name == "fan_out":
        from snippets.fan_out import benchmark

        benchmark.main(rest)
        return 0
    if name == "stack":
        from atlas.collect import stack as stack_collect

        return stack_collect.main(["--bench", *rest])
    if name == "ecosystem":
        from atlas.collect import ecosystem

        return ecosystem.main(["--bench", *rest])
    print(f"unknown benchmark {name!r}\n{atlas.bench.__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
