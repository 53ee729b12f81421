"""Demo settings with only the learning path's URLs, for servers the learning-path tests start."""
from snippets.demo.settings import *  # noqa: F401,F403

ROOT_URLCONF = "tests.learn.urls"
