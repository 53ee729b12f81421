"""Step 6: 20 simultaneous briefings under one uvicorn worker finish in about the time of one."""
import asyncio
import time

import httpx
import pytest

import snippets.learn.step6_load_probe as step6_load_probe
from snippets.learn.step2_concurrent_view import SOURCE_DELAY
from tests.support.learn import UVICORN
from tests.support.servers import python_tool, running_server


async def arrivals(url: str, count: int) -> list[float]:
    """When each of `count` simultaneous requests got its answer (seconds, in order)."""
    async with httpx.AsyncClient(timeout=30) as client:
        async def one() -> float:
            response = await client.get(url)
            assert response.status_code == 200
            return time.perf_counter()
        return sorted(await asyncio.gather(*(one() for _ in range(count))))


@pytest.mark.server
def test_step6_concurrent_briefings_under_a_real_uvicorn():
    settings = {"DJANGO_SETTINGS_MODULE": "tests.learn.settings"}
    with running_server(python_tool("uvicorn") + UVICORN, env=settings) as server:
        statuses, elapsed = asyncio.run(step6_load_probe.concurrent_probe(server.url + "/learn/briefing/", 20))
        answered = asyncio.run(arrivals(server.url + "/learn/briefing/", 20))
    print(f"\n20 concurrent briefings ({SOURCE_DELAY} s each) under one uvicorn worker: {elapsed:.2f} s")
    assert statuses == [200] * 20
    # served one at a time, each answer would come a whole briefing after the one before: here several
    # arrive within one briefing's time of the first (the machine's load stretches times, not this count)
    together = sum(1 for t in answered if t - answered[0] < SOURCE_DELAY)
    assert together >= 2, f"only {together} of 20 answers within {SOURCE_DELAY} s of the first"
