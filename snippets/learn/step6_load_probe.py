"""Learning path, step 6: fire N concurrent requests at a deployed URL and time them."""
import asyncio
import time

import httpx


async def concurrent_probe(url: str, requests: int, timeout: float = 10.0) -> tuple[list[int], float]:
    """Return the status codes and the wall-clock time for `requests` simultaneous GETs."""
    async with httpx.AsyncClient(timeout=timeout) as client:
        started = time.perf_counter()
        responses = await asyncio.gather(*(client.get(url) for _ in range(requests)))
        elapsed = time.perf_counter() - started
    return [response.status_code for response in responses], elapsed
