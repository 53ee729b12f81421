"""Session reads and writes with the async session API (Django 5.1+): aget, aset, apop, aflush."""
import json

from django.http import JsonResponse
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "POST", "DELETE"])
async def cart(request):
    session = request.session
    if request.method == "POST":
        item = json.loads(request.body)["item"]
        items = await session.aget("cart", [])
        await session.aset("cart", [*items, item])  # assign a new list: marks the session modified
    elif request.method == "DELETE":
        await session.apop("cart", None)
    return JsonResponse({"cart": await session.aget("cart", [])})
