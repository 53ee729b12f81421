"""The lab's experiments at the smallest sizes that still measure something: what the suite runs. The
lab's own command and the notebooks' last cells run them at CI size (`run(full=False)`), or in full."""
from snippets.lab import cpu_bound, cpu_in_view, fan_out, load, request_cost, switches, threads_vs_tasks

SIZES = {
    switches: {"round_trips": 500, "repeats": 1},
    request_cost: {"counts": [40], "repeats": 1},
    fan_out: {"fan_out": [1, 4], "latency_ms": 100, "repeats": 3},
    cpu_bound: {"jobs": 2, "iterations": 50_000, "repeats": 2},
    cpu_in_view: {**cpu_in_view.SIZES[False], "duration_s": 1.0, "burn_n": 200_000},
    load: {**load.SIZES[False], "rates": [40], "duration_s": 1.5},
    threads_vs_tasks: {"threads": [20], "tasks": [2_000], "repeats": 1},
}


# where the smoke size costs less than the CI size (fan_out repeats its runs to compare them; load's are the same)
SMALLER_THAN_CI = (switches, request_cost, cpu_bound, cpu_in_view, threads_vs_tasks)


def notebook_cell() -> dict:
    """A code cell that, run first, makes those experiments' CI size their smoke size in the kernel: a
    notebook executed in the suite runs every one of its cells, at the cost the lab's tests already pay."""
    lines = ["import importlib"] + [f"importlib.import_module({module.__name__!r}).SIZES[False] = {SIZES[module]!r}"
                                    for module in SMALLER_THAN_CI]
    return {"cell_type": "code", "execution_count": None, "id": "atlas-smoke-sizes", "metadata": {}, "outputs": [],
            "source": "\n".join(lines)}
