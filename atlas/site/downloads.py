"""Render the files published beside the pages: the capability map and API index as JSON, and llms.txt.

Each JSON file comes with its JSON Schema, the atlas version and the Django releases it was collected from.

Everything is derived from docs/data and the pages' front matter (the generated pages are passed in, so
they are rendered once per build); atlas/site/registry.generated_files() hands these to the build.
"""
from __future__ import annotations

import copy
import json

from atlas.core import datafile
from atlas.core.paths import DATA, DOCS, ROOT
from atlas.data import async_api
from atlas.data.versions_data import load_capabilities, load_releases
from atlas.site.download_envelope import DJANGO_RELEASES, RELEASE, SCHEMA_DRAFT, envelope

# --------------------------------------------------------------------------------------------------
# The async API index


def async_api_download() -> dict:
    index = async_api.load_index()
    out = envelope("async-api.schema.json", index["releases"])
    out.update({k: v for k, v in index.items() if k not in ("$schema", "releases")})
    return out


def async_api_schema() -> dict:
    schema = copy.deepcopy(json.loads((DATA / "schemas" / "async_api.schema.json").read_text(encoding="utf-8")))
    schema["$id"] = "async-api.schema.json"
    schema["title"] = "Django Async Atlas: async API index (download)"
    props = schema["properties"]
    props.pop("releases")
    props["atlas_version"] = {"type": "string"}
    props["django_releases"] = DJANGO_RELEASES
    schema["required"] = ["$schema", "atlas_version", "django_releases"] + [
        r for r in schema["required"] if r not in ("$schema", "releases")]
    schema.pop("x-fix", None)
    return schema


# --------------------------------------------------------------------------------------------------
# The capability map


def capabilities_download() -> dict:
    releases = load_releases()
    out = envelope("capabilities.schema.json",
                    [{"version": r.version, "django": r.newest_patch, "python": r.probe_python} for r in releases])
    caps = []
    for c in load_capabilities():
        caps.append({
            "id": c.id, "name": c.name, "status": c.status, "apis": list(c.apis), "added": c.added,
            "removed": c.removed, "support": c.support, "notes": c.notes,
            "changed": [{"version": ch.version, "note": ch.note} for ch in c.changed],
            "requires": list(c.requires), "use_cases": list(c.use_cases),
            "source": {"file": c.source.file, "section": c.source.section} if c.source else None,
            "tracked_by": {"url": c.tracked_by.url, "title": c.tracked_by.title} if c.tracked_by else None,
            "checked": c.checked.isoformat() if c.checked else None,
            "support_by_release": {r.version: c.level_in(r.version) for r in releases},
        })
    out["capabilities"] = caps
    return out


def capabilities_schema() -> dict:
    nullable_str = {"type": ["string", "null"]}
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": "capabilities.schema.json",
        "title": "Django Async Atlas: capability map (download)",
        "description": "What async Django can do and since which feature release; every shipped entry is "
                       "probed against the real release (python3 dev.py matrix).",
        "type": "object", "additionalProperties": False,
        "required": ["$schema", "atlas_version", "django_releases", "capabilities"],
        "properties": {
            "$schema": {"type": "string"},
            "atlas_version": {"type": "string"},
            "django_releases": DJANGO_RELEASES,
            "capabilities": {"type": "array", "minItems": 1, "items": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "name", "status", "apis", "added", "removed", "support", "notes", "changed",
                             "requires", "use_cases", "source", "tracked_by", "checked", "support_by_release"],
                "properties": {
                    "id": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "name": {"type": "string", "minLength": 1},
                    "status": {"enum": ["shipped", "missing"]},
                    "apis": {"type": "array", "items": {"type": "string"}},
                    "added": {"oneOf": [{"type": "null"}, RELEASE]},
                    "removed": {"oneOf": [{"type": "null"}, RELEASE]},
                    "support": {"enum": ["full", "partial", None]},
                    "notes": {"type": "string"},
                    "changed": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                           "required": ["version", "note"],
                                                           "properties": {"version": RELEASE, "note": {"type": "string"}}}},
                    "requires": {"type": "array", "items": {"type": "string"}},
                    "use_cases": {"type": "array", "items": {"type": "string"}},
                    "source": {"oneOf": [{"type": "null"}, {"type": "object", "additionalProperties": False,
                                                            "required": ["file", "section"],
                                                            "properties": {"file": {"type": "string"},
                                                                           "section": {"type": "string"}}}]},
                    "tracked_by": {"oneOf": [{"type": "null"}, {"type": "object", "additionalProperties": False,
                                                                "required": ["url", "title"],
                                                                "properties": {"url": {"type": "string"},
                                                                               "title": {"type": "string"}}}]},
                    "checked": nullable_str,
                    "support_by_release": {"type": "object", "propertyNames": RELEASE,
                                           "additionalProperties": {"enum": ["full", "partial", "no"]}},
                },
            }},
        },
    }


