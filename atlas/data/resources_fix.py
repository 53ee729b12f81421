"""Rewrite docs/data/resources.yml in order, and check it from the command line: `python3 dev.py resources [--fix]`."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from atlas.core.errors import DataError
from atlas.core.paths import relative
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


def _scalar(value) -> str:
    """One YAML scalar, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return text.removesuffix("...").strip()


def dump(entries: list) -> str:
    """The file text for `entries`, one readable block per entry, fields in the documented order."""
    lines = [
        "# The resource list (docs/resources/). Every entry was found and checked against its primary source;",
        "# fields and rules: atlas/data/resources.py; sections, kinds, topics and link policy: resource_sections.yml.",
        "# Sorted by section, then title ignoring case (Start here: by read_order); `python3 dev.py resources --fix` restores it.",
        "",
    ]
    for entry in entries:
        if not isinstance(entry, dict):
            lines += [f"- {_scalar(entry)}", ""]
            continue
        keys = [k for k in FIELDS + READING_FIELDS if k in entry] + [k for k in entry if k not in FIELDS + READING_FIELDS]
        for number, key in enumerate(keys):
            value = entry[key]
            if key == "django" and isinstance(value, str):
                rendered = '"' + value.replace('"', '\\"') + '"'
            elif key == "topics" and isinstance(value, list) and all(isinstance(t, str) and re.fullmatch(r"[a-z0-9-]+", t) for t in value):
                rendered = "[" + ", ".join(value) + "]"
            else:
                rendered = _scalar(value)
            lines.append(f"{'- ' if number == 0 else '  '}{key}: {rendered}")
        lines.append("")
    return "\n".join(lines)


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
