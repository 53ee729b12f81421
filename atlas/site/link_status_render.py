"""Render the link check's record for the resources page: when links were checked, what failed."""
from __future__ import annotations

from pathlib import Path

from atlas.core import datafile
from atlas.core.paths import DATA
from atlas.data.link_status import STATUS_FILE, load_status


def render_link_status(path: Path = STATUS_FILE) -> str:
    """For the resources page: when the links were last checked, what failed, and each link's last check."""
    status = load_status(path)
    links = status.get("links", {})
    if not links:
        return "_The outside links have not been checked yet._"
    counts: dict[str, int] = {}
    for entry in links.values():
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    out = [
        f"**Link check:** every outside link on this site was last checked on {status['checked']} with "
        f"{status['checker']} ({summary}). The scheduled upstream workflow re-checks them weekly.",
        "",
    ]
    failing = {u: e for u, e in links.items() if e["status"] not in ("ok", "redirected")}
    if failing:
        out += ["Links that did not answer well on their last check:", ""]
        out += [f"- <{u}>: {e['status']}{' ' + str(e['code']) if e['code'] else ''} on {e['checked']}"
                f" (last fine: {e.get('last_ok') or 'never'})" for u, e in failing.items()]
        out.append("")
    resource_urls = _resource_urls()
    rows = [(u, links[u]) for u in resource_urls if u in links]
    if rows:
        out += ['??? info "When each resource link was last checked"', "",
                "    | Link | Answer | Checked |", "    | --- | --- | --- |"]
        for url, e in rows:
            answer = e["status"] + (f" → {e['redirects_to']}" if e.get("redirects_to") else "")
            out.append(f"    | <{url}> | {answer.replace('|', '%7C')} | {e['checked']} |")
        out.append("")
    return "\n".join(out)


def _resource_urls() -> list[str]:
    path = DATA / "resources.yml"
    if not path.exists():
        return []
    return [e["url"] for e in datafile.safe_load(path.read_text(encoding="utf-8")) or [] if isinstance(e, dict) and "url" in e]
