"""subscribe add/list/remove through the CLI: validation, masking, filters stored."""

from __future__ import annotations

import json

SLACK = "https://hooks.slack.com/services/T0001/B0002/very-secret-token"


def test_add_list_remove(cli):
    assert cli("subscribe", "add", "--email", "analyst@example.com", "--indicator",
               "real_gdp", "--min-change", "0.3").exit_code == 0
    added = cli("subscribe", "add", "--slack", SLACK, "--name", "desk")
    assert added.exit_code == 0
    assert "very-secret-token" not in added.output
    hook = cli("subscribe", "add", "--webhook", "https://example.com/hooks/bea")
    assert "secret (shown once)" in hook.stdout

    listed = json.loads(cli("subscribe", "list", "--json").stdout)
    assert [s["kind"] for s in listed] == ["email", "slack", "webhook"]
    assert listed[0]["filter"]["indicators"] == ["real_gdp"]
    assert listed[0]["filter"]["min_change"] == 0.3
    assert listed[0]["filter"]["revisions"] is True
    table = cli("subscribe", "list").stdout
    assert "very-secret-token" not in table and "T0001" not in table
    assert "very-secret-token" not in json.dumps(listed)

    assert cli("subscribe", "remove", "2").exit_code == 0
    assert [s["active"] for s in json.loads(cli("subscribe", "list", "--json").stdout)] == [
        True, False, True]
    assert cli("subscribe", "remove", "2").exit_code == 1


def test_invalid_targets_exit_2_with_reason(cli):
    bad_mail = cli("subscribe", "add", "--email", "not-an-address")
    assert bad_mail.exit_code == 2 and "not-an-address" in bad_mail.stderr
    bad_url = cli("subscribe", "add", "--webhook", "ftp://example.com/x")
    assert bad_url.exit_code == 2 and "http" in bad_url.stderr
    two = cli("subscribe", "add", "--email", "a@example.com", "--slack", SLACK)
    assert two.exit_code == 2 and "exactly one" in two.stderr
    assert json.loads(cli("subscribe", "list", "--json").stdout) == []


def test_deliveries_empty_and_retry_unknown(cli):
    assert json.loads(cli("deliveries", "--json").stdout) == []
    result = cli("deliveries", "retry", "42")
    assert result.exit_code == 1 and "42" in result.stderr


def test_status_without_daemon(cli):
    result = cli("status", "--json")
    assert result.exit_code == 1 and "the daemon is not running" in result.stderr
    info = json.loads(result.stdout)
    assert info["daemon"]["alive"] is False
    assert info["outbox"] == {"pending": 0, "sending": 0, "sent": 0, "dead": 0}
    assert info["last_poll"] is None


def test_unknown_indicator_refused_with_closest_keys(cli):
    """A typo would make a subscription that never matches: exit 2, one line, nothing stored."""
    typo = cli("subscribe", "add", "--email", "a@example.com", "--indicator", "real_gpd")
    assert typo.exit_code == 2
    assert "unknown indicator 'real_gpd'" in typo.stderr and "real_gdp" in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1
    assert json.loads(cli("subscribe", "list", "--json").stdout) == []


def test_indicator_alias_is_stored_as_its_key(cli):
    assert cli("subscribe", "add", "--email", "a@example.com", "--indicator", "real_dpi",
               "--indicator", "state_real_gdp_high").exit_code == 0
    stored = json.loads(cli("subscribe", "list", "--json").stdout)[0]["filter"]["indicators"]
    assert stored == ["real_disposable_personal_income", "state_real_gdp_high"]
