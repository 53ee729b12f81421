"""Load the recorded link check, docs/data/link_status.json (an empty record before the first run)."""
from __future__ import annotations

from pathlib import Path

from atlas.core.datafile import read_json
from atlas.core.paths import DATA

STATUS_FILE = DATA / "link_status.json"


def load_status(path: Path = STATUS_FILE) -> dict:
    return read_json(path, "python3 dev.py links", fields=("links",),
                     default={"checked": None, "checker": None, "links": {}})
