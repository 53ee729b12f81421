"""What every download shares: the atlas version and the Django releases its data was verified against."""
from __future__ import annotations

import tomllib

from atlas.core.paths import ROOT

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
RELEASE = {"type": "string", "pattern": r"^\d+\.\d+$"}
DJANGO_RELEASES = {
    "type": "array", "minItems": 1,
    "description": "the Django releases the data was verified against (newest patch of each feature release)",
    "items": {"type": "object", "additionalProperties": False, "required": ["version", "django"],
              "properties": {"version": RELEASE, "django": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
                             "python": {"type": "string"}, "count": {"type": "integer"}}},
}


def atlas_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def envelope(schema_name: str, releases: list[dict]) -> dict:
    return {"$schema": f"{schema_name}", "atlas_version": atlas_version(), "django_releases": releases}
