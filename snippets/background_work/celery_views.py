"""An async view that hands work to Celery. `.delay()` is a blocking network call to the broker,
so it runs in a worker thread instead of on the event loop."""
import json

from asgiref.sync import sync_to_async
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .celery_app import app  # noqa: F401  (makes shared_task bind to this app)
from .celery_tasks import celery_word_report


@require_POST
async def start_celery_report(request):
    text = json.loads(request.body or b"{}").get("text", "")
    async_result = await sync_to_async(celery_word_report.delay, thread_sensitive=False)(text)
    return JsonResponse({"id": async_result.id}, status=202)
