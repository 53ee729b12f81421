"""snippets.lab.causes: what its thread-hop and async_to_sync cases do (the whole experiment runs in its
notebook, docs/lab/where-the-cpu-goes.ipynb, and is checked in tests/lab/more_experiments.py)."""
import asyncio
import threading

import pytest

from snippets.lab import causes


def test_a_per_request_context_starts_a_thread_per_request_and_the_warm_executor_does_not():
    """What makes the per-request hops dearer: asgiref's ThreadSensitiveContext gives each request its own
    one-thread executor (Django's ASGIHandler opens one per request), the shared executor keeps one thread."""
    seen: list[int] = []
    original = causes.noop
    causes.noop = lambda: seen.append(threading.get_native_id())
    try:
        for context, expected_threads in ((True, 5), (False, 1)):
            seen.clear()
            causes.hops(2, context)(5)
            # the threads that ran the hops and live on (not every thread of the worker: other tests' linger)
            alive = {t.native_id for t in threading.enumerate()} & set(seen)
            assert len(seen) == 10
            if context:
                # one executor thread per request, each let go at its end (the last may still be stopping)
                assert len(alive) <= 1 and len(set(seen)) >= 1
                assert seen[0] == seen[1] and seen[2] == seen[3]  # one thread per request for both of its hops
            else:
                assert len(set(seen)) == expected_threads
    finally:
        causes.noop = original


def test_async_to_sync_runs_with_and_without_a_running_loop():
    causes.async_to_sync_outside(3)
    causes.async_to_sync_inside(3)
    with pytest.raises(RuntimeError):  # the mistake it guards against: called on the loop's own thread
        async def on_the_loop():
            from asgiref.sync import async_to_sync

            async_to_sync(causes.anoop)()
        asyncio.run(on_the_loop())
