"""The middleware page's tables and figures, rendered from docs/data/stack.json (atlas/site_pages.py
registers them as generated tables); check() keeps the prose that quotes a figure equal to the data."""
from __future__ import annotations

import re

from atlas.data import stack as stack_data

KIND_TITLES = {"async-asgi": "async view, ASGI", "sync-asgi": "sync view, ASGI", "sync-wsgi": "sync view, WSGI"}


def short(path: str) -> str:
    return path.rsplit(".", 1)[1]


def releases() -> list[dict]:
    return stack_data.load()["releases"]


def _ordered_paths(data: list[dict]) -> list[str]:
    """The startproject stack in its order, then every other middleware by dotted path."""
    newest = data[-1]
    every = sorted({m["path"] for r in data for m in r["middleware"]})
    return newest["default_stack"] + [p for p in every if p not in newest["default_stack"]]


def _range(versions: list[str]) -> str:
    return versions[0] if len(versions) == 1 else f"{versions[0]}–{versions[-1]}"


def default_totals() -> dict[str, int]:
    """{release: sync_to_async calls of an async request through the startproject stack}."""
    return {r["version"]: r["default"]["async-asgi"]["sync_to_async"] for r in releases()}


def empty_totals() -> dict[str, int]:
    return {r["version"]: r["empty"]["async-asgi"]["sync_to_async"] for r in releases()}


def same_everywhere(values: dict[str, int]) -> int | None:
    found = set(values.values())
    return found.pop() if len(found) == 1 else None


def render_summary() -> str:
    """One paragraph with the figures, for the page's opening."""
    data = releases()
    versions = [r["version"] for r in data]
    default, empty = default_totals(), empty_totals()
    newest = data[-1]
    n_default, n_empty = same_everywhere(default), same_everywhere(empty)
    if n_default is not None and n_empty is not None:
        counts = (f"makes **{n_default} `sync_to_async` calls** per request to an async view on every release "
                  f"from {versions[0]} to {versions[-1]}, against {n_empty} with no middleware at all")
    else:
        counts = "makes " + ", ".join(f"{default[v]} on {v}" for v in versions) + " `sync_to_async` calls per " \
                 "async request (" + ", ".join(f"{empty[v]} on {v}" for v in versions) + " with no middleware)"
    cpu = {k: (newest["default"][k]["cpu_us"]["median"], newest["empty"][k]["cpu_us"]["median"]) for k in KIND_TITLES}
    return (
        f"A project made by `startproject` has {len(newest['default_stack'])} middleware, and that stack {counts}. "
        f"Each call sends work to a thread and back. On Django {newest['version']}, in process, the stack "
        f"costs {_ms(cpu['async-asgi'][0] - cpu['async-asgi'][1])} of CPU per async request under ASGI and "
        f"{_ms(cpu['sync-wsgi'][0] - cpu['sync-wsgi'][1])} per sync request under WSGI, where it makes no hop "
        f"({machine_line()}).\n"
    )


def _ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.2f} ms" if microseconds >= 100 else f"{microseconds:.0f} µs"


def machine_line() -> str:
    data = stack_data.load()
    how = data["cpu_method"]
    seen = [r["measured_on"] for r in data["releases"]]
    machines = sorted({f"{m['cpu']}, {m['cores']} cores" for m in seen})
    dates = sorted({m["date"] for m in seen})
    loads = [m["load_average"] for m in seen if m["load_average"] is not None]
    load = (f"; the machine was shared, with a load average of {min(loads):.0f} to {max(loads):.0f} when each "
            f"release's run started" if loads else "")
    return (f"measured on {' and '.join(machines)}, {_range(dates)}{load}; process CPU per request, median of "
            f"{how['runs']} runs of {how['requests']} requests after {how['warmup']} warm-up requests, no server "
            f"and no network")


def _hooks_text(entry: dict) -> str:
    hooks = [h["hook"].removeprefix("process_") for h in entry["hooks"]["async-asgi"]]
    if hooks:
        return ", ".join(hooks)
    if entry["async_capable"] and not entry["mixin"]:
        return "none: async-native"
    return "none"


