"""Subscriptions people can manage, through the CLI: duplicates and bad thresholds refused,
edit, pause/resume (a paused subscription gets nothing), rotate-secret, test on a removed
one, export/import as YAML (round trip; all or nothing), Slack URLs checked."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from db.records import FigureRecord, ReleaseRecord
from db.store import Fetched, store_snapshot
from notifier.subscriptions import get_subscription


def listed(cli, config: Path | None = None) -> list[dict]:
    result = cli("subscribe", "list", "--json", config=config)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_duplicates_and_negative_thresholds_are_refused(cli):
    assert cli("subscribe", "add", "--email", "a@example.org", "--indicator",
               "real_gdp").exit_code == 0
    again = cli("subscribe", "add", "--email", "a@example.org", "--indicator", "real_gdp")
    assert again.exit_code == 2 and "the same subscription exists already: 1" in again.stderr
    other = cli("subscribe", "add", "--email", "a@example.org", "--indicator", "pce")
    assert other.exit_code == 0  # another filter is another subscription
    negative = cli("subscribe", "add", "--email", "b@example.org", "--min-change", "-1")
    assert negative.exit_code == 2 and "'--min-change': -1.0 is not in the range x>=0" \
        in negative.stderr
    assert len(listed(cli)) == 2


def test_slack_urls_must_be_slack_webhooks(cli):
    bad = cli("subscribe", "add", "--slack", "https://example.com/services/T0/B0/secret")
    assert bad.exit_code == 2 and "not a Slack incoming-webhook URL" in bad.stderr
    assert "secret" not in bad.stderr  # the path is the secret: masked
    plain = cli("subscribe", "add", "--slack", "http://hooks.slack.com/services/T0/B0/x")
    assert plain.exit_code == 2
    good = cli("subscribe", "add", "--slack", "https://hooks.slack.com/services/T0/B0/x")
    assert good.exit_code == 0, good.stderr


def test_edit_changes_what_is_given_and_keeps_the_rest(cli):
    cli("subscribe", "add", "--email", "a@example.org", "--name", "desk", "--revisions")
    cli("subscribe", "add", "--email", "a@example.org", "--indicator", "real_gdp")

    result = cli("subscribe", "edit", "1", "--indicator", "pce_price_index", "--digest",
                 "daily", "--format", "short")

    assert result.exit_code == 0, result.stderr
    first = listed(cli)[0]
    assert (first["name"], first["digest"], first["format"]) == ("desk", "daily", "short")
    assert first["filter"]["indicators"] == ["pce_price_index"]
    assert first["filter"]["revisions"] is True
    clash = cli("subscribe", "edit", "2", "--indicator", "pce_price_index", "--revisions",
                "--digest", "daily", "--format", "short")
    assert clash.exit_code == 2 and "exists already: 1" in clash.stderr
    assert cli("subscribe", "edit", "1", "--min-change", "-0.5").exit_code == 2
    assert cli("subscribe", "edit", "1", "--indicator", "real_gpd").exit_code == 2
    assert cli("subscribe", "edit", "1", "--clear-filters").exit_code == 0
    assert listed(cli)[0]["filter"]["indicators"] == []
    assert listed(cli)[0]["filter"]["revisions"] is True  # not a filter of releases: kept
    missing = cli("subscribe", "edit", "9", "--name", "x")
    assert missing.exit_code == 1 and "no active subscription 9" in missing.stderr


def store_release(database, n: int) -> None:
    url = f"https://www.bea.gov/news/2026/gdp-release-{n}"
    now = datetime.now(timezone.utc)
    record = ReleaseRecord(url=url, title=f"GDP release {n}", released_at=now,
                           figures=(FigureRecord("real_gdp", "Real GDP", f"2026Q{n}",
                                                 "advance", 1.0 + n, "percent_saar"),))
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(url, f"<html>{n}</html>".encode(), now), record)


def test_a_paused_subscription_gets_nothing_until_resumed(cli, write_config, smtp, database):
    config = write_config({"smtp": {"host": smtp.host, "port": smtp.port}}, name="mail.yaml")
    for who in ("a", "b"):
        cli("subscribe", "add", "--email", f"{who}@example.org", config=config)
    paused = cli("subscribe", "pause", "2", config=config)
    assert paused.exit_code == 0 and "paused subscription 2" in paused.stdout
    assert [s["state"] for s in listed(cli, config)] == ["active", "paused"]
    assert "paused" in cli("subscribe", "list", config=config).stdout

    store_release(database, 1)
    assert "delivered 1" in cli("notify", "--once", config=config).stdout
    assert [m.rcpt_tos for m in smtp.wait_for(1)] == [["a@example.org"]]

    assert cli("subscribe", "resume", "2", config=config).exit_code == 0
    store_release(database, 2)
    assert "delivered 2" in cli("notify", "--once", config=config).stdout
    assert sorted(m.rcpt_tos[0] for m in smtp.wait_for(3)[1:]) == [
        "a@example.org", "b@example.org"]
    assert cli("subscribe", "pause", "7", config=config).exit_code == 1


def test_rotate_secret_replaces_the_webhook_secret(cli, database):
    added = cli("subscribe", "add", "--webhook", "https://hooks.example.org/bea")
    assert added.exit_code == 0
    with database.session() as session:
        before = get_subscription(session, 1).secret
    rotated = cli("subscribe", "rotate-secret", "1")
    assert rotated.exit_code == 0 and "shown once" in rotated.stdout
    with database.session() as session:
        after = get_subscription(session, 1).secret
    assert after and after != before and after in rotated.stdout
    cli("subscribe", "add", "--email", "a@example.org")
    no_secret = cli("subscribe", "rotate-secret", "2")
    assert no_secret.exit_code == 2 and "no secret to rotate" in no_secret.stderr


def test_test_refuses_a_removed_subscription(cli):
    cli("subscribe", "add", "--email", "a@example.org")
    assert cli("subscribe", "remove", "1").exit_code == 0
    result = cli("subscribe", "test", "1")
    assert result.exit_code == 1 and "subscription 1 was removed" in result.stderr


def test_export_then_import_round_trips(cli, write_config, tmp_path):
    cli("subscribe", "add", "--email", "a@example.org", "--name", "desk", "--indicator",
        "real_gdp", "--min-change", "0.2", "--digest", "daily")
    cli("subscribe", "add", "--webhook", "https://hooks.example.org/bea", "--format", "short")
    cli("subscribe", "add", "--slack", "https://hooks.slack.com/services/T0/B0/x")
    cli("subscribe", "pause", "3")
    cli("subscribe", "add", "--email", "gone@example.org")
    cli("subscribe", "remove", "4")
    out = tmp_path / "subs.yaml"
    assert cli("subscribe", "export", "--out", str(out)).exit_code == 0
    document = yaml.safe_load(out.read_text())
    assert document["subscriptions"][0] == {
        "kind": "email", "target": "a@example.org", "name": "desk",
        "indicators": ["real_gdp"], "revisions": True, "min_change": 0.2, "digest": "daily"}
    assert [e["kind"] for e in document["subscriptions"]] == ["email", "webhook", "slack"]
    assert document["subscriptions"][2]["target"].endswith("/T0/B0/x")  # real, not masked

    other = write_config({"database": {"url": f"sqlite:///{tmp_path / 'other.db'}"}},
                         name="other.yaml")
    imported = cli("subscribe", "import", str(out), config=other)
    assert imported.exit_code == 0, imported.stderr
    assert "imported 3 subscriptions" in imported.stdout and "shown once" in imported.stdout

    def comparable(rows: list[dict]) -> list[tuple]:
        return [(r["kind"], r["target"], r["name"], r["filter"], r["digest"], r["format"],
                 r["state"]) for r in rows if r["state"] != "removed"]

    assert comparable(listed(cli, other)) == comparable(listed(cli))
    again = cli("subscribe", "import", str(out), config=other)
    assert "imported 0 subscriptions; 3 already present" in again.stdout


@pytest.mark.parametrize(("document", "needle"), [
    ({"subscriptions": [{"kind": "email", "target": "ok@example.org"},
                        {"kind": "pager", "target": "x"}]}, "entry 2"),
    ({"subscriptions": [{"kind": "email", "target": "ok@example.org", "colour": "red"}]},
     "unknown key 'colour'"),
    ({"subscriptions": [{"kind": "email", "target": "a@example.org", "min_change": -1}]},
     "entry 1: min_change must be 0 or more"),
    ({"subscriptions": [{"kind": "email", "target": "a@example.org",
                         "indicators": ["real_gpd"]}]},
     "entry 1: unknown indicator 'real_gpd'; did you mean real_gdp"),
    ({"subs": []}, "expected 'subscriptions:'"),
])
def test_import_is_all_or_nothing(cli, tmp_path, document, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document))
    result = cli("subscribe", "import", str(path))
    assert result.exit_code == 2 and needle in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1
    assert listed(cli) == []


def test_import_refuses_targets_inside_as_add_does(cli, write_config, tmp_path):
    """A file cannot slip in what ``subscribe add`` refuses: a webhook aimed at the cloud
    metadata address is refused at import (private targets not allowed), nothing imported."""
    strict = write_config({"database": {"url": f"sqlite:///{tmp_path / 'strict.db'}"},
                           "delivery": {"allow_private_targets": False}}, name="strict.yaml")
    path = tmp_path / "inside.yaml"
    path.write_text(yaml.safe_dump({"subscriptions": [
        {"kind": "email", "target": "ok@example.org"},
        {"kind": "webhook", "target": "http://169.254.169.254/latest/meta-data/"}]}))
    added = cli("subscribe", "add", "--webhook", "http://169.254.169.254/latest/meta-data/",
                config=strict)
    imported = cli("subscribe", "import", str(path), config=strict)
    assert added.exit_code == 2
    assert imported.exit_code == 2 and "entry 2: " in imported.stderr
    assert "nothing imported" in imported.stderr
    assert listed(cli, strict) == []
