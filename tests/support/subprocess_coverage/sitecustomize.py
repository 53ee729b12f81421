"""Put first on PYTHONPATH of the servers and workers a test starts (tests/support/servers.py) while the
suite records which snippets run (tests/support/snippet_use.py): starts coverage in that process too."""
try:
    import coverage
except ImportError:  # an interpreter without coverage (an old release's venv): nothing to record
    pass
else:
    coverage.process_startup()
