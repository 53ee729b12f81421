"""Settings for Django's tasks framework (6.0+) with a real queue: the database backend of django-tasks-db.

The demo project imports these two names into snippets/demo/settings.py; in your project, paste them there.
"""

# Add to INSTALLED_APPS: the backend's app owns the table that holds queued tasks and their results.
TASKS_APPS = ["django_tasks_db"]

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "reports"],  # queue names a task may use; others are refused at enqueue
    }
}
