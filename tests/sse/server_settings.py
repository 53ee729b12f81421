"""The demo settings for servers the tests start: short heartbeats, and the snippets' log lines on stdout
(the server's output, which the tests read)."""
from snippets.demo.settings import *  # noqa: F401,F403

SSE_HEARTBEAT_SECONDS = 0.3
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "loggers": {"snippets": {"handlers": ["console"], "level": "INFO"}},
}