def render_hops_table() -> str:
    """Every middleware Django ships × every release: the calls it adds to an async request under ASGI."""
    data = releases()
    versions = [r["version"] for r in data]
    head = "| Middleware | Hooks that hop | " + " | ".join(versions) + " |"
    rule = "|---|---|" + "---:|" * len(versions)
    rows = [head, rule]
    for path in _ordered_paths(data):
        entries = {r["version"]: next((m for m in r["middleware"] if m["path"] == path), None) for r in data}
        newest = next(e for e in reversed(list(entries.values())) if e)
        needs = ", ".join(short(p) for p in newest["prerequisites"])
        details = path.rsplit(".", 1)[0] + (f"; needs {needs}" if needs else "")
        cells = [str(e["added"]["async-asgi"]["sync_to_async"]) if e else "" for e in entries.values()]
        default = " (startproject)" if path in data[-1]["default_stack"] else ""
        rows.append(f"| `{short(path)}`{default}<br><small>{details}</small> | {_hooks_text(newest)} | "
                    + " | ".join(cells) + " |")
    empty = [str(r["empty"]["async-asgi"]["sync_to_async"]) for r in data]
    default = [f"**{r['default']['async-asgi']['sync_to_async']}**" for r in data]
    rows.append("| No middleware: the handler itself | `request_started` receivers, closing the response | "
                + " | ".join(empty) + " |")
    rows.append("| **The startproject stack, in its order** | all of the above for its middleware | "
                + " | ".join(default) + " |")
    to_sync = sum(m["added"]["async-asgi"]["async_to_sync"] for r in data for m in r["middleware"])
    note = "No built-in middleware makes an `async_to_sync` call on this path, in any release. " if not to_sync else ""
    return ("\n".join(rows) + f"\n\nHooks: `process_request`, `process_view`, `process_response` and so on, as "
            f"in the newest release that ships the middleware; \"needs\": the middleware it refused to work "
            f"without when measured alone. {note}An empty cell: the release does not ship that middleware.\n")


def render_handler_calls() -> str:
    """What the handler itself runs in a thread on the newest release (the no-middleware hops)."""
    newest = releases()[-1]
    lines = []
    for call in newest["empty_calls"]["async-asgi"]:
        receivers = ", ".join(f"`{r}`" for r in call.get("receivers", []))
        signal = call.get("signal", "").rsplit(".", 1)[-1]
        what = f"`{call['ran']}`"
        if signal:
            what += f", which runs the sync receivers of `{signal}`: {receivers}"
        lines.append(f"- {what}")
    view = newest["empty"]["sync-asgi"]["sync_to_async"] - newest["empty"]["async-asgi"]["sync_to_async"]
    lines.append(f"\nA sync view under ASGI adds {view} more: the view itself runs in the thread.")
    return "\n".join(lines) + "\n"


