"""A Celery app for the demo project: Redis as broker and result store.

Start a worker with:  celery -A snippets.background_work.celery_app worker --pool solo
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snippets.demo.settings")

REDIS_URL = os.environ.get("CELERY_REDIS_URL", "redis://127.0.0.1:6379/0")

app = Celery("demo", broker=REDIS_URL, backend=REDIS_URL, include=["snippets.background_work.celery_tasks"])
# Also read CELERY_* names from Django settings, if the project defines any (CELERY_TASK_TIME_LIMIT, ...).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(task_acks_late=True, result_expires=3600)
