"""mysite/asgi.py serving static files before Django runs, in place of WhiteNoise's middleware.

WhiteNoiseMiddleware is sync-only: under ASGI, Django runs it in a thread and calls the rest of the chain
back through async_to_sync, on every request, static or not. ServeStatic (a fork of WhiteNoise,
`pip install servestatic`) wraps the ASGI application instead: a request for a file under STATIC_URL is
answered from the list of files it read at start-up, without entering Django; any other request goes to
Django untouched. Remove WhiteNoiseMiddleware from MIDDLEWARE and run `manage.py collectstatic` as before.
"""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
django_application = get_asgi_application()  # sets Django up, so settings can be read below

from django.conf import settings  # noqa: E402
from servestatic import ServeStaticASGI  # noqa: E402

application = ServeStaticASGI(django_application, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL)
