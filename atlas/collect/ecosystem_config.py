"""How each package's middleware is set up for the stack probe: the apps and settings its documentation's
installation section asks for (the page links the package's docs). A middleware found in a package's code
(atlas/collect/ecosystem_rules.py) and not listed here gets a row saying it was not configured, and why.

Keys: the PyPI name. "installed_apps" and "settings" go into the probe's startproject settings;
"middleware" limits what is measured to these paths (others found are reported as not configured, with
"why"); "not_configured" says why a found middleware is left out.
"""
from __future__ import annotations

CONFIG: dict[str, dict] = {
    "django-cors-headers": {
        "installed_apps": ["corsheaders"],
        "settings": {"CORS_ALLOWED_ORIGINS": ["https://example.com"]},
        "docs": "https://github.com/adamchainz/django-cors-headers#setup",
    },
    "django-debug-toolbar": {
        "installed_apps": ["django.contrib.staticfiles", "debug_toolbar"],
        # DEBUG stays False as in production: the toolbar's show_toolbar() then declines every request;
        # the figures are those of the toolbar left in MIDDLEWARE of a production settings file
        "settings": {"INTERNAL_IPS": ["127.0.0.1"]},
        "note": "measured with DEBUG = False (production): the toolbar declines the request",
        "docs": "https://django-debug-toolbar.readthedocs.io/en/latest/installation.html",
    },
    "django-oauth-toolkit": {
        "installed_apps": ["oauth2_provider"],
        "settings": {"AUTHENTICATION_BACKENDS": ["oauth2_provider.backends.OAuth2Backend",
                                                 "django.contrib.auth.backends.ModelBackend"]},
        "docs": "https://django-oauth-toolkit.readthedocs.io/en/latest/tutorial/tutorial_03.html",
    },
    "social-auth-app-django": {
        "installed_apps": ["social_django"],
        "docs": "https://python-social-auth.readthedocs.io/en/latest/configuration/django.html",
    },
    "django-allauth": {
        "installed_apps": ["django.contrib.sites", "allauth", "allauth.account", "allauth.usersessions"],
        # allauth.account's ready() refuses to start unless AccountMiddleware is in MIDDLEWARE
        "settings": {"AUTHENTICATION_BACKENDS": ["django.contrib.auth.backends.ModelBackend",
                                                 "allauth.account.auth_backends.AuthenticationBackend"],
                     "MIDDLEWARE": ["allauth.account.middleware.AccountMiddleware"]},
        "prerequisites": {"allauth.usersessions.middleware.UserSessionsMiddleware": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "allauth.account.middleware.AccountMiddleware"]},
        "docs": "https://docs.allauth.org/en/latest/installation/quickstart.html",
    },
    "django-ratelimit": {
        "installed_apps": ["django_ratelimit"],
        "docs": "https://django-ratelimit.readthedocs.io/en/stable/installation.html",
    },
    "django-simple-history": {
        "installed_apps": ["simple_history"],
        "docs": "https://django-simple-history.readthedocs.io/en/latest/quick_start.html",
    },
    "django-csp": {
        "installed_apps": ["csp"],
        "settings": {"CONTENT_SECURITY_POLICY": {"DIRECTIVES": {"default-src": ["'self'"]}}},
        "docs": "https://django-csp.readthedocs.io/en/latest/installation.html",
    },
    "django-otp": {
        "installed_apps": ["django_otp"],
        "docs": "https://django-otp-official.readthedocs.io/en/stable/overview.html#installation",
    },
    "django-prometheus": {
        "installed_apps": ["django_prometheus"],
        "docs": "https://github.com/korfuri/django-prometheus#quickstart",
    },
    "drf-yasg": {
        "installed_apps": ["django.contrib.staticfiles", "rest_framework", "drf_yasg"],
        "docs": "https://drf-yasg.readthedocs.io/en/stable/readme.html#installation",
    },
    "whitenoise": {
        "docs": "https://whitenoise.readthedocs.io/en/stable/django.html",
    },
    "django-silk": {
        "installed_apps": ["silk"],
        "middleware": ["silk.middleware.SilkyMiddleware"],
        "not_configured": {"silk.middleware.TestMiddleware": "a test helper of the package, not for MIDDLEWARE"},
        "docs": "https://silk.readthedocs.io/en/latest/quickstart.html",
    },
}

