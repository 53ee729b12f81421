"""Every test that starts a server, drives the browser or builds the site says so with its marker, so
`python3 dev.py check` (`-m "not server and not browser and not matrix"`) can leave the slow ones out.

tests/conftest.py records the running test here; the helpers that start those things call
`require_marker`, which fails an unmarked test with the line to add."""
from __future__ import annotations

import pytest

#: the test being run (set by tests/conftest.py around each test's setup, call and teardown)
current: pytest.Item | None = None


def require_marker(name: str, what: str, *also_enough: str) -> None:
    """Fail the running test unless it carries marker `name` (or one of `also_enough`)."""
    item = current
    if item is None or any(item.get_closest_marker(mark) for mark in (name, *also_enough)):
        return
    pytest.fail(f"{item.nodeid} {what} but is not marked {name!r}: add `pytestmark = pytest.mark.{name}` "
                f"to its module (or @pytest.mark.{name} to the test), so `dev.py check` leaves it out",
                pytrace=False)
