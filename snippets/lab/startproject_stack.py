"""startproject's MIDDLEWARE for a Django feature release, as collected from each release's own
`django-admin startproject` into docs/data/stack.json (never typed here)."""
from __future__ import annotations

import json
from pathlib import Path

STACK_DATA = Path(__file__).resolve().parents[2] / "docs" / "data" / "stack.json"


def default_stack(version: tuple) -> list[str]:
    """The release's startproject MIDDLEWARE (the newest collected release's for a newer Django)."""
    releases = json.loads(STACK_DATA.read_text())["releases"]
    wanted = "{}.{}".format(*version)
    chosen = next((release for release in releases if release["version"] == wanted), releases[-1])
    return chosen["default_stack"]
