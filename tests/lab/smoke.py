"""The lab's experiments in the suite: each runs once, in the notebook that shows it (its last cell reruns
it at CI size, `run(full=False)`), and the first cell injected below makes that size the smallest that still
measures something, where CI size costs more, and records every result for tests/lab/experiments.py."""
from pathlib import Path

from snippets.lab import cpu_bound, cpu_in_view, fan_out, request_cost, switches, threads_vs_tasks
from tests.lab import more_experiments

# where the smoke size costs less than the CI size (load runs at CI size: it is as small); fan_out waits
# 100 ms, not CI size's 50, three times: its check wants concurrent waits under 4 waits in a row, and under the
# full suite one took 0.22 s for a 0.1 s wait (0.12 s of overhead: at 50 ms, over the 0.2 s floor)
SIZES = {
    fan_out: {"fan_out": [1, 4], "latency_ms": 100, "repeats": 3},
    switches: {"round_trips": 500, "repeats": 1},
    request_cost: {"counts": [40], "repeats": 1},
    cpu_bound: {"jobs": 2, "iterations": 50_000, "repeats": 2},
    cpu_in_view: {**cpu_in_view.SIZES[False], "duration_s": 1.0, "burn_n": 200_000},
    threads_vs_tasks: {"threads": [20], "tasks": [2_000], "repeats": 1},
}

SIZES.update(more_experiments.SMOKE_SIZES)


def recorded_as(module) -> str:
    """The file a recorded run of `module` is written to."""
    return module.__name__ + ".json"


def notebook_cell(record: list, into: Path) -> dict:
    """A code cell that, run first, sets the smoke sizes in the kernel and makes each `run` of the modules
    in `record` also write its result to `into`, under recorded_as's name."""
    lines = ["import importlib, json, pathlib"]
    lines += [f"importlib.import_module({module.__name__!r}).SIZES[False] = {SIZES[module]!r}" for module in SIZES]
    lines += [
        "def _atlas_record(module, path):",
        "    run = module.run",
        "    def recorded(*args, **kwargs):",
        "        result = run(*args, **kwargs)",
        "        path.write_text(json.dumps(result))",
        "        return result",
        "    module.run = recorded",
    ]
    lines += [f"_atlas_record(importlib.import_module({module.__name__!r}), pathlib.Path({str(into / recorded_as(module))!r}))"
              for module in record]
    return {"cell_type": "code", "execution_count": None, "id": "atlas-smoke-sizes", "metadata": {}, "outputs": [],
            "source": "\n".join(lines)}
