"""Each module of snippets/lab runs at a tiny size and measures something real:
snippets.lab.machine, snippets.lab.procs, snippets.lab.provenance, snippets.lab.upstream,
snippets.lab.threads_vs_tasks, snippets.lab.switches, snippets.lab.request_cost (serving snippets.lab.request_cost_app),
snippets.lab.runs and snippets.lab.load_ceiling (tests/lab/test_lab_data.py), snippets.lab.cpu_in_view
(serving snippets.lab.cpu_in_view_app), snippets.lab.micro,
snippets.lab.fan_out, snippets.lab.cpu_bound, snippets.lab.load, snippets.lab.loadgen (run by load),
snippets.lab.load_views, snippets.lab.load_settings, snippets.lab.load_server (served by load's servers),
snippets.lab.__main__ (the command)."""
import json
import socket

import pytest

from snippets.lab import (cpu_bound, cpu_in_view, fan_out, load, machine, micro, provenance, request_cost, switches,
                          threads_vs_tasks, upstream)
from snippets.lab import __main__ as lab_command
from tests.lab import smoke


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


def test_provenance_records_load_during_the_run_and_flags_overload(monkeypatch):
    with provenance.recorded("ci", 2) as recorder:
        pass
    prov = recorder.result()
    assert prov["size"] == "ci" and prov["n"] == 2 and prov["load_1min_during"]["samples"] >= 1
    assert prov["machine"]["cores"] >= 1 and prov["git_sha"] != "unknown"
    assert prov["overloaded"] == (prov["load_1min_during"]["mean"] > prov["load_limit"] or prov["steal_pct"] > 5)
    monkeypatch.setattr(provenance.os, "getloadavg", lambda: (99.0, 0, 0))
    with provenance.recorded("ci", 1) as recorder:
        pass
    assert recorder.result()["overloaded"] is True
    assert "OVERLOADED" in provenance.caption(recorder.result())


def test_thread_hand_overs_are_context_switches_and_task_hand_overs_are_not():
    result = switches.run(sizes=smoke.SIZES[switches])
    print("\n" + switches.table(result))
    rows = {(row["kind"], row["placement"]): row for row in result["rows"]}
    # every hand-over between threads blocks one of them in the kernel; between tasks nobody blocks
    assert rows[("threads", "same core")]["switches_per_hand_over"]["voluntary_median"] >= 0.9
    assert rows[("tasks", "one core")]["switches_per_hand_over"]["voluntary_median"] < 0.05
    if len(switches.cpus()) > 1:
        assert rows[("threads", "cross core")]["switches_per_hand_over"]["voluntary_median"] >= 0.9
    if switches.perf_works():
        assert rows[("threads", "same core")]["perf_switches_per_hand_over"] >= 0.9
    assert switches.plot(result).axes


@pytest.mark.server
def test_an_async_django_request_parks_a_thread_and_a_bare_asgi_one_does_not():
    result = request_cost.run(sizes=smoke.SIZES[request_cost])
    print("\n" + request_cost.table(result))
    django, bare = (next(row for row in result["rows"] if row["app"] == app) for app in ("django", "bare ASGI"))
    # Django's ASGI handler gives each request a one-thread executor (asgiref ThreadSensitiveContext)
    assert django["threads_while"] - django["threads_before"] >= 40
    assert bare["threads_while"] - bare["threads_before"] <= 1
    assert django["rss_kib_per_request"] > bare["rss_kib_per_request"] > 0
    assert request_cost.plot(result).axes


def test_fan_out_sequential_adds_up_and_concurrent_ways_take_one_latency():
    result = fan_out.run(sizes=smoke.SIZES[fan_out])
    print("\n" + fan_out.table(result))
    seconds = {(row["way"], row["n"]): row["seconds"] for row in result["rows"]}
    floor = 4 * result["latency_ms"] / 1000  # 4 waits in a row cannot take less, however idle the machine
    assert seconds[("sequential", 4)] >= floor * 0.95
    # the concurrent ways beat that floor, which only waits that overlap can do (a busy machine adds to
    # their time but cannot make a sequential run pass: seen 0.22 s under the full suite, against 0.4)
    assert seconds[("thread pool", 4)] < floor
    assert seconds[("asyncio.gather", 4)] < floor


def test_cpu_bound_ways_compute_the_same_and_report_free_threading():
    assert cpu_bound.sequential(2, 1000) == cpu_bound.threads(2, 1000) == cpu_bound.asyncio_tasks(2, 1000)
    result = cpu_bound.run(sizes=smoke.SIZES[cpu_bound])
    print("\n" + cpu_bound.table(result))
    assert [row["way"] for row in result["rows"]][:3] == ["sequential", "threads", "asyncio tasks"]
    assert result["rows"][3]["way"].startswith("process pool")
    assert all(len(row["all_seconds"]) == 2 and row["speed_up"]["n"] == 2 for row in result["rows"])
    assert result["rows"][0]["speed_up"]["median"] == 1.0
    free = result["free_threaded"]
    if not free["measured"]:
        assert free["note"] == "not measured here: no free-threaded interpreter on this machine"
    else:
        assert free["gil_enabled"] is False
    assert cpu_bound.plot(result).axes


