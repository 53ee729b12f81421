"""Settings of the small demo project that the atlas's snippets and tests run in.

Each use case adds its app or URLs here; servers started by the tests load this module too. A use case is
composed in only when its page's "Applies to" range holds the running Django release
(atlas.data.page_code.runs_here), so each one runs alone on any release it claims.
"""
import os
from pathlib import Path

from atlas.data.page_code import runs_here

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "demo-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "snippets.demo.urls"
ASGI_APPLICATION = "snippets.demo.asgi.application"
WSGI_APPLICATION = "snippets.demo.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        # Servers started by tests get a file path in DEMO_DB; in-process tests use memory.
        "NAME": os.environ.get("DEMO_DB", ":memory:"),
    }
}

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (docs/use-cases/background-work.md): django.tasks with the django-tasks-db backend.
if runs_here("background_work"):
    from snippets.background_work.task_settings import TASKS, TASKS_APPS  # noqa: E402, F401 - TASKS: a setting Django reads here

    INSTALLED_APPS += TASKS_APPS

# Real-time chat (docs/use-cases/real-time-chat.md): Channels' layer, in memory unless ATLAS_REDIS_URL is set.
from snippets.chat.channel_layers import CHANNEL_LAYERS  # noqa: E402, F401 - a setting Django reads here
