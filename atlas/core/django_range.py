"""The one grammar for "which Django releases": "X.Y+", "X.Y-X.Y", "X.Y", and where allowed "any".

Used by page front matter, notebook metadata, capabilities, the FAQ's "Applies to" lines and resources.
The known releases always come from docs/data/releases.yml (pass them in); nothing here lists them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import Version

RANGE = re.compile(r"^(?P<low>\d+\.\d+)(?:(?P<plus>\+)|-(?P<high>\d+\.\d+))?$")
FORMS = '"X.Y+", "X.Y-X.Y" or "X.Y"'


class RangeError(ValueError):
    """A bad range; the message says what is wrong and, after " — ", how to fix it."""


def release_key(version: str) -> Version:
    """The order of feature releases ("4.2" < "4.10" < "2028"), by `packaging`, as pip orders them."""
    return Version(version)


@dataclass(frozen=True)
class DjangoRange:
    low: str | None   # None: any release
    high: str | None  # None: every later release too

    @property
    def any(self) -> bool:
        return self.low is None

    def label(self, releases: list[str] | None = None) -> str:
        """For prose: "Django 4.2 and later", "Django 4.1 to 5.2", "Django 5.0", "any Django release".

        (`releases` is accepted for callers written when the label needed the list; it no longer does.)
        """
        if self.low is None:
            return "any Django release"
        if self.high == self.low:
            return f"Django {self.low}"
        if self.high is None:
            return f"Django {self.low} and later"
        return f"Django {self.low} to {self.high}"


def parse_range(value, releases: list[str], *, allow_any: bool = False, allow_older: bool = False) -> DjangoRange:
    """Parse a range against the known feature releases (oldest first); raise RangeError otherwise.

    allow_any: accept "any" (not tied to a release). allow_older: accept releases older than the first
    known one (material written for Django 2.x), as long as they look like a release number.
    With no known releases (releases.yml itself is broken, and says so) only the form is checked.
    """
    forms = FORMS + (' or "any"' if allow_any else "")
    if not isinstance(value, str):
        raise RangeError(f"{value!r} is a {type(value).__name__}, not a string — write it in quotes, "
                         f'e.g. "{value}" (YAML reads 4.2 unquoted as a number)')
    text = value.strip()
    if allow_any and text == "any":
        return DjangoRange(None, None)
    match = RANGE.match(text)
    if not match:
        raise RangeError(f"{value!r} is not a release range — write {forms}, e.g. \"4.2+\"")
    low = match["low"]
    high = None if match["plus"] else (match["high"] or low)
    for version in (low, high):
        if version is None or version in releases or not releases:
            continue
        older = releases and release_key(version) < release_key(releases[0]) and release_key(version).major >= 1
        if allow_older and older:
            continue
        raise RangeError(f"{value!r} names {version}, which is not a Django feature release in "
                         f"docs/data/releases.yml (known: {', '.join(releases)}) — use one of those, "
                         f"or add the release to docs/data/releases.yml first")
    if high is not None and release_key(high) < release_key(low):
        raise RangeError(f"{value!r} ends before it starts — write the older release first, "
                         f'e.g. "{high}-{low}"')
    return DjangoRange(low, high)