# --------------------------------------------------------------------------------------------------
# llms.txt (https://llmstxt.org): the site's pages with their summaries, for assistants


def _nav_pages() -> list[tuple[str, str]]:
    """(section, docs-relative path) in nav order, read from mkdocs.yml (its !ENV tag ignored)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["nav"]
    found: list[tuple[str, str]] = []

    def walk(items, section):
        for item in items:
            if isinstance(item, str):
                found.append((section, item))
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, str):
                        found.append((section, value))
                    else:
                        walk(value, section if section != "Home" else title)

    for item in nav:
        if isinstance(item, dict):
            for title, value in item.items():
                walk([value] if isinstance(value, str) else value, title)
    return found


def _meta(path: str, generated: dict[str, str]) -> tuple[str, str]:
    """A page's title and summary; a page generation writes is read from its Markdown, so llms.txt is
    the same whether or not that page has been written yet (a fresh clone's first generation)."""
    if path.endswith(".ipynb"):
        data = json.loads((DOCS / path).read_text(encoding="utf-8")).get("metadata", {}).get("atlas", {})
        return data.get("title", path), data.get("summary", "")
    text = generated[path] if path in generated else (DOCS / path).read_text(encoding="utf-8")
    meta = (datafile.safe_load(text.split("---", 2)[1]) if text.startswith("---") else None) or {}
    return meta.get("title", path), meta.get("summary", "")


def _url(path: str) -> str:
    stem = path[:-3] if path.endswith(".md") else path[: -len(".ipynb")]
    if stem == "index":
        return "./"
    return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"


def llms_txt(generated: dict[str, str]) -> str:
    """llms.txt; `generated`: the pages generation writes ({path under docs/: Markdown})."""
    releases = load_releases()
    out = [
        "# Django Async Atlas",
        "",
        "> What async Django can do, and since which feature release (3.0 to 6.1, plus the roadmap): use "
        "cases with tested code, a capability map and an index of every public async API, each verified "
        "against the real release.",
        "",
        "Links are relative to this file. Machine-readable data: the capability map and the async API index "
        "below, each with a JSON Schema.",
        "",
        "## Data",
        "",
        "- [Capability map (JSON)](downloads/capabilities.json): every async capability, the release that "
        "added it and its support level in each release; schema: downloads/capabilities.schema.json",
        "- [Async API index (JSON)](downloads/async-api.json): every public async callable of Django "
        f"{releases[0].version} to {releases[-1].version}, since/until, thread-wrapped or native, sync twin; "
        "schema: downloads/async-api.schema.json",
        "- [Middleware thread hops (JSON)](downloads/stack.json): per release, the sync_to_async and "
        "async_to_sync calls each of Django's own middleware adds to a request, and CPU per request; "
        "under third_party, the middleware of the most downloaded Django packages on the newest release; "
        "schema: downloads/stack.schema.json",
    ]
    section = None
    for nav_section, path in _nav_pages():
        if nav_section != section:
            section = nav_section
            out += ["", f"## {section}", ""]
        title, summary = _meta(path, generated)
        out.append(f"- [{title}]({_url(path)}): {summary}".rstrip(": "))
    out.append("")
    return "\n".join(out)


def files(generated: dict[str, str]) -> dict[str, str]:
    """{path in the built site: content}; `generated`: the pages generation writes (registry.generated_pages())."""
    from atlas.site import stack_publish

    dump = lambda data: json.dumps(data, indent=1, ensure_ascii=False) + "\n"  # noqa: E731
    return {
        "downloads/async-api.json": dump(async_api_download()),
        "downloads/async-api.schema.json": dump(async_api_schema()),
        "downloads/capabilities.json": dump(capabilities_download()),
        "downloads/capabilities.schema.json": dump(capabilities_schema()),
        "downloads/stack.json": dump(stack_publish.download()),
        "downloads/stack.schema.json": dump(stack_publish.schema()),
        "llms.txt": llms_txt(generated),
    }
