"""Settings of the lab's load-test site: one sync and one async view, no database queries, behind the
middleware stack named by the LAB_STACK environment variable:

- "default": startproject's MIDDLEWARE and INSTALLED_APPS, as a new project has them (the default);
- "none": no middleware and no apps, the view and Django's handler alone;
- "async-native": startproject's stack with its three header-only middleware run in the event loop's
  thread (snippets/stack/settings_inline.py).

The views make no query, and a GET without cookies saves no session: the database is never opened."""
import os

from snippets.stack import settings_inline, startproject

STARTPROJECT_APPS = startproject.INSTALLED_APPS
STARTPROJECT_MIDDLEWARE = startproject.MIDDLEWARE
STACK = os.environ.get("LAB_STACK", "default")
MIDDLEWARES = {"default": STARTPROJECT_MIDDLEWARE, "none": [], "async-native": settings_inline.MIDDLEWARE}
if STACK not in MIDDLEWARES:
    raise ValueError(f"LAB_STACK={STACK!r}: use one of {', '.join(MIDDLEWARES)}")

SECRET_KEY = "lab-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [] if STACK == "none" else STARTPROJECT_APPS
MIDDLEWARE = MIDDLEWARES[STACK]
ROOT_URLCONF = "snippets.lab.load_views"
DATABASES = {} if STACK == "none" else {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
STATIC_URL = "static/"
USE_TZ = True
LOGGING_CONFIG = None
