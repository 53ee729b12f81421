"""`dev.py serve` rebuilds once per edit: its file watcher ignores the files the build itself generates.

MkDocs' live-reload server (mkdocs/livereload) polls the watched folders every 0.5 s and, on any change,
asks for a rebuild after the one running. Every build regenerates pages and files under docs/
(atlas/site/generate.py); the watcher saw those writes during the build, so each edit that changed a generated
file was followed by a second, identical build. Their sources (docs/data/, atlas/) are watched, so an
event on a generated file carries nothing new.
"""
from __future__ import annotations

import os
from pathlib import Path

from atlas.site import generate


class GeneratedFiles:
    """Membership test for the files generation writes. It remembers every list it has read: a page that
    generation removed has left the current list by the time the watcher sees it go."""

    def __init__(self) -> None:
        self.paths = generate.owned_files()

    def __contains__(self, path: str | bytes) -> bool:
        path = Path(os.path.realpath(os.fsdecode(path)))
        if path not in self.paths:
            self.paths |= generate.owned_files()  # a page new since the last look
        return path in self.paths


def ignore_generated_files(observer) -> None:
    """Drop the events on generated files from every folder `observer` (a watchdog observer, MkDocs'
    `server.observer`) watches so far, before they reach MkDocs' handler."""
    generated = GeneratedFiles()

    def wanted(event) -> bool:
        return not all(path in generated for path in (event.src_path, event.dest_path) if path)

    for emitter in observer.emitters:
        emitter.queue_event = _filtered(emitter.queue_event, wanted)


def _filtered(queue_event, wanted):
    return lambda event: queue_event(event) if wanted(event) else None


def reimport_hooks_on_each_build(server, config) -> None:
    """MkDocs imports a hook file once per process (its loader is cached); forget it before each rebuild,
    so an edit to hooks/ shows like an edit to atlas/. What on_serve set up stays until a restart."""
    loader = type(type(config).hooks)._load_hook  # the option class's cached loader (MkDocs, ProperDocs 1.6)
    build = server.builder

    def rebuild():
        loader.cache_clear()
        build()

    server.builder = rebuild
