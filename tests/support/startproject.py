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


def new_project(python: Path, where: Path, views: str = VIEWS, routes: str = "") -> Path:
    """A fresh startproject project named mysite in `where`, made by `python`'s Django: `views` as its
    mysite/views.py, /hello/ routed to views.hello, then `routes` (more entries of urlpatterns)."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python), "-m", "django", "startproject", "mysite", str(where)], check=True,
                   capture_output=True)
    (where / "mysite" / "views.py").write_text(views, encoding="utf-8")
    urls = where / "mysite" / "urls.py"
    text = urls.read_text(encoding="utf-8")
    assert "urlpatterns = [" in text, text
    urls.write_text(text.replace("urlpatterns = [", "from mysite import views\n\nurlpatterns = [\n"
                                 "    path('hello/', views.hello)," + routes, 1), encoding="utf-8")
    return where


def startproject(release, where: Path) -> tuple[Path, Path]:
    """(project directory, the release's python) for a fresh startproject project named mysite."""
    python = venv_python(ensure_venv(release))
    return new_project(python, where), python
