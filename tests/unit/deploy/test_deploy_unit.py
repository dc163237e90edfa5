"""The systemd unit and example config in deploy/: parsed, checked against the CLI and the
daemon, and verified by systemd-analyze where it is installed."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
import yaml

from bea_tracker.cli import main
from bea_tracker.config import parse_config
from bea_tracker.daemon.service import STOP_GRACE_SECONDS
from tests.support.paths import ROOT

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "bea-tracker.service"

HARDENING = ["NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
             "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups",
             "LockPersonality", "RestrictRealtime"]


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """Sections of key -> values in order (systemd allows a key more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"key outside a section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.fixture(scope="module")
def service() -> dict[str, list[str]]:
    return parse_unit(UNIT.read_text(encoding="utf-8"))["Service"]


def one(service: dict[str, list[str]], key: str) -> str:
    values = service.get(key, [])
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)\s*(s|min)?", value)
    assert match, value
    return int(match.group(1)) * (60 if match.group(2) == "min" else 1)


def test_unit_has_the_three_sections():
    assert set(parse_unit(UNIT.read_text(encoding="utf-8"))) == {"Unit", "Service", "Install"}


def test_exec_start_runs_the_daemon_with_the_etc_config(service):
    argv = shlex.split(one(service, "ExecStart"))
    assert argv == ["/opt/bea-tracker/.venv/bin/bea-tracker", "--config",
                    "/etc/bea-tracker/config.yaml", "run"]
    assert "run" in main.commands  # the command the unit runs exists
    assert "--once" not in argv


def test_restart_and_stop_fit_the_daemon(service):
    assert one(service, "Type") == "simple"
    assert one(service, "Restart") == "on-failure"
    assert seconds(one(service, "RestartSec")) >= 1
    assert one(service, "RestartPreventExitStatus") == "2"  # config error / second instance
    assert one(service, "KillSignal") == "SIGTERM"
    # the daemon's own grace period for in-flight work must end before systemd's SIGKILL
    assert seconds(one(service, "TimeoutStopSec")) == 15 > STOP_GRACE_SECONDS + 2


def test_secrets_come_from_an_optional_env_file(service):
    assert one(service, "EnvironmentFile") == "-/etc/bea-tracker/secrets.env"
    env = (DEPLOY / "secrets.env.example").read_text(encoding="utf-8")
    assert re.search(r"^BEA_SMTP_PASSWORD=", env, re.MULTILINE)


@pytest.mark.parametrize("key", HARDENING)
def test_hardening_option_is_on(service, key):
    assert one(service, key) == "yes"


def test_filesystem_network_and_syscalls_are_restricted(service):
    assert one(service, "ProtectSystem") == "strict"
    assert one(service, "StateDirectory") == "bea-tracker"
    assert one(service, "User") == one(service, "Group") == "bea-tracker"  # never root
    assert one(service, "RestrictAddressFamilies").split() == ["AF_INET", "AF_INET6", "AF_UNIX"]
    assert service["SystemCallFilter"][0] == "@system-service"
    assert one(service, "CapabilityBoundingSet") == ""


def test_memory_deny_write_execute_stays_off(service):
    """Scrapy's HTTPS goes through pyOpenSSL, which registers cffi callbacks needing W+X
    memory: with MemoryDenyWriteExecute=yes every crawl of bea.gov fails (checked with
    prctl(PR_SET_MDWE): "MemoryError: Cannot allocate write+execute memory")."""
    assert service.get("MemoryDenyWriteExecute", ["no"]) == ["no"]


def test_example_config_is_valid_and_keeps_the_database_in_the_state_directory():
    data = yaml.safe_load((DEPLOY / "config.example.yaml").read_text(encoding="utf-8"))
    config = parse_config(data, "config.example.yaml")
    assert config.database.url == "sqlite:////var/lib/bea-tracker/bea-tracker.db"
    assert config.smtp.password_env == "BEA_SMTP_PASSWORD"
    assert "password" not in data["smtp"]  # only the variable's name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_analyze_verifies_the_unit(tmp_path):
    # verify checks that ExecStart exists: point it at a binary this machine has
    text = UNIT.read_text(encoding="utf-8").replace(
        "ExecStart=/opt/bea-tracker/.venv/bin/bea-tracker", "ExecStart=/bin/echo")
    unit = tmp_path / "bea-tracker.service"
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    security = subprocess.run(["systemd-analyze", "security", "--offline=true", str(unit)],
                              capture_output=True, text=True, timeout=60)
    if security.returncode != 0 and "offline" in security.stderr:
        pytest.skip("this systemd-analyze has no --offline security check")
    level = re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout)
    assert level and float(level.group(1)) <= 2.0, security.stdout[-500:]
