"""The one writer for the YAML data files the code rewrites: ruamel.yaml's round trip, so comments, order and
layout stay as a person wrote them and only the values the code changes move.

`rewrite(path, change)` loads the file, lets `change` edit the data in place and writes it back; the settings
below make a round trip of every such file in `docs/data/` byte-identical (`tests/atlas/core/test_yaml_rewrite.py`):
block sequences indented under their key (`  - item` below `key:`), a top-level list at the left margin,
quotes kept as written, `null` written out, and lines never wrapped.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

__all__ = ["CommentedMap", "CommentedSeq", "dumps", "loads", "quoted", "replace_items", "rewrite"]


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def quoted(text: str) -> DoubleQuotedScalarString:
    """A string written in double quotes (a version such as "5.2", which YAML would otherwise read as a number)."""
    return DoubleQuotedScalarString(text)


def replace_items(mapping: CommentedMap, items: dict) -> None:
    """Make `mapping` hold exactly `items`, in their order, keeping what follows its last line (a comment, the
    blank line before the next entry) after its new last line."""
    if list(mapping.items()) == list(items.items()):
        return
    last = next(reversed(mapping), None)
    trailing = mapping.ca.items.pop(last, None) if last is not None else None
    for key in list(mapping):
        del mapping[key]
    mapping.update(items)
    if trailing is not None and items:
        mapping.ca.items[next(reversed(items))] = trailing


def loads(text: str):
    return _yaml().load(text)


def _top_level_list_at_margin(text: str) -> str:
    # ruamel indents a top-level sequence like a nested one ("  - id: …"); the data files start it at the margin.
    return "\n".join(line[2:] if line.startswith("  ") else line for line in text.split("\n"))


def dumps(data) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream, transform=_top_level_list_at_margin if isinstance(data, list) else None)
    return stream.getvalue()


def rewrite(path: Path, change: Callable[[object], object]) -> bool:
    """Load `path`, apply `change(data)` (edits in place; a falsy result leaves the file alone), write it back.

    Returns whether the file was written."""
    data = loads(path.read_text(encoding="utf-8"))
    if not change(data):
        return False
    path.write_text(dumps(data), encoding="utf-8")
    return True
