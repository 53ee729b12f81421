"""A middleware that works in both modes (Django 3.1+): it stays async under ASGI with async views,
and sync under WSGI, so Django never has to wrap it in a thread. It adds the time the rest of the stack took."""
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class TimingMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            # Tell Django that calling this instance returns a coroutine (see __call__).
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        started = time.perf_counter()
        response = self.get_response(request)
        return self.stamp(response, started, "sync")

    async def __acall__(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        return self.stamp(response, started, "async")

    @staticmethod
    def stamp(response, started, mode):
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        response["X-Middleware-Mode"] = mode
        return response
