"""Which page shows which code, and which Django releases the page claims for it.

Read from the pages themselves: a page's front matter `django:` range, and the snippet packages its
`--8<-- "package/module.py"` includes name (the package most included is the page's own; `versions/`
holds version tabs and never counts). The demo project asks `runs_here(package)` to compose only the
use cases whose page range holds the running Django; the page matrix (atlas/collect/page_matrix.py) asks
`pages_with_code()` what to run where.

Needs only PyYAML and the standard library: the demo project imports it under every release's Python.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from atlas.core.django_range import DjangoRange, RangeError, parse_range
from atlas.core.errors import DataError
from atlas.core.paths import DATA, DOCS, ROOT, relative


def feature_releases() -> list[str]:
    """The release list of docs/data/releases.yml (read here with PyYAML alone: this module runs under
    every release's environment, which has no jsonschema)."""
    path = DATA / "releases.yml"
    stat = path.stat()
    return list(_releases_in(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _releases_in(path: Path, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    # read once per version of the file: collecting the suite asked for it 25 times (1 s of YAML)
    return tuple(str(entry["version"]) for entry in yaml.safe_load(path.read_text(encoding="utf-8")))


def split(text: str, path: str) -> tuple[dict, str, int]:
    """(front matter, body, 0) of a page whose metadata atlas.data.frontmatter has already validated."""
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise DataError(f"{path}:1: the page has no front matter")
    raw, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(raw) or {}, body, 0

#: Sections whose pages carry runnable code for readers to copy: each one runs on the releases it claims.
CODE_SECTIONS = ("use-cases", "learn")
INCLUDE = re.compile(r'--8<--\s+"(?P<package>\w+)/(?P<module>\w+)\.py"')
NOT_A_USE_CASE = {"versions"}  # snippets/versions/: version tabs, run by tests/versions


@dataclass(frozen=True)
class PageCode:
    page: str                      # "use-cases/real-time-chat.md", relative to docs/
    range: DjangoRange
    package: str | None         # the snippet package the page is about ("chat"), None without includes
    modules: tuple[str, ...]       # the modules of that package the page includes ("consumers", ...)
    shared: bool                   # several pages show the package (the learning path): tests per module
    has_blocks: bool               # python blocks Sybil runs on the page itself

    @property
    def path(self) -> Path:
        return DOCS / self.page

    @property
    def tests(self) -> list[Path]:
        """The use case's tests: tests/<package>/; for a package several pages share, the files
        tests/<package>/test_<module>.py of the modules this page includes."""
        if self.package is None:
            return []
        folder = ROOT / "tests" / self.package
        if not folder.is_dir():
            return []
        if not self.shared:
            return [folder]
        return [f for f in (folder / f"test_{m}.py" for m in self.modules) if f.is_file()]

    @property
    def has_code(self) -> bool:
        return self.has_blocks or bool(self.tests)

    def required_releases(self, releases: list[str], lts: list[str]) -> list[str]:
        """What the page's claim must be proved on: the oldest of its range, each LTS in it, the newest."""
        inside = [v for v in releases if covers(self.range, v, releases)]
        wanted = {inside[0], inside[-1]} | {v for v in inside if v in lts}
        return [v for v in releases if v in wanted]


PYTHON_FENCE = re.compile(r"^[ \t]*```(?:python|py|pycon)\b[^\n]*\n(?P<body>.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)


def covers(applies: DjangoRange, version: str, releases: list[str]) -> bool:
    top = releases.index(applies.high) if applies.high else len(releases) - 1
    return releases.index(applies.low) <= releases.index(version) <= top


def _read(path: Path, docs: Path, releases: list[str]) -> dict:
    text = path.read_text(encoding="utf-8")
    meta, body, _line = split(text, relative(path))
    try:
        applies = parse_range(meta.get("django"), releases)
    except RangeError as error:
        raise DataError(f"{relative(path)}: front matter field 'django': {error}") from None
    includes = [(m["package"], m["module"]) for m in INCLUDE.finditer(body) if m["package"] not in NOT_A_USE_CASE]
    counts = Counter(package for package, _module in includes)
    package = counts.most_common(1)[0][0] if counts else None
    modules = tuple(dict.fromkeys(module for p, module in includes if p == package))
    has_blocks = any("--8<--" not in m["body"] for m in PYTHON_FENCE.finditer(body))
    return dict(page=path.relative_to(docs).as_posix(), range=applies, package=package, modules=modules,
                has_blocks=has_blocks)


@lru_cache(maxsize=4)
def _pages(docs: str) -> tuple[PageCode, ...]:
    releases = feature_releases()
    found = [_read(path, Path(docs), releases)
             for section in CODE_SECTIONS for path in sorted((Path(docs) / section).glob("*.md"))]
    shown_by = Counter(page["package"] for page in found if page["package"])
    return tuple(PageCode(shared=shown_by[page["package"]] > 1, **page) for page in found)


def pages_with_code(docs: Path = DOCS) -> list[PageCode]:
    """Every use-case and learn page whose code (blocks on the page or a use case's tests) runs."""
    return [p for p in _pages(str(docs)) if p.has_code]


def package_ranges(docs: Path = DOCS) -> dict[str, DjangoRange]:
    """snippet package -> the range of the page that is about it (the widest, if several pages are)."""
    releases = feature_releases()
    ranges: dict[str, DjangoRange] = {}
    for page in _pages(str(docs)):
        if page.package is None:
            continue
        known = ranges.get(page.package)
        if known is None or releases.index(page.range.low) < releases.index(known.low):
            ranges[page.package] = page.range
    return ranges


def running_release() -> str:
    """The feature release ("5.2") of the Django this interpreter runs."""
    import django

    return "{}.{}".format(*django.VERSION[:2])


def runs_here(package: str, release: str | None = None) -> bool:
    """Whether the page about snippets/<package>/ claims the running Django release (or `release`)."""
    releases = feature_releases()
    applies = package_ranges().get(package)
    if applies is None:
        raise KeyError(f"no page under docs/{{{','.join(CODE_SECTIONS)}}}/ includes snippets/{package}/")
    return covers(applies, release or running_release(), releases)
