"""Each release's support state on the day the site is built: supported (bug and security fixes),
security fixes only, or ended, from the dates of docs/data/releases.yml (end_of_mainstream_support,
end_of_support).

"Today" is the build day; tests and previews set another with ATLAS_TODAY=YYYY-MM-DD (or pass `today`).
"""
from __future__ import annotations

import datetime as dt
import os

SUPPORTED, SECURITY, ENDED = "supported", "security fixes only", "ended"


def today() -> dt.date:
    """The build day, or ATLAS_TODAY when set (tests, previews of a future build)."""
    value = os.environ.get("ATLAS_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def state(release, on: dt.date | None = None) -> str:
    on = on or today()
    if on > release.end_of_support:
        return ENDED
    if release.end_of_mainstream_support and on > release.end_of_mainstream_support:
        return SECURITY
    return SUPPORTED


def _day(d: dt.date, expected: bool) -> str:
    return f"{d:%B %Y} (expected)" if expected else f"{d:%B} {d.day}, {d.year}"


def describe(release, on: dt.date | None = None) -> str:
    """One line for a reader: the state on the build day and the dates behind it."""
    on = on or today()
    current = state(release, on)
    ends = _day(release.end_of_support, release.end_of_support_expected)
    if current == ENDED:
        return f"**ended**: no more fixes, not even for security, since {ends}"
    mainstream = release.end_of_mainstream_support
    if current == SECURITY:
        return f"**security fixes only** since {_day(mainstream, False)}, until {ends}"
    until = f" until {_day(mainstream, release.end_of_mainstream_support_expected)}" if mainstream else ""
    return f"**supported**: bug and security fixes{until}, security fixes until {ends}"


def states(on: dt.date | None = None) -> dict[str, str]:
    from atlas.data.versions_data import load_releases

    return {r.version: state(r, on) for r in load_releases()}


def check(project) -> list[str]:
    """Mainstream support ends before (or when) security support does."""
    from atlas.data.versions_data import load_releases

    return [f"docs/data/releases.yml:1: {r.version}.end_of_mainstream_support: {r.end_of_mainstream_support} is after "
            f"end_of_support {r.end_of_support} — copy both from the supported-versions table"
            for r in load_releases(project.file("releases"))
            if r.end_of_mainstream_support and r.end_of_mainstream_support > r.end_of_support]
