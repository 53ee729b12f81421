"""Step 1: three waits gathered take about the time of one, and the answers keep their order."""
import asyncio

import snippets.learn.step1_gather as step1_gather


async def test_step1_gather_runs_the_waits_together_and_keeps_order():
    answers, elapsed = await asyncio.wait_for(step1_gather.fetch_all({"a": 0.2, "b": 0.2, "c": 0.2}), 5)
    print(f"\nthree 0.2 s waits gathered in {elapsed:.3f} s")
    assert answers == ["a answered after 0.2 s", "b answered after 0.2 s", "c answered after 0.2 s"]
    assert elapsed < 0.45  # one after another: 0.6 s
