"""What each lab experiment must show, checked on the run a lab notebook makes in the suite
(tests/lab/test_notebooks.py): every experiment runs once per suite, in the notebook that shows it, at the
smoke size of tests/lab/smoke.py, and its result is checked here."""
from snippets.lab import cpu_bound, cpu_in_view, fan_out, load, request_cost, switches, threads_vs_tasks
from tests.lab import more_experiments, smoke


def threads_cost_stack_address_space_but_little_resident_memory(result: dict) -> None:
    stack, threads, tasks = result["stack"], result["summary"]["threads"], result["summary"]["tasks"]
    assert threads["rss_kib_per_unit"]["median"] > 0
    if stack["rlimit_stack_soft_kib"] and stack["threading_stack_size"] == 0:
        # glibc reserves RLIMIT_STACK of address space per thread; only touched pages become resident
        assert threads["virtual_kib_per_unit"]["median"] >= stack["rlimit_stack_soft_kib"] * 0.9
        assert threads["rss_kib_per_unit"]["median"] < stack["rlimit_stack_soft_kib"] / 4
    assert tasks["rss_kib_per_unit"]["median"] < 50  # a waiting task is about a kilobyte, never a stack
    assert threads_vs_tasks.plot(result).axes


def thread_hand_overs_are_context_switches_and_task_hand_overs_are_not(result: dict) -> None:
    rows = {(row["kind"], row["placement"]): row for row in result["rows"]}
    # every hand-over between threads blocks one of them in the kernel; between tasks nobody blocks
    assert rows[("threads", "same core")]["switches_per_hand_over"]["voluntary_median"] >= 0.9
    assert rows[("tasks", "one core")]["switches_per_hand_over"]["voluntary_median"] < 0.05
    if len(switches.cpus()) > 1:
        assert rows[("threads", "cross core")]["switches_per_hand_over"]["voluntary_median"] >= 0.9
    if switches.perf_works():
        assert rows[("threads", "same core")]["perf_switches_per_hand_over"] >= 0.9
    assert switches.plot(result).axes


def an_async_django_request_parks_a_thread_and_a_bare_asgi_one_does_not(result: dict) -> None:
    django, bare = (next(row for row in result["rows"] if row["app"] == app) for app in ("django", "bare ASGI"))
    # Django's ASGI handler gives each request a one-thread executor (asgiref ThreadSensitiveContext)
    assert django["threads_while"] - django["threads_before"] >= 40
    assert bare["threads_while"] - bare["threads_before"] <= 1
    assert django["rss_kib_per_request"] > bare["rss_kib_per_request"] > 0
    assert request_cost.plot(result).axes


def fan_out_sequential_adds_up_and_concurrent_ways_take_one_latency(result: dict) -> None:
    seconds = {(row["way"], row["n"]): row["seconds"] for row in result["rows"]}
    floor = 4 * result["latency_ms"] / 1000  # 4 waits in a row cannot take less, however idle the machine
    assert seconds[("sequential", 4)] >= floor * 0.95
    # the concurrent ways beat that floor, which only waits that overlap can do (a busy machine adds to
    # their time but cannot make a sequential run pass: seen 0.22 s under the full suite, against 0.4)
    assert seconds[("thread pool", 4)] < floor
    assert seconds[("asyncio.gather", 4)] < floor
    assert fan_out.plot(result).axes


def cpu_bound_ways_run_and_report_free_threading(result: dict) -> None:
    repeats = smoke.SIZES[cpu_bound]["repeats"]
    assert [row["way"] for row in result["rows"]][:3] == ["sequential", "threads", "asyncio tasks"]
    assert result["rows"][3]["way"].startswith("process pool")
    assert all(len(row["all_seconds"]) == repeats and row["speed_up"]["n"] == repeats for row in result["rows"])
    assert result["rows"][0]["speed_up"]["median"] == 1.0
    free = result["free_threaded"]
    if not free["measured"]:
        assert free["note"] == "not measured here: no free-threaded interpreter on this machine"
    else:
        assert free["gil_enabled"] is False
    assert cpu_bound.plot(result).axes


def cpu_in_an_async_view_every_way_serves_the_io_requests_and_burns(result: dict) -> None:
    rows = {row["way"]: row for row in result["rows"]}
    assert list(rows) == cpu_in_view.WAYS
    for way, row in rows.items():
        assert row["io_requests_per_repeat"] > 0 and row["loop_lag_p99_ms"]["n"] == 1
        assert (row["burns"]["median"] > 0) == (way != "no burn"), way
    assert cpu_in_view.plot(result).axes


def open_loop_load_saturates_sync_workers_and_every_request_waits_upstream(result: dict) -> None:
    """gunicorn (snippets.lab.load_server:wsgi) and uvicorn workers (snippets.lab.load_server:asgi) on loopback,
    behind startproject's stack and, for uvicorn, none."""
    assert result["servers"] and not result["skipped"], result["skipped"]
    for name, server in result["servers"].items():
        row = server["rows"][0]
        assert row["n"] > 0 and row["p50_ms"] >= load.UPSTREAM_MS, name  # every answer waited on the upstream
        assert row["n"] + row["failures"] + row["timeouts"] == row["sent"], name  # none dropped silently
        assert row["busiest_worker_share"]["median"] <= 1 and row["server_cpu_ms_per_request"]["median"] > 0, name
        assert server["stack"] == ("none" if name.endswith("no middleware") else "default"), name
    # 2 sync workers answer at most 20 requests/s (2 per 100 ms): 40 a second queue up, whatever the machine
    assert result["servers"]["gunicorn sync"]["rows"][0]["saturated"]
    assert result["servers"]["gunicorn sync"]["at_p99_target"] is None
    pinning = result["pinning"]
    assert pinning["server"] != pinning["client"] or len(load.os.sched_getaffinity(0)) == 1
    assert bool(pinning["shared"]) == (len(load.os.sched_getaffinity(0)) < 4)
    assert load.plot(result).axes


#: each experiment module, by the file name its recorded result takes, with what its run must show
CHECKS = {
    threads_vs_tasks: threads_cost_stack_address_space_but_little_resident_memory,
    switches: thread_hand_overs_are_context_switches_and_task_hand_overs_are_not,
    request_cost: an_async_django_request_parks_a_thread_and_a_bare_asgi_one_does_not,
    fan_out: fan_out_sequential_adds_up_and_concurrent_ways_take_one_latency,
    cpu_bound: cpu_bound_ways_run_and_report_free_threading,
    cpu_in_view: cpu_in_an_async_view_every_way_serves_the_io_requests_and_burns,
    load: open_loop_load_saturates_sync_workers_and_every_request_waits_upstream,
}
CHECKS.update(more_experiments.CHECKS)  # load shapes, causes, PostgreSQL, waiting connections
