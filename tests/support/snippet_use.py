"""Which snippets the suite runs, by execution: coverage.py records the lines of snippets/ that run in the
test processes and in the servers and workers the tests start; at the end of a run with --snippet-use
(`python3 dev.py test` without arguments passes it) every snippet a page shows must have run:

* a snippet that defines functions or classes: a line inside one of them ran (importing is not enough);
* a snippet of plain statements (settings, URL lists): its module ran;
* a snippet a test ran whole under an old release (record_run_elsewhere): it ran.

Snippets a page shows are those included with `--8<--` and the modules a notebook imports; the others are
harness code and must be listed in HARNESS with the reason no page shows them. Problems fail the run.
"""
from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

from atlas.core.paths import DOCS, ROOT, SNIPPETS

ENV_DIR = "ATLAS_SNIPPET_USE_DIR"
SUBPROCESS_START = Path(__file__).resolve().parent / "subprocess_coverage"

#: snippets/ files no page shows, and why they exist.
HARNESS = {
    "demo/asgi.py": "the demo project's ASGI entry point, which servers under test load",
    "demo/settings.py": "the demo project's settings every snippet runs with",
    "demo/urls.py": "the demo project's URL list, gathering each use case's urls.py",
    "demo/wsgi.py": "the demo project's WSGI entry point, which gunicorn under test loads",
    "deploying/urls.py": "routes of the deploying page's example views",
    "learn/urls.py": "routes of the learning path's example views",
    "lab/__main__.py": "the `python3 dev.py lab` command that writes the lab's JSON and PNG",
    "lab/procs.py": "process helpers the lab's modules share",
    "lab/upstream.py": "the slow upstream the lab's benchmarks call, whose server the shaped one reuses",
    "lab/load_server.py": "the WSGI/ASGI entry points of the load benchmark's servers",
    "lab/load_settings.py": "the minimal settings of the load benchmark's servers",
    "lab/load_views.py": "the views the load benchmark's servers answer with",
    "lab/loadgen.py": "the load generator the load benchmark runs, whose sending the shaped one reuses",
    "lab/histogram.py": "the latency histograms the load generator fills and the load benchmark merges",
    "lab/tables.py": "the text tables and error bars the lab's results are shown with",
    "lab/provenance.py": "records where, when and how busy the machine was during a lab run",
    "lab/cpu_in_view_app.py": "the site the CPU-in-a-view measurement serves under uvicorn",
    "lab/request_cost_app.py": "the ASGI apps the request-cost measurement holds requests open in",
    "stack/startproject.py": "startproject's MIDDLEWARE and INSTALLED_APPS read from Django's template, for the lab and tests",
    "lab/stack_site.py": "the site with startproject's middleware the causes and waiting-request runs serve",
    "lab/holding.py": "holds requests open on a server and reads what they cost, for two lab experiments",
    "lab/shaped_loadgen.py": "the load generator with Poisson and bursty arrivals the load-shape run uses",
    "lab/shaped_upstream.py": "the heavy-tailed and slowing upstream the load-shape run calls",
    "lab/pg.py": "starts the throwaway PostgreSQL cluster of the database-bound run",
    "lab/db_site.py": "the database-bound site the PostgreSQL run serves",
}


def snippet_files() -> list[str]:
    return sorted(path.relative_to(SNIPPETS).as_posix() for path in SNIPPETS.rglob("*.py")
                  if path.name != "__init__.py" and "__pycache__" not in path.parts)


def shown_snippets() -> set[str]:
    """Files under snippets/ that a page includes (--8<--) or a notebook imports."""
    shown = set()
    for page in DOCS.rglob("*.md"):
        shown.update(match.split(":")[0] for match in re.findall(r'--8<--\s+"([^"]+)"', page.read_text()))
    for notebook in DOCS.rglob("*.ipynb"):
        shown.update(notebook_imports(notebook))
    return shown & set(snippet_files())


def notebook_imports(notebook: Path) -> set[str]:
    """The snippets/ files (relative, 'lab/load.py') a notebook's code cells import; magics left out."""
    imported = set()
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "code":
            code = "".join(line for line in cell["source"] if not line.lstrip().startswith(("%", "!")))
            imported.update(_imported_files(ast.parse(code)))
    return imported


def _imported_files(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {"/".join(name.split(".")[1:]) + ".py" for name in names if name.startswith("snippets.")}


def body_lines(source: str) -> set[int]:
    """Lines inside the function bodies of a module (methods included): they run only when called."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return lines


def unexercised(executed: dict[str, set[int]], files: list[str]) -> list[str]:
    """Problems for the snippets in `files` given the executed lines per file (relative to snippets/)."""
    problems = []
    for name in files:
        ran = executed.get(name, set())
        bodies = body_lines((SNIPPETS / name).read_text())
        if not ran:
            problems.append(f"snippets/{name}: no test ran it (not even imported it)")
        elif bodies and not ran & bodies:
            problems.append(f"snippets/{name}: imported, but no test called any of its functions")
    return problems


# -- recording ------------------------------------------------------------------------------------------


def subprocess_env(data_dir: str) -> dict[str, str]:
    """Environment for a server or worker a test starts, so that coverage runs there too."""
    return {"COVERAGE_PROCESS_START": str(Path(data_dir) / "coveragerc"),
            "PYTHONPATH": f"{SUBPROCESS_START}{os.pathsep}{ROOT}"}


def write_config(data_dir: Path) -> None:
    (data_dir / "coveragerc").write_text(
        "[run]\n"
        f"data_file = {data_dir / 'coverage'}\n"
        "parallel = true\n"
        f"source = {SNIPPETS}\n"
        "sigterm = true\n"
        "disable_warnings = no-data-collected\n"   # a process that ran no snippet (most do not) is fine
        "core = sysmon\n"         # Python 3.12's sys.monitoring: next to no cost outside snippets/
        "patch = _exit, fork\n"   # gunicorn's forked workers leave with os._exit
    )


def start(data_dir: Path):
    import coverage

    recorder = coverage.Coverage(config_file=str(data_dir / "coveragerc"))
    recorder.start()
    return recorder


def record_run_elsewhere(snippet: Path) -> None:
    """A snippet a test ran whole in an interpreter coverage does not watch (an old release's venv, run by
    atlas.collect.release_snippets): noted as run, when this run records snippet use."""
    data_dir = os.environ.get(ENV_DIR)
    if data_dir:
        name = (snippet if snippet.is_absolute() else ROOT / snippet).resolve().relative_to(SNIPPETS).as_posix()
        with open(Path(data_dir) / f"elsewhere-{os.getpid()}.txt", "a", encoding="utf-8") as notes:
            notes.write(name + "\n")


def executed_lines(data_dir: Path) -> dict[str, set[int]]:
    import coverage

    recorder = coverage.Coverage(config_file=str(data_dir / "coveragerc"))
    recorder.combine(data_paths=[str(data_dir)], keep=True)
    data = recorder.get_data()
    executed = {}
    for measured in data.measured_files():
        path = Path(measured)
        if path.is_relative_to(SNIPPETS):
            executed[path.relative_to(SNIPPETS).as_posix()] = set(data.lines(measured) or ())
    for notes in data_dir.glob("elsewhere-*.txt"):
        for name in notes.read_text(encoding="utf-8").split():
            executed[name] = set(range(1, len((SNIPPETS / name).read_text().splitlines()) + 1))
    return executed
