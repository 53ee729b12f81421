"""Gunicorn as process manager, uvicorn inside each worker: `gunicorn -c gunicorn_conf.py myproject.asgi:application`.

Settings are plain module-level names; environment variables let one file serve every environment.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "uvicorn_worker.UvicornWorker"  # from the uvicorn-worker package (uvicorn.workers is deprecated)
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))  # one event loop per worker process; ~1 per core
timeout = 60  # seconds without a heartbeat before the arbiter restarts a worker
graceful_timeout = 30  # on SIGTERM, open requests (SSE, long polls) get this long to finish
keepalive = 5
accesslog = "-"
