"""Time the three fan-out views against three local ~200 ms upstreams, each under the server it is meant for.

    python -m snippets.fan_out.benchmark                 # 5 requests per view, then 10 at once
    python -m snippets.fan_out.benchmark --requests 3 --concurrency 3 --delay 0.2

What it starts, all on 127.0.0.1 and stopped at the end:
  * three upstreams: uvicorn running snippets.fan_out.upstream:app, each answering after --delay seconds;
  * the sync views under gunicorn with ONE sync worker (the plain pre-fork WSGI set-up);
  * the async view under uvicorn with ONE worker process.
Then it prints, per view, the median wall time of one request (requests one after another), and the time
for --concurrency requests sent at once, which shows what each set-up does with requests it cannot
hold at the same time.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(argv: list[str], env: dict[str, str], timeout: float = 30.0):
    """Start a server process on a free port; yield its base URL; stop it (and its children) afterwards."""
    port = free_port()
    argv = [part.replace("{port}", str(port)) for part in argv]
    process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{argv[2]} exited early:\n{process.stderr.read().decode()}")
            with socket.socket() as sock:
                if sock.connect_ex((HOST, port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{argv[2]} did not listen within {timeout} s")
            time.sleep(0.05)
        yield f"http://{HOST}:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def uvicorn(app: str) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", "{port}",
            "--workers", "1", "--log-level", "warning", "--lifespan", "off", "--timeout-graceful-shutdown", "1"]


def gunicorn(app: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", app, "--bind", f"{HOST}:{{port}}",
            "--workers", "1", "--worker-class", "sync", "--log-level", "warning", "--graceful-timeout", "1"]


async def one_by_one(client: httpx.AsyncClient, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get(url)
        times.append(time.perf_counter() - started)
        body = response.json()
        assert all(block["ok"] for block in body["blocks"].values()), body
    return times


async def all_at_once(client: httpx.AsyncClient, url: str, count: int) -> float:
    started = time.perf_counter()
    responses = await asyncio.gather(*(client.get(url) for _ in range(count)))
    assert all(r.status_code == 200 for r in responses)
    return time.perf_counter() - started


def run(requests: int = 5, concurrency: int = 10, delay: float = 0.2, show=print) -> dict:
    """Start everything, measure, stop everything; return {view: {"median": s, "concurrent": s}}."""
    up_env = {"UPSTREAM_DELAY": str(delay)}
    with contextlib.ExitStack() as stack:
        upstream_urls = [stack.enter_context(serve(uvicorn("snippets.fan_out.upstream:app"), up_env))
                         for _ in range(3)]
        sources = {name: f"{base}/ok" for name, base in zip(("weather", "news", "stocks"), upstream_urls)}
        django_env = {"DJANGO_SETTINGS_MODULE": "snippets.fan_out.server_settings",
                      "FAN_OUT_UPSTREAMS": json.dumps(sources), "FAN_OUT_TIMEOUT": str(10 * delay)}
        wsgi = stack.enter_context(serve(gunicorn("snippets.demo.wsgi:application"), django_env))
        asgi = stack.enter_context(serve(uvicorn("snippets.demo.asgi:application"), django_env))
        targets = {
            "sequential (sync, gunicorn 1 sync worker)": f"{wsgi}/fan-out/sequential/",
            "threaded (sync + ThreadPoolExecutor, gunicorn 1 sync worker)": f"{wsgi}/fan-out/threaded/",
            "async (asyncio.gather, uvicorn 1 worker)": f"{asgi}/fan-out/async/",
        }

        async def measure():
            results = {}
            limits = httpx.Limits(max_connections=concurrency + 1)
            async with httpx.AsyncClient(timeout=120, limits=limits) as client:
                for label, url in targets.items():
                    await one_by_one(client, url, 1)  # warm-up: imports, first connection
                    times = await one_by_one(client, url, requests)
                    together = await all_at_once(client, url, concurrency)
                    results[label] = {"median": statistics.median(times), "concurrent": together}
            return results

        results = asyncio.run(measure())
    show(f"3 upstreams, each answering after {delay:.3f} s; {requests} requests one by one, "
         f"then {concurrency} at once")
    show(f"{'view':<64} {'one request':>12} {f'{concurrency} at once':>12}")
    for label, figures in results.items():
        show(f"{label:<64} {figures['median']:>10.3f} s {figures['concurrent']:>10.3f} s")
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5, help="requests per view, one after another")
    parser.add_argument("--concurrency", type=int, default=10, help="requests per view sent at once")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds each upstream takes")
    args = parser.parse_args(argv)
    run(args.requests, args.concurrency, args.delay)


if __name__ == "__main__":
    main()
