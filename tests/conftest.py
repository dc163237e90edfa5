"""Fixtures shared by every test: a real SQLite file, a config file, the CLI, and (from
tests/support/servers.py) the local BEA, SMTP sink and webhook receiver."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from db.migrate import upgrade
from db.session import Database
from tests.support.cli import CliResult, run_cli

pytest_plugins = ["tests.support.servers"]


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster, started the first time a test asks for PostgreSQL."""
    from tests.support.postgres import PgCluster, missing_reason, skip_or_fail

    reason = missing_reason()
    if reason:
        skip_or_fail(reason)
    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def backend() -> str:
    """The database backend of a test: SQLite, unless a folder's conftest parametrises it
    over ``BACKENDS`` (the database, notifier and daemon tests run on both)."""
    return "sqlite"


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh database for this test, migrated to head on PostgreSQL (a template copy);
    on SQLite a file path (commands create and migrate it)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'bea.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database with nothing in it, not even the schema (for migration tests)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_cluster").new_database(migrated=False)


@pytest.fixture
def db_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def database(db_url: str):
    db = Database(db_url)
    upgrade(db.engine)
    yield db
    db.dispose()


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.fixture
def write_config(tmp_path: Path, db_url: str) -> Callable[..., Path]:
    """Write a config YAML pointing at the test database; keyword sections override.

    Receivers in tests run on 127.0.0.1, so private targets are allowed here (the hostile
    suite checks that they are refused by default)."""

    def write(data: dict[str, Any] | None = None, name: str = "config.yaml") -> Path:
        base = {"database": {"url": db_url}, "delivery": {"allow_private_targets": True}}
        merged = deep_merge(base, data or {})
        path = tmp_path / name
        path.write_text(yaml.safe_dump(merged), encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(write_config: Callable[..., Path]) -> Callable[..., CliResult]:
    """``cli(*args, config=None, input=None, check=False)``: run ``bea-tracker --config
    <a config with only the test database> ARGS`` (tests/support/cli.py decides in-process
    or child process)."""
    config_path = write_config()

    def run(*args: str, config: Path | None = None, input: str | None = None,
            check: bool = False) -> CliResult:
        return run_cli(*args, config=config or config_path, input=input, check=check)

    return run
