"""A throwaway PostgreSQL cluster: `initdb` in a temporary directory, `postgres` on a free loopback port, a
fast shutdown and the directory removed afterwards.

    with pg.cluster(max_connections=40) as server:
        psycopg.connect(server.dsn)

PostgreSQL refuses to run as root: as root, the cluster belongs to the unprivileged user `nobody` and both
programs run as it (through `runuser`). The binaries are looked up in $PG_BIN, then Debian's
/usr/lib/postgresql/<newest>/bin, then PATH. Durability is off (fsync, synchronous_commit): the data is
thrown away, and the runs measure connections and queries, not the disk.
"""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import procs

DEBIAN = Path("/usr/lib/postgresql")
USER = "nobody"


def bin_dir() -> Path | None:
    """Where initdb and postgres are, or None when PostgreSQL is not installed."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    versions = sorted((path for path in DEBIAN.glob("*/bin") if (path / "initdb").exists()),
                      key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class Server:
    port: int
    directory: Path
    bin: Path
    user: str = "postgres"
    database: str = "postgres"

    @property
    def dsn(self) -> str:
        return f"host={procs.HOST} port={self.port} user={self.user} dbname={self.database}"

    def settings(self, **extra) -> dict:
        """A Django DATABASES entry for this server."""
        return {"ENGINE": "django.db.backends.postgresql", "HOST": procs.HOST, "PORT": str(self.port),
                "USER": self.user, "NAME": self.database, **extra}


def as_owner(argv: list[str]) -> list[str]:
    """argv run as the cluster's owner: `nobody` when this process is root, this user otherwise."""
    return ["runuser", "-u", USER, "--", *argv] if os.geteuid() == 0 else argv


def ready(binaries: Path, port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until the server accepts connections (it listens before it has finished starting up)."""
    deadline = time.monotonic() + timeout
    while subprocess.run([str(binaries / "pg_isready"), "-q", "-h", procs.HOST, "-p", str(port)]).returncode:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL did not start:\n{process.log.read_text(errors='replace')}")
        time.sleep(0.1)


@contextlib.contextmanager
def cluster(max_connections: int = 100, binaries: Path | None = None):
    """A fresh cluster, started; yields a Server. RuntimeError when PostgreSQL is not installed."""
    binaries = binaries or bin_dir()
    if binaries is None or not (binaries / "initdb").exists():
        raise RuntimeError("PostgreSQL is not installed (no initdb in $PG_BIN, /usr/lib/postgresql/*/bin or PATH); "
                           "Debian: apt-get install postgresql")
    directory = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    try:
        if os.geteuid() == 0:
            owner = pwd.getpwnam(USER)
            os.chown(directory, owner.pw_uid, owner.pw_gid)
        data, sockets = directory / "data", directory
        subprocess.run(as_owner([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "-E", "UTF8", "--no-sync", "--no-instructions"]),
                       check=True, capture_output=True, text=True)
        port = procs.free_port()
        argv = as_owner([str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets),
                         "-c", f"listen_addresses={procs.HOST}", "-c", f"max_connections={max_connections}",
                         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
        # SIGINT is PostgreSQL's fast shutdown: clients are disconnected, not waited for
        with procs.running(argv, procs.child_env(), port, stop_signal=signal.SIGINT) as process:
            ready(binaries, port, process)
            yield Server(port, directory, binaries)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"initdb failed: {error.stderr or error.stdout}") from error
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def client_connections(dsn: str, database: str) -> int:
    """Client connections to `database` right now, as pg_stat_activity lists them (this query's excluded)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND "
                                  "backend_type = 'client backend' AND pid <> pg_backend_pid()",
                                  (database,)).fetchone()[0]
