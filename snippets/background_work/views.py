"""Async views that enqueue a task and report on it; the work itself happens in `manage.py db_worker`."""
import json

from django.http import Http404, JsonResponse
from django.tasks.exceptions import TaskResultDoesNotExist
from django.views.decorators.http import require_GET, require_POST

from .tasks import word_report


@require_POST
async def start_report(request):
    text = json.loads(request.body or b"{}").get("text", "")
    result = await word_report.aenqueue(text)  # one INSERT; returns at once
    return JsonResponse({"id": result.id, "status": result.status}, status=202)


@require_GET
async def report_status(request, result_id):
    try:
        result = await word_report.aget_result(str(result_id))
    except TaskResultDoesNotExist:
        raise Http404("no such task") from None
    body = {"id": result.id, "status": result.status}
    if result.is_finished and not result.errors:
        body["return_value"] = result.return_value
    return JsonResponse(body)
