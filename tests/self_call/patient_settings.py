"""The demo settings with a longer self-call timeout, for the server whose self-call must succeed through
a second worker: that worker imports the URLconf on its first request, which on a busy 2-core machine can
take longer than the demo's 2 s and would turn a working setup into a false 504."""
from snippets.demo.settings import *  # noqa: F401,F403

SELF_CALL_TIMEOUT = 10.0
