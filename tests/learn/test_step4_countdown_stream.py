"""Step 4: the countdown streams its events under a real uvicorn."""
import httpx
import pytest

from tests.support.learn import UVICORN
from tests.support.servers import python_tool, running_server


@pytest.mark.server
def test_step4_countdown_streams_under_a_real_uvicorn():
    settings = {"DJANGO_SETTINGS_MODULE": "tests.learn.settings"}
    with running_server(python_tool("uvicorn") + UVICORN, env=settings) as server, \
            httpx.stream("GET", server.url + "/learn/countdown/?from=3", timeout=10) as response:
        body = "".join(response.iter_text())
    assert response.headers["content-type"] == "text/event-stream"
    assert body == "data: 3\n\ndata: 2\n\ndata: 1\n\nevent: done\ndata: liftoff\n\n"
