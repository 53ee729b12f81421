"""Wait on a condition, never for a fixed time: poll `condition` until it holds, fail after `timeout`
seconds saying what did not happen. The timeout is a ceiling for a broken run, not a pace."""
from __future__ import annotations

import asyncio
import inspect
import time
from typing import Callable

import psutil

POLL_SECONDS = 0.02


def wait_until(condition: Callable[[], object], what: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(POLL_SECONDS)
    return result


async def async_wait_until(condition: Callable[[], object], what: str, timeout: float = 10.0):
    """The same inside a running event loop: polls without blocking it; `condition` may be async."""
    deadline = time.monotonic() + timeout
    while not (result := await _value(condition())):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        await asyncio.sleep(POLL_SECONDS)
    return result


async def _value(result):
    return await result if inspect.isawaitable(result) else result


def established(pid: int, port: int) -> int:
    """Established TCP connections a server process holds on its listening `port` (its clients)."""
    return sum(1 for c in psutil.Process(pid).net_connections(kind="tcp")
               if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port)


def cpu_seconds(pid: int) -> float:
    return sum(psutil.Process(pid).cpu_times()[:2])


async def until_idle(pid: int, what: str, timeout: float = 20.0) -> None:
    """Until the process used no CPU (under one 10 ms clock tick) over two samples 0.1 s apart: it has
    handled everything it was sent and is waiting."""
    samples = [cpu_seconds(pid)]

    def settled():
        samples.append(cpu_seconds(pid))
        return len(samples) >= 3 and samples[-1] - samples[-3] < 0.01
    deadline = time.monotonic() + timeout
    while not settled():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        await asyncio.sleep(0.1)
