"""The Server-Timing middleware of the auth page, written the old way with MiddlewareMixin: on the async
path Django runs each of its two hooks through sync_to_async, two thread hops per request."""
import time

from django.utils.deprecation import MiddlewareMixin


class TimingMiddleware(MiddlewareMixin):
    def process_request(self, request):
        request.timing_started = time.perf_counter()

    def process_response(self, request, response):
        elapsed_ms = (time.perf_counter() - request.timing_started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
