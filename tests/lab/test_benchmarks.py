"""The lab's modules that its notebooks do not rerun, at a tiny size, each measuring something real:
snippets.lab.machine, snippets.lab.procs, snippets.lab.provenance, snippets.lab.upstream, snippets.lab.micro,
snippets.lab.load_views, snippets.lab.load_settings, snippets.lab.load_ceiling (and snippets.lab.runs in
tests/lab/test_lab_data.py), snippets.lab.__main__ (the command). The experiments the notebooks rerun
(threads_vs_tasks, switches, request_cost, fan_out, cpu_bound, cpu_in_view, load) are checked on that run:
tests/lab/experiments.py."""
import json
import socket

import pytest

from snippets.lab import __main__ as lab_command
from snippets.lab import cpu_bound, load, machine, micro, provenance, upstream


def test_machine_description_names_cpu_python_and_packages_but_no_host():
    described = machine.describe()
    assert described["cores"] >= 1 and described["ram_gib"] > 0
    assert described["python"].count(".") == 2
    assert set(machine.PACKAGES) <= set(described["packages"])
    assert socket.gethostname() not in json.dumps(described)
    assert "Python" in machine.caption(described) and "cores" in machine.summary(described)


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


def test_cpu_bound_ways_compute_the_same():
    assert cpu_bound.sequential(2, 1000) == cpu_bound.threads(2, 1000) == cpu_bound.asyncio_tasks(2, 1000)


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
