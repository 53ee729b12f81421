"""Render the stored lab runs (docs/data/lab-runs.json) as the lab page's table of runs and their provenance."""
from __future__ import annotations

from atlas.data.lab_figures import stored


def busy_cell(prov: dict) -> str:
    """How busy the machine was during the run: CPU pressure and other processes' CPU, or, for a run stored
    before those were recorded, its 1-minute load."""
    load = prov["load_1min_during"]
    pressure = prov.get("cpu_pressure")
    if pressure is None:
        return f"not recorded; 1-min load mean {load['mean']:g}, max {load['max']:g} ({load['samples']} samples)"
    waited = "not readable" if pressure["some_pct"] is None else f"{pressure['some_pct']:g} % (10-s peak {pressure['avg10_max']:g} %)"
    return (f"tasks waited {waited}; other processes {prov['others_cpu_pct']:g} % of the CPU; "
            f"1-min load {load['mean']:g} (context)")


def flag_cell(prov: dict) -> str:
    if not prov["overloaded"]:
        return "quiet" if "cpu_pressure" in prov else "not flagged by the old load-average rule (pressure not recorded)"
    why = "; ".join(prov.get("overloaded_because") or [f"mean 1-min load above {prov.get('load_limit', 0):g}, "
                                                        "the rule before CPU pressure was recorded"])
    return f"**overloaded** ({why}): timings unreliable and not quoted, counts unaffected"


def render_runs_table() -> str:
    """Markdown for generated/lab-runs.md (the lab page includes it): every stored run with its size, n, machine,
    how busy the machine was and the flag."""
    lines = ["| Benchmark | Size, repeats | When, commit | Machine | How busy the machine was | Steal | Flag |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, run in stored().items():
        prov = run["provenance"]
        cores = prov["machine"]["cores"]
        shared = f"; {prov['cores_shared']}" if prov.get("cores_shared") else ""
        lines.append(f"| <span id=\"run-{name}\"></span>`{name}` | {prov['size']}, n = {prov['n']} | {prov['date']}, `{prov['git_sha']}` | "
                     f"{prov['machine']['cpu']}, {cores} cores, Python {prov['machine']['python']}{shared} | "
                     f"{busy_cell(prov)} | {prov['steal_pct']:g} % | {flag_cell(prov)} |")
    return "\n".join(lines)
