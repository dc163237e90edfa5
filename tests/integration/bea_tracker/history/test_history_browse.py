"""``bea-tracker browse``: says how to install Datasette when it is missing (it is the
optional ``web`` extra, not installed here), and starts it on the database file when present
(a stand-in ``datasette`` executable records how it was called)."""

from __future__ import annotations

import sqlite3
import stat
import sys
from pathlib import Path

import pytest


@pytest.fixture
def no_datasette(monkeypatch, tmp_path):
    """Nothing called datasette beside the interpreter, on PATH, or importable."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(sys, "executable", str(empty / "python"))
    monkeypatch.setitem(sys.modules, "datasette", None)


def test_without_datasette_says_how_to_install(cli, no_datasette):
    result = cli("browse")

    assert result.exit_code == 1
    assert "Datasette is not installed" in result.stderr
    assert "pip install 'bea-tracker[web]'" in result.stderr


def test_datasette_is_really_not_installed_here():
    """The test above checks the real situation of this environment, not only a mock."""
    import importlib.util

    assert importlib.util.find_spec("datasette") is None


def test_starts_datasette_on_the_database_file(cli, no_datasette, tmp_path, db_url):
    bin_dir = Path(sys.executable).parent
    record = tmp_path / "datasette-args.txt"
    fake = bin_dir / "datasette"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)

    result = cli("browse", "--port", "8123")

    assert result.exit_code == 0, result.output
    database = db_url.removeprefix("sqlite:///")
    assert record.read_text().split("\n")[:6] == [
        "serve", database, "--host", "127.0.0.1", "--port", "8123"]
    with sqlite3.connect(database) as conn:  # migrated first: the views are there to browse
        views = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {"latest_figures", "figure_history", "release_list"}


def test_a_postgresql_database_is_a_usage_error(cli, write_config, no_datasette):
    config = write_config({"database": {"url": "postgresql://bea@localhost/bea"}},
                          name="pg.yaml")

    result = cli("browse", config=config)

    assert result.exit_code == 2
    assert "browse serves a SQLite file" in result.stderr
