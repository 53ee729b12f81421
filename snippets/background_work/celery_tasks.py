"""A Celery task: the same word count as tasks.py, run by a `celery worker` process."""
from celery import shared_task


@shared_task
def celery_word_report(text: str) -> dict:
    words = text.split()
    return {"words": len(words), "longest": max(words, key=len) if words else ""}
