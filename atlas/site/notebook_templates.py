"""nbconvert's templates compiled once per process, not once per notebook.

mkdocs-jupyter converts each notebook with new nbconvert exporters, and each exporter makes a Jinja
environment of its own that parses and compiles the same templates again: about 170 compilations in a
build of the lab's notebooks, 14 % of the build's time. One in-memory bytecode cache shared by the
exporters' environments of one kind compiles each template once; Jinja checks a template's source against the code it
keeps (a changed template compiles anew), so the pages come out the same.
"""
from __future__ import annotations

import jinja2
from nbconvert.exporters.templateexporter import TemplateExporter


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates by Jinja's key for the template's name and file, held for the process."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])  # refused if the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


# one cache per kind of environment: Jinja's code looks up the filters it was compiled with, so only
# environments with the same filters (the same exporter class and options) share code
_SHARED: dict[tuple, SharedBytecode] = {}


def share_compiled_templates(exporter: type[TemplateExporter] = TemplateExporter) -> None:
    """Give every environment the exporter class makes from now on the shared cache (once: the build hook
    calls this on every rebuild)."""
    if getattr(exporter._create_environment, "shares_compiled_templates", False):
        return
    create = exporter._create_environment

    def create_environment(self):
        environment = create(self)
        kind = (type(self), self.enable_async, tuple(sorted(environment.filters)),
                tuple(sorted(environment.extensions)))
        environment.bytecode_cache = _SHARED.setdefault(kind, SharedBytecode())
        return environment

    create_environment.shares_compiled_templates = True
    exporter._create_environment = create_environment
