"""A channel kind is one class: the CLI options, the settings the composition root builds,
subscriptions and masking all come from the registry, so a new kind is one module + one line."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bea_tracker.config import parse_config
from bea_tracker.wiring import channel_settings, context_factory
from db.records import EventRecord, Subscription
from notifier import channels
from notifier.channels import CHANNELS, Channel, ChannelOption
from notifier.channels.email import SmtpSettings
from notifier.errors import InvalidTarget, TransientSendError
from notifier.settings import DeliveryContext
from notifier.subscriptions import add_subscription, describe
from tests.support.cli import run_cli


def test_subscribe_add_offers_one_option_per_registered_kind():
    help_text = run_cli("subscribe", "add", "--help").output
    for channel in CHANNELS.values():
        assert f"{channel.option.flag} {channel.option.metavar}" in help_text
        assert channel.option.help.split()[0] in help_text


def test_email_settings_come_from_its_section_with_the_password_from_env(monkeypatch):
    monkeypatch.setenv("BEA_TEST_SMTP_PW", "hunter2-pw")
    config = parse_config({"smtp": {"host": "mail.example.org", "port": 587, "username": "bea",
                                    "password_env": "BEA_TEST_SMTP_PW", "starttls": True,
                                    "from": "alerts@example.org", "timeout": "7s"}})
    settings = channel_settings(config, "email")
    assert settings == SmtpSettings("mail.example.org", 587, "alerts@example.org", "bea",
                                    "hunter2-pw", starttls=True, timeout=7.0)
    assert "hunter2-pw" not in repr(settings)
    assert channel_settings(config, "slack") is None
    assert channel_settings(config, "webhook") is None


def test_unset_password_variable_is_a_transient_failure_naming_it(monkeypatch):
    monkeypatch.delenv("BEA_TEST_SMTP_PW", raising=False)
    config = parse_config({"smtp": {"username": "bea", "password_env": "BEA_TEST_SMTP_PW"}})
    context_for = context_factory(config)
    with pytest.raises(TransientSendError, match="BEA_TEST_SMTP_PW"):
        context_for("email")
    assert context_for("webhook").settings is None


class PagerChannel(Channel):
    """A made-up kind: what a new module would hold."""

    kind = "pager"
    option = ChannelOption("--pager", "NUMBER", "Page this number.")
    sent: list[str] = []

    def check_target(self, target: str) -> str:
        if not target.isdigit():
            raise InvalidTarget(f"pager number must be digits, got {target!r}")
        return target

    def mask(self, target: str) -> str:
        return "***" + target[-2:]

    def new_secret(self) -> str:
        return "pager-secret"

    def deliver(self, subscription: Subscription, events: Sequence[EventRecord],
                outbox_id: int | None, context: DeliveryContext) -> None:
        self.sent.append(self.target_of(subscription))


def test_a_new_kind_is_one_class_and_one_registry_line(monkeypatch, database):
    monkeypatch.setitem(channels.CHANNELS, "pager", PagerChannel())
    with database.unit_of_work() as session:
        with pytest.raises(InvalidTarget, match="must be digits"):
            add_subscription(session, "pager", "call me")
        sub = add_subscription(session, "pager", " 5551234 ")
    assert sub.target == "5551234" and sub.secret == "pager-secret"
    assert describe(sub)["target"] == "***34"
    assert channel_settings(parse_config({}), "pager") is None
    channels.get_channel("pager").deliver(sub, [], None, DeliveryContext())
    assert PagerChannel.sent == ["5551234"]


def test_unknown_kind_is_refused_and_masked_like_a_secret_url(database):
    with database.unit_of_work() as session, pytest.raises(InvalidTarget, match="pager"):
        add_subscription(session, "pager", "5551234")
    assert channels.mask_target("pager", "https://example.org/secret") == (
        "https://example.org/\u2026"
    )


@pytest.mark.parametrize(
    ("kind", "target", "hosts"),
    [
        ("email", "alice@example.org", ()),
        ("slack", "https://hooks.slack.com/services/T/B/S", ("hooks.slack.com",)),
        ("webhook", "http://10.0.0.5:8080/hook", ("10.0.0.5",)),
        ("apprise", "json://127.0.0.1:9000/hooks/x", ("127.0.0.1",)),
        ("apprise", "ntfy://ntfy.example.org/topic", ("ntfy.example.org",)),
        ("apprise", "discord://1234567/tokenABCDEF", ()),
    ],
)
def test_each_kind_says_which_hosts_it_connects_to(kind, target, hosts):
    assert channels.get_channel(kind).target_hosts(target) == hosts
