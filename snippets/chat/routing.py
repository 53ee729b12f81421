"""WebSocket URLs of the chat. `[^/]*` also matches an empty room name, which the consumer refuses."""
from django.urls import re_path

from snippets.chat.consumers import ChatConsumer

websocket_urlpatterns = [
    re_path(r"^ws/chat/(?P<room>[^/]*)/$", ChatConsumer.as_asgi()),
]
