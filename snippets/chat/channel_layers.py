"""CHANNEL_LAYERS for the chat: Redis when ATLAS_REDIS_URL is set, else an in-memory layer.

The in-memory layer lives inside one process: good for tests and `runserver`, useless as soon as
two server processes (workers) must reach each other. Production uses Redis through channels_redis.
"""
import os

REDIS_URL = os.environ.get("ATLAS_REDIS_URL")  # e.g. redis://127.0.0.1:6379/0

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": 100,  # messages queued per channel before ChannelFull
                "expiry": 60,  # seconds an undelivered message is kept
            },
        },
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
