"""The chat consumer in-process, through the full ASGI stack of snippets.chat.asgi (origin check, auth,
routing), with Channels' WebsocketCommunicator and the in-memory channel layer."""
import importlib
import json

import pytest
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator

from snippets.chat import channel_layers as layer_settings
from snippets.chat.asgi import application
from snippets.chat.consumers import MAX_FRAME_CHARS, MAX_MESSAGE_CHARS, ChatConsumer
from snippets.chat.routing import websocket_urlpatterns

# Channels' database_sync_to_async closes stale database connections around each handler call, so these
# tests touch the connection even though the chat stores nothing.
pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture(autouse=True)
async def fresh_layer():
    """The in-memory layer keeps queues bound to one event loop: start each test with an empty one."""
    channel_layers.backends.clear()
    yield
    await get_channel_layer().flush()
    channel_layers.backends.clear()


async def connect(room, origin=ORIGIN):
    communicator = WebsocketCommunicator(application, f"/ws/chat/{room}/", headers=[origin] if origin else [])
    connected, _subprotocol = await communicator.connect(timeout=5)
    return communicator, connected


async def test_two_clients_in_a_room_see_each_others_messages():
    alice, ok_a = await connect("lobby")
    bob, ok_b = await connect("lobby")
    assert ok_a and ok_b
    await alice.send_json_to({"message": "hello bob"})
    for who in (alice, bob):  # the sender gets its own message back through the group
        assert await who.receive_json_from(timeout=5) == {"type": "message", "message": "hello bob",
                                                          "author": "anonymous"}
    await alice.disconnect()
    await bob.disconnect()


async def test_rooms_are_separate():
    alice, _ = await connect("lobby")
    carol, _ = await connect("kitchen")
    await alice.send_json_to({"message": "lobby only"})
    assert (await alice.receive_json_from(timeout=5))["message"] == "lobby only"
    assert await carol.receive_nothing(timeout=0.3)
    await alice.disconnect()
    await carol.disconnect()


@pytest.mark.parametrize("frame, expected", [
    ("{not json", "malformed JSON"),
    ('["a list"]', 'missing "message"'),
    ('{"message": "   "}', 'missing "message"'),
    (json.dumps({"message": "x" * (MAX_MESSAGE_CHARS + 1)}), "message too long"),
    ("x" * (MAX_FRAME_CHARS + 1), "frame too large"),
])
async def test_bad_input_gets_an_error_frame_and_the_socket_stays_open(frame, expected):
    alice, _ = await connect("lobby")
    await alice.send_to(text_data=frame)
    reply = await alice.receive_json_from(timeout=5)
    assert reply["type"] == "error" and expected in reply["error"]
    await alice.send_json_to({"message": "still here"})
    assert (await alice.receive_json_from(timeout=5))["message"] == "still here"
    await alice.disconnect()


async def test_binary_frames_are_refused_with_an_error_frame():
    alice, _ = await connect("lobby")
    await alice.send_to(bytes_data=b"\x00\x01")
    assert "binary" in (await alice.receive_json_from(timeout=5))["error"]
    await alice.disconnect()


@pytest.mark.parametrize("room", ["", "has%20space", "x" * 51])
async def test_bad_room_names_are_refused_at_the_handshake(room):
    communicator, connected = await connect(room)
    assert not connected
    await communicator.disconnect()  # the consumer ends as soon as the client has gone


async def test_a_page_of_another_site_cannot_open_the_socket():
    _communicator, connected = await connect("lobby", origin=(b"origin", b"http://evil.example"))
    assert not connected
    _communicator, connected = await connect("lobby", origin=None)  # no Origin header at all
    assert not connected


def test_channel_layer_setting_follows_the_environment(monkeypatch):
    monkeypatch.delenv("ATLAS_REDIS_URL", raising=False)
    assert importlib.reload(layer_settings).CHANNEL_LAYERS["default"]["BACKEND"] == \
        "channels.layers.InMemoryChannelLayer"
    monkeypatch.setenv("ATLAS_REDIS_URL", "redis://127.0.0.1:6399/0")
    config = importlib.reload(layer_settings).CHANNEL_LAYERS["default"]
    assert config["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert config["CONFIG"]["hosts"] == ["redis://127.0.0.1:6399/0"]
    monkeypatch.delenv("ATLAS_REDIS_URL")
    importlib.reload(layer_settings)


def test_routing_sends_chat_urls_to_the_consumer():
    (pattern,) = websocket_urlpatterns
    assert pattern.callback.consumer_class is ChatConsumer
    assert pattern.pattern.match("ws/chat/lobby/")
