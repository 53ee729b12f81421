"""snippets.lab.startproject_stack and snippets.lab.holding (held_connections and waiting_memory run in
their notebook, docs/lab/waiting-connections.ipynb, and are checked in tests/lab/more_experiments.py)."""
from snippets.lab import holding


def test_the_site_serves_startprojects_middleware_from_the_collected_stack():
    import json

    from snippets.lab import startproject_stack

    releases = json.loads(startproject_stack.STACK_DATA.read_text())["releases"]
    assert startproject_stack.default_stack((6, 1)) == next(r["default_stack"] for r in releases if r["version"] == "6.1")
    assert "django.middleware.csrf.CsrfViewMiddleware" in startproject_stack.default_stack((4, 2))
    argv = " ".join(holding.argv("gunicorn gthread, sync view", 8000, 100))
    assert "--threads 108" in argv and "--worker-connections 108" in argv and "--workers 1" in argv
