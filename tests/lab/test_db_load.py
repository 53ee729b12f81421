"""snippets.lab.pg on a real PostgreSQL (the session's throwaway cluster, tests/conftest.py). db_load and
db_site run in their notebook, docs/lab/postgresql-connections.ipynb, checked in tests/lab/more_experiments.py."""
import os

import psutil
import pytest

from snippets.lab import pg

pytestmark = pytest.mark.server


def test_the_cluster_runs_unprivileged_and_answers(postgresql_server):
    import psycopg

    with psycopg.connect(postgresql_server.dsn, autocommit=True) as connection:
        assert connection.execute("SHOW max_connections").fetchone() == ("60",)
        assert connection.execute("SELECT 1 FROM pg_sleep(0.01)").fetchone() == (1,)
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        owner = psutil.Process(backend).username()  # while connected: the backend exits with its connection
    assert owner == (pg.USER if os.geteuid() == 0 else psutil.Process().username())


def test_a_cluster_is_removed_after_use(postgresql_server):
    with pg.cluster(max_connections=5, binaries=postgresql_server.bin) as server:
        assert (server.directory / "data" / "PG_VERSION").exists()
        assert pg.client_connections(server.dsn, "postgres") == 0
    assert not server.directory.exists()
