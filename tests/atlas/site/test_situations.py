"""The home page's "start from your situation" and the background-work page's Celery-or-tasks answer
(atlas/site/situations.py), checked against the data they are rendered from, read here as plain YAML."""
import html
import json
import re

from atlas.core.datafile import safe_load
from atlas.core.paths import DATA
from atlas.data.versions_data import feature_releases
from atlas.site import situations

RELEASES = feature_releases()
CAPS = {c["id"]: c for c in safe_load((DATA / "capabilities.yml").read_text(encoding="utf-8"))}
WAYS = safe_load((DATA / "use_case_levels.yml").read_text(encoding="utf-8"))["use_cases"]["background-work"]["ways"]
RELEASE_DATA = safe_load((DATA / "releases.yml").read_text(encoding="utf-8"))


def test_celery_or_tasks_names_the_releases_each_way_covers():
    text = situations.render_celery_or_tasks()
    lines = [line for line in text.splitlines() if line.startswith("- **")]
    backport = next(w for w in WAYS if w.get("django"))["django"]
    low, high = backport.split("-")
    tasks_from = CAPS["tasks-framework"]["added"]
    assert lines[0].startswith(f"- **On Django {RELEASES[0]} to {RELEASES[RELEASES.index(low) - 1]}**: Celery")
    assert lines[1].startswith(f"- **On Django {low} to {high}**: Celery, or the `django-tasks` package")
    assert lines[2].startswith(f"- **On Django {tasks_from} and later**: `django.tasks` is built in")
    for missing in ("tasks-retries", "tasks-scheduling"):
        assert CAPS[missing]["status"] == "missing"
        assert CAPS[missing]["tracked_by"]["url"] in lines[3]
    assert "retries with backoff, or periodic schedules" in lines[3] and "worker process" in lines[4]


def test_each_situation_answers_from_the_use_case_levels():
    from atlas.site import use_case_index

    text = situations.render()
    heads = re.findall(r"^\*\*(.+?)\*\*", text, re.M)
    assert heads == ["I run Django on WSGI today.", "I'm starting a new project.", "I need real-time updates.",
                     "I need background jobs.", "Is async faster for me?"]
    shown = [json.loads(html.unescape(value)) for value in re.findall(r'data-uc-levels="([^"]*)"', text)]
    for use_case in ("server-sent-events", "real-time-chat", "long-polling", "background-work"):
        changes, _first = use_case_index.answers(use_case)
        assert json.loads(json.dumps(changes)) in shown, use_case
    newest = RELEASE_DATA[-1]["version"]
    lts = [r for r in RELEASE_DATA if r["lts"]][-1]["version"]
    assert f"Start on Django {newest}, the newest release, or {lts}, the newest long-term support release" in text


def test_is_async_faster_names_the_default_stacks_hops_from_the_measured_data():
    stack = json.loads((DATA / "stack.json").read_text(encoding="utf-8"))["releases"]
    counts = {r["default"]["async-asgi"]["sync_to_async"] for r in stack}
    faster = next(p for p in situations.render().split("\n\n") if p.startswith("**Is async faster for me?**"))
    assert len(counts) == 1, "the sentence must then give the range"
    assert (f"makes {counts.pop()} thread hops per request on every release from {stack[0]['version']} "
            f"to {stack[-1]['version']}") in faster
    assert "(concepts/check-your-stack.md)" in faster and "(concepts/middleware-and-async.md)" in faster
