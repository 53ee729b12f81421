"""Step 2: the async view answers with its three sources (step 5's tests drive it through the client)."""
import json

from django.test import RequestFactory

from snippets.learn.step2_concurrent_view import morning_briefing


async def test_step2_view_gathers_its_three_sources():
    response = await morning_briefing(RequestFactory().get("/learn/briefing/"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"weather": "sunny", "news": "a quiet day", "traffic": "roads clear"}
