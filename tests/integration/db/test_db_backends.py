"""What differs between backends must not show: an overlong feed title, a row the database
refuses, the database URL given on the command line or in the environment, and its
password, which is never printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import create_engine, text

from bea_tracker.demo.localbea import data, feed
from db.session import driver_url
from tests.support.cli import run_cli
from tests.support.paths import ROOT

LONG_TITLE = "GDP (Advance Estimate), 2nd Quarter 2026 " + "x" * 1_560  # 1,600 characters


def tracker(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``bea-tracker ARGS`` in its own process (poll runs Twisted's reactor), this tree's
    code first on the path."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bea_tracker", *args], capture_output=True,
                          text=True, timeout=120, env=environ)


def quick(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``bea-tracker ARGS`` in this process (commands that run no reactor)."""
    out = run_cli(*args, env=env, catch_exceptions=True)
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exception
    return subprocess.CompletedProcess(args, out.exit_code, out.stdout, out.stderr)


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(driver_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def odd_feed(bea) -> tuple[bytes, str]:
    """BEA's real feed with a 1,600-character title on its 2nd item and a link too long to
    store (1,200 characters) on its 3rd; returns the body and the long title's link."""
    body = data.rewrite_links(data.load(data.FEED_FILE), bea.base_url)
    items = feed.items(body)
    long_item = feed.set_element(items[1], "title", LONG_TITLE)
    bad_link = bea.base_url + "/news/2026/" + "y" * 1_200
    bad_item = feed.set_element(items[2], "link", bad_link)
    body = body.replace(items[1], long_item).replace(items[2], bad_item)
    link = feed.items(body)[1].split(b"<link>")[1].split(b"</link>")[0].decode()
    return body, link


def test_an_overlong_title_is_cut_and_a_refused_item_stops_no_other(bea, write_config,
                                                                     database_url):
    """PostgreSQL refused the 1,600-character title (StringDataRightTruncation) and the
    whole poll with it; now the title is cut to its column, the one item the database
    refuses is logged and counted, the 47 others are stored, and the poll is a failure in
    the poll log and in ``status``; its validators are not kept, so the next poll reads
    the whole feed again."""
    body, link = odd_feed(bea)
    bea.set_body(data.FEED_PATH, body, data.CONTENT_TYPES["feed"])
    config = write_config({"bea": bea.config(), "polling": {"timeout": "5s"}})

    poll = tracker("--config", str(config), "poll", "--once", "--no-schedule")

    assert poll.returncode == 0, poll.stderr
    assert "1 of 48 items could not be stored" in poll.stdout
    assert "feed item not stored" in poll.stderr and "y" * 50 in poll.stderr
    assert rows(database_url, "SELECT count(*) FROM releases") == [(47,)]
    [(title,)] = rows(database_url, f"SELECT title FROM releases WHERE url = '{link}'")
    assert len(title) == 1000 and title.startswith(LONG_TITLE[:999 - 10])
    assert title.endswith("\u2026")
    [(error,)] = rows(database_url, "SELECT error FROM poll_log WHERE kind = 'feed'")
    assert "1 of 48 items could not be stored" in error
    status = tracker("--config", str(config), "status", "--json")
    assert "could not be stored" in json.loads(status.stdout)["last_poll"]["error"]

    again = tracker("--config", str(config), "poll", "--once", "--no-schedule")

    assert again.returncode == 0, again.stderr
    assert [r.conditional for r in bea.log.records(data.FEED_PATH)] == [False, False]
    # (BEA's own feed again: the item refused before is stored now)
    assert "could not be stored" not in again.stdout, again.stderr
    assert rows(database_url, "SELECT count(*) FROM releases") == [(48,)]


def test_database_url_option_and_environment_win_over_the_config(write_config, tmp_path,
                                                                  database_url):
    """``--database-url`` and ``BEA_TRACKER_DATABASE_URL`` point every command at a
    database other than the config's; the option wins over the environment."""
    config = write_config({"database": {"url": f"sqlite:///{tmp_path / 'other.db'}"}})
    base = ["--config", str(config)]

    added = quick(*base, "--database-url", database_url, "subscribe", "add",
                    "--webhook", "http://127.0.0.1:9/hook", "--name", "from-option")
    listed = quick(*base, "subscribe", "list", "--json",
                     env={"BEA_TRACKER_DATABASE_URL": database_url})
    elsewhere = quick(*base, "--database-url", f"sqlite:///{tmp_path / 'third.db'}",
                        "subscribe", "list", "--json",
                        env={"BEA_TRACKER_DATABASE_URL": database_url})

    assert added.returncode == 0, added.stderr
    assert [s["name"] for s in json.loads(listed.stdout)] == ["from-option"]
    assert json.loads(elsewhere.stdout) == []
    assert not (tmp_path / "other.db").exists()


def test_database_url_after_the_command_name(write_config, tmp_path, database_url):
    """``--database-url`` works after the command name too (``subscribe add --database-url
    URL ...``), the same as before it, and wins over the environment there as well."""
    config = write_config({"database": {"url": f"sqlite:///{tmp_path / 'other.db'}"}})
    base = ["--config", str(config)]
    third = f"sqlite:///{tmp_path / 'third.db'}"

    added = quick(*base, "subscribe", "add", "--webhook", "http://127.0.0.1:9/hook",
                  "--name", "late-option", "--database-url", database_url)
    listed = quick(*base, "subscribe", "list", "--json", "--database-url", database_url,
                   env={"BEA_TRACKER_DATABASE_URL": third})
    elsewhere = quick(*base, "subscribe", "list", "--json", env={"BEA_TRACKER_DATABASE_URL": third})

    assert added.returncode == 0, added.stderr
    assert [s["name"] for s in json.loads(listed.stdout)] == ["late-option"]
    assert json.loads(elsewhere.stdout) == []
    assert not (tmp_path / "other.db").exists()


def test_the_password_is_never_printed(backend, request, tmp_path):
    """The URL's password shows as *** in init and status, and a database that cannot be
    reached is one line naming it, password hidden, exit 1."""
    secret = "hunter2-s3cret"
    if backend == "postgresql":  # trust authentication: the password is accepted, unused
        url = request.getfixturevalue("pg_cluster").new_database().replace(
            "bea@", f"bea:{secret}@")
        unreachable = f"postgresql://bea:{secret}@127.0.0.1:9/nowhere"
    else:
        url = f"sqlite:///{tmp_path / 'bea.db'}"
        unreachable = f"sqlite:///{tmp_path}"  # a folder, not a file
    env = {"BEA_TRACKER_DATABASE_URL": url}

    init = quick("init", env=env)
    status = quick("status", "--json", env=env)
    human = quick("status", env=env)
    down = quick("--database-url", unreachable, "status")

    assert init.returncode == 0, init.stderr
    assert json.loads(status.stdout)["daemon"]["alive"] is False  # (exit 1: no daemon)
    for result in (init, status, human, down):
        assert secret not in result.stdout + result.stderr
    if backend == "postgresql":
        assert "bea:***@127.0.0.1" in init.stdout
        assert json.loads(status.stdout)["database"].startswith("postgresql+psycopg://bea:***@")
        assert down.returncode == 1
        assert down.stderr.startswith(
            "error: cannot open the database postgresql://bea:***@127.0.0.1:9/")
        assert len(down.stderr.strip().splitlines()) == 1
