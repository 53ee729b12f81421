"""Django docs links are well formed (issue 26, item 9, first part: seven links had /en/5.2//howto/…)."""
from __future__ import annotations

from atlas.core.datafile import Project
from atlas.data import django_links


def test_no_django_docs_link_is_malformed():
    assert django_links.check(Project()) == []


def test_the_shape():
    assert django_links.bad("https://docs.djangoproject.com/en/5.2//howto/deployment/asgi/uvicorn")
    assert not django_links.bad("https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/uvicorn/")
    assert not django_links.bad("https://docs.djangoproject.com/en/stable/topics/async/#async-views")
    assert django_links.bad("https://docs.djangoproject.com/5.2/topics/async/")
