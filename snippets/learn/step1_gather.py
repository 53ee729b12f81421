"""Learning path, step 1: run several waits at once and keep the answers in order."""
import asyncio
import time


async def pretend_fetch(name: str, delay: float) -> str:
    """Stands for any I/O: an HTTP call, a query, a cache read."""
    await asyncio.sleep(delay)
    return f"{name} answered after {delay:.1f} s"


async def fetch_all(delays: dict[str, float]) -> tuple[list[str], float]:
    """Start every fetch, wait for all of them, and report how long that took."""
    started = time.perf_counter()
    answers = await asyncio.gather(*(pretend_fetch(name, delay) for name, delay in delays.items()))
    return answers, time.perf_counter() - started
