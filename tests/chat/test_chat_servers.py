"""The chat end to end: snippets.chat.asgi served by a real daphne (and uvicorn) process on loopback,
the Redis channel layer on the session's redis-server, and `websockets` clients on separate connections."""
import asyncio
import json
import time

import pytest
import redis.asyncio as aioredis
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.servers import python_tool, running_server
from tests.support.waiting import async_wait_until

pytestmark = pytest.mark.server

SERVERS = {
    "daphne": python_tool("daphne") + ["-b", "127.0.0.1", "-p", "{port}", "snippets.chat.asgi:application"],
    "uvicorn": python_tool("uvicorn") + ["snippets.chat.asgi:application", "--port", "{port}",
                                         "--log-level", "warning"],
}


@pytest.fixture(params=sorted(SERVERS), scope="module")
def chat_server(request, redis_server):
    started = time.perf_counter()
    with running_server(SERVERS[request.param], env={"ATLAS_REDIS_URL": redis_server.redis_url}) as server:
        print(f"\n{request.param} listening after {time.perf_counter() - started:.2f} s")
        server.name = request.param
        server.redis_url = redis_server.redis_url
        yield server
        assert "Traceback" not in server.output(), server.output()


def client(server, room):
    return connect(f"{server.ws_url}/ws/chat/{room}/", origin=f"http://127.0.0.1:{server.port}",
                   open_timeout=10, close_timeout=2)


async def next_message(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=5))


async def test_two_clients_exchange_messages_through_redis(chat_server):
    started = time.perf_counter()
    async with client(chat_server, "e2e") as alice, client(chat_server, "e2e") as bob:
        await alice.send(json.dumps({"message": "hi bob"}))
        assert (await next_message(bob))["message"] == "hi bob"
        assert (await next_message(alice))["message"] == "hi bob"
        await bob.send(json.dumps({"message": "hi alice"}))
        assert (await next_message(alice))["message"] == "hi alice"
        assert (await next_message(bob))["message"] == "hi alice"
        await bob.send("{oops")
        assert (await next_message(bob))["type"] == "error"
        # The room's group lives in Redis, not in the server process: that is what lets workers share it.
        async with aioredis.from_url(chat_server.redis_url) as store:
            assert await store.keys("*group*chat.e2e*")
    print(f"\n{chat_server.name}: two clients, four deliveries in {time.perf_counter() - started:.3f} s")


async def test_an_abruptly_closed_socket_does_not_disturb_the_others(chat_server):
    room = f"drop-{chat_server.name}"   # a room of its own: the group holds exactly these members
    async with client(chat_server, room) as alice, client(chat_server, room) as bob:
        carol = await client(chat_server, room)
        await carol.send(json.dumps({"message": "carol was here"}))
        for ws in (alice, bob, carol):
            assert (await next_message(ws))["author"] == "anonymous"
        async with aioredis.from_url(chat_server.redis_url) as store:
            group, = await store.keys(f"*group*chat.{room}")
            assert await store.zcard(group) == 3
            carol.transport.abort()  # no closing handshake: the TCP connection just goes away

            async def left():
                return await store.zcard(group) == 2
            # the server noticed: its disconnect handler took carol's channel out of the room's group
            await async_wait_until(left, "carol's channel to leave the group")
        for round_ in range(3):
            await alice.send(json.dumps({"message": f"after the drop {round_}"}))
            assert (await next_message(bob))["message"] == f"after the drop {round_}"
            assert (await next_message(alice))["message"] == f"after the drop {round_}"
        async with client(chat_server, room) as dave:  # the server still accepts new sockets
            await dave.send(json.dumps({"message": "dave joins"}))
            assert (await next_message(alice))["message"] == "dave joins"


async def test_empty_room_and_foreign_origin_are_refused_by_the_real_server(chat_server):
    with pytest.raises(InvalidStatus) as refused:
        async with client(chat_server, ""):
            pass
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as foreign:
        async with connect(f"{chat_server.ws_url}/ws/chat/lobby/", origin="http://evil.example", open_timeout=10):
            pass
    assert foreign.value.response.status_code == 403
