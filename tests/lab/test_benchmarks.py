"""The lab's modules that its notebooks do not rerun, at a tiny size, each measuring something real:
snippets.lab.machine, snippets.lab.procs, snippets.lab.provenance, snippets.lab.upstream, snippets.lab.micro,
snippets.lab.load_views, snippets.lab.load_settings, snippets.lab.load_ceiling (and snippets.lab.runs in
tests/lab/test_lab_data.py), snippets.lab.__main__ (the command). The experiments the notebooks rerun
(threads_vs_tasks, switches, request_cost, fan_out, cpu_bound, cpu_in_view, load) are checked on that run:
tests/lab/experiments.py."""
import json
import os
import socket

import pytest

from snippets.lab import cpu_bound, load, machine, micro, provenance, upstream


def test_machine_description_names_cpu_python_and_packages_but_no_host():
    described = machine.describe()
    assert described["cores"] >= 1 and described["ram_gib"] > 0
    assert described["python"].count(".") == 2
    assert set(machine.PACKAGES) <= set(described["packages"])
    assert socket.gethostname() not in json.dumps(described)
    assert "Python" in machine.caption(described) and "cores" in machine.summary(described)


def test_provenance_records_pressure_others_and_load_during_the_run():
    with provenance.recorded("ci", 2) as recorder:
        pass
    prov = recorder.result()
    assert prov["size"] == "ci" and prov["n"] == 2 and prov["load_1min_during"]["samples"] >= 1
    assert prov["machine"]["cores"] >= 1 and prov["git_sha"] != "unknown"
    assert prov["cpu_pressure"]["limits"]["some_pct"] == provenance.PRESSURE_LIMIT_PCT
    assert prov["overloaded"] == bool(prov["overloaded_because"])
    peak = prov["cpu_pressure"]["avg10_max"]
    assert prov["overloaded_because"] == provenance.judge(
        [] if peak is None else [peak], prov["cpu_pressure"]["some_pct"], prov["others_cpu_pct"], prov["steal_pct"])


# Samples as /proc/pressure/cpu and the CPU counters gave them: (avg10 samples, "some" share %, others' CPU %, steal %)
QUIET = ([0.0, 0.4, 1.2, 0.8], 0.9, 0.6, 0.0)
SELF_INFLICTED = ([35.0, 38.0, 37.5], 31.0, 1.5, 0.0)  # a server's threads queueing on its own pinned core
BUSY = ([12.0, 55.0, 97.5, 98.9], 88.0, 91.0, 0.3)  # seven engineers' test runs on two cores
BURST = ([0.5, 0.4, 62.0, 1.0], 6.0, 9.0, 0.0)  # quiet on average, one burst another job caused
STOLEN = ([0.0], 0.5, 0.2, 7.5)


@pytest.mark.parametrize(("samples", "flagged", "why"), [
    (QUIET, False, None), (SELF_INFLICTED, False, None), (BUSY, True, "tasks waited for a CPU 88 % of the time"),
    (BURST, True, "CPU pressure reached 62 % over 10 s"), (STOLEN, True, "steal 7.5 %"),
    (([], None, 0.0, 0.0), True, "no CPU pressure data"),
], ids=["quiet", "self-inflicted", "busy", "burst", "stolen", "no-psi"])
def test_overload_is_judged_from_recorded_samples(samples, flagged, why):
    reasons = provenance.judge(*samples)
    assert bool(reasons) is flagged, reasons
    if why:
        assert any(why in reason for reason in reasons), reasons


def test_pressure_is_read_from_the_kernel_file(tmp_path):
    psi = tmp_path / "cpu"
    psi.write_text("some avg10=12.50 avg60=3.00 avg300=1.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    assert provenance.cpu_pressure(str(psi)) == (12.5, 123456)
    assert provenance.cpu_pressure(str(tmp_path / "missing")) is None


def test_a_quiet_run_is_not_flagged(tmp_path):
    """A run during which no task waited for a CPU: the kernel's pressure file as a quiet machine writes it
    (its total unchanged), since the suite's own parallel tests keep this machine from being quiet for long."""
    import time

    quiet = tmp_path / "cpu"
    quiet.write_text("some avg10=0.00 avg60=0.00 avg300=0.00 total=5000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    recorder = provenance.Recorder("ci", 1, pressure_path=str(quiet))
    recorder.start()
    time.sleep(3 * provenance.INTERVAL_S)
    recorder.done.set()
    recorder.join()
    prov = recorder.result()
    assert prov["cpu_pressure"]["some_pct"] == 0.0 and prov["cpu_pressure"]["samples"] >= 2, prov["cpu_pressure"]
    assert not prov["overloaded"], prov["overloaded_because"]


@pytest.mark.nested  # busy loops on every core for 3 s: the full suite, not `dev.py check`
def test_a_run_made_busy_by_other_processes_is_flagged():
    """Twice as many busy loops as cores; read before they are reaped, their CPU is not this process's own.
    Runs on a busy machine too: the loops only add to what is there, and the run must be flagged either way."""
    if provenance.cpu_pressure() is None:
        pytest.skip(f"{provenance.PRESSURE} is missing: this kernel does not report CPU pressure")
    import subprocess
    import sys
    import time

    cores = len(os.sched_getaffinity(0))
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2 * cores)]
    try:
        with provenance.recorded("ci", 1) as recorder:
            time.sleep(3)
        prov = recorder.result()  # before the loops are reaped: their CPU is not this process's children's yet
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    assert prov["overloaded"] and prov["others_cpu_pct"] > provenance.OTHERS_LIMIT_PCT, prov


