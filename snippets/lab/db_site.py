"""A database-bound Django site on PostgreSQL (snippets.lab.db_load): each view reads one row with a query
that spends 20 ms in the database (`pg_sleep`), with the sync ORM (/sync/) or the async ORM (/async/).

    LAB_DB_PORT=5432 LAB_DB_MODE=pool gunicorn snippets.lab.db_site:wsgi

LAB_DB_MODE sets how Django holds its connections: `close` (CONN_MAX_AGE = 0, a connection per request),
`persistent` (CONN_MAX_AGE = 60, kept by each thread) or `pool` (Django 5.1+'s psycopg pool, OPTIONS
"pool", at most LAB_POOL_MAX connections per process). No middleware, so the database is what is measured.
"""
import os

from django.conf import settings

MODE = os.environ.get("LAB_DB_MODE", "close")
MODES = {"close": {"CONN_MAX_AGE": 0}, "persistent": {"CONN_MAX_AGE": 60},
         "pool": {"CONN_MAX_AGE": 0, "OPTIONS": {"pool": {"min_size": 1, "max_size": int(os.environ.get("LAB_POOL_MAX", "4")),
                                                          "timeout": 10}}}}
if MODE not in MODES:
    raise SystemExit(f"LAB_DB_MODE={MODE!r}: use one of {', '.join(MODES)}")
WAIT_S = 0.02
settings.configure(DEBUG=False, SECRET_KEY="lab-only-not-secret", ALLOWED_HOSTS=["127.0.0.1", "localhost"],
                   ROOT_URLCONF=__name__, MIDDLEWARE=[], INSTALLED_APPS=[], USE_TZ=True, LOGGING_CONFIG=None,
                   DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1",
                                          "PORT": os.environ.get("LAB_DB_PORT", "5432"), "USER": "postgres",
                                          "NAME": os.environ.get("LAB_DB_NAME", "lab"), **MODES[MODE]}})

import django  # noqa: E402

django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import models  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


class Item(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "lab"
        db_table = "lab_item"
        managed = False  # snippets.lab.db_load creates the table


def slow_row():
    return Item.objects.filter(pk=1).extra(where=["EXISTS (SELECT 1 FROM pg_sleep(%s))"], params=[WAIT_S])


def sync_view(request):
    item = slow_row().first()
    return JsonResponse({"name": item.name, "pid": os.getpid()})


async def async_view(request):
    item = await slow_row().afirst()
    return JsonResponse({"name": item.name, "pid": os.getpid()})


urlpatterns = [path("sync/", sync_view), path("async/", async_view)]
wsgi = get_wsgi_application()
asgi = get_asgi_application()
