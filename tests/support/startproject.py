"""A project made by a release's own `django-admin startproject`, with one async view at /hello/: what a
reader starts from. Its settings are left as generated."""
from __future__ import annotations

import subprocess
from pathlib import Path

from atlas.collect.environments import ensure_venv, venv_python

VIEWS = '''from django.http import HttpResponse


async def hello(request):
    return HttpResponse("hello")
'''


def startproject(release, where: Path) -> tuple[Path, Path]:
    """(project directory, the release's python) for a fresh startproject project named mysite."""
    venv = ensure_venv(release)
    python = venv_python(venv)
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python), "-m", "django", "startproject", "mysite", str(where)], check=True,
                   capture_output=True)
    (where / "mysite" / "views.py").write_text(VIEWS, encoding="utf-8")
    urls = where / "mysite" / "urls.py"
    text = urls.read_text(encoding="utf-8")
    assert "urlpatterns = [" in text, text
    urls.write_text(text.replace("urlpatterns = [", "from mysite import views\n\nurlpatterns = [\n"
                                 "    path('hello/', views.hello),", 1), encoding="utf-8")
    return where, python
