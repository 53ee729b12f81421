"""Render the stored lab runs (docs/data/lab-runs.json) as the lab page's table of runs and their provenance."""
from __future__ import annotations

from atlas.data.lab_figures import stored


def render_runs_table() -> str:
    """Markdown for generated/lab-runs.md (the lab page includes it): every stored run with its size, n, machine and load."""
    lines = ["| Benchmark | Size, repeats | When, commit | Machine | Load during the run (1-min, on "
             "its cores) | Steal | Flag |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, run in stored().items():
        prov = run["provenance"]
        load = prov["load_1min_during"]
        flag = (f"**overloaded** (mean load above {prov['load_limit']:g}): timings stretched, counts unaffected"
                if prov["overloaded"] else "quiet enough")
        lines.append(f"| `{name}` | {prov['size']}, n = {prov['n']} | {prov['date']}, `{prov['git_sha']}` | "
                     f"{prov['machine']['cpu']}, {prov['machine']['cores']} cores, Python {prov['machine']['python']} | "
                     f"mean {load['mean']:g}, max {load['max']:g} ({load['samples']} samples) | {prov['steal_pct']:g} % | "
                     f"{flag} |")
    return "\n".join(lines)
