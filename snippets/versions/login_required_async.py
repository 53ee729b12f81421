"""Django 5.1+: login_required wraps an async view directly (and so do permission_required and
user_passes_test)."""
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse


@login_required
async def account(request):
    user = await request.auser()
    return JsonResponse({"username": user.get_username()})
