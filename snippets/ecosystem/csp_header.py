"""A Content-Security-Policy header without a thread hop, in place of django-csp's CSPMiddleware.

CSPMiddleware's hooks come from MiddlewareMixin, so under ASGI each one runs through sync_to_async. Writing a
fixed header touches no database or file, so an async-native middleware can do it in the event loop's thread.
List it in MIDDLEWARE instead of csp.middleware.CSPMiddleware and set CSP_POLICY in settings, for example:

    CSP_POLICY = "default-src 'self'; img-src 'self' data:"

(Per-request nonces and per-view overrides are what django-csp adds on top; keep it if you use them.)
"""
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings

DEFAULT_POLICY = "default-src 'self'"


class ContentSecurityPolicyMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CSP_POLICY", DEFAULT_POLICY)
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)  # Django then awaits this instance instead of adapting it

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return self.add_header(self.get_response(request))

    async def __acall__(self, request):
        return self.add_header(await self.get_response(request))

    def add_header(self, response):
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
