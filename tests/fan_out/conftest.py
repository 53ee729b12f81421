"""Three local upstreams under uvicorn on loopback: ok (~200 ms), fail (500), hang (past the timeout)."""
import pytest

from tests.support.servers import python_tool, running_server

DELAY = 0.2


def upstream_command():
    return python_tool("uvicorn") + ["snippets.fan_out.upstream:app", "--port", "{port}", "--lifespan", "off",
                                     "--log-level", "warning", "--timeout-graceful-shutdown", "1"]


@pytest.fixture(scope="module")
def upstreams():
    env = {"UPSTREAM_DELAY": str(DELAY), "UPSTREAM_HANG": "5"}
    with running_server(upstream_command(), env=env) as ok, \
            running_server(upstream_command(), env=env) as failing, \
            running_server(upstream_command(), env=env) as hanging:
        yield {"weather": f"{ok.url}/ok", "news": f"{failing.url}/fail", "stocks": f"{hanging.url}/hang"}
