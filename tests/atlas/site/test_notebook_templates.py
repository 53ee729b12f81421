"""atlas/site/notebook_templates.py: nbconvert's exporters share their compiled templates, the pages unchanged."""
import jinja2
import nbformat
from nbconvert import HTMLExporter

from atlas.core.paths import DOCS
from atlas.site import notebook_templates

NOTEBOOK = sorted((DOCS / "lab").glob("*.ipynb"))[0]


def compilations(monkeypatch) -> list[str]:
    seen = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def test_a_second_exporter_compiles_no_template_and_converts_the_same(monkeypatch):
    class Shared(HTMLExporter):
        pass

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    seen = compilations(monkeypatch)
    alone, _ = HTMLExporter().from_notebook_node(notebook)
    assert seen, "nbconvert compiled no template: the spy sees nothing"
    notebook_templates.share_compiled_templates(Shared)
    notebook_templates.share_compiled_templates(Shared)  # each rebuild calls it: wrapped once
    first, _ = Shared().from_notebook_node(notebook)
    seen.clear()
    second, _ = Shared().from_notebook_node(notebook)
    assert seen == [] and first == second == alone


def test_a_changed_template_compiles_anew():
    shared = notebook_templates.SharedBytecode()
    old = jinja2.Environment(loader=jinja2.DictLoader({"cell.j2": "old {{ x }}"}), bytecode_cache=shared)
    assert old.get_template("cell.j2").render(x=1) == "old 1" and shared.compiled
    new = jinja2.Environment(loader=jinja2.DictLoader({"cell.j2": "new {{ x }}"}), bytecode_cache=shared)
    assert new.get_template("cell.j2").render(x=1) == "new 1"
