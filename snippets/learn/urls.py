"""URLs of the learning path's exercises (included under /learn/ by the demo project)."""
from django.urls import path

from snippets.learn.step2_concurrent_view import morning_briefing
from snippets.learn.step4_countdown_stream import countdown

urlpatterns = [
    path("briefing/", morning_briefing),
    path("countdown/", countdown),
]
