"""Secrets at rest: the database (Slack URLs, webhook secrets, addresses) is its owner's
alone, and ``browse`` never serves the subscriptions table or arbitrary SQL."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from sqlalchemy import text

from db.migrate import upgrade
from db.session import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_wal_are_created_private(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "bea-tracker"
    database = Database(f"sqlite:///{folder / 'bea.db'}")
    try:
        upgrade(database.engine)
        with database.engine.begin() as conn:  # a write: the -wal and -shm files exist now
            conn.execute(text("CREATE TABLE probe (x INTEGER)"))
            assert mode(folder / "bea.db-wal") == 0o600
            assert mode(folder / "bea.db-shm") == 0o600
        assert mode(folder / "bea.db") == 0o600
        assert mode(folder) == 0o700
    finally:
        database.dispose()


def test_browse_denies_the_secret_table_and_arbitrary_sql(cli, monkeypatch, tmp_path,
                                                          db_url) -> None:
    """Datasette is the optional [web] extra (not installed here): a stand-in records the
    metadata it is started with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.setitem(sys.modules, "datasette", None)
    kept = tmp_path / "metadata-seen.json"
    fake = bin_dir / "datasette"
    fake.write_text('#!/bin/sh\nwhile [ $# -gt 0 ]; do\n  if [ "$1" = "--metadata" ]; then '
                    f'/bin/cat "$2" > "{kept}"; fi\n  shift\ndone\n', encoding="utf-8")
    fake.chmod(0o755)

    result = cli("browse")

    assert result.exit_code == 0, result.output
    stem = Path(db_url.removeprefix("sqlite:///")).stem
    metadata = json.loads(kept.read_text())["databases"][stem]
    assert metadata["allow_sql"] is False
    assert metadata["tables"]["subscriptions"] == {"allow": False, "hidden": True}


def test_a_postgresql_password_comes_from_its_variable_and_is_never_shown(
        monkeypatch) -> None:
    import pytest

    from bea_tracker.config import SecretMissing, parse_config
    from db.session import safe_url

    config = parse_config({"database": {"url": "postgresql://bea@db.example/bea",
                                        "password_env": "BEA_TEST_DB_PASSWORD"}})
    monkeypatch.delenv("BEA_TEST_DB_PASSWORD", raising=False)
    with pytest.raises(SecretMissing, match="BEA_TEST_DB_PASSWORD is not set"):
        config.database.resolved_url()
    monkeypatch.setenv("BEA_TEST_DB_PASSWORD", "s3cr3t/pw")
    url = config.database.resolved_url()
    assert url == "postgresql://bea:s3cr3t%2Fpw@db.example/bea"
    assert "s3cr3t" not in safe_url(url)
