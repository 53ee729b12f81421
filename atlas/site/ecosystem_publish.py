"""The third-party middleware of docs/data/ecosystem.json, as published beside Django's own in
downloads/stack.json (key "third_party"); "check your stack" recognises these dotted paths."""
from __future__ import annotations

import json

from atlas.core.paths import DATA

DATA_FILE = DATA / "ecosystem.json"
KIND = "async-asgi"  # what the ecosystem collector measures: an async view under ASGI


def third_party() -> dict:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    rows = []
    for package in data["packages"]:
        for m in package["middleware"]:
            row = {"path": m["path"], "package": package["name"], "version": package["version"],
                   "configured": m["configured"]}
            if m["configured"]:
                row.update({k: m[k] for k in ("prerequisites", "async_capable", "sync_capable", "sync_to_async",
                                              "async_to_sync", "calls")})
            else:
                row["why"] = m["why"]
            rows.append(row)
    return {"django": data["django"], "kind": KIND, "ranking": data["ranking"], "middleware": rows}


SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["django", "kind", "ranking", "middleware"],
    "description": "third-party middleware of the most downloaded Django packages, measured alone (after its "
                   "prerequisites) on an async view under ASGI, on the newest Django",
    "properties": {
        "django": {"type": "string"}, "kind": {"const": KIND}, "ranking": {"type": "object"},
        "middleware": {"type": "array", "items": {
            "type": "object", "required": ["path", "package", "version", "configured"],
            "properties": {"path": {"type": "string"}, "package": {"type": "string"}, "version": {"type": "string"},
                           "configured": {"type": "boolean"}, "why": {"type": "string"},
                           "prerequisites": {"type": "array", "items": {"type": "string"}},
                           "async_capable": {"type": "boolean"}, "sync_capable": {"type": "boolean"},
                           "sync_to_async": {"type": "integer"}, "async_to_sync": {"type": "integer"},
                           "calls": {"type": "array"}}}},
    },
}
