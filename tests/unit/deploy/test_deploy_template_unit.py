"""deploy/bea-tracker@.service: N daemons on one host, one PostgreSQL database; it differs
from bea-tracker.service only where several daemons need it to."""

from __future__ import annotations

import shlex

from bea_tracker.cli import main
from tests.support.paths import ROOT
from tests.unit.deploy.test_deploy_unit import DEPLOY, UNIT, parse_unit

TEMPLATE = DEPLOY / "bea-tracker@.service"


def test_template_runs_the_same_daemon_with_the_database_url_from_the_secrets_file():
    single = parse_unit(UNIT.read_text(encoding="utf-8"))
    template = parse_unit(TEMPLATE.read_text(encoding="utf-8"))
    service = template["Service"]

    argv = shlex.split(service["ExecStart"][0])
    assert argv[1:] == ["--config", "/etc/bea-tracker/config.yaml", "run"]
    assert "run" in main.commands
    # the URL (with its password) comes from the root-only file, which must be there
    assert service["EnvironmentFile"] == ["/etc/bea-tracker/secrets.env"]
    assert "%i" in template["Unit"]["Description"][0]
    assert service["SyslogIdentifier"] == ["bea-tracker@%i"]
    differs = {key for key in set(service) | set(single["Service"])
               if service.get(key) != single["Service"].get(key)}
    assert differs == {"EnvironmentFile", "SyslogIdentifier"}
    assert template["Install"] == single["Install"]


def test_the_readme_says_how_to_start_two_and_what_happens_when_one_dies():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    for needed in ("bea-tracker@1", "bea-tracker@2", "createdb", "init", "leader",
                   "takes over", "FOR UPDATE SKIP LOCKED", "LISTEN"):
        assert needed in section, needed
