"""Celery with Redis: an async view calls .delay(), a real `celery worker` (solo pool) runs the task,
and the result is read back from Redis."""
import sys
import time

import httpx
import pytest
from celery import Celery

from snippets.background_work import celery_app, celery_tasks, celery_views
from tests.background_work.helpers import demo_env, running_process
from tests.support.figures import record
from tests.support.servers import python_tool, running_server


def test_the_task_is_registered_on_the_demo_app():
    assert celery_tasks.celery_word_report.name in celery_app.app.tasks
    assert celery_tasks.celery_word_report.run("a bb ccc") == {"words": 3, "longest": "ccc"}
    assert celery_views.celery_word_report is celery_tasks.celery_word_report


@pytest.mark.server
def test_real_celery_worker_runs_the_task(redis_server):
    env = {"CELERY_REDIS_URL": redis_server.redis_url}
    uvicorn = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
    worker = [sys.executable, "-m", "celery", "-A", "snippets.background_work.celery_app", "worker",
              "--pool", "solo", "--loglevel", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    # A plain Celery client on the same Redis reads the result, as another process of yours would.
    reader = Celery(broker=redis_server.redis_url, backend=redis_server.redis_url)
    with running_server(uvicorn, env=env) as server:
        response = httpx.post(server.url + "/background/celery/", json={"text": "celery needs a worker"},
                              timeout=10)
        assert response.status_code == 202, response.text
        task_id = response.json()["id"]
        assert reader.AsyncResult(task_id).state == "PENDING"  # queued in Redis; no worker yet

        t0 = time.perf_counter()
        with running_process(worker, demo_env(**env)) as process:
            try:
                value = reader.AsyncResult(task_id).get(timeout=40)
            except Exception:
                print(process.log.read_text())
                raise
            log = process.log.read_text()
        print(f"\ncelery worker: result read back {time.perf_counter() - t0:.2f} s after the worker started")
        record("background_work", "celery_result", time.perf_counter() - t0)
    assert value == {"words": 4, "longest": "celery"}
    assert "celery_word_report" in log
