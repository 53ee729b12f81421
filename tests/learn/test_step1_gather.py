"""Step 1: three gathered waits all wait at once (so they take about the time of one), and the answers
keep their order. Counted, not timed: a timing varies with the machine's load."""
import asyncio

import snippets.learn.step1_gather as step1_gather


async def test_step1_gather_runs_the_waits_together_and_keeps_order(monkeypatch):
    real_sleep = asyncio.sleep
    waiting = []
    most_at_once = 0

    async def counted_sleep(seconds, *args, **kwargs):
        nonlocal most_at_once
        waiting.append(seconds)
        most_at_once = max(most_at_once, len(waiting))
        try:
            return await real_sleep(seconds, *args, **kwargs)
        finally:
            waiting.remove(seconds)

    monkeypatch.setattr(asyncio, "sleep", counted_sleep)
    answers, elapsed = await asyncio.wait_for(step1_gather.fetch_all({"a": 0.2, "b": 0.2, "c": 0.2}), 5)
    print(f"\nthree 0.2 s waits gathered in {elapsed:.3f} s")
    assert answers == ["a answered after 0.2 s", "b answered after 0.2 s", "c answered after 0.2 s"]
    assert most_at_once == 3  # one after another, it would be 1
