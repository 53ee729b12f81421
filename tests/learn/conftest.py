"""The learning path's exercise solutions (docs/learn/), one test file per step so that each step's page
runs its own tests on the releases it claims (atlas/data/page_code.py)."""
import pytest


@pytest.fixture(autouse=True)
def learn_urls(settings):
    settings.ROOT_URLCONF = "tests.learn.urls"
