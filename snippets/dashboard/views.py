"""A dashboard whose blocks load concurrently: async ORM queries plus one external HTTP call.

Uses django.contrib.auth's User, so it needs no model or migration of its own. The status block calls
settings.DASHBOARD_STATUS_URL (if set) with a timeout; a failure there leaves the other blocks intact.

What runs concurrently: the HTTP call overlaps with the database work. The ORM blocks themselves do NOT
overlap: each async ORM method runs its query through sync_to_async(thread_sensitive=True), so within
one request they queue for the same single thread and run one after another.
"""
import asyncio
import time

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import JsonResponse


async def user_count() -> int:
    return await get_user_model().objects.acount()


async def staff_count() -> int:
    return await get_user_model().objects.filter(is_staff=True).acount()


async def newest_users(limit: int = 5) -> list[str]:
    users = get_user_model().objects.order_by("-date_joined", "-pk")[:limit]
    return [user.username async for user in users]


async def service_status() -> dict | None:
    url = getattr(settings, "DASHBOARD_STATUS_URL", None)
    if not url:
        return None
    try:
        async with httpx.AsyncClient(timeout=getattr(settings, "DASHBOARD_STATUS_TIMEOUT", 1.0)) as client:
            response = await client.get(url)
            response.raise_for_status()
            return {"ok": True, "data": response.json()}
    except (httpx.HTTPError, ValueError) as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


async def dashboard(request):
    started = time.perf_counter()
    users, staff, newest, status = await asyncio.gather(
        user_count(), staff_count(), newest_users(), service_status()
    )
    return JsonResponse({
        "users": users,
        "staff": staff,
        "newest": newest,
        "status": status,
        "elapsed": round(time.perf_counter() - started, 3),
    })
