"""WSGI and ASGI entry points of the load-test site (settings: snippets.lab.load_settings).

    gunicorn snippets.lab.load_server:wsgi      uvicorn snippets.lab.load_server:asgi
"""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snippets.lab.load_settings")

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

wsgi = get_wsgi_application()
asgi = get_asgi_application()
