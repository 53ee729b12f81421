"""The shape of atlas/ a newcomer reads: a few top-level modules, packages along the flow, small modules each
saying its job on its first line, and no import cycle (imports inside functions count too)."""
import ast
from pathlib import Path

from atlas.core.paths import ROOT

ATLAS = ROOT / "atlas"
MODULES = sorted(ATLAS.rglob("*.py"))


def name_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The atlas modules `path` imports, wherever the import statement stands."""
    package = name_of(path) if path.name == "__init__.py" else name_of(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & known


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on.add(module)
        for other in graph[module] - {module}:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_at_most_eight_modules_directly_in_atlas():
    top = [p.name for p in ATLAS.glob("*.py")]
    assert len(top) <= 8, top


def test_no_module_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, f"split these by job: {long}"


def test_every_module_opens_with_a_line_saying_its_job():
    silent = [str(p.relative_to(ROOT)) for p in MODULES
              if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert not silent, silent


def test_no_import_cycle():
    known = {name_of(p) for p in MODULES}
    graph = {name_of(p): imports_of(p, known) for p in MODULES}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]



def test_the_code_and_its_tools_import_nothing_from_tests():
    """Benchmarks and tools live in atlas/ (atlas/bench): the tests use them, never the other way round."""
    found = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found.update({name_of(path): name for name in names if name.split(".")[0] == "tests"})
    assert found == {}, found
