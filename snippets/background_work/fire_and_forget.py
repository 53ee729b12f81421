"""ANTI-PATTERN, kept to be tested: starting work with asyncio.create_task() in a view.

The response goes out at once and the task keeps running in the server's event loop, but nothing
owns it: when the server stops (a deploy, a scale-down, a crash) the loop is closed and the task is
cancelled half-way. The test shows uvicorn's graceful shutdown does not wait for it.
"""
import asyncio
import os
from pathlib import Path

from django.http import JsonResponse

_running = set()  # keep a reference, or the task may even be garbage-collected mid-way


async def send_receipt(order_id: str) -> None:
    await asyncio.sleep(float(os.environ.get("RECEIPT_DELAY", "2")))  # stands for a slow SMTP call
    outbox = Path(os.environ.get("RECEIPT_OUTBOX", "receipts.log"))
    with outbox.open("a") as handle:  # noqa: ASYNC230 - a tiny local write; the example is about the task
        handle.write(f"receipt sent for order {order_id}\n")


async def fire_and_forget_view(request):
    order_id = request.GET.get("order", "1")
    task = asyncio.create_task(send_receipt(order_id))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return JsonResponse({"order": order_id, "receipt": "scheduled (maybe)"}, status=202)
