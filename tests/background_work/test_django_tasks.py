"""django.tasks (Django 6.0+) with the django-tasks-db backend: in-process enqueueing, and a real
`db_worker` process that picks the task up from a file SQLite database and stores its result."""
import sys
import time
import uuid

import httpx
import pytest
from django.conf import settings
from django.tasks import TaskResultStatus, task_backends

from snippets.background_work import task_settings, views
from snippets.background_work.tasks import word_report
from tests.background_work.helpers import demo_env, migrate, running_process, wait_until
from tests.support.figures import record
from tests.support.servers import python_tool, running_server


def test_demo_settings_use_the_snippet_task_settings():
    assert settings.TASKS == task_settings.TASKS
    assert set(task_settings.TASKS_APPS) <= set(settings.INSTALLED_APPS)
    backend = task_backends["default"]
    assert type(backend).__name__ == "DatabaseBackend"
    assert backend.supports_priority and backend.supports_get_result


def test_task_function_still_callable_directly():
    assert word_report.call("async django runs jobs") == {"words": 4, "longest": "django"}
    assert word_report.queue_name == "reports" and word_report.priority == 10


@pytest.mark.django_db(transaction=True)
async def test_view_enqueues_with_aenqueue_and_reports_ready(async_client):
    response = await async_client.post("/background/tasks/", {"text": "one two three"},
                                       content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "READY"  # stored, waiting for a worker: nothing ran in the request

    status = await async_client.get(f"/background/tasks/{body['id']}/")
    assert status.json() == {"id": body["id"], "status": "READY"}

    from django_tasks_db.models import DBTaskResult
    row = await DBTaskResult.objects.aget(id=body["id"])
    assert row.queue_name == "reports" and row.priority == 10
    assert row.task_path == "snippets.background_work.tasks.word_report"


@pytest.mark.django_db(transaction=True)
async def test_bad_requests(async_client):
    assert (await async_client.get("/background/tasks/")).status_code == 405  # require_POST
    assert (await async_client.get(f"/background/tasks/{uuid.uuid4()}/")).status_code == 404


@pytest.mark.server
def test_real_db_worker_runs_the_task(tmp_path):
    db = tmp_path / "demo.sqlite3"
    migrate(db)
    env = {"DEMO_DB": str(db)}
    uvicorn = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
    with running_server(uvicorn, env=env) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        started = client.post("/background/tasks/", json={"text": "the worker counts these words"})
        assert started.status_code == 202, started.text
        result_id = started.json()["id"]
        assert client.get(f"/background/tasks/{result_id}/").json()["status"] == "READY"

        worker = [sys.executable, "-m", "django", "db_worker", "--queue-name", "reports",
                  "--interval", "0.2", "--no-startup-delay", "--no-reload"]
        t0 = time.perf_counter()
        with running_process(worker, demo_env(**env)) as process:
            def finished():
                assert process.poll() is None, process.log.read_text()
                body = client.get(f"/background/tasks/{result_id}/").json()
                return body if body["status"] in ("SUCCESSFUL", "FAILED") else None

            body = wait_until(finished, timeout=30, what="task finished by db_worker")
            log = process.log.read_text()
        print(f"\ndb_worker: enqueued task finished {time.perf_counter() - t0:.2f} s after the worker started")
        record("background_work", "db_worker_done", time.perf_counter() - t0)
    assert body["status"] == TaskResultStatus.SUCCESSFUL, log
    assert body["return_value"] == {"words": 5, "longest": "worker"}


def test_demo_urls_route_to_the_snippet_views():
    from django.urls import resolve

    import snippets.background_work.urls as background_urls
    assert resolve("/background/tasks/").func is views.start_report
    assert resolve("/background/celery/").func.__module__ == "snippets.background_work.celery_views"
    assert len(background_urls.urlpatterns) == 4
