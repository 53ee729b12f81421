"""Run notebooks to refresh their stored outputs: `python3 dev.py notebooks docs/lab/*.ipynb`."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from atlas.core.errors import DataError
from atlas.core.paths import ROOT, relative


def execute(source: Path, destination: Path | None = None, timeout: int = 300) -> float:
    """Run every cell of a notebook with this interpreter's ipykernel, from the repository root; write the
    executed notebook to `destination` (default: in place). A failing cell raises, naming notebook and cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        index = next((i for i, cell in enumerate(notebook.cells) if cell.get("cell_type") == "code" and any(
            output.get("output_type") == "error" for output in cell.get("outputs", []))), "?")
        raise DataError(f"{relative(source)}: cell {index} failed:\n{error}") from None
    seconds = time.perf_counter() - started
    nbformat.write(notebook, destination or source)
    return seconds


def main(paths: list[str]) -> int:
    for name in paths:
        seconds = execute(Path(name))
        print(f"{name}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
