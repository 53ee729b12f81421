"""Step 5's solution is itself a pair of tests: importing them here makes pytest collect and run them."""
import pytest

from snippets.learn.step5_test_views import (  # noqa: F401  (collected and run by pytest)
    test_briefing_waits_for_its_sources_concurrently,
    test_countdown_streams_events_in_order,
)

# It drives step 4's countdown, an async generator streamed by StreamingHttpResponse: Django 4.2+.
pytest.mark.since("4.2")(test_countdown_streams_events_in_order)
