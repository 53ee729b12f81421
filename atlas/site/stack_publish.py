"""docs/data/stack.json published as downloads/stack.json, with the atlas version and the releases it was
measured on, and its JSON Schema (the data file's, adapted); atlas/site/downloads.py lists both."""
from __future__ import annotations

import copy
import json

from atlas.core.paths import DATA
from atlas.data import stack as stack_data
from atlas.site.download_envelope import DJANGO_RELEASES, envelope


def download() -> dict:
    data = stack_data.load()
    out = envelope("stack.schema.json", [{"version": r["version"], "django": r["django"], "python": r["python"]}
                                          for r in data["releases"]])
    out.update({k: v for k, v in data.items() if k != "$schema"})
    from atlas.site.ecosystem_publish import third_party
    out["third_party"] = third_party()  # the ecosystem's middleware, beside Django's own
    return out


def schema() -> dict:
    out = copy.deepcopy(json.loads((DATA / "schemas" / "stack.schema.json").read_text(encoding="utf-8")))
    out["$id"] = "stack.schema.json"
    out["title"] = "Django Async Atlas: middleware thread hops per release (download)"
    out["properties"]["atlas_version"] = {"type": "string"}
    out["properties"]["django_releases"] = DJANGO_RELEASES
    from atlas.site.ecosystem_publish import SCHEMA as THIRD_PARTY
    out["properties"]["third_party"] = THIRD_PARTY
    out["required"] = ["$schema", "atlas_version", "django_releases"] + [r for r in out["required"] if r != "$schema"]
    out.pop("x-fix", None)
    return out