@pytest.mark.server
def test_cpu_in_an_async_view_every_way_serves_the_io_requests_and_burns():
    result = cpu_in_view.run(sizes=smoke.SIZES[cpu_in_view])
    print("\n" + cpu_in_view.table(result))
    rows = {row["way"]: row for row in result["rows"]}
    assert list(rows) == cpu_in_view.WAYS
    for way, row in rows.items():
        assert row["io_requests_per_repeat"] > 0 and row["loop_lag_p99_ms"]["n"] == 1
        assert (row["burns"]["median"] > 0) == (way != "no burn"), way
    assert cpu_in_view.plot(result).axes


def test_pyperf_micro_benchmarks_run_in_several_pinned_processes():
    result = micro.run(sizes={"processes": 2, "values": 1, "min_time": 0.005})
    print("\n" + micro.table(result))
    assert [row["name"] for row in result["rows"]] == list(micro.BENCHMARKS)
    assert all(row["processes"] == 2 and row["mean_us"] > 0 for row in result["rows"])
    assert micro.plot(result).axes


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
def test_open_loop_load_sync_workers_saturate_where_threads_and_async_do_not():
    """gunicorn (snippets.lab.load_server:wsgi) and uvicorn workers (snippets.lab.load_server:asgi) on loopback."""
    result = load.run(sizes=smoke.SIZES[load], only=["gunicorn sync", "gunicorn gthread 8", "uvicorn (async view)"])
    print("\n" + load.table(result))
    assert set(result["servers"]) == {"gunicorn sync", "gunicorn gthread 8", "uvicorn (async view)"}, result["skipped"]
    for name, server in result["servers"].items():
        row = server["rows"][0]
        assert row["requests_per_repeat"] > 0 and row["p50_ms"]["median"] >= load.UPSTREAM_MS  # all waited upstream
        assert row["busiest_worker_share"]["median"] <= 1 and row["server_cpu_ms_per_request"]["median"] > 0
    # 2 sync workers answer at most 20 requests/s (2 per 100 ms): 40 a second queue up, whatever the machine
    assert result["servers"]["gunicorn sync"]["rows"][0]["saturated"]
    assert result["pinning"]["server_cpu"] != result["pinning"]["client_and_upstream_cpu"] or len(load.os.sched_getaffinity(0)) == 1
    assert load.plot(result).axes


def test_median_interval_uses_order_statistics():
    assert load.median_interval([5, 1, 4, 2, 3]) == {"median": 3, "n": 5, "low": 1, "high": 5, "confidence": 0.9375}
    assert "low" not in load.median_interval([1, 2, 3])


async def test_load_views_call_the_upstream(rf):
    from snippets.lab import load_views

    with upstream.running(5) as url:
        load_views.UPSTREAM = url
        assert json.loads(load_views.sync_view(rf.get("/sync/")).content)["upstream"] == 200
        response = await load_views.async_view(rf.get("/async/"))
        assert json.loads(response.content)["upstream"] == 200
        await load_views.async_client.aclose()


def test_load_site_settings_are_minimal():
    from snippets.lab import load_settings

    assert load_settings.ROOT_URLCONF == "snippets.lab.load_views"
    assert load_settings.MIDDLEWARE == [] and load_settings.DATABASES == {}
    assert {"gunicorn gthread 8", "gunicorn gthread 64"} <= set(load.servers(8000, [8, 32, 64]))
    argv = " ".join(load.servers(8000)["granian (async view)"]["argv"])
    assert "snippets.lab.load_server:asgi" in argv and "--workers 2" in argv


def test_lab_command_writes_json_and_png(tmp_path, capsys):
    """snippets.lab.__main__ (python -m snippets.lab / python3 dev.py lab) at CI size."""
    assert lab_command.main(["fan_out", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "fan_out.json").read_text())
    assert result["provenance"]["machine"]["python"] and result["provenance"]["size"] == "ci"
    assert (tmp_path / "fan_out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "sequential" in capsys.readouterr().out


@pytest.mark.server
def test_load_ceiling_runs_only_the_servers_the_main_run_did_not_saturate():
    """snippets.lab.load_ceiling: the same open-loop method, for the three servers still below their ceiling."""
    from snippets.lab import load_ceiling

    sizes = {**load_ceiling.SIZES[False], "rates": [40], "duration_s": 1.0}
    result = load_ceiling.run(sizes=sizes)
    assert result["benchmark"] == "load_ceiling"
    assert set(result["servers"]) == set(load_ceiling.ONLY), result["skipped"]
    for server in result["servers"].values():
        assert server["rows"][0]["requests_per_repeat"] > 0