def render_cpu_table() -> str:
    """CPU per request with no middleware and with the startproject stack, per release and view kind."""
    rows = ["| Release | " + " | ".join(f"{t}: none → startproject" for t in KIND_TITLES.values()) + " |",
            "|---|" + "---:|" * len(KIND_TITLES)]
    for r in releases():
        cells = []
        for kind in KIND_TITLES:
            empty, default = r["empty"][kind]["cpu_us"], r["default"][kind]["cpu_us"]
            cells.append(f"{empty['median']:.0f} → {default['median']:.0f} µs "
                         f"<small>({default['min']:.0f}–{default['max']:.0f})</small>")
        rows.append(f"| {r['version']} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + f"\n\nMedians, with the startproject stack's spread over the runs in brackets; " \
                             f"{machine_line()}.\n"


def render_changes() -> str:
    """Where a middleware's count changes between releases (e.g. a middleware that became async-native)."""
    data = releases()
    lines = []
    for path in _ordered_paths(data):
        series = [(r["version"], next((m for m in r["middleware"] if m["path"] == path), None)) for r in data]
        series = [(v, e["added"]["async-asgi"]["sync_to_async"], e) for v, e in series if e]
        first_version = series[0][0]
        if first_version != data[0]["version"]:
            lines.append(f"- `{short(path)}` arrived in Django {first_version}, adding {series[0][1]}.")
        for (v0, n0, _e0), (v1, n1, e1) in zip(series, series[1:]):
            if n0 != n1:
                how = " (no hook hops: it is async-native)" if n1 == 0 and not e1["mixin"] else ""
                lines.append(f"- `{short(path)}`: {n0} up to Django {v0}, {n1} from {v1}{how}.")
    return "\n".join(lines) + "\n" if lines else "- No middleware changed its count between releases.\n"


# ---------------------------------------------------------------------------------------------------
# Prose that quotes the figures

QUOTED = re.compile(r"(?P<n>\d+)<!-- stack: (?P<what>default|empty|size) -->")


def quoted_problems(text: str, shown: str) -> list[str]:
    """Figures a page quotes with a `<!-- stack: default|empty|size -->` marker (the startproject stack's
    sync_to_async calls per async request, the empty stack's, the startproject stack's length) that differ
    from the data on any release it holds."""
    data = releases()
    totals = {"default": same_everywhere(default_totals()), "empty": same_everywhere(empty_totals()),
              "size": same_everywhere({r["version"]: len(r["default_stack"]) for r in data})}
    problems = []
    for match in QUOTED.finditer(text):
        line = text[: match.start()].count("\n") + 1
        wanted = totals[match["what"]]
        if wanted is None or int(match["n"]) != wanted:
            problems.append(f"{shown}:{line}: quotes {match['n']} for the {match['what']} figure of "
                            f"docs/data/stack.json, which holds {wanted} (None: it differs between releases) "
                            f"— quote the data's figure or say per release")
    return problems


def check(project) -> list[str]:
    """Every page's quoted stack figures against docs/data/stack.json."""
    if not stack_data.DATA_FILE.exists():
        return []
    problems = []
    for page in sorted(project.docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if "<!-- stack:" in text:
            problems += quoted_problems(text, page.relative_to(project.root).as_posix())
    return problems


# ---------------------------------------------------------------------------------------------------
# The fixes the page shows (snippets/stack/), with the count each leads to on a release

INLINED = ("django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware",
           "django.middleware.clickjacking.XFrameOptionsMiddleware")
MIXIN_HOOKS = 2  # snippets/stack/timing_mixin.py defines process_request and process_response


def fix_figures(version: str | None = None) -> dict[str, int]:
    """sync_to_async calls per async request for each stack the page shows, derived from the data."""
    data = releases()
    release = next(r for r in data if r["version"] == version) if version else data[-1]
    added = {m["path"]: m["added"]["async-asgi"]["sync_to_async"] for m in release["middleware"]}
    default = release["default"]["async-asgi"]["sync_to_async"]
    empty = release["empty"]["async-asgi"]["sync_to_async"]
    return {"default": default, "inline": default - sum(added[p] for p in INLINED), "api": empty,
            "native": default, "mixin": default + MIXIN_HOOKS}


def render_fixes() -> str:
    f = fix_figures()
    version = releases()[-1]["version"]
    return (f"On Django {version}, per request to an async view: the startproject stack makes {f['default']} "
            f"`sync_to_async` calls; with its three header-only middleware run inline, {f['inline']}; the API "
            f"stack below, {f['api']}, as many as no middleware at all. Adding the async-native timing "
            f"middleware below keeps {f['native']}; the same middleware written with `MiddlewareMixin` makes it "
            f"{f['mixin']}.\n")


# ---------------------------------------------------------------------------------------------------
# "Check your stack": the form its script (docs/assets/javascripts/check-stack.js) fills and reads

# Middleware that provide something a project may not use (the page's "drop what you do not use")
DROPPABLE = ("django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
             "django.contrib.auth.middleware.AuthenticationMiddleware",
             "django.contrib.messages.middleware.MessageMiddleware")


def render_check_form() -> str:
    """The form, hidden until the script has loaded the data (a reader without JavaScript sees the note)."""
    options = "".join(f'<option value="{k}">{t}</option>' for k, t in KIND_TITLES.items())
    return (
        f'<form class="atlas-stack-check" data-src="../../downloads/stack.json" '
        f'data-inline="{" ".join(INLINED)}" data-droppable="{" ".join(DROPPABLE)}" '
        'data-measure="../middleware-and-async/#count-your-own-project" '
        'data-fixes="../middleware-and-async/#removing-the-hops" hidden>\n'
        '<p><label for="atlas-stack-input">Your <code>MIDDLEWARE</code> setting, as in settings.py</label><br>\n'
        '<textarea id="atlas-stack-input" data-stack="input" rows="12" cols="72" spellcheck="false"></textarea></p>\n'
        '<p><label for="atlas-stack-release">Release</label>\n'
        '<select id="atlas-stack-release" data-stack="release"></select>\n'
        '<label for="atlas-stack-view">View and server</label>\n'
        f'<select id="atlas-stack-view" data-stack="view">{options}</select>\n'
        '<button type="submit" class="md-button md-button--primary">Check</button></p>\n'
        '</form>\n'
        '<div class="atlas-stack-result" aria-live="polite"></div>\n'
        '<noscript><p>This check runs in your browser and needs JavaScript. The same figures are in the '
        'tables of <a href="../middleware-and-async/">Middleware and async</a>.</p></noscript>\n'
    )
