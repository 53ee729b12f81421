"""snippets.lab.held_connections, snippets.lab.waiting_memory and snippets.lab.holding at a small size:
requests held open on real servers, and what each holds (counts; the memory figures are the lab command's)."""
import pytest

from snippets.lab import held_connections, holding, waiting_memory

pytestmark = pytest.mark.server


def test_held_connections_cost_a_descriptor_each_and_a_thread_each_except_on_a_bare_asgi_app():
    result = held_connections.run(sizes={"counts": [100], "probe": {"count": 100, "nofile": 60}, "timeout_s": 60})
    print("\n" + held_connections.table(result))
    rows = {row["server"]: row for row in result["rows"]}
    assert list(rows) == list(holding.SERVERS)
    for row in rows.values():
        assert row["held"] == 100 and row["connect_errors"] == 0, row
        assert 0.95 <= row["fds_per_request"] <= 1.05, row  # one socket per connection, whatever the server
        assert row["rss_kib_per_request"] > 0, row
    # Django's ASGI handler parks one thread per request (its per-request ThreadSensitiveContext), a long poll
    # and an SSE stream alike; the threaded server runs one per request; a bare ASGI app none
    for name in ("uvicorn, async view", "uvicorn, async SSE view", "gunicorn gthread, sync view"):
        assert 0.9 <= rows[name]["threads_per_request"] <= 1.1, rows[name]
    assert rows["uvicorn, bare ASGI app"]["threads_while"] - rows["uvicorn, bare ASGI app"]["threads_before"] <= 1
    assert result["limits"]["nofile_hard"] >= result["limits"]["nofile_soft"] > 0 and result["limits"]["somaxconn"]
    # with `ulimit -n 60` the worker stops accepting at the limit, and says why in its log
    probe = result["nofile_probe"]
    assert probe["nofile_soft"] == 60 and 0 < probe["accepted"] < 60 and probe["held"] == 0
    assert any("Too many open files" in line for line in probe["log_errors"]), probe
    assert held_connections.plot(result).axes


def test_waiting_memory_compares_both_servers_with_and_without_the_default_stack():
    result = waiting_memory.run(sizes={"counts": [40], "repeats": 1})
    print("\n" + waiting_memory.table(result))
    assert {(row["server"], row["stack"]) for row in result["rows"]} == {
        (server, stack) for server in waiting_memory.SERVERS for stack in waiting_memory.STACKS}
    for stack in waiting_memory.STACKS:
        for server in waiting_memory.SERVERS:
            figures = result["summary"][stack][server]
            assert 0.9 <= figures["threads_per_request"]["median"] <= 1.1, (stack, server)
            assert figures["rss_kib_per_request"]["median"] > 0, (stack, server)
    assert waiting_memory.plot(result).axes


def test_the_site_serves_startprojects_middleware_from_the_collected_stack():
    import json

    from snippets.lab import startproject_stack

    releases = json.loads(startproject_stack.STACK_DATA.read_text())["releases"]
    assert startproject_stack.default_stack((6, 1)) == next(r["default_stack"] for r in releases if r["version"] == "6.1")
    assert "django.middleware.csrf.CsrfViewMiddleware" in startproject_stack.default_stack((4, 2))
    argv = " ".join(holding.argv("gunicorn gthread, sync view", 8000, 100))
    assert "--threads 108" in argv and "--worker-connections 108" in argv and "--workers 1" in argv
