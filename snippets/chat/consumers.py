"""A chat room over WebSockets: every message a client sends reaches everyone in the same room."""
import json
import re

from channels.generic.websocket import AsyncWebsocketConsumer

ROOM_NAME = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
MAX_MESSAGE_CHARS = 1000  # a chat line, not a document
MAX_FRAME_CHARS = 4 * MAX_MESSAGE_CHARS  # the JSON around it included


class ChatConsumer(AsyncWebsocketConsumer):
    group_name = None

    async def connect(self):
        room = self.scope["url_route"]["kwargs"]["room"]
        if not ROOM_NAME.match(room):
            # Closing before accept() refuses the handshake: the client sees HTTP 403.
            await self.close()
            return
        self.group_name = f"chat.{room}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        # Runs for clean closes and for dropped connections alike.
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return await self.send_error("send text frames holding JSON, not binary frames")
        if len(text_data) > MAX_FRAME_CHARS:
            return await self.send_error(f"frame too large (at most {MAX_FRAME_CHARS} characters)")
        try:
            payload = json.loads(text_data)
        except ValueError:
            return await self.send_error('malformed JSON; send {"message": "..."}')
        message = payload.get("message") if isinstance(payload, dict) else None
        if not isinstance(message, str) or not message.strip():
            return await self.send_error('missing "message": a non-empty string')
        if len(message) > MAX_MESSAGE_CHARS:
            return await self.send_error(f"message too long (at most {MAX_MESSAGE_CHARS} characters)")
        user = self.scope.get("user")
        author = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        await self.channel_layer.group_send(
            self.group_name, {"type": "chat.message", "message": message, "author": author}
        )

    async def chat_message(self, event):
        """Called for each "chat.message" sent to the group, once per member."""
        await self.send(text_data=json.dumps(
            {"type": "message", "message": event["message"], "author": event["author"]}
        ))

    async def send_error(self, error):
        # The connection stays open: one bad frame should not end a chat.
        await self.send(text_data=json.dumps({"type": "error", "error": error}))
