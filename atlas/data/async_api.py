"""The async API index as data: its scope file (docs/data/async_api_scope.yml), the index file, and API names."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from atlas.core import datafile
from atlas.core.errors import DataError
from atlas.core.paths import DATA, relative
from atlas.data.versions_data import Capability

SCOPE_FILE = DATA / "async_api_scope.yml"
INDEX_FILE = DATA / "async_api.json"
# A capability `apis` entry that names a callable: optional "await "/"@", a dotted name, optional "()".
API_TOKEN = re.compile(r"^(?:await\s+|@)?(?P<name>[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?:\(\))?$")
CHECK_ID = re.compile(r"^[a-z_]+\.[A-Z]\d{3}$")  # a system check id such as async.E001 names no callable


# --------------------------------------------------------------------------------------------------
# Scope


@lru_cache(maxsize=4)
def load_scope(path: str | None = None) -> dict:
    file = Path(path) if path else SCOPE_FILE
    scope = datafile.load("async_api_scope", file)  # the schema requires every key
    for number, rule in enumerate(scope["exclusions"] or []):
        if not str(rule.get("reason", "")).strip():
            raise DataError(f"{relative(file)}: exclusions[{number}] ({rule.get('name')}): reason is empty — "
                            f"say why this API belongs to no capability")
    for area in {a["area"] for a in scope["areas"]}:
        if area not in scope["area_titles"]:
            raise DataError(f"{relative(file)}: areas: area {area!r} has no entry in area_titles — add its title")
    scope["exclusions"] = scope["exclusions"] or []
    return scope


def api_tokens(capability: Capability) -> list[str]:
    """The `apis` entries of a capability that name a callable (prose such as 'async def view' is left out)."""
    found = []
    for text in capability.apis:
        match = API_TOKEN.match(text.strip())
        if match and not CHECK_ID.match(text.strip()):
            found.append(match.group("name"))
    return found


def expand_alias(token: str, aliases: dict) -> list[str]:
    """'cache.aget' -> ['django.core.cache.backends.base.BaseCache.aget'] (the token itself if no alias)."""
    for alias in sorted(aliases, key=len, reverse=True):
        if token == alias or token.startswith(alias + "."):
            targets = aliases[alias] if isinstance(aliases[alias], list) else [aliases[alias]]
            return [target + token[len(alias):] for target in targets]
    return [token]


def anchor_of(short: str) -> str:
    """'QuerySet.aget' -> 'api-queryset-aget': stable as long as the API keeps its name."""
    return "api-" + re.sub(r"[^a-z0-9]+", "-", short.lower()).strip("-")
def load_index(path: Path | None = None) -> dict:
    return datafile.read_json(path or INDEX_FILE, "python3 dev.py api", fields=("releases", "apis"))


def dump(index: dict) -> str:
    return json.dumps(index, indent=1, ensure_ascii=False) + "\n"
