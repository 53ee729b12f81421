"""Step 5's solution is itself a pair of tests: importing them here makes pytest collect and run them."""
from snippets.learn.step5_test_views import (  # noqa: F401  (collected and run by pytest)
    test_briefing_waits_for_its_sources_concurrently,
    test_countdown_streams_events_in_order,
)
