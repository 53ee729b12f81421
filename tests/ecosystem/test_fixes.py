"""The fixes the Ecosystem page shows for packages whose middleware hops (snippets/ecosystem/)."""
from __future__ import annotations

import asyncio
import json
import textwrap

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from atlas.collect import ecosystem
from atlas.collect.ecosystem_config import ASYNC_NOTES
from atlas.core.paths import ROOT
from snippets.ecosystem.csp_header import DEFAULT_POLICY, ContentSecurityPolicyMiddleware
from tests.stack.test_fixes import count
from tests.support import snippet_use
from tests.support.startproject import VIEWS

CSP = "snippets.ecosystem.csp_header.ContentSecurityPolicyMiddleware"


def test_the_csp_header_middleware_adds_no_hop_to_a_request_on_the_async_path(tmp_path):
    """Through Django's ASGI application: a stack of only this middleware makes the hops of an empty stack
    (the handler's own), where django-csp's CSPMiddleware adds the ones docs/data/ecosystem.json records."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "csp").mkdir()
    assert count(tmp_path / "csp", repr([CSP]))["sync_to_async"] == count(tmp_path / "empty", "[]")["sync_to_async"]


def test_the_csp_header_middleware_writes_the_policy_in_both_modes():
    request = RequestFactory().get("/")

    async def view_async(request):
        return HttpResponse("ok")

    with override_settings(CSP_POLICY="default-src 'none'"):
        response = asyncio.run(ContentSecurityPolicyMiddleware(view_async)(request))
    assert response["Content-Security-Policy"] == "default-src 'none'"
    response = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))(request)
    assert response["Content-Security-Policy"] == DEFAULT_POLICY


def test_a_policy_the_view_set_is_kept():
    def view(request):
        response = HttpResponse("ok")
        response["Content-Security-Policy"] = "default-src 'self' https://cdn.example.com"
        return response

    assert ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))["Content-Security-Policy"] == \
        "default-src 'self' https://cdn.example.com"


SERVESTATIC = next(n["version"] for n in ASYNC_NOTES["whitenoise"] if n.get("sibling") == "servestatic")
COUNT = textwrap.dedent('''
    import json, os
    os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
    from django.conf import settings
    from snippets.ecosystem import servestatic_asgi
    from snippets.stack.count_hops import count

    def run(app, url):
        status, hops = count(app, url, 3, list(settings.MIDDLEWARE))[-1]
        return {"status": status, "hops": len(hops)}

    print(json.dumps({"static": run(servestatic_asgi.application, "/static/app.css"),
                      "view": run(servestatic_asgi.application, "/hello/"),
                      "django_alone": run(servestatic_asgi.django_application, "/hello/")}))
''')


@pytest.mark.matrix
def test_servestatic_answers_a_static_file_without_django_and_passes_other_requests_through(package_project, tmp_path):
    """snippets/ecosystem/servestatic_asgi.py in a startproject project (newest Django and servestatic,
    installed as the ecosystem collector installs a package): a file under STATIC_URL is answered with no
    sync_to_async or async_to_sync at all; a view's request makes the hops of Django alone."""
    project = package_project("servestatic", SERVESTATIC)
    static = tmp_path / "static"
    static.mkdir()
    (static / "app.css").write_text("body { color: black }\n", encoding="utf-8")
    settings = project.path / "mysite" / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8") + f"\nSTATIC_ROOT = {str(static)!r}\nALLOWED_HOSTS = ['localhost']\n")
    result = project.run("-c", COUNT)
    snippet_use.record_run_elsewhere(ROOT / "snippets" / "ecosystem" / "servestatic_asgi.py")
    assert result["static"] == {"status": 200, "hops": 0}
    assert result["view"]["status"] == 200
    assert result["view"] == result["django_alone"]


RATELIMIT = textwrap.dedent('''
    import json, os
    os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
    from django.conf import settings
    from django.core.asgi import get_asgi_application
    from snippets.stack.count_hops import count

    app = get_asgi_application()
    statuses = [status for status, _hops in count(app, "/limited/", 3, list(settings.MIDDLEWARE))]
    denied = count(app, "/denied/", 1, list(settings.MIDDLEWARE))[0][0]
    print(json.dumps({"statuses": statuses, "denied": denied}))
''')
RATELIMIT_VIEWS = '''
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django_ratelimit.decorators import ratelimit


@ratelimit(key="ip", rate="2/m")
def limited(request):
    return HttpResponse("ok")


def denied(request):
    raise PermissionDenied
'''


@pytest.mark.matrix
def test_a_ratelimited_view_answers_429_through_handler403_without_the_middleware(package_project):
    """snippets/ecosystem/ratelimit_handler.py as handler403, RatelimitMiddleware left out, in a startproject
    project beside django-ratelimit (the release the ecosystem data collects): the third request within a
    minute answers 429, another PermissionDenied stays a 403."""
    version = next(p["version"] for p in json.loads(ecosystem.DATA_FILE.read_text(encoding="utf-8"))["packages"]
                   if p["name"] == "django-ratelimit")
    project = package_project("django-ratelimit", version, views=VIEWS + RATELIMIT_VIEWS,
                              routes="\n    path('limited/', views.limited),\n    path('denied/', views.denied),")
    urls = project.path / "mysite" / "urls.py"
    urls.write_text(urls.read_text(encoding="utf-8") + "\nhandler403 = 'snippets.ecosystem.ratelimit_handler.forbidden'\n")
    settings = project.path / "mysite" / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nALLOWED_HOSTS = ['localhost']\n")
    result = project.run("-c", RATELIMIT)
    snippet_use.record_run_elsewhere(ROOT / "snippets" / "ecosystem" / "ratelimit_handler.py")
    assert result == {"statuses": [200, 200, 429], "denied": 403}
