"""An in-process news feed that async views can wait on without holding a thread.

Each item gets an increasing id. `await feed.wait(after=id, timeout=...)` returns the items newer than
`id`, waiting up to `timeout` seconds for one to arrive. Waiting is a future on the caller's event
loop, so 1,000 waiting requests cost 1,000 small objects, not 1,000 threads. `publish()` may be called
from async code or from a thread (a sync view, a management command running in the same process).

One process only: a waiter in worker A never hears about news published in worker B.
For several workers use Redis (snippets/long_polling/redis_views.py).
"""
import asyncio
import itertools
import threading
from collections import deque


def _wake(future):
    if not future.done():
        future.set_result(None)


class Feed:
    def __init__(self, keep=1000):
        self._lock = threading.Lock()
        self._items = deque(maxlen=keep)  # (id, data), oldest first
        self._ids = itertools.count(1)
        self._last_id = 0
        self._waiters = set()  # futures, each on the event loop that awaits it

    @property
    def last_id(self):
        return self._last_id

    def publish(self, data):
        with self._lock:
            self._last_id = next(self._ids)
            self._items.append((self._last_id, data))
            waiters, self._waiters = self._waiters, set()
        for future in waiters:
            future.get_loop().call_soon_threadsafe(_wake, future)
        return self._last_id

    def since(self, after):
        with self._lock:
            return [(item_id, data) for item_id, data in self._items if item_id > after]

    async def wait(self, after, timeout):
        """Items newer than `after`; [] if none arrived within `timeout` seconds."""
        future = asyncio.get_running_loop().create_future()
        with self._lock:
            self._waiters.add(future)
        try:
            items = self.since(after)  # checked after registering: no news can slip between the two
            if items:
                return items
            try:
                await asyncio.wait_for(future, timeout)
            except asyncio.TimeoutError:  # the builtin TimeoutError only from Python 3.11
                return []
            return self.since(after)
        finally:
            with self._lock:
                self._waiters.discard(future)  # also on cancellation (client went away)

    @property
    def waiting(self):
        """How many requests are waiting right now."""
        return len(self._waiters)


news = Feed()
