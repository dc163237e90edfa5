"""The wall clock stepped back an hour under a running daemon: the jump is logged once, the
schedule re-planned, heartbeats keep advancing and a release that appears afterwards is
alerted. The step goes through the daemon's clock seam (``BEA_TRACKER_TEST_CLOCK_FILE``,
read by ``db.types.wall_clock`` and, in the daemon, by APScheduler too)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bea_tracker.demo.localbea import synthetic_gdp_release
from db.types import TEST_CLOCK_ENV
from tests.hostile.hostile_world import World
from tests.support.daemon import DaemonProcess, heartbeat_at, wait_for_heartbeat
from tests.support.waiting import wait_until

STEP = -3600  # seconds: the wall clock goes back one hour


def test_a_clock_stepped_back_an_hour_keeps_the_daemon_polling_and_beating(
        world: World, hooks) -> None:
    offset = world.workdir / "clock-offset"
    offset.write_text("0")
    env = {TEST_CLOCK_ENV: str(offset)}
    world.configure(polling={"idle_interval": "1s"})
    assert world.run("subscribe", "add", "--webhook", hooks.url_for("ops"),
                     "--name", "ops").code == 0
    db_file = world.workdir / "bea.db"
    daemon = DaemonProcess(world.config, world.workdir / "daemon.log", env=env)
    try:
        daemon.wait_started()
        daemon.wait_for_log("idle poll: feed: 200")  # the baseline: recorded, not alerted
        wait_for_heartbeat(db_file, daemon)

        offset.write_text(str(STEP))
        daemon.wait_for_log("wall clock jumped")

        # heartbeats now carry the stepped-back time, and keep coming
        def stepped_beat() -> datetime | None:
            beat = heartbeat_at(db_file)
            real = datetime.now(timezone.utc)
            return beat if beat is not None and beat < real + timedelta(seconds=STEP / 2) \
                else None

        first = wait_until(stepped_beat, 30, "a heartbeat on the stepped clock", daemon)
        assert first is not None
        wait_until(lambda: (beat := stepped_beat()) is not None and beat > first, 30,
                   "the next heartbeat after the step", daemon)
        status = world.run("status", "--json", env=env)
        assert '"alive": true' in status.stdout, status.output

        release = synthetic_gdp_release(datetime.now(timezone.utc), seq=1)
        world.bea.publish(release)  # page and feed item live now
        hook = hooks.wait_for(1, name="ops", timeout=60)[0]
        event = hook.json["events"][0]
        assert (event["kind"], event["release"]["title"]) == ("new_release", release.title)
        assert daemon.log_text().count("wall clock jumped") == 1
        assert daemon.running
    finally:
        code, _ = daemon.terminate(timeout=30)
        daemon.close()
    assert code == 0, daemon.tail()
