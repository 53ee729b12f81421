"""Sybil collects every docs/**/*.md page; atlas/doc_examples.py says how blocks run."""
from pathlib import Path

import pytest

from atlas.doc_examples import make_sybil

DOCS = Path(__file__).parent

# Sybil items do not get autouse fixtures, so the database fixture is requested by name.
pytest_collect_file = make_sybil(DOCS, fixtures=["transactional_db"]).pytest()


def pytest_collection_modifyitems(items):
    """Blocks may use the demo project's database: each block starts from an empty, migrated one.

    transaction=True (not a rolled-back transaction) because async ORM calls run in another thread,
    which must see what the block wrote.
    """
    for item in items:
        if Path(str(item.path)).is_relative_to(DOCS) and item.path.suffix == ".md":
            item.add_marker(pytest.mark.django_db(transaction=True))