# Async siblings and async APIs a reader meets instead, each with its source (checked by hand; the
# ecosystem page shows the source beside the claim). A sibling's "version" is its release read (as the
# ranking's version_checked is the package's): the since-which-release search stops there, so a new release
# of the sibling changes nothing until this is raised.
ASYNC_NOTES: dict[str, list[dict]] = {
    "djangorestframework": [{"sibling": "adrf", "version": "0.1.14", "claim": "async views, viewsets and serializers for DRF",
                             "source": "https://github.com/em1208/adrf"}],
    "whitenoise": [{"sibling": "servestatic", "version": "4.4.0", "claim": "a fork of WhiteNoise with an ASGI app and an async-capable "
                                                   "middleware that serve files without a thread",
                    "source": "https://github.com/Archmonger/ServeStatic"}],
    "channels": [{"claim": "async consumers for WebSocket and HTTP (the package is async throughout)",
                  "source": "https://channels.readthedocs.io/en/latest/topics/consumers.html"}],
    "django-storages": [{"claim": "no async API: Django's Storage API is sync; call it through sync_to_async",
                         "source": "https://docs.djangoproject.com/en/stable/topics/async/#async-safety"}],
    "django-redis": [{"claim": "its RedisCache inherits BaseCache's async methods (aget, aset, ...), each of which "
                               "runs the sync call through sync_to_async: one thread hop per cache call",
                      "source": "https://docs.djangoproject.com/en/stable/topics/cache/#asynchronous-support"}],
}

# What a reader does about a middleware that hops or is sync-only: the alternative or the fix (shown on the
# ecosystem page beside the measured counts, which these texts do not repeat; a test requires one for each).
FIXES: dict[str, str] = {
    "csp.middleware.CSPMiddleware":
        "Its hooks come from MiddlewareMixin, so each runs in a thread. Set the header where it "
        "costs no hop: in the web server (nginx `add_header Content-Security-Policy ...`) or in a small "
        "async middleware of your own that writes the same header ([below](#fixes-as-code): "
        "`snippets/ecosystem/csp_header.py`, no hop, tested).",
    "whitenoise.middleware.WhiteNoiseMiddleware":
        "Sync-only: it hops on every request, static or not. Serve static files from the web server "
        "(nginx `location /static/`), or wrap the ASGI application in its async sibling's ServeStaticASGI: a "
        "static file is answered before Django runs, other requests pass through untouched "
        "([below](#fixes-as-code): `snippets/ecosystem/servestatic_asgi.py`, tested).",
    "django_prometheus.middleware.PrometheusBeforeMiddleware":
        "Its hooks come from MiddlewareMixin, each run in a thread (see the LTS lines: its newest release does "
        "not install beside the newest Django). The pair times every request; if its hops matter, take request "
        "metrics from the proxy or the ASGI server instead and keep django-prometheus for database and cache "
        "metrics, which need no middleware.",
    "django_prometheus.middleware.PrometheusAfterMiddleware":
        "MiddlewareMixin hooks, each run in a thread: as for PrometheusBeforeMiddleware.",
    "debug_toolbar.middleware.DebugToolbarMiddleware":
        "Its `show_toolbar` check runs in a thread on every request even with DEBUG off. Add the "
        "toolbar to MIDDLEWARE only in development settings (`if DEBUG: MIDDLEWARE += [...]`).",
    "oauth2_provider.middleware.OAuth2TokenMiddleware":
        "Sync-only: the whole middleware runs in a thread and calls the rest of the chain back. "
        "Authenticate per view instead (its REST framework authentication class), so only API requests pay.",
    "oauth2_provider.middleware.OAuth2ExtraTokenMiddleware":
        "Sync-only: as for OAuth2TokenMiddleware, authenticate per view instead.",
    "django_ratelimit.middleware.RatelimitMiddleware":
        "Sync-only, for one job: turning the Ratelimited exception into a response. Ratelimited "
        "subclasses PermissionDenied, so Django's own 403 handling (handler403) does that without the middleware "
        "([below](#fixes-as-code): `snippets/ecosystem/ratelimit_handler.py`, tested).",
    "drf_yasg.middleware.SwaggerExceptionMiddleware":
        "Sync-only; it only renders errors of the schema views. Leave it out of MIDDLEWARE.",
    "silk.middleware.SilkyMiddleware":
        "Sync-only, and it writes every request to the database: a profiler, for development "
        "or a sampled deployment, not every production request.",
    "allauth.usersessions.middleware.UserSessionsMiddleware":
        "Sync-only, yet it lowers the count after the session and auth middleware: Django runs it and them in "
        "one thread (one sync_to_async in place of a hop per hook). The async view "
        "is then reached through async_to_sync. Leave it out unless you use allauth's user sessions.",
}
