"""Three of startproject's middleware, run in the event loop's thread instead of a worker thread.

Django's MiddlewareMixin cannot know whether a hook touches the database, so on the async path it sends
every hook through sync_to_async. These three only read and write headers and settings: calling their
hooks directly is safe and saves a thread hop each. Do not do this for a hook that queries the database,
the cache or a file (SessionMiddleware saves the session in process_response, for example).
"""
from django.middleware import clickjacking, common, security


class InlineHooks:
    """On the async path, call process_request and process_response directly."""

    async def __acall__(self, request):
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            response = self.process_response(request, response)
        return response


class SecurityMiddleware(InlineHooks, security.SecurityMiddleware):
    pass


class CommonMiddleware(InlineHooks, common.CommonMiddleware):
    pass


class XFrameOptionsMiddleware(InlineHooks, clickjacking.XFrameOptionsMiddleware):
    pass
