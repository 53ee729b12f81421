"""Reading contributed data so every problem can name its line.

* `read(path)` parses YAML (or JSON) once and remembers the line of every mapping key and list item;
* `Document.where(loc)` turns a location such as (3, "added") into "docs/data/x.yml:40: asgi-handler.added";
* `schema_problems(doc, schema)` checks a document against a JSON Schema (draft 2020-12) and words each
  error as ``file:line: entry.field: what is wrong — how to fix``. A schema may say how to fix a field
  with the extra keyword ``"x-fix"`` (ignored by JSON Schema itself).
* `read_json(path, command)` reads a collected JSON file, naming the file, line or field and the command
  that writes it when it cannot;
* `Project` gives checks lazy, shared access to a data folder (the real one, or a scratch copy in tests).

Dates stay strings (YYYY-MM-DD, checked with the schema's "format": "date"), so a YAML file and a JSON
file of the same shape are validated alike.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from atlas.core.data_stamp import data_stamp
from atlas.core.errors import DataError
from atlas.core.paths import DATA, ROOT, relative

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml parses five to ten times faster


def safe_load(text: str):
    """`yaml.safe_load`, with libyaml when it is there: a build reads dozens of YAML texts."""
    return yaml.load(text, Loader=_Base)


def compose(text: str):
    """`yaml.compose` (nodes with their lines), with libyaml when it is there."""
    return yaml.compose(text, Loader=_Base)


class _Loader(_Base):
    """SafeLoader without the implicit timestamp type: 2026-11-25 stays the string JSON would hold."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

ID_FIELDS = ("id", "version", "title", "name")


def problem(shown: str, line: int, where: str, what: str, fix: str) -> str:
    """The one format of every problem: ``file:line: entry.field: what is wrong — how to fix``."""
    place = f"{shown}:{line}: " + (f"{where}: " if where else "")
    return f"{place}{what} — {fix}"


def in_file_order(problems: list[str]) -> list[str]:
    """Problem lines without repeats, sorted by file, then line (stable otherwise)."""
    def key(text: str) -> tuple:
        match = re.match(r"^(.*?):(\d+):", text)
        return (match[1], int(match[2])) if match else (text, 0)

    return sorted(dict.fromkeys(problems), key=key)


def raise_problems(problems: list[str]) -> None:
    """Raise one DataError listing every problem in file order, if there are any."""
    problems = in_file_order(problems)
    if problems:
        more = f" (and {len(problems) - 1} more below)" if len(problems) > 1 else ""
        raise DataError("\n".join([problems[0] + more, *problems[1:]]))


