"""Why asyncio.create_task() in a view loses work: under a real uvicorn, the stray task finishes only
if the server happens to live long enough; a graceful shutdown (SIGTERM, as in every deploy) does not
wait for it, and the side effect never happens."""
import os
import signal
import time

import httpx
import pytest

from snippets.background_work import fire_and_forget
from tests.background_work.helpers import wait_until
from tests.support.figures import record
from tests.support.servers import python_tool, running_server

UVICORN = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "info"]
DELAY = 2.0


def test_the_view_is_the_snippet_one():
    from django.urls import resolve
    assert resolve("/background/fire-and-forget/").func is fire_and_forget.fire_and_forget_view


@pytest.mark.server
def test_the_task_runs_when_the_server_stays_up(tmp_path):
    outbox = tmp_path / "receipts.log"
    env = {"RECEIPT_OUTBOX": str(outbox), "RECEIPT_DELAY": str(DELAY)}
    with running_server(UVICORN, env=env) as server:
        response = httpx.get(server.url + "/background/fire-and-forget/?order=7", timeout=10)
        assert response.status_code == 202
        wait_until(outbox.exists, timeout=DELAY + 15, what="receipt written")
    assert outbox.read_text() == "receipt sent for order 7\n"


@pytest.mark.server
def test_graceful_shutdown_does_not_wait_for_the_task(tmp_path):
    outbox = tmp_path / "receipts.log"
    env = {"RECEIPT_OUTBOX": str(outbox), "RECEIPT_DELAY": str(DELAY)}
    with running_server(UVICORN, env=env) as server:
        response = httpx.get(server.url + "/background/fire-and-forget/?order=8", timeout=10)
        assert response.status_code == 202  # the client was told it is scheduled
        t0 = time.perf_counter()
        os.killpg(server.process.pid, signal.SIGTERM)  # what a deploy or scale-down sends
        server.process.wait(timeout=15)
        stopped_after = time.perf_counter() - t0
        log = server.output()
    print(f"\nuvicorn stopped {stopped_after:.2f} s after SIGTERM; the task needed {DELAY} s more")
    record("background_work", "uvicorn_stop", stopped_after)
    assert "Finished server process" in log, log  # a clean, graceful exit, not a crash
    assert not outbox.exists(), "the receipt was sent after all"  # and the process that held the task is gone
