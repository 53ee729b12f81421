"""Sybil collects every docs/**/*.md page; atlas/doc_examples.py says how blocks run."""
from pathlib import Path

import pytest

from atlas.doc_examples import make_sybil


@pytest.fixture
def docs_database(django_db_setup, django_db_blocker):
    """Pages may use the demo project's database (SQLite, created once per test session)."""
    with django_db_blocker.unblock():
        yield


pytest_collect_file = make_sybil(Path(__file__).parent, fixtures=["docs_database"]).pytest()