@dataclass
class Document:
    path: Path
    shown: str
    data: Any
    known_lines: dict[tuple, int] = field(default_factory=dict)
    compose_lines: Callable[[], dict[tuple, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> dict[tuple, int]:
        """Each location's line; a JSON file's are composed as YAML when first asked for (to report a problem)."""
        if self.compose_lines is not None:
            self.known_lines.update(self.compose_lines())
            self.compose_lines = None
        return self.known_lines

    def line(self, loc=()) -> int:
        """The line of `loc` or of its nearest enclosing item that has one (1 if none)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def label(self, loc=()) -> str:
        """'asgi-handler.source.file', 'entry 3.name', 'streaming' (a key of a mapping file)."""
        loc = tuple(loc)
        if not loc:
            return ""
        head, rest = loc[0], loc[1:]
        if isinstance(head, int) and isinstance(self.data, list) and head < len(self.data):
            entry = self.data[head]
            ids = [entry.get(key) for key in ID_FIELDS] if isinstance(entry, dict) else []
            name = next((value for value in ids if isinstance(value, str) and value.strip()), None)
            text = name if name and len(name) <= 60 else f"entry {head + 1}"
        else:
            text = str(head)
        for part in rest:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text

    def problem(self, loc, what: str, fix: str) -> str:
        return problem(self.shown, self.line(loc), self.label(loc), what, fix)


def _record_lines(node, loc: tuple, lines: dict, duplicates: list, offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                duplicates.append((loc + (key,), line, seen[key]))
                continue
            seen[key] = line
            lines[loc + (key,)] = line
            _record_lines(value_node, loc + (key,), lines, duplicates, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[loc + (index,)] = item.start_mark.line + 1 + offset
            _record_lines(item, loc + (index,), lines, duplicates, offset)


def parse(text: str, path: Path, shown: str | None = None, line_offset: int = 0) -> tuple[Document | None, list[str]]:
    """(document, problems) for YAML or JSON text; a syntax error gives (None, [its problem]).

    JSON is read with the json module (it decides what the data is) and composed as YAML for its lines.
    `line_offset` is added to every line (front matter starts on a page's second line).
    """
    shown = shown or relative(path)
    is_json = path.suffix in (".json", ".ipynb")
    if is_json:
        repeated: list[bool] = []  # a key written twice: the lines are composed now, to say where
        try:
            data = json.loads(text, object_pairs_hook=partial(_noting_repeats, repeated))
        except json.JSONDecodeError as error:
            return None, [problem(shown, error.lineno + line_offset, "", f"not valid JSON ({error.msg})",
                                  "fix the syntax on that line")]
        if not repeated:
            return Document(path, shown, data, {(): 1 + line_offset}, compose_lines=partial(_json_lines, text, line_offset)), []
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if not is_json:
            data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        if is_json:  # valid JSON that PyYAML cannot compose: keep the data, without lines
            return Document(path, shown, data, {(): 1 + line_offset}), []
        mark = getattr(error, "problem_mark", None)
        return None, [problem(shown, (mark.line + 1 if mark else 1) + line_offset, "",
                              f"not valid YAML ({getattr(error, 'problem', None) or error})",
                              "fix the syntax on that line (quote values that contain ': ' or start with a symbol)")]
    finally:
        loader.dispose()
    document = Document(path, shown, data, {(): 1 + line_offset})
    duplicates: list = []
    if node is not None:
        _record_lines(node, (), document.lines, duplicates, line_offset)
    problems = [
        problem(shown, line, document.label(loc), f"is written twice (first on line {first})",
                "keep one of them")
        for loc, line, first in duplicates
    ]
    return document, problems


def _noting_repeats(repeated: list[bool], pairs: list[tuple]) -> dict:
    """json.loads' object_pairs_hook: the object json.loads makes, noting a key written twice."""
    data = dict(pairs)
    repeated += [True] if len(data) != len(pairs) else []
    return data


def _json_lines(text: str, line_offset: int) -> dict[tuple, int]:
    """The lines of valid JSON, composed as YAML (none where PyYAML cannot compose it)."""
    lines: dict[tuple, int] = {}
    with contextlib.suppress(yaml.YAMLError):
        _record_lines(compose(text), (), lines, [], line_offset)
    return lines


def read(path: Path, shown: str | None = None) -> tuple[Document | None, list[str]]:
    path = Path(path)
    shown = shown or relative(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [problem(shown, 1, "", "the file does not exist", "create it (see CONTRIBUTING.md)")]
    return parse(text, path, shown)


# ---------------------------------------------------------------------------------------------- schemas

_TYPES = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "array": "a list", "object": "a mapping of fields", "null": "empty"}


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def _add_fix(name: str, schema: dict) -> str:
    """How to add a missing field: an example line from the schema, else its x-fix."""
    examples = schema.get("examples")
    if examples:
        return f"add it, for example `{name}: {json.dumps(examples[0], ensure_ascii=False)}`"
    return f"add it: {schema['x-fix']}" if "x-fix" in schema else "add it"


def _object_schema(error, root: dict) -> dict:
    """The schema of the object a `required` error is about, also when it fired in an if/then/else branch."""
    path = list(error.absolute_schema_path)[:-1]
    while path and (path[-1] in ("then", "else", "allOf", "anyOf", "oneOf") or isinstance(path[-1], int)):
        path.pop()
    schema = root
    for part in path:
        schema = schema[part]
    return schema if isinstance(schema, dict) else {}


def _explain(error, doc: Document, root: dict) -> list[str]:
    loc = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    keyword, value = error.validator, error.instance
    fix = schema.get("x-fix")
    if "propertyNames" in error.absolute_schema_path:  # a key of a mapping: point at the key's own line
        return [doc.problem(loc + (value,), f"{value!r} is not a valid name", fix or "rename it")]
    if keyword == "required":
        named = re.match(r"^'(.+)' is a required property$", error.message)
        names = [named[1]] if named else [n for n in error.validator_value if isinstance(value, dict) and n not in value]
        properties = {**_object_schema(error, root).get("properties", {}), **schema.get("properties", {})}
        return [problem(doc.shown, doc.line(loc), doc.label(loc + (name,)), "is missing",
                        _add_fix(name, properties.get(name, {}))) for name in names]
    if keyword == "additionalProperties":
        declared = schema.get("properties", {})
        known = [name for name, sub in declared.items() if "not" not in sub]
        extra = [name for name in value if name not in declared and not any(
            re.search(pattern, str(name)) for pattern in schema.get("patternProperties", {}))]
        hint = f"known: {', '.join(known)}" if known else "see the schema"
        return [doc.problem(loc + (name,), "is not a known field", f"remove or rename it ({hint})") for name in extra]
    if keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " or ".join(_TYPES.get(kind, kind) for kind in expected)
        what = f"{value!r} is {_type_name(value)}, not {wanted}"
        if "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
            fix = fix or f'write it in quotes, "{value}" (YAML reads 4.2 unquoted as a number)'
        return [doc.problem(loc, what, fix or f"write {wanted}")]
    if keyword == "enum":
        return [doc.problem(loc, f"{value!r} is not allowed",
                            fix or f"use one of: {', '.join(map(str, error.validator_value))}")]
    if keyword == "pattern":
        return [doc.problem(loc, f"{value!r} does not have the expected form",
                            fix or f"match the pattern {error.validator_value}")]
    if keyword == "format":
        wanted = {"date": "a date written YYYY-MM-DD", "uri": "a full URL"}.get(error.validator_value, error.validator_value)
        return [doc.problem(loc, f"{value!r} is not {wanted}", fix or f"write {wanted}")]
    if keyword in ("minItems", "minLength", "minProperties"):
        return [doc.problem(loc, "is empty", fix or "give it a value")]
    if keyword == "maxLength":
        return [doc.problem(loc, f"is {len(value)} characters long",
                            fix or f"shorten it to at most {error.validator_value}")]
    if keyword == "uniqueItems":
        return [doc.problem(loc, "lists an item twice", fix or "keep each item once")]
    if keyword == "not":
        return [doc.problem(loc, schema.get("x-what", "is not allowed here"), fix or "remove it")]
    return [doc.problem(loc, error.message, fix or f"see the schema for {doc.shown}")]


@lru_cache(maxsize=32)
def _validator(schema_text: str) -> Draft202012Validator:
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_problems(doc: Document, schema: dict) -> list[str]:
    """Every way `doc` breaks `schema`, in file order, each as one problem line."""
    schema_text = json.dumps(schema)
    known = _known_valid(schema_text, doc.data)
    if known.exists():
        return []
    validator = _validator(schema_text)
    found = []
    for error in validator.iter_errors(doc.data):
        for text in _explain(error, doc, schema):
            found.append((doc.line(tuple(error.absolute_path)), text))
    if not found:
        known.parent.mkdir(parents=True, exist_ok=True)
        known.touch()
    return [text for _line, text in sorted(found, key=lambda item: item[0])]


def _known_valid(schema_text: str, data: Any) -> Path:
    """Where a pass of `data` against the schema is remembered (a build and every validation run check the
    same files again; jsonschema took half of a run's time): keyed by both, jsonschema's version and this
    file, so any change validates afresh. Only passes are kept: problems need the document's lines."""
    from importlib.metadata import version

    from atlas.core import derived

    digest = hashlib.sha256()
    for part in (schema_text, json.dumps(data, sort_keys=True, default=lambda o: f"{type(o).__name__}:{o}"),
                 version("jsonschema"), Path(__file__).read_text(encoding="utf-8")):
        digest.update(hashlib.sha256(part.encode()).digest())
    return derived.folder() / "schema-passes" / digest.hexdigest()


def read_json(path: Path, command: str, *, fields: tuple[str, ...] = (), default: Any = None) -> Any:
    """A JSON data file a collector writes (docs/data/stack.json, async_api.json, ...): parsed, with its
    top-level `fields` present. DataError names the file, and the line or the field, with `command` (the one
    that writes the file) as the fix; a missing file gives a copy of `default` instead when there is one."""
    path = Path(path)
    shown = relative(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if default is not None:
            return copy.deepcopy(default)
        raise DataError(problem(shown, 1, "", "the file does not exist", f"run `{command}`")) from None
    except OSError as error:
        raise DataError(problem(shown, 1, "", f"cannot be read ({error})", f"run `{command}`")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(problem(shown, error.lineno, "", f"not valid JSON ({error.msg})",
                                f"run `{command}` to write it again")) from None
    if fields and not isinstance(data, dict):
        raise DataError(problem(shown, 1, "", f"holds {_type_name(data)}, not a mapping of fields",
                                f"run `{command}` to write it again"))
    raise_problems([problem(shown, 1, name, "is missing", f"run `{command}` to write it again")
                    for name in fields if name not in data])
    return data


def load_schema(path: Path) -> dict:
    """A JSON Schema file (a fresh dict each call; the schema itself is checked when first used)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- project

DATA_SUFFIXES = (".yml", ".yaml", ".json")


class Project:
    """The files a run validates: docs/ and docs/data/ of the repository, or of a scratch copy.

    Documents are read once per Project; `fallback` supplies data files a test's folder leaves out.
    """

    def __init__(self, root: Path = ROOT, *, data_dir: Path | None = None, fallback: Path | None = None):
        self.root = Path(root)
        self.docs = self.root / "docs"
        self.data_dir = Path(data_dir) if data_dir is not None else self.docs / "data"
        self.fallback = fallback
        self._documents: dict[str, tuple[Document | None, list[str]]] = {}

    @classmethod
    def for_file(cls, path: Path | None, stem: str) -> Project:
        """A project for loading one file: its own folder, with the repository's data for the rest."""
        if path is None or Path(path).resolve() in {(DATA / f"{stem}{s}").resolve() for s in DATA_SUFFIXES}:
            return cls()
        project = cls(data_dir=Path(path).parent, fallback=DATA)
        project._documents[stem] = read(Path(path))
        return project

    def file(self, stem: str) -> Path:
        for suffix in DATA_SUFFIXES:
            path = self.data_dir / f"{stem}{suffix}"
            if path.exists():
                return path
        if self.fallback is not None:
            for suffix in DATA_SUFFIXES:
                if (self.fallback / f"{stem}{suffix}").exists():
                    return self.fallback / f"{stem}{suffix}"
        return self.data_dir / f"{stem}.yml"

    def schema_file(self, stem: str) -> Path:
        path = self.data_dir / "schemas" / f"{stem}.schema.json"
        if not path.exists() and self.fallback is not None:
            return self.fallback / "schemas" / f"{stem}.schema.json"
        return path

    def shown(self, path: Path) -> str:
        """A path as the project's contributors see it: relative to its root."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return relative(path)

    def data_files(self) -> list[Path]:
        """Every docs/data/NAME.yml|yaml|json of this project."""
        return sorted(p for p in self.data_dir.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())

    def read(self, stem: str) -> tuple[Document | None, list[str]]:
        if stem not in self._documents:
            self._documents[stem] = read(self.file(stem), self.shown(self.file(stem)))
        return self._documents[stem]

    def document(self, stem: str) -> Document | None:
        return self.read(stem)[0]

    def validate_file(self, stem: str) -> list[str]:
        """Parse problems plus schema problems of one data file (its schema must exist)."""
        doc, problems = self.read(stem)
        if doc is None:
            return problems
        path = self.schema_file(stem)
        try:
            return problems + schema_problems(doc, load_schema(path))
        except json.JSONDecodeError as error:
            return problems + [problem(self.shown(path), error.lineno, "", f"not valid JSON ({error.msg})",
                                       "fix the syntax on that line")]
        except SchemaError as error:
            where = "/".join(map(str, error.path)) or "(top)"
            return problems + [problem(self.shown(path), 1, where, f"is not valid JSON Schema ({error.message})",
                                       "fix it (draft 2020-12, https://json-schema.org/draft/2020-12)")]

    # Tolerant views for cross-file checks: a broken file yields what can be read, never an exception.

    def releases(self) -> list[str]:
        """Feature releases named in releases.yml, oldest first."""
        doc = self.document("releases")
        entries = doc.data if doc and isinstance(doc.data, list) else []
        versions = [e.get("version") for e in entries if isinstance(e, dict)]
        return [v for v in versions if isinstance(v, str) and re.fullmatch(r"\d+\.\d+", v)]

    def vocabulary(self, stem: str) -> dict:
        """A mapping file (tags, use_cases, requirements): its keys with their values."""
        doc = self.document(stem)
        return dict(doc.data) if doc and isinstance(doc.data, dict) else {}


def load(stem: str, path: Path | str | None = None):
    """The one way a loader reads a data file, docs/data/STEM.yml|json (or `path`): parsed once, checked against
    its schema docs/data/schemas/STEM.schema.json; DataError lists every problem, each with its line."""
    project = Project.for_file(Path(path) if path is not None else None, stem)
    raise_problems(project.validate_file(stem))
    return project.document(stem).data


def load_vocabulary(stem: str, path: Path | str | None = None) -> dict:
    """A checked vocabulary file, docs/data/STEM.yml (tags, use_cases, requires, ...), as {id: meaning}.

    `path` points at another copy (tests), read each time; the default file is read again only when a file
    in docs/data changes. DataError lists every problem against its schema.
    """
    if path is None:
        return dict(_kept_vocabulary(stem, data_stamp()))
    load(stem, path)
    return Project.for_file(Path(path), stem).vocabulary(stem)


@lru_cache(maxsize=16)
def _kept_vocabulary(stem: str, stamp: tuple) -> dict:
    load(stem)
    return Project().vocabulary(stem)
