"""Hostile mail servers and Apprise targets: an SMTP reply that never ends (or one 10 MB
line) is cut at 64 KB as one transient error; an Apprise URL aimed inside is refused at
``subscribe add`` and at send time; an Apprise service that drips its answer is cut at the
send deadline. Healthy subscribers are alerted anyway."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from bea_tracker.demo.localbea import synthetic_gdp_release
from tests.hostile.hostile_smtp import HostileSmtp
from tests.hostile.hostile_world import World, body, drip_reply

MEMORY_BOUND_MB = 320


@pytest.fixture
def endless_smtp() -> Iterator[HostileSmtp]:
    server = HostileSmtp("endless")
    yield server
    server.stop()


@pytest.fixture
def long_line_smtp() -> Iterator[HostileSmtp]:
    server = HostileSmtp("long_line")
    yield server
    server.stop()


def subscribe(world: World, *args: str) -> None:
    done = world.run("subscribe", "add", *args)
    assert done.code == 0, done.output


def publish(world: World) -> None:
    assert world.poll().code == 0
    world.bea.publish(synthetic_gdp_release(datetime.now(timezone.utc)))
    assert world.poll().code == 0


def mail_row(world: World) -> dict:
    (row,) = [r for r in world.json("deliveries") if r["kind"] == "email"]
    return row


@pytest.mark.parametrize("server", ["endless_smtp", "long_line_smtp"])
def test_an_smtp_reply_past_64_kb_is_cut_as_one_transient_error(world: World, hooks, server,
                                                               request) -> None:
    hostile: HostileSmtp = request.getfixturevalue(server)
    # a deadline far off: the size cap, not the watchdog, must end the exchange
    world.configure(smtp={"host": "127.0.0.1", "port": hostile.port, "timeout": 30},
                    delivery={"send_deadline": "40s", "lease": "2m"})
    subscribe(world, "--email", "economist@example.com")
    subscribe(world, "--webhook", hooks.url_for("ops"))
    publish(world)

    run = world.run("notify", "--once")

    assert run.code == 0, run.output
    assert "delivered 1, will retry 1, dead 0" in run.stdout, run.output
    assert len(hooks.wait_for(1, name="ops")) == 1
    cut = [line for line in run.stderr.splitlines() if "64 KB" in line]
    assert len(cut) == 1 and "reply ran past 64 KB; cut" in cut[0], run.stderr
    assert "no complete exchange" not in run.stderr
    assert run.maxrss_mb < MEMORY_BOUND_MB, f"{run.maxrss_mb:.0f} MB"
    row = mail_row(world)
    assert row["status"] == "pending" and "reply ran past 64 KB" in row["last_error"]
    assert hostile.connections == 1


INSIDE_APPRISE = [
    "json://127.0.0.1:8080/hook",
    "json://169.254.169.254/latest/meta-data/",
    "jsons://10.1.2.3/hook",
    "ntfy://192.168.0.10/topic",
    "json://localhost:9000/hook",
]


@pytest.mark.parametrize("url", INSIDE_APPRISE)
def test_an_apprise_url_aimed_inside_is_refused_at_subscribe_add(write_config, cli,
                                                                 url: str) -> None:
    strict = write_config({"delivery": {"allow_private_targets": False}}, name="strict.yaml")
    result = cli("subscribe", "add", "--apprise", url, config=strict)
    assert result.exit_code == 2, result.output
    assert "loopback, private, link-local or reserved address; refused" in result.output
    assert "allow_private_targets" in result.output
    assert cli("subscribe", "list", "--json", config=strict).stdout.strip() == "[]"


def test_an_apprise_service_on_its_own_host_is_accepted(write_config, cli) -> None:
    """A token in the host slot is not a host: never resolved, never refused."""
    strict = write_config({"delivery": {"allow_private_targets": False}}, name="strict.yaml")
    result = cli("subscribe", "add", "--apprise", "discord://4174216298/JHMHI8qBe7bk2ZwO5U711",
                 config=strict)
    assert result.exit_code == 0, result.output


def test_an_apprise_url_that_turned_inside_is_refused_at_send_time(world: World,
                                                                   hooks) -> None:
    internal = world.hostile.route("/latest/meta-data/", body(b"secret", status=200))
    subscribe(world, "--apprise", internal.replace("http://", "json://"))
    subscribe(world, "--webhook", hooks.url_for("ops"))
    publish(world)
    world.configure(delivery={"allow_private_targets": False})
    run = world.run("notify", "--once")  # the webhook sink is on 127.0.0.1 too: refused

    assert run.code == 0, run.output
    assert "delivered 0, will retry 0, dead 2" in run.stdout, run.output
    assert hooks.calls == []
    assert "/latest/meta-data/" not in world.hostile.requests
    rows = world.json("deliveries")
    apprise_row = next(r for r in rows if r["kind"] == "apprise")
    assert apprise_row["status"] == "dead"
    assert "resolves to 127.0.0.1" in apprise_row["last_error"]


def test_a_dripping_apprise_service_is_cut_at_the_send_deadline(world: World, smtp) -> None:
    world.configure(smtp={"host": "127.0.0.1", "port": smtp.port},
                    delivery={"send_deadline": "2s", "lease": "10s"})
    slow = world.hostile.route("/hooks/slow", drip_reply(world.hostile.stopping))
    subscribe(world, "--apprise", slow.replace("http://", "json://"))
    subscribe(world, "--email", "economist@example.com")
    publish(world)

    run = world.run("notify", "--once")

    assert run.code == 0, run.output
    assert "delivered 1, will retry 1, dead 0" in run.stdout, run.output
    assert len(smtp.wait_for(1)) == 1
    row = next(r for r in world.json("deliveries") if r["kind"] == "apprise")
    assert row["status"] == "pending"
    # the channel's own watchdog (the delivery loop's backstop would say no "apprise")
    assert row["last_error"].startswith("apprise JSON at json://127.0.0.1:"), row
    assert row["last_error"].endswith("no complete send within 2 s"), row
    assert world.hostile.requests.count("/hooks/slow") == 1


# -- in this process: the Apprise worker's sockets, as the deadline and the policy see them

def apprise_send(url: str, timeout: float, allow_private: bool) -> None:
    from db.records import EventRecord, Subscription
    from notifier.channels.apprise_urls import AppriseChannel
    from notifier.settings import DeliveryContext

    event = EventRecord(id=1, kind="source_problem", created_at=datetime.now(timezone.utc),
                        message="the feed failed 3 times", source="feed")
    AppriseChannel().deliver(Subscription(id=1, kind="apprise", target=url), [event], 1,
                             DeliveryContext(timeout=timeout,
                                             allow_private_targets=allow_private))


def apprise_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "bea-apprise" and t.is_alive()]


def test_a_send_cut_at_its_deadline_leaves_no_thread_behind(world: World) -> None:
    from notifier.errors import TransientSendError
    from tests.support.waiting import wait_until

    slow = world.hostile.route("/hooks/slow", drip_reply(world.hostile.stopping))
    with pytest.raises(TransientSendError, match="no complete send within 1 s"):
        apprise_send(slow.replace("http://", "json://"), timeout=1, allow_private=True)
    # its socket was shut down: the worker ends now, not when the drip does (hours)
    wait_until(lambda: not apprise_threads(), 10, "the cut Apprise send's thread to end")


def test_a_name_that_rebinds_to_loopback_is_refused_at_connect(monkeypatch) -> None:
    """``localhost`` checked as a public address (the scripted first answer), then resolved
    by Apprise itself to 127.0.0.1: the connection is refused before it is made."""
    import ipaddress
    import socket

    from notifier import targets
    from notifier.errors import TransientSendError

    real = targets.resolve_addresses
    monkeypatch.setattr(targets, "resolve_addresses", lambda host, port: (
        [ipaddress.ip_address("93.184.216.34")] if host == "localhost" else real(host, port)))
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        with pytest.raises(TransientSendError, match="apprise JSON"):
            apprise_send(f"json://localhost:{port}/hooks/x", timeout=5, allow_private=False)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing connected
