"""Learning path, step 2: an async view that waits on three sources at once."""
import asyncio

from django.http import JsonResponse

SOURCE_DELAY = 0.2  # seconds each pretend upstream takes


async def slow_source(answer: str) -> str:
    await asyncio.sleep(SOURCE_DELAY)  # an HTTP call to another service would go here
    return answer


async def morning_briefing(request):
    weather, news, traffic = await asyncio.gather(
        slow_source("sunny"), slow_source("a quiet day"), slow_source("roads clear")
    )
    return JsonResponse({"weather": weather, "news": news, "traffic": traffic})
