"""A plain count, independent of atlas/in_release/stack_probe.py: run with a release's Python inside a project made by
`django-admin startproject` (its settings as generated, plus one async view at /hello/), it wraps asgiref's
adapters, sends requests through django.test.AsyncClient and prints the calls of the last one as JSON.
Python 3.8+; no atlas imports."""
import asyncio
import json
import os
import sys

sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"

import django  # noqa: E402

django.setup()
from asgiref.sync import AsyncToSync, SyncToAsync  # noqa: E402
from django.test import AsyncClient  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # lets the client's host, testserver, through ALLOWED_HOSTS
counts = {"sync_to_async": 0, "async_to_sync": 0}
original = SyncToAsync.__call__, AsyncToSync.__call__


async def sync_to_async_call(self, *args, **kwargs):
    counts["sync_to_async"] += 1
    return await original[0](self, *args, **kwargs)


def async_to_sync_call(self, *args, **kwargs):
    counts["async_to_sync"] += 1
    return original[1](self, *args, **kwargs)


SyncToAsync.__call__, AsyncToSync.__call__ = sync_to_async_call, async_to_sync_call


async def main():
    client = AsyncClient()
    for _ in range(4):
        counts.update(sync_to_async=0, async_to_sync=0)
        response = await client.get("/hello/")
        assert response.status_code == 200, response.status_code


asyncio.run(main())
print(json.dumps(counts))
