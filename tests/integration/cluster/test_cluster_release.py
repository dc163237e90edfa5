"""Three daemons on one PostgreSQL database: one polls BEA, all deliver, each alert arrives
once per subscriber; when the leader is killed, another takes over in time for the
release."""

from __future__ import annotations

import time
from collections import Counter

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.integration.cluster.conftest import LEADS, wait_until, whole_second

SUBSCRIBERS = ("desk", "ops", "risk", "wire")


def agents(bea, since: int = 0) -> Counter:  # noqa: ANN001 - LocalBea
    """Requests to the local BEA per User-Agent (= per daemon)."""
    return Counter(r.user_agent for r in bea.log.records()[since:])


def test_three_daemons_one_poller_each_alert_once(baseline, bea, hooks, subscribe,
                                                  start_daemons, sql):
    for name in SUBSCRIBERS:
        subscribe(hooks.url_for(name), name)
    starts = whole_second(12)
    release = synthetic_gdp_release(starts, seq=1)
    bea.schedule_with([release.event(starts)], keep_real=True)
    bea.publish(release, at=starts, feed_delay=90)  # the page first; the feed much later
    bea.log.clear()
    daemons = start_daemons(3)
    leader = wait_until(lambda: [d for d in daemons if d.leads], 20, "a leader")
    assert len(leader) == 1, [d.number for d in leader]

    calls = hooks.wait_for(len(SUBSCRIBERS), timeout=90, accepted_only=True)
    time.sleep(3)  # more burst ticks and delivery wake-ups: nothing arrives twice

    assert sorted(c.name for c in hooks.calls) == sorted(SUBSCRIBERS)
    assert {c.json["events"][0]["release"]["title"] for c in calls} == {release.title}
    assert sql("SELECT status, count(*) FROM outbox GROUP BY status") == [
        ("sent", len(SUBSCRIBERS))]
    polled = agents(bea)
    assert set(polled) == {leader[0].agent}, polled  # only the leader asked BEA anything
    roles = Counter(r for (r,) in sql("SELECT role FROM daemons WHERE state = 'running'"))
    assert roles == {"leader": 1, "deliverer": 2}
    assert LEADS not in "".join(d.text() for d in daemons if d is not leader[0])
