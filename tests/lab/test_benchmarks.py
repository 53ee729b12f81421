"""Each module of snippets/lab runs at a tiny size and measures something real:
snippets.lab.machine, snippets.lab.procs, snippets.lab.upstream, snippets.lab.threads_vs_tasks,
snippets.lab.fan_out, snippets.lab.cpu_bound, snippets.lab.load, snippets.lab.loadgen (run by load),
snippets.lab.load_views, snippets.lab.load_settings, snippets.lab.load_server (served by load's servers),
snippets.lab.__main__ (the command)."""
import json
import socket

import pytest

from snippets.lab import cpu_bound, fan_out, load, machine, threads_vs_tasks, upstream
from snippets.lab import __main__ as lab_command


def test_machine_description_names_cpu_python_and_packages_but_no_host():
    described = machine.describe()
    assert described["cores"] >= 1 and described["ram_gib"] > 0
    assert described["python"].count(".") == 2
    assert set(machine.PACKAGES) <= set(described["packages"])
    assert socket.gethostname() not in json.dumps(described)
    assert "Python" in machine.caption(described) and "cores" in machine.summary(described)


def test_threads_cost_stack_address_space_but_little_resident_memory():
    stack = threads_vs_tasks.stack_limits()
    threads = threads_vs_tasks.measure("threads", 20)
    tasks = threads_vs_tasks.measure("tasks", 2000)
    print(f"\nper thread: {threads['rss_kib_per_unit']:.1f} KiB RSS, {threads['virtual_kib_per_unit']:.0f} KiB virtual;"
          f" per task: {tasks['rss_kib_per_unit']:.2f} KiB RSS; stack limit {stack}")
    assert threads["rss_kib_per_unit"] > 0
    if stack["rlimit_stack_soft_kib"] and stack["threading_stack_size"] == 0:
        # glibc reserves RLIMIT_STACK of address space per thread; only touched pages become resident
        assert threads["virtual_kib_per_unit"] >= stack["rlimit_stack_soft_kib"] * 0.9
        assert threads["rss_kib_per_unit"] < stack["rlimit_stack_soft_kib"] / 4
    assert tasks["rss_kib_per_unit"] < 50  # a waiting task is about a kilobyte, never a stack


def test_ping_pong_counts_switches():
    assert threads_vs_tasks.ping_pong_threads(200) > 0
    assert threads_vs_tasks.ping_pong_tasks(200) > 0


def test_threads_vs_tasks_run_and_plot_at_tiny_size():
    result = threads_vs_tasks.run(sizes={"threads": [10], "tasks": [500], "round_trips": 100, "repeats": 1})
    assert [row["kind"] for row in result["memory"]] == ["threads", "tasks"]
    assert threads_vs_tasks.plot(result).axes


def test_fan_out_sequential_adds_up_and_concurrent_ways_take_one_latency():
    result = fan_out.run(sizes={"fan_out": [1, 4], "latency_ms": 200, "repeats": 1})
    print("\n" + fan_out.table(result))
    seconds = {(row["way"], row["n"]): row["seconds"] for row in result["rows"]}
    assert seconds[("sequential", 4)] >= 4 * 0.2 * 0.95
    # 4 waits of 200 ms at once: far from the 800 ms of the sequential way, a gap no busy machine closes
    assert seconds[("thread pool", 4)] < 2 * 0.2
    assert seconds[("asyncio.gather", 4)] < 2 * 0.2


def test_cpu_bound_ways_compute_the_same_and_report_free_threading():
    assert cpu_bound.sequential(2, 1000) == cpu_bound.threads(2, 1000) == cpu_bound.asyncio_tasks(2, 1000)
    result = cpu_bound.run(sizes={"jobs": 2, "iterations": 50_000})
    print("\n" + cpu_bound.table(result))
    assert [row["way"] for row in result["rows"]][:3] == ["sequential", "threads", "asyncio tasks"]
    assert result["rows"][3]["way"].startswith("process pool")
    free = result["free_threaded"]
    if not free["measured"]:
        assert free["note"] == "not measured here: no free-threaded interpreter on this machine"
    else:
        assert free["gil_enabled"] is False
    assert cpu_bound.plot(result).axes


@pytest.mark.server
def test_upstream_answers_after_its_delay():
    import time

    import httpx

    with upstream.running(150) as url:
        with httpx.Client(timeout=10) as client:
            client.get(url)
            started = time.perf_counter()
            assert client.get(url).json() == {"ok": True}
            assert time.perf_counter() - started >= 0.14
            assert client.get(url, params={"delay_ms": 1}).status_code == 200


@pytest.mark.server
def test_load_sync_workers_cap_throughput_and_async_does_not_fail():
    """gunicorn (snippets.lab.load_server:wsgi) and uvicorn workers (snippets.lab.load_server:asgi) on loopback."""
    result = load.run(sizes={"concurrency": [1, 6], "duration_s": 1.0, "timeout_s": 10},
                      only=["gunicorn sync", "uvicorn (async view)"])
    print("\n" + load.table(result))
    assert set(result["servers"]) == {"gunicorn sync", "uvicorn (async view)"}, result["skipped"]
    for server in result["servers"].values():
        for row in server["rows"]:
            assert row["errors"] == 0 and row["requests"] > 0
            assert row["p50_ms"] >= load.UPSTREAM_MS  # every answer waited on the 100 ms upstream
            assert row["server_rss_mib"] > 10
    sync_at_6 = result["servers"]["gunicorn sync"]["rows"][1]
    # 2 sync workers finish at most 2 requests per 100 ms: a hard ceiling of 20 per second
    assert sync_at_6["throughput_rps"] <= 2 / 0.1 * 1.1
    assert load.plot(result).axes


async def test_load_views_call_the_upstream(rf):
    from snippets.lab import load_views

    with upstream.running(5) as url:
        load_views.UPSTREAM = url
        assert json.loads(load_views.sync_view(rf.get("/sync/")).content) == {"upstream": 200}
        response = await load_views.async_view(rf.get("/async/"))
        assert json.loads(response.content) == {"upstream": 200}
        await load_views.async_client.aclose()


def test_load_site_settings_are_minimal():
    from snippets.lab import load_settings

    assert load_settings.ROOT_URLCONF == "snippets.lab.load_views"
    assert load_settings.MIDDLEWARE == [] and load_settings.DATABASES == {}
    argv = " ".join(load.servers(8000)["granian (async view)"]["argv"])
    assert "snippets.lab.load_server:asgi" in argv and "--workers 2" in argv


def test_lab_command_writes_json_and_png(tmp_path, capsys):
    """snippets.lab.__main__ (python -m snippets.lab / python3 dev.py lab) at CI size."""
    assert lab_command.main(["fan_out", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "fan_out.json").read_text())
    assert result["machine"]["python"] and result["full"] is False
    assert (tmp_path / "fan_out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "sequential" in capsys.readouterr().out