def test_roles_get_their_own_cpu_where_there_are_enough_and_the_run_says_when_not():
    roles = ["server", "client", "upstream", "sampler"]
    assert provenance.layout(roles, [0, 1, 2, 3, 4]) == ({"server": 0, "client": 1, "upstream": 2, "sampler": 3}, "")
    cpus, note = provenance.layout(roles, [0, 1])
    assert cpus == {"server": 0, "client": 1, "upstream": 1, "sampler": 1}
    assert note == "client, upstream, sampler share CPU 1 (2 usable, 4 wanted)"


def test_store_refuses_a_run_from_uncommitted_code(tmp_path, monkeypatch, capsys):
    from snippets.lab import __main__ as lab_command  # imported here: it loads matplotlib (0.3 s a worker)
    from snippets.lab import runs

    run = {"benchmark": "fan_out", "provenance": {"size": "full", "git_sha": "0123456789ab+dirty"}}
    with pytest.raises(ValueError, match=r"not stored: the measuring code .* differs from commit 0123456789ab"):
        runs.store(run)
    with pytest.raises(ValueError, match="commit is unknown"):
        runs.store({**run, "provenance": {"size": "full", "git_sha": "unknown"}})
    monkeypatch.setattr(provenance, "git_sha", lambda: "0123456789ab+dirty")
    with pytest.raises(SystemExit):
        lab_command.main(["fan_out", "--full", "--store", "--out", str(tmp_path)])
    assert "--store refused before running" in capsys.readouterr().err
    assert not (tmp_path / "fan_out.json").exists()  # refused before a minute of measuring, not after


def test_cpu_bound_ways_compute_the_same():
    assert cpu_bound.sequential(2, 1000) == cpu_bound.threads(2, 1000) == cpu_bound.asyncio_tasks(2, 1000)


@pytest.mark.nested  # a process tree of its own: the full suite, not `dev.py check`
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

    with upstream.running(150) as url, httpx.Client(timeout=10) as client:
        client.get(url)
        started = time.perf_counter()
        assert client.get(url).json() == {"ok": True}
        assert time.perf_counter() - started >= 0.14
        assert client.get(url, params={"delay_ms": 1}).status_code == 200


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


def test_load_site_servers_carry_their_stack():
    chosen = load.servers(8000, [8, 32, 64], load.SIZES[True]["variants"])
    assert {"gunicorn gthread 8", "gunicorn gthread 64", "uvicorn (async view), no middleware",
            "gunicorn gthread 64, async-native stack"} <= set(chosen)
    assert {name: server["stack"] for name, server in chosen.items() if server["stack"] != "default"} == {
        "gunicorn gthread 64, no middleware": "none", "gunicorn gthread 64, async-native stack": "async-native",
        "uvicorn (async view), no middleware": "none", "uvicorn (async view), async-native stack": "async-native"}
    argv = " ".join(chosen["granian (async view)"]["argv"])
    assert "snippets.lab.load_server:asgi" in argv and "--workers 2" in argv


HOPS = """
import json, os, sys
sys.path.insert(0, os.getcwd())
from snippets.lab import load_server
from snippets.stack import count_hops
from django.conf import settings
results = count_hops.count(load_server.asgi, "/async/", 3, list(settings.MIDDLEWARE), host="127.0.0.1")
print(json.dumps({"status": results[-1][0], "hops": len(results[-1][1]), "middleware": list(settings.MIDDLEWARE)}))
"""


@pytest.mark.server
def test_each_load_stack_makes_the_hops_the_stack_data_counts():
    """The load site's async view behind each stack, through Django's real ASGI handler (snippets/stack/count_hops.py):
    the default stack is startproject's, in docs/data/stack.json's order, with its count of sync_to_async calls."""
    import subprocess
    import sys

    from atlas.site import stack_render
    from snippets.lab import procs

    newest = stack_render.releases()[-1]
    found = {}
    with upstream.running(1) as url:
        for stack in load.STACKS:
            out = subprocess.run([sys.executable, "-c", HOPS], capture_output=True, text=True, cwd=procs.ROOT, check=True,
                                 env=procs.child_env({"LAB_STACK": stack, "LAB_UPSTREAM": url,
                                                      "DJANGO_SETTINGS_MODULE": "snippets.lab.load_settings"}))
            found[stack] = json.loads(out.stdout.splitlines()[-1])
    assert all(result["status"] == 200 for result in found.values()), found
    assert found["default"]["middleware"] == newest["default_stack"]
    assert found["default"]["hops"] == newest["default"]["async-asgi"]["sync_to_async"]
    assert found["none"]["hops"] == newest["empty"]["async-asgi"]["sync_to_async"]
    assert found["none"]["hops"] < found["async-native"]["hops"] < found["default"]["hops"], found


