"""Step 6: 20 simultaneous briefings under one uvicorn worker finish in about the time of one."""
import asyncio

import pytest

import snippets.learn.step6_load_probe as step6_load_probe
from tests.learn.test_step4_countdown_stream import UVICORN
from tests.support.servers import python_tool, running_server


@pytest.mark.server
def test_step6_concurrent_briefings_under_a_real_uvicorn():
    with running_server(python_tool("uvicorn") + UVICORN, env={"DJANGO_SETTINGS_MODULE": "tests.learn.settings"}) as server:
        statuses, elapsed = asyncio.run(step6_load_probe.concurrent_probe(server.url + "/learn/briefing/", 20))
    print(f"\n20 concurrent briefings (0.2 s each) under one uvicorn worker: {elapsed:.2f} s")
    assert statuses == [200] * 20
    assert elapsed < 2.0  # served one at a time they would take 20 x 0.2 s = 4 s
