"""A throwaway PostgreSQL cluster for the tests, started once per session from the server
binaries (``initdb``, ``pg_ctl``), and one fresh database per test.

PostgreSQL refuses to run as root (CI runs as root): then the cluster runs as ``nobody``
through ``runuser``, in a temporary folder that user owns. Each test gets its own database,
copied from a template already migrated to the head revision (a copy takes ~50 ms; running
the migrations again would take ~1 s).

Where the binaries are missing the PostgreSQL half of a test is skipped with a line saying
why, unless ``BEA_TRACKER_REQUIRE_POSTGRES=1`` (CI sets it): then it fails.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = ("initdb", "pg_ctl")
REQUIRE_ENV = "BEA_TRACKER_REQUIRE_POSTGRES"
TEMPLATE = "bea_template"
USER = "bea"


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's versioned folders."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all((Path(folder) / tool).exists() for tool in TOOLS):
            return Path(folder)
    return None


def missing_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the PostgreSQL driver is not installed (pip install 'bea-tracker[postgres]')"
    if find_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing (PostgreSQL refuses to run as root)"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    """One running cluster on 127.0.0.1; :meth:`new_database` hands out fresh databases."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        assert self.bindir is not None
        self.root = Path(tempfile.mkdtemp(prefix="bea-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            os.chown(self.root, pwd.getpwnam("nobody").pw_uid, -1)
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bindir / tool), *args], check=True,
                       capture_output=True, timeout=120)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "--no-sync",
                  "-E", "UTF8", "--locale", "C")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=300")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "log"),
                  "-o", options, "start")
        self._create_template()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data),
                            "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, password: str | None = None) -> str:
        auth = f"{USER}:{password}" if password else USER
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def _create_template(self) -> None:
        from db.migrate import upgrade
        from db.session import make_engine

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        engine = make_engine(self.url(TEMPLATE))
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    def new_database(self, migrated: bool = True) -> str:
        """A fresh database's URL: migrated to head (a template copy), or empty."""
        name = f"test_{next(self._names)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
        return self.url(name)
