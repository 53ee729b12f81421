"""Load the recorded link check, docs/data/link_status.json (an empty record before the first run)."""
from __future__ import annotations

import json
from pathlib import Path

from atlas.core.paths import DATA

STATUS_FILE = DATA / "link_status.json"


def load_status(path: Path = STATUS_FILE) -> dict:
    if not path.exists():
        return {"checked": None, "checker": None, "links": {}}
    return json.loads(path.read_text(encoding="utf-8"))
