"""A JSON login flow written with the async auth API (Django 5.0+): aauthenticate, alogin, alogout, auser."""
import json

from django.contrib.auth import aauthenticate, alogin, alogout
from django.http import JsonResponse
from django.views.decorators.http import require_POST


@require_POST
async def login_view(request):
    try:
        data = json.loads(request.body)
        username, password = data["username"], data["password"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "send JSON with username and password"}, status=400)
    user = await aauthenticate(request, username=username, password=password)
    if user is None:
        return JsonResponse({"error": "wrong username or password"}, status=401)
    await alogin(request, user)  # new session key, user id stored in the session
    return JsonResponse({"logged_in": user.get_username()})


async def whoami(request):
    user = await request.auser()  # not request.user: that would hit the database synchronously
    if not user.is_authenticated:
        return JsonResponse({"error": "not logged in"}, status=401)
    return JsonResponse({"username": user.get_username()})


@require_POST
async def logout_view(request):
    await alogout(request)  # flushes the session
    return JsonResponse({"logged_in": None})
