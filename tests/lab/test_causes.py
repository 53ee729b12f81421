"""snippets.lab.causes and snippets.lab.stack_site at a tiny size: each cause of an async request's extra CPU
measured on its own (the figures are the lab command's; here, that each one is measured and what it counts)."""
import asyncio
import threading

import pytest

from snippets.lab import causes

pytestmark = pytest.mark.server  # the interface rows start gunicorn and uvicorn


def test_every_cause_is_measured_in_process_and_on_real_servers():
    result = causes.run(sizes={"loops": 10, "repeats": 2, "requests": 20})
    print("\n" + causes.table(result))
    cases = [(row["cause"], row["case"]) for row in result["rows"]]
    assert cases == [
        ("http client", "httpx.Client.get"), ("http client", "httpx.AsyncClient.get"),
        ("thread hops", "1 hop in a per-request context"), ("thread hops", "2 hops in a per-request context"),
        ("thread hops", "15 hops in a per-request context"), ("thread hops", "1 hop on the warm executor"),
        ("thread hops", "15 hops on the warm executor"), ("async_to_sync", "no loop running"),
        ("async_to_sync", "from a thread of a running loop"),
        *(("interface", name) for name in causes.SERVED)]
    for row in result["rows"]:
        stat = row.get("cpu_us") or row["server_cpu_us"]
        assert stat["n"] == 2 and 0 <= stat["min"] <= stat["median"] <= stat["max"], row
    # every served request cost its server some CPU (20 requests: at least one 10 ms clock tick over both repeats)
    assert all(row["server_cpu_us"]["max"] > 0 for row in result["rows"] if row["cause"] == "interface")
    assert causes.plot(result).axes


def test_a_per_request_context_starts_a_thread_per_request_and_the_warm_executor_does_not():
    """What makes the per-request hops dearer: asgiref's ThreadSensitiveContext gives each request its own
    one-thread executor (Django's ASGIHandler opens one per request), the shared executor keeps one thread."""
    seen: list[int] = []
    original = causes.noop
    causes.noop = lambda: seen.append(threading.get_native_id())
    try:
        for context, expected_threads in ((True, 5), (False, 1)):
            seen.clear()
            starts = threading.active_count()
            causes.hops(2, context)(5)
            alive = threading.active_count()
            assert len(seen) == 10
            if context:
                # one executor thread per request (a finished one's id may be reused, so count them at least)
                assert alive <= starts + 1 and len(set(seen)) >= 1
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
