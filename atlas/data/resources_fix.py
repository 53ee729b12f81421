"""Rewrite docs/data/resources.yml in order, and check it from the command line: `python3 dev.py resources [--fix]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from atlas.core import yaml_rewrite
from atlas.core.errors import DataError
from atlas.core.paths import relative
from atlas.core.yaml_rewrite import CommentedMap, CommentedSeq
from atlas.data.resources import (
    FIELDS,
    READING_FIELDS,
    RESOURCES,
    Vocabulary,
    _read,
    field_problems,
    load_resources,
    load_vocabulary,
    problems,
    sort_key,
)

# ---------------------------------------------------------------------------------------------- fixer


HEADER = (
    "# The resource list (docs/resources/). Every entry was found and checked against its primary source;\n"
    "# fields and rules: atlas/data/resources.py; sections, kinds, topics and link policy: resource_sections.yml.\n"
    "# Sorted by section, then title ignoring case (Start here: by read_order); `python3 dev.py resources --fix` "
    "restores it.\n"
)


def _value(key: str, value):
    """A field's value as the file writes it: `django` quoted, lists and mappings on one line."""
    if key == "django" and isinstance(value, str):
        return yaml_rewrite.quoted(value)
    if isinstance(value, (list, dict)):
        node = CommentedSeq(value) if isinstance(value, list) else CommentedMap(value)
        node.fa.set_flow_style()
        return node
    return value


def _entry(entry):
    if not isinstance(entry, dict):
        return entry
    keys = [k for k in FIELDS + READING_FIELDS if k in entry] + [k for k in entry if k not in FIELDS + READING_FIELDS]
    return CommentedMap((key, _value(key, entry[key])) for key in keys)


def dump(entries: list) -> str:
    """The file text for `entries`, one block per entry with a blank line between, fields in the documented order."""
    return HEADER + "\n" + "\n".join(yaml_rewrite.dumps([_entry(entry)]) for entry in entries)


def fix(path=None, vocabulary=None, releases=None, today=None) -> list[str]:
    """Rewrite the file sorted (section, then title); return the problems that remain after sorting."""
    path = Path(path) if path is not None else RESOURCES
    vocab = vocabulary if isinstance(vocabulary, Vocabulary) else load_vocabulary(vocabulary)
    source = _read(path)
    if not isinstance(source.data, list):
        return field_problems(source, vocab)
    ordered = sorted(source.data, key=lambda e: sort_key(e, vocab) if isinstance(e, dict) else (len(vocab.sections) + 1, ""))
    path.write_text(dump(ordered), encoding="utf-8")
    return problems(path, vocab, releases, today)

def counts_by_section(entries: list[dict], vocab: Vocabulary) -> dict[str, int]:
    return {sid: sum(e["section"] == sid for e in entries) for sid in vocab.sections}


# ------------------------------------------------------------------------------------------------ CLI


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 dev.py resources", description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the file sorted by section, then title")
    parser.add_argument("--path", default=None, help="the resource file (default: docs/data/resources.yml)")
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else RESOURCES
    try:
        vocab = load_vocabulary()
        if args.fix:
            remaining = fix(path, vocab)
            print(f"{relative(path)}: rewritten in order")
            if remaining:
                print("\n".join(remaining), file=sys.stderr)
                return 1
            return 0
        entries = load_resources(path, vocab)
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    counts = counts_by_section(entries, vocab)
    print(f"{relative(path)}: {len(entries)} entries OK ("
          + ", ".join(f"{sid} {n}" for sid, n in counts.items() if n) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
