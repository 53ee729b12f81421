"""snippets.lab.pg, snippets.lab.db_site and snippets.lab.db_load on a real PostgreSQL (the session's
throwaway cluster, tests/conftest.py): what each way of holding connections leaves the database with."""
import os

import psutil
import pytest

from snippets.lab import db_load, load, pg

pytestmark = pytest.mark.server


def test_the_cluster_runs_unprivileged_and_answers(postgresql_server):
    import psycopg

    with psycopg.connect(postgresql_server.dsn, autocommit=True) as connection:
        assert connection.execute("SHOW max_connections").fetchone() == ("60",)
        assert connection.execute("SELECT 1 FROM pg_sleep(0.01)").fetchone() == (1,)
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
    owner = psutil.Process(backend).username()
    assert owner == (pg.USER if os.geteuid() == 0 else psutil.Process().username())


def test_a_cluster_is_removed_after_use(postgresql_server):
    with pg.cluster(max_connections=5, binaries=postgresql_server.bin) as server:
        assert (server.directory / "data" / "PG_VERSION").exists()
        assert pg.client_connections(server.dsn, "postgres") == 0
    assert not server.directory.exists()


def test_each_way_of_holding_connections_leaves_the_database_what_it_should(postgresql_server):
    configs = [("uvicorn, async ORM", "close"), ("uvicorn, async ORM", "persistent"),
               ("gunicorn gthread 16, sync ORM", "pool"), ("uvicorn, async ORM", "pool")]
    result = db_load.run(sizes={**db_load.SIZES[False], "rates": [30]}, configs=configs, server=postgresql_server)
    print("\n" + db_load.table(result))
    rows = {(row["server"], row["mode"]): row for row in result["rows"]}
    assert list(rows) == configs and result["max_connections"] == 60
    for config, row in rows.items():
        assert row["completed"] == row["sent"] == 30 and row["errors"] == 0, config
        assert row["p50_ms"] >= 20, config  # every query spent its 20 ms in the database
    # a connection per request is closed when the request ends
    assert rows[("uvicorn, async ORM", "close")]["connections_after"] == 0
    # the pool never opens more than its size per process, whatever the threads
    for config in configs[2:]:
        assert rows[config]["connections_during"]["max"] <= db_load.POOL_MAX * load.WORKERS, config
    # CONN_MAX_AGE under ASGI: each request's connection belongs to the request's own thread, and stays open
    assert rows[("uvicorn, async ORM", "persistent")]["connections_after"] >= 1
    assert db_load.plot(result).axes
