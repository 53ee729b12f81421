"""snippets.lab.stack_site's middleware and snippets.lab.holding (held_connections and waiting_memory run in
their notebook, docs/lab/waiting-connections.ipynb, and are checked in tests/lab/more_experiments.py)."""
from snippets.lab import holding


def test_the_site_serves_startprojects_middleware_as_the_stack_data_collected_it():
    import json

    import django

    from atlas.core.paths import DATA
    from snippets.stack import startproject  # what snippets.lab.stack_site serves

    collected = {r["version"]: r["default_stack"] for r in json.loads((DATA / "stack.json").read_text())["releases"]}
    assert collected["{}.{}".format(*django.VERSION[:2])] == startproject.MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" in startproject.MIDDLEWARE
    argv = " ".join(holding.argv("gunicorn gthread, sync view", 8000, 100))
    assert "--threads 108" in argv and "--worker-connections 108" in argv and "--workers 1" in argv
