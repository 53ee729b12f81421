"""A slow upstream whose latency has a shape: constant, heavy-tailed, or slowing down mid-run (served by
snippets.lab.upstream's `listen`).

    python -m snippets.lab.shaped_upstream --port 8081

`GET /configure?profile=P` sets the profile and restarts its clock; any other GET answers after the
profile's delay. Profiles (milliseconds, seconds):
- `constant:100`: every answer after 100 ms;
- `lognormal:100:1.0`: a log-normal delay with median 100 ms and sigma 1.0 (p99 about 1 s), capped at 10 s;
- `slowdown:100:1000:2000:3`: 100 ms for 3 s from the first request after /configure, then uniformly 1-2 s (an upstream in trouble).
"""
from __future__ import annotations

import asyncio
import random
import time
from urllib.parse import parse_qs

from . import upstream

CAP_S = 10.0


class Profile:
    def __init__(self, text: str = "constant:100", seed: int = 1):
        kind, *numbers = text.split(":")
        values = [float(number) for number in numbers]
        expected = {"constant": 1, "lognormal": 2, "slowdown": 4}
        if kind not in expected or len(values) != expected[kind]:
            raise ValueError(f"profile {text!r}: use constant:MS, lognormal:MEDIAN_MS:SIGMA or "
                             "slowdown:MS:SLOW_LOW_MS:SLOW_HIGH_MS:AFTER_S")
        self.kind, self.values, self.text = kind, values, text
        self.random = random.Random(seed)
        self.started: float | None = None  # the clock starts with the first request after /configure

    def delay_s(self) -> float:
        if self.kind == "constant":
            return self.values[0] / 1000
        if self.kind == "lognormal":
            median, sigma = self.values
            return min(CAP_S, self.random.lognormvariate(0, sigma) * median / 1000)
        fast, low, high, after = self.values
        self.started = self.started or time.monotonic()
        if time.monotonic() - self.started < after:
            return fast / 1000
        return self.random.uniform(low, high) / 1000


async def serve(port: int) -> None:
    profile = Profile()

    async def answer(target) -> tuple[bytes, bytes]:
        nonlocal profile
        if target.path == "/configure":
            try:
                profile = Profile(parse_qs(target.query).get("profile", [""])[0])
            except ValueError as error:
                return b"400 Bad Request", str(error).encode()
        else:
            await asyncio.sleep(profile.delay_s())
        return b"200 OK", b'{"ok": true}'

    await upstream.listen(port, answer)


def running(cpu: int | None = None):
    """Context manager: an upstream in its own process; yields its base URL (configure it with `configure`)."""
    return upstream.in_process("snippets.lab.shaped_upstream", cpu=cpu)


def configure(url: str, profile: str) -> None:
    import httpx

    httpx.get(url + "configure", params={"profile": profile}, timeout=10).raise_for_status()


def main() -> None:
    args = upstream.options(__doc__).parse_args()
    upstream.run(args.cpu, serve(args.port))


if __name__ == "__main__":
    main()
