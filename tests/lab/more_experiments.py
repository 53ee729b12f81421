"""What the load-shape, causes, PostgreSQL and waiting-connection experiments must show, checked on the run
their notebook makes in the suite (tests/lab/test_notebooks.py), at the smoke sizes below: tests/lab/
experiments.py and tests/lab/smoke.py take both in. Counts and structure only: the timings are the lab
command's, on a quiet machine."""
from snippets.lab import causes, db_load, held_connections, holding, load, load_shapes, waiting_memory

SMOKE_SIZES = {
    load_shapes: {**load_shapes.SIZES[False], "rates": [20],
                  "scenarios": ["bursty arrivals, 100 ms upstream", "constant arrivals, upstream slows to 1-2 s"]},
    causes: {"loops": 10, "repeats": 2, "requests": 20},
    held_connections: {"counts": [100], "probe": {"count": 100, "nofile": 60}, "timeout_s": 60},
    waiting_memory: {"counts": [40], "repeats": 1},
    db_load: {**db_load.SIZES[False], "rates": [30],
              "configs": [["uvicorn, async ORM", "close"], ["uvicorn, async ORM", "persistent"],
                          ["gunicorn gthread 16, sync ORM", "pool"], ["uvicorn, async ORM", "pool"]]},
}


def bursty_load_and_a_slowing_upstream_reach_both_servers(result: dict) -> None:
    scenarios = SMOKE_SIZES[load_shapes]["scenarios"]
    assert list(result["scenarios"]) == scenarios
    for name, scenario in result["scenarios"].items():
        assert set(scenario["servers"]) == set(load_shapes.SERVERS), name
        for server, found in scenario["servers"].items():
            row = found["rows"][0]
            assert row["sent"] == 20 and row["completed"] > 0, (name, server)
            assert row["p50_ms"] >= 100, (name, server)  # every request waited on the upstream
    # the upstream slowed half-way through the step: the slowest requests waited at least its 1 s
    for found in result["scenarios"][scenarios[1]]["servers"].values():
        assert found["rows"][0]["max_ms"] >= 1000
    assert load_shapes.plot(result).axes


def every_cause_is_measured_in_process_and_on_real_servers(result: dict) -> None:
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


def held_connections_cost_a_descriptor_each_and_a_thread_each_except_on_a_bare_asgi_app(result: dict) -> None:
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


def waiting_memory_compares_both_servers_with_and_without_the_default_stack(result: dict) -> None:
    assert {(row["server"], row["stack"]) for row in result["rows"]} == {
        (server, stack) for server in waiting_memory.SERVERS for stack in waiting_memory.STACKS}
    for stack in waiting_memory.STACKS:
        for server in waiting_memory.SERVERS:
            figures = result["summary"][stack][server]
            assert 0.9 <= figures["threads_per_request"]["median"] <= 1.1, (stack, server)
            assert figures["rss_kib_per_request"]["median"] > 0, (stack, server)
    assert waiting_memory.plot(result).axes


def each_way_of_holding_connections_leaves_the_database_what_it_should(result: dict) -> None:
    configs = [tuple(config) for config in SMOKE_SIZES[db_load]["configs"]]
    rows = {(row["server"], row["mode"]): row for row in result["rows"]}
    assert list(rows) == configs and result["max_connections"] == db_load.MAX_CONNECTIONS
    for config, row in rows.items():
        assert row["completed"] == row["sent"] == 30 and row["errors"] == 0, config
        assert row["p50_ms"] >= 20, config  # every query spent its 20 ms in the database
    # a connection per request is closed when the request ends
    assert rows[("uvicorn, async ORM", "close")]["connections_after"] == 0
    # the pool never opens more than its size per process, whatever the threads
    for config in configs[2:]:
        assert rows[config]["connections_during"]["max"] <= db_load.POOL_MAX * load.WORKERS, config
    # CONN_MAX_AGE under ASGI: each request's connection belongs to the request's own thread, and stays open
    assert rows[("uvicorn, async ORM", "persistent")]["connections_after"] >= 1
    assert db_load.plot(result).axes


CHECKS = {
    load_shapes: bursty_load_and_a_slowing_upstream_reach_both_servers,
    causes: every_cause_is_measured_in_process_and_on_real_servers,
    held_connections: held_connections_cost_a_descriptor_each_and_a_thread_each_except_on_a_bare_asgi_app,
    waiting_memory: waiting_memory_compares_both_servers_with_and_without_the_default_stack,
    db_load: each_way_of_holding_connections_leaves_the_database_what_it_should,
}
