"""Run the lab's benchmarks: `python -m snippets.lab NAME [--full] [--out DIR]` (or `python3 dev.py lab ...`).

NAME is request_cost, threads_vs_tasks, switches, load, load_ceiling, fan_out, cpu_bound, cpu_in_view,
micro, load_shapes, causes, db_load, waiting_memory, held_connections or all. Without --full each runs at the small size the tests use (seconds); with --full at the size the lab pages report (minutes).
Results go to DIR (default lab-output/, git-ignored) as NAME.json and NAME.png; --full --store also
writes the run into docs/data/lab-runs.json, the data the lab pages and notebooks show.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from . import (  # noqa: E402
    cpu_bound,
    cpu_in_view,
    fan_out,
    load,
    load_ceiling,
    micro,
    provenance,
    request_cost,
    runs,
    switches,
    threads_vs_tasks,
)

BENCHMARKS = {"request_cost": request_cost, "threads_vs_tasks": threads_vs_tasks, "switches": switches, "load": load,
              "load_ceiling": load_ceiling,
              "fan_out": fan_out, "cpu_bound": cpu_bound, "cpu_in_view": cpu_in_view,
              "micro": micro}
from . import causes, db_load, held_connections, load_shapes, waiting_memory  # noqa: E402  (load shapes, causes split, PostgreSQL, waiting connections)

BENCHMARKS.update({"load_shapes": load_shapes, "causes": causes, "db_load": db_load, "waiting_memory": waiting_memory, "held_connections": held_connections})


def run_one(name: str, full: bool, out: Path, store: bool = False) -> dict:
    import matplotlib.pyplot as plt

    module = BENCHMARKS[name]
    started = time.perf_counter()
    result = module.run(full=full)
    result["seconds"] = round(time.perf_counter() - started, 1)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    figure = module.plot(result)
    figure.savefig(out / f"{name}.png", dpi=110)
    plt.close(figure)
    print(f"== {name} ({'full' if full else 'CI'} size, {result['seconds']} s) -> {out / name}.json, .png")
    print(module.table(result), flush=True)
    if store:
        runs.store(result)
        print(f"stored in {runs.PATH}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snippets.lab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", choices=[*BENCHMARKS, "all"])
    parser.add_argument("--full", action="store_true", help="run at full size (minutes) instead of CI size")
    parser.add_argument("--out", type=Path, default=Path("lab-output"), help="where to write JSON and PNG")
    parser.add_argument("--store", action="store_true", help="with --full: keep the run in docs/data/lab-runs.json")
    args = parser.parse_args(argv)
    if args.store and not args.full:
        parser.error("--store keeps full-size runs only: add --full")
    if args.store and (why := runs.refusal(provenance.git_sha())):
        parser.error(f"--store refused before running: {why}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in BENCHMARKS if args.name == "all" else [args.name]:
        run_one(name, args.full, args.out, args.store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
