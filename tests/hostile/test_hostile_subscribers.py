"""Subscribers that attack the sender: a webhook that drips its reply, one that answers
with a gzip bomb, one that tries to get an internal service's answer echoed. Healthy
subscribers are alerted anyway, memory stays bounded, and no reply body is ever shown."""

from __future__ import annotations

from datetime import datetime, timezone

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.hostile.hostile_world import World, body, drip_reply, gzip_bomb

MEMORY_BOUND_MB = 320
BOMB = 1024 * 1024 * 1024  # 1 GB of zeros, about 1 MB gzipped


def subscribe(world: World, *args: str) -> int:
    done = world.run("subscribe", "add", *args)
    assert done.code == 0, done.output
    return int(done.stdout.split("subscription ", 1)[1].split(":", 1)[0])


def publish(world: World) -> None:
    """A baseline poll, then a new GDP release on the local BEA, polled and stored."""
    assert world.poll().code == 0
    world.bea.publish(synthetic_gdp_release(datetime.now(timezone.utc)))
    assert world.poll().code == 0


def test_a_dripping_webhook_never_delays_the_healthy_subscribers(world: World, smtp,
                                                                 hooks) -> None:
    world.configure(smtp={"host": "127.0.0.1", "port": smtp.port},
                    delivery={"send_deadline": "2s", "lease": "10s"})
    slow = world.hostile.route("/hooks/slow", drip_reply(world.hostile.stopping))
    subscribe(world, "--webhook", slow, "--name", "slow")
    subscribe(world, "--webhook", hooks.url_for("ops"), "--name", "ops")
    subscribe(world, "--email", "economist@example.com")
    publish(world)

    run = world.run("notify", "--once")

    assert run.code == 0, run.output
    assert "delivered 2, will retry 1, dead 0" in run.stdout, run.output
    assert "no complete answer from http://127.0.0.1" in run.stderr
    assert len(hooks.wait_for(1, name="ops")) == 1 and len(smtp.wait_for(1)) == 1
    rows = world.json("deliveries")
    states = sorted(r["status"] for r in rows)
    assert states == ["pending", "sent", "sent"], rows


def test_a_gzip_bomb_reply_is_never_decoded(world: World, hooks) -> None:
    bomb = body(gzip_bomb(BOMB), content_type="application/json",
                headers={"Content-Encoding": "gzip"})
    subscribe(world, "--webhook", world.hostile.route("/hooks/bomb", bomb), "--name", "bomb")
    subscribe(world, "--webhook", hooks.url_for("ops"), "--name", "ops")
    publish(world)

    run = world.run("notify", "--once")

    assert run.code == 0, run.output
    assert "delivered 2, will retry 0, dead 0" in run.stdout, run.output
    assert run.maxrss_mb < MEMORY_BOUND_MB, f"{run.maxrss_mb:.0f} MB"
    assert world.hostile.requests.count("/hooks/bomb") == 1


def test_subscribe_test_never_echoes_the_reply_body(world: World) -> None:
    internal = body(b'{"AccessKeyId": "ASIA-internal-secret"}', status=500,
                    content_type="application/json")
    sub = subscribe(world, "--webhook", world.hostile.route("/latest/meta-data/", internal))

    run = world.run("subscribe", "test", str(sub))

    assert run.code == 1
    assert "HTTP 500" in run.stderr
    assert "internal-secret" not in run.output
