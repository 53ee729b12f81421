"""django-ratelimit without its middleware: Django's own 403 handler answers the Ratelimited exception.

RatelimitMiddleware is sync-only, so under ASGI every request pays its thread hops, for one job: turning
the Ratelimited exception a @ratelimit view raises into a response. Ratelimited subclasses PermissionDenied,
which Django already turns into a call to handler403. Point handler403 at this view in the root URLconf
(mysite/urls.py) and leave the middleware out of MIDDLEWARE:

    handler403 = "mysite.errors.forbidden"
"""
from django.http import HttpResponse
from django.views.defaults import permission_denied
from django_ratelimit.exceptions import Ratelimited


def forbidden(request, exception=None):
    if isinstance(exception, Ratelimited):
        return HttpResponse("Too many requests, try again in a minute.", status=429)
    return permission_denied(request, exception)
