"""Settings for a server that runs the fan-out views: the demo project plus upstreams from the environment.

    FAN_OUT_UPSTREAMS='{"weather": "http://127.0.0.1:9001/ok"}' \
    DJANGO_SETTINGS_MODULE=snippets.fan_out.server_settings uvicorn snippets.demo.asgi:application
"""
import json
import os

from snippets.demo.settings import *  # noqa: F401,F403

FAN_OUT_UPSTREAMS = json.loads(os.environ.get("FAN_OUT_UPSTREAMS", "{}"))
FAN_OUT_TIMEOUT = float(os.environ.get("FAN_OUT_TIMEOUT", "1.0"))
