"""Subscription targets aimed inside the network: refused at ``subscribe add`` and again
at send time after DNS resolution, unless ``delivery.allow_private_targets`` is true."""

from __future__ import annotations

import pytest

from tests.hostile.hostile_world import World, body

INSIDE = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://127.0.0.1:8080/hook",
    "http://[::1]/hook",
    "http://0x7f000001/hook",
    "http://2130706433/hook",
    "http://localhost:9000/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.1/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
]


@pytest.fixture
def strict(write_config, cli):
    config = write_config({"delivery": {"allow_private_targets": False}}, name="strict.yaml")
    return lambda *args: cli(*args, config=config)


@pytest.mark.parametrize("url", INSIDE)
def test_a_webhook_aimed_inside_is_refused_at_subscribe_add(strict, url: str) -> None:
    result = strict("subscribe", "add", "--webhook", url)
    assert result.exit_code == 2, result.output
    assert "loopback, private, link-local or reserved address; refused" in result.output
    assert "allow_private_targets" in result.output
    assert strict("subscribe", "list", "--json").stdout.strip() == "[]"


@pytest.mark.parametrize("url", [
    "https://evil.example/services/T0/B0/x", "http://hooks.slack.com/services/T0/B0/x",
    "https://hooks.slack.com.evil.example/services/x", "http://127.0.0.1/services/x",
])
def test_a_slack_target_must_be_hooks_slack_com(strict, url: str) -> None:
    result = strict("subscribe", "add", "--slack", url)
    assert result.exit_code == 2, result.output
    assert "https://hooks.slack.com/" in result.output and "refused" not in result.output


def test_a_real_slack_url_is_accepted(strict) -> None:
    """hooks.slack.com does not resolve here (no network): accepted now, checked at send."""
    result = strict("subscribe", "add", "--slack", "https://hooks.slack.com/services/T0/B0/x")
    assert result.exit_code == 0, result.output


def test_private_targets_are_allowed_when_configured(cli) -> None:
    result = cli("subscribe", "add", "--webhook", "http://127.0.0.1:8080/hook")
    assert result.exit_code == 0, result.output


def test_a_target_that_turned_inside_is_refused_at_send_time(world: World) -> None:
    """Added while allowed (or while its name pointed elsewhere); refused before the POST
    once the policy says no: the row is dead with one clear reason, nothing was sent."""
    internal = world.hostile.route("/latest/meta-data/", body(b"secret", status=200))
    assert world.run("subscribe", "add", "--webhook", internal).code == 0
    assert world.poll().code == 0
    from datetime import datetime, timezone

    from bea_tracker.demo.localbea import synthetic_gdp_release
    world.bea.publish(synthetic_gdp_release(datetime.now(timezone.utc)))
    assert world.poll().code == 0
    world.configure(delivery={"allow_private_targets": False})

    run = world.run("notify", "--once")

    assert run.code == 0, run.output
    assert "delivered 0, will retry 0, dead 1" in run.stdout, run.output
    assert "resolves to 127.0.0.1" in run.stderr
    assert "/latest/meta-data/" not in world.hostile.requests
    (row,) = world.json("deliveries")
    assert row["status"] == "dead"
