"""Show a benchmark's stored full-size run in a notebook: its table and plot, or, before one is stored,
the command that makes it."""
from __future__ import annotations

from . import runs


def show(module, name: str | None = None) -> dict | None:
    """Print the stored run of `module` (snippets.lab.<name>) and draw its plot; None when none is stored."""
    import matplotlib.pyplot as plt

    name = name or module.__name__.rsplit(".", 1)[-1]
    result = runs.load().get(name)
    if result is None:
        print(f"No full-size run of {name} is stored yet. On a quiet machine, from the repository root:\n"
              f"    python3 dev.py lab {name} --full --store\n"
              f"and run this notebook again. The run below is at CI size.")
        return None
    print(module.table(result))
    module.plot(result)
    plt.show()
    return result
