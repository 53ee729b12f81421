"""Tasks for Django's built-in tasks framework (Django 6.0+). A worker process runs them, not the web server."""
from django.tasks import task


@task(queue_name="reports", priority=10)
def word_report(text: str) -> dict:
    """Slow-ish work you would not want in a request: here, count words. Arguments and the return value
    travel as JSON, so pass ids and strings, not model instances."""
    words = text.split()
    return {"words": len(words), "longest": max(words, key=len) if words else ""}
