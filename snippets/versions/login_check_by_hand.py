"""Django 3.1-5.0: an async view checks the login itself, since login_required cannot wrap it yet.

request.user is lazy: its first use reads the session and the user row, which is sync ORM code, so it
is evaluated in sync_to_async's worker thread. (On 5.0 `user = await request.auser()` does the same.)
"""
from asgiref.sync import sync_to_async
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse


def _username_if_logged_in(request):
    user = request.user
    return user.get_username() if user.is_authenticated else None


async def account(request):
    username = await sync_to_async(_username_if_logged_in)(request)
    if username is None:
        return redirect_to_login(request.get_full_path())  # to settings.LOGIN_URL?next=...
    return JsonResponse({"username": username})
