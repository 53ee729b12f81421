"""The exercise solutions of the learning path (docs/learn/), run for real.

Step 5's solution is itself a pair of tests: importing them here makes pytest collect and run them.
"""
import asyncio

import pytest

import snippets.learn.step1_gather as step1_gather
import snippets.learn.step2_concurrent_view  # noqa: F401  (served at /learn/briefing/, driven below and in step 5)
import snippets.learn.step3_orm_bridge as step3_orm_bridge
import snippets.learn.step4_countdown_stream  # noqa: F401  (served at /learn/countdown/, driven below and in step 5)
import snippets.learn.step6_load_probe as step6_load_probe
from snippets.learn.step5_test_views import (  # noqa: F401  (collected and run by pytest)
    test_briefing_waits_for_its_sources_concurrently,
    test_countdown_streams_events_in_order,
)
from tests.support.servers import python_tool, running_server


@pytest.fixture(autouse=True)
def learn_urls(settings):
    settings.ROOT_URLCONF = "tests.learn.urls"


async def test_step1_gather_runs_the_waits_together_and_keeps_order():
    answers, elapsed = await asyncio.wait_for(step1_gather.fetch_all({"a": 0.2, "b": 0.2, "c": 0.2}), 5)
    print(f"\nthree 0.2 s waits gathered in {elapsed:.3f} s")
    assert answers == ["a answered after 0.2 s", "b answered after 0.2 s", "c answered after 0.2 s"]
    assert elapsed < 0.45  # one after another: 0.6 s


@pytest.mark.django_db(transaction=True)
async def test_step3_async_orm_and_transaction_through_sync_to_async():
    from django.contrib.auth.models import Group

    for name in ("team-b", "team-a", "other"):
        await Group.objects.acreate(name=name)
    assert await step3_orm_bridge.groups_starting_with("team-") == {"count": 2, "names": ["team-a", "team-b"]}

    assert await step3_orm_bridge.rename_prefix("team-", "crew-") == 2
    assert await step3_orm_bridge.groups_starting_with("crew-") == {"count": 2, "names": ["crew-a", "crew-b"]}
    assert await Group.objects.filter(name="other").aexists()


@pytest.mark.server
def test_step4_and_6_under_a_real_uvicorn():
    """The countdown streams and 20 simultaneous briefings finish in about the time of one."""
    import httpx

    command = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
    with running_server(command, env={"DJANGO_SETTINGS_MODULE": "tests.learn.settings"}) as server:
        with httpx.stream("GET", server.url + "/learn/countdown/?from=3", timeout=10) as response:
            body = "".join(response.iter_text())
        assert response.headers["content-type"] == "text/event-stream"
        assert body == "data: 3\n\ndata: 2\n\ndata: 1\n\nevent: done\ndata: liftoff\n\n"

        statuses, elapsed = asyncio.run(step6_load_probe.concurrent_probe(server.url + "/learn/briefing/", 20))
    print(f"\n20 concurrent briefings (0.2 s each) under one uvicorn worker: {elapsed:.2f} s")
    assert statuses == [200] * 20
    assert elapsed < 2.0  # served one at a time they would take 20 x 0.2 s = 4 s
