"""Configuration errors exit 2 with one readable line naming the key."""

from __future__ import annotations

import pytest

from tests.support.paths import ROOT


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"bea": {"feed": "x"}}, "unknown key 'bea.feed' (allowed: allowed_hosts, base_url"),
        ({"nonsense": 1}, "unknown key 'nonsense' (allowed: bea, database"),
        ({"polling": {"burst_interval": "fast"}}, "polling.burst_interval: expected a duration"),
        ({"smtp": {"port": "twenty-five"}}, "smtp.port"),
    ],
)
def test_bad_config_exits_2_naming_the_key(cli, write_config, section, expected):
    result = cli("init", config=write_config(section, name="bad.yaml"))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_config_file_exits_2(cli, tmp_path):
    result = cli("latest", config=tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert "config file not found" in result.stderr


def test_invalid_yaml_exits_2(cli, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("database: [unclosed\n")
    result = cli("init", config=bad)
    assert result.exit_code == 2
    assert "not valid YAML" in result.stderr


def test_repo_default_config_is_valid():

    from bea_tracker.config import load_config

    config = load_config(ROOT / "config.yaml")
    assert config.polling.burst_interval == 5
    assert config.bea.feed_url == "https://apps.bea.gov/rss/rss.xml"
    assert config.smtp.password_env == "BEA_SMTP_PASSWORD"


def test_secret_is_read_only_when_needed_and_named(monkeypatch, write_config):
    from bea_tracker.config import SecretMissing, load_config

    config = load_config(write_config({"smtp": {"username": "alerts",
                                                 "password_env": "BEA_TEST_SMTP_PW"}}))
    monkeypatch.delenv("BEA_TEST_SMTP_PW", raising=False)
    with pytest.raises(SecretMissing, match="BEA_TEST_SMTP_PW is not set"):
        config.smtp.password()
    monkeypatch.setenv("BEA_TEST_SMTP_PW", "hunter2-secret")
    assert config.smtp.password() == "hunter2-secret"
    assert "hunter2-secret" not in repr(config)
