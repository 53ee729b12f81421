"""Collectors: ask the real releases, PyPI, links and upstream, and write what they find as data (never pages)."""
