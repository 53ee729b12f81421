"""The fixes the middleware page shows (snippets/stack/) make the number of thread hops the page says.

Each stack runs in a fresh interpreter (settings are per process) with the suite's Django, through
Django's ASGI application, counted by the reader's script (snippets/stack/count_hops.py); the expected
figures come from docs/data/stack.json for the suite's release (atlas/site/stack_render.fix_figures)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import django
import pytest

from atlas.core.paths import ROOT
from atlas.site import stack_render
from snippets.stack import startproject
from tests.support import snippet_use
from tests.support.startproject import VIEWS

RELEASE = "{}.{}".format(*django.VERSION[:2])
DEFAULT = startproject.MIDDLEWARE  # read from the installed Django's own template

RUN = textwrap.dedent('''
    import json, os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "fixsite.settings"
    from django.core.asgi import get_asgi_application
    from django.conf import settings
    from snippets.stack import count_hops
    app = get_asgi_application()
    results = count_hops.count(app, "/hello/", 4, list(settings.MIDDLEWARE))
    status, hops = results[-1]
    print(json.dumps({"status": status, "sync_to_async": sum(1 for h in hops if h[0] == "sync_to_async")}))
''')


def count(tmp_path, middleware_expr: str) -> dict:
    site = tmp_path / "fixsite"
    site.mkdir()
    (site / "__init__.py").write_text("")
    (site / "views.py").write_text(VIEWS)
    (site / "urls.py").write_text("from django.urls import path\nfrom fixsite import views\n"
                                  "urlpatterns = [path('hello/', views.hello)]\n")
    (site / "settings.py").write_text(textwrap.dedent(f'''
        SECRET_KEY = "fix-not-secret"
        DEBUG = False
        ALLOWED_HOSTS = ["localhost"]
        INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                          "django.contrib.messages"]
        ROOT_URLCONF = "fixsite.urls"
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
        USE_TZ = True
        DEFAULT = {DEFAULT!r}
        MIDDLEWARE = {middleware_expr}
    '''))
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    if os.environ.get(snippet_use.ENV_DIR):  # the snippets this interpreter runs count as run
        recorded = snippet_use.subprocess_env(os.environ[snippet_use.ENV_DIR])
        env.update(recorded, PYTHONPATH=f"{tmp_path}{os.pathsep}{recorded['PYTHONPATH']}")
    done = subprocess.run([sys.executable, "-c", RUN], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200, result
    return result


@pytest.fixture(scope="module")
def expected():
    versions = [r["version"] for r in stack_render.releases()]
    if RELEASE not in versions:
        pytest.fail(f"the suite runs Django {RELEASE}, which docs/data/stack.json does not measure")
    return stack_render.fix_figures(RELEASE)


STACKS = {
    "default": "DEFAULT",
    "inline": "__import__('snippets.stack.settings_inline', fromlist=['x']).MIDDLEWARE",
    "api": "__import__('snippets.stack.settings_api', fromlist=['x']).MIDDLEWARE",
    "native": "DEFAULT + ['snippets.async_auth.timing_middleware.TimingMiddleware']",
    "mixin": "DEFAULT + ['snippets.stack.timing_mixin.TimingMiddleware']",
}


@pytest.mark.parametrize("name", list(STACKS))
def test_each_stack_makes_the_hops_the_page_says(name, tmp_path, expected):
    assert count(tmp_path, STACKS[name])["sync_to_async"] == expected[name]


def test_the_inline_stack_is_startproject_with_three_replacements():
    from snippets.stack import settings_inline

    assert [p.rsplit(".", 1)[1] for p in settings_inline.MIDDLEWARE] == [p.rsplit(".", 1)[1] for p in DEFAULT]
    replaced = [d for d, s in zip(DEFAULT, settings_inline.MIDDLEWARE) if d != s]
    assert tuple(replaced) == stack_render.INLINED


def test_the_script_says_when_it_counted_an_error_response():
    from snippets.stack import count_hops

    hops = [("sync_to_async", "django.middleware.common.CommonMiddleware.process_request",
             "django.middleware.common.CommonMiddleware")]
    text = count_hops.report([(400, hops)], ["django.middleware.common.CommonMiddleware"])
    assert text.splitlines()[0] == "request 1: status 400, 1 sync_to_async, 0 async_to_sync"
    assert "answered 400" in text and "--host against ALLOWED_HOSTS" in text
    assert "   1  django.middleware.common.CommonMiddleware  (process_request)" in text
    assert "answered" not in count_hops.report([(200, hops)], ["django.middleware.common.CommonMiddleware"])
