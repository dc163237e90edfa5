"""``bea-tracker poll`` as a command: exit codes and one readable line when it fails."""

from __future__ import annotations

import socket

from bea_tracker.demo.localbea import data


def test_poll_needs_once(tracker):
    result = tracker.cli("poll")
    assert result.exit_code == 2
    assert "--once" in result.output


def test_an_unreachable_bea_is_reported_and_exits_0(tracker):
    with socket.socket() as probe:  # a port nobody listens on (bound, never accepting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        tracker.bea_section = {"feed_url": f"http://127.0.0.1:{port}{data.FEED_PATH}"}
        tracker.configure()

        result = tracker.poll()

    assert result.code == 0, result.output
    assert "feed: error (ConnectError" in result.stdout
    assert [p.error.split(":")[0] for p in tracker.poll_log()] == ["ConnectError"]


def test_a_database_path_that_cannot_be_made_exits_2_with_one_line(tracker, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database's folder should be")
    tracker.db_url = f"sqlite:///{blocker / 'bea.db'}"
    tracker.configure()

    result = tracker.poll()

    assert result.code == 2  # database.url names a path that cannot exist: a config error
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "database.url: cannot create the folder" in errors[0]
