"""The home page's "Start from your situation" (generated/situations.md): five short paths, each a few
sentences and links. Where the answer is data (what a release can do for a use case, the newest release and
LTS) it is rendered from it, in spans "My Django" rewrites for the reader's release (atlas/site/use_case_index.py).
"""
from __future__ import annotations

import posixpath

from atlas.core.errors import DataError


def stack_cost(link) -> str:
    """What the middleware around a view costs on the async path, from the measured stack data."""
    from atlas.site.stack_render import default_totals

    totals = default_totals()
    versions = list(totals)
    counts = sorted(set(totals.values()))
    count = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
    return (f"What surrounds the view counts too: behind the middleware of a new `startproject` project, an async "
            f"view makes {count} thread hops per request on every release from {versions[0]} to {versions[-1]}. "
            f"{link('Check your stack', 'concepts/check-your-stack.md')} counts yours, and "
            f"{link('middleware and async', 'concepts/middleware-and-async.md')} shows how to remove them.")


def render(page_dir: str = ".") -> str:
    from atlas.data.versions_data import load_releases, use_cases

    from .use_case_index import how_span, level_span

    def link(text: str, target: str) -> str:
        return f"[{text}]({posixpath.relpath(target, page_dir)})"

    def page(use_case: str, text: str | None = None) -> str:
        title, path = use_cases()[use_case]
        return link(text or title, path)

    def answer(use_case: str) -> str:
        return f'<span class="atlas-uc-answer">{level_span(use_case)} ({how_span(use_case)})</span>'

    releases = load_releases()
    newest = releases[-1]
    lts = [r for r in releases if r.lts][-1]
    mine = f'<span class="atlas-uc-mine" data-newest="{newest.version}">Django {newest.version}</span>'
    out = [
        f"Answers for {mine}; pick your release with **My Django** at the top of the page.",
        "",
        '<div class="atlas-situations" markdown>',
        "",
        "**I run Django on WSGI today.** Keep WSGI for the pages you have: an async view under WSGI gets a "
        "thread of its own and gains nothing. Add an ASGI process only for what holds connections open, "
        f"such as a stream of live updates, and route those paths to it. Where to start: "
        f"{link('ASGI and WSGI', 'concepts/asgi-and-wsgi.md')}, {page('deploying', 'deploying both side by side')}.",
        "",
        f"**I'm starting a new project.** Start on Django {newest.version}, the newest release, or "
        f"{lts.version}, the newest long-term support release, and run it under ASGI only if one of the "
        f"{link('use cases', 'use-cases/index.md')} is yours. The {link('learning path', 'learn/index.md')} "
        "goes from coroutines to production in six steps.",
        "",
        f"**I need real-time updates.** Server-sent events, one way from server to browser: {answer('server-sent-events')}; "
        f"see {page('server-sent-events')}. Two-way chat over WebSockets: {answer('real-time-chat')}; see "
        f"{page('real-time-chat')}. Long polling, for clients that cannot stream: {answer('long-polling')}.",
        "",
        f"**I need background jobs.** {answer('background-work')}. Async views are not a job queue: work that "
        f"must outlive the request needs a worker. {page('background-work', 'Background work')} compares "
        f"{link('Celery and django.tasks', 'use-cases/background-work.md#celery-or-django-tasks')}.",
        "",
        "**Is async faster for me?** Not for one request: async lets one process wait on many things at once. "
        f"It pays when requests wait on the network and their number outgrows a thread pool. The "
        f"{link('lab', 'lab/index.md')} measures memory, latency under load and fan-out, and "
        f"{page('fan-out', 'calling several APIs from one view')} shows the case where it helps a single page. "
        f"{stack_cost(link)}",
        "",
        "</div>",
    ]
    return "\n".join(out) + "\n"


def render_celery_or_tasks(page_dir: str = "use-cases") -> str:
    """The background-work page's direct answer (generated/celery-or-tasks.md): which to use on which
    release, from the ways in use_case_levels.yml and the tasks capabilities (shipped or still missing)."""
    from atlas.data import use_case_levels
    from atlas.data.versions_data import feature_releases, load_capabilities, requirements

    releases = feature_releases()
    levels = use_case_levels.load()
    caps = {c.id: c for c in load_capabilities()}
    order = list(requirements())
    ways = levels.ways["background-work"]

    def span(way) -> list[str]:
        return [v for v in releases if use_case_levels.way_cell(way, v, caps, levels, order).level != "none"]

    # the built-in framework, the package that backports it to some releases, and the queue for every release
    tasks = span(next(w for w in ways if "tasks-framework" in w.capabilities))
    backport = span(next(w for w in ways if w.django))
    celery = span(next(w for w in ways if not w.capabilities and not w.django))

    def when(versions: list[str]) -> str:
        if versions[-1] == releases[-1]:
            return f"Django {versions[0]} and later"
        return f"Django {versions[0]} to {versions[-1]}"

    def missing(cap_id: str) -> str:
        cap = caps[cap_id]
        if cap.shipped:
            raise DataError(f"docs/data/capabilities.yml: {cap_id} has shipped — update the Celery-or-tasks "
                            "answer in atlas/site/situations.py")
        return f"[{cap.tracked_by.title}]({cap.tracked_by.url})"

    before_backport = [v for v in celery if v not in backport and v not in tasks]
    matrix = posixpath.relpath("versions/matrix.md", page_dir)
    out = [
        f"- **On {when(before_backport)}**: Celery (or another task queue with its own worker). Neither "
        "`django.tasks` nor its backport supports these releases.",
        f"- **On {when(backport)}**: Celery, or the `django-tasks` package, the backport of the `django.tasks` API, "
        "with a backend package for the worker (such as `django-tasks-db`). Pick the backport if you plan to move "
        f"to {tasks[0]}: you write your tasks against the API you will have there.",
        f"- **On {when(tasks)}**: `django.tasks` is built in, but Django ships no worker: install a backend package "
        "that has one (such as `django-tasks-db` and its `db_worker`). If Celery already runs your jobs well, "
        "nothing forces a switch.",
        "- **You need retries with backoff, or periodic schedules**: Celery has both (`autoretry_for` with "
        f"`retry_backoff`; `celery beat`). `django.tasks` has neither in any release up to {releases[-1]} "
        f"([not there yet]({matrix}#tasks-retries)): retries are {missing('tasks-retries')}, schedules "
        f"{missing('tasks-scheduling')}; until then, cron or a backend's own scheduler.",
        "- **You cannot run a worker process** (one web process, nothing else): neither helps. "
        "`django.tasks`' `ImmediateBackend` runs the task at once, inside the request, which is not background "
        "work. Keep the work short enough to do in the request, or find a host that lets you run a worker.",
    ]
    return "\n".join(out) + "\n"