def test_an_unknown_stack_is_refused_naming_the_choices(monkeypatch):
    import importlib

    from snippets.lab import load_settings

    monkeypatch.setenv("LAB_STACK", "fast")
    with pytest.raises(ValueError, match="LAB_STACK='fast': use one of default, none, async-native"):
        importlib.reload(load_settings)
    monkeypatch.delenv("LAB_STACK")
    assert importlib.reload(load_settings).MIDDLEWARE == load_settings.STARTPROJECT_MIDDLEWARE


def test_histograms_merge_and_keep_the_tail():
    from snippets.lab.histogram import Histogram

    one, two = Histogram(), Histogram()
    for value in range(1, 1001):  # 1..1000 ms
        (one if value % 2 else two).add(float(value))
    merged = Histogram.merged([Histogram.from_json(json.loads(json.dumps(one.to_json()))), two])
    assert merged.n == 1000
    for fraction, exact in ((0.5, 500), (0.99, 990), (0.999, 999)):
        assert exact <= merged.percentile(fraction) <= exact * 1.01  # the bucket's upper edge, 1 % wide
    summary = merged.summary()
    assert summary["n"] == 1000 and "p99_9_ms" in summary and summary["max_ms"] >= 1000
    assert "p99_9_ms" not in one.summary() and one.summary()["n"] == 500  # p99.9 needs 1,000 samples
    with pytest.raises(ValueError, match="buckets differ"):
        Histogram.from_json({"ratio": 1.1, "min_ms": 0.001, "counts": {}})


def step(rate, latencies, failures=0, timeouts=0, cpu=1.0, in_window=None):
    from snippets.lab.histogram import Histogram

    histogram = Histogram()
    for value in latencies:
        histogram.add(value)
    sent = len(latencies) + failures + timeouts
    return {"rate": rate, "sent": sent, "completed": len(latencies), "failures": failures, "timeouts": timeouts,
            "histogram": histogram.to_json(), "throughput_rps": in_window or rate, "server_cpu_ms_per_request": cpu,
            **histogram.summary()}


def test_steps_merge_over_repeats_count_failures_and_give_the_headline():
    fast = [100.0 + i % 20 for i in range(600)]
    slow = [100.0 + i for i in range(600)]  # p99 near 700 ms: past the 200 ms target
    repeats = [[step(50, fast), step(100, fast, failures=2), step(200, slow)],
               [step(50, fast), step(100, fast, timeouts=1), step(200, slow)]]
    rows = load.summarise(repeats)
    assert [row["n"] for row in rows] == [1200, 1200, 1200] and "p99_9_ms" in rows[0]
    assert (rows[1]["failures"], rows[1]["timeouts"]) == (2, 1)
    assert rows[2]["p99_ms"] > load.P99_TARGET_MS
    assert load.headline(rows) == {"rate": 100, "throughput_rps": 100, "p99_ms": rows[1]["p99_ms"], "n": 1200,
                                   "below_next_rate": True}
    rows[1]["timeouts"] = 30  # over 1 % of the 1,203 sent: the 100/s step no longer counts
    assert load.headline(rows)["rate"] == 50
    assert load.headline(load.summarise([[step(50, slow)]])) is None
    assert not load.saturated(step(50, fast)) and load.saturated(step(50, fast, timeouts=20))


def test_the_table_shows_counts_failures_and_flags_unreliable_timings():
    result = {"provenance": {**provenance.Recorder("ci", 1).result(), "overloaded": True,
                             "overloaded_because": ["steal 9 % (limit 5 %)"]},
              "p99_target_ms": 200, "upstream_ms": 100, "workers": 2, "skipped": {},
              "sizes": load.SIZES[False],
              "servers": {"uvicorn (async view)": {"stack": "default", "rows": load.summarise([[step(50, [100.0] * 60, failures=3)]]),
                                                   "at_p99_target": None}}}
    text = load.table(result)
    assert "UNRELIABLE TIMINGS: steal 9 % (limit 5 %)" in text
    row = next(line for line in text.splitlines() if line.startswith("uvicorn (async view)  "))
    assert row.split()[-2:] == ["3", "0"] and " 60 " in row  # failures, timeouts, and n
    assert "below the lowest rate" in text
    assert load.plot(result).axes


def test_the_server_order_is_shuffled_per_repeat_and_reproducible():
    import random

    names = list(load.servers(8000, [8, 32, 64], load.SIZES[True]["variants"]))
    orders = []
    for repeat in range(3):
        order = names[:]
        random.Random(load.SEED + repeat).shuffle(order)
        orders.append(order)
    assert len({tuple(order) for order in orders}) == 3 and all(sorted(order) == sorted(names) for order in orders)


def test_lab_command_writes_json_and_png(tmp_path, capsys):
    """snippets.lab.__main__ (python -m snippets.lab / python3 dev.py lab) at CI size."""
    from snippets.lab import __main__ as lab_command

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
        assert server["rows"][0]["n"] > 0 and server["stack"] == "default"
