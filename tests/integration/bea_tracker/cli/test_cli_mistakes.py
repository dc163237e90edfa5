"""Every mistake is one line on stderr and an exit code (2 usage/config, 1 runtime).

Walks the whole click command tree: each command runs with an unknown option, with a bad
global option, and under each bad configuration; none may end in a traceback.
"""

from __future__ import annotations

import click
import pytest
import yaml

from bea_tracker.cli import main
from tests.support.cli import CliResult, run_cli

#: commands that do not read the configuration (they run without it)
NO_CONFIG = {("parse",), ("demo",)}
#: options without which a command stops before reading the configuration
NEEDS = {("plot",): ["--out", "chart.png"], ("subscribe", "add"): ["--email", "a@example.org"],
         ("notify",): ["--once"], ("poll",): ["--once"]}


def leaves(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            if command.invoke_without_command:
                yield path, command
            yield from leaves(command, path)
        else:
            yield path, command


COMMANDS = list(leaves(main))


def required_args(command: click.Command) -> list[str]:
    """Plausible values for the command's required arguments and options."""
    args: list[str] = []
    for param in command.params:
        if isinstance(param, click.Option) and param.required:
            args.append(param.opts[0])
        elif isinstance(param, click.Argument) and param.required:
            if isinstance(param.type, click.Path) and param.type.exists:
                args.append(__file__)  # a file that exists
            else:
                args.append("1" if isinstance(param.type, click.types.IntParamType)
                            else "real_gdp")
    return args


def invoke(*args: str, env: dict[str, str] | None = None) -> CliResult:
    return run_cli(*args, env=env, catch_exceptions=True)


def assert_one_line(result: CliResult, code: int, needle: str = "") -> None:
    tb = "".join(__import__("traceback").format_exception(result.exception)) \
        if result.exception and not isinstance(result.exception, SystemExit) else ""
    assert not tb, tb
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == code, result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert needle in lines[0], lines[0]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=lambda v: " ".join(v)
                         if isinstance(v, tuple) else "")
def test_unknown_option_is_one_line_exit_2(path, command, write_config):
    result = invoke("--config", str(write_config()), *path, *required_args(command),
                    "--no-such-option")
    assert_one_line(result, 2, "--no-such-option")
    assert f"bea-tracker {' '.join(path)} --help" in result.stderr


@pytest.mark.parametrize("level", ["LOUD", "verbose"])
def test_bad_log_level_option_is_one_line(level, write_config):
    assert_one_line(invoke("--config", str(write_config()), "--log-level", level, "latest"), 2,
                    "--log-level")


def test_log_level_option_is_case_insensitive(write_config):
    result = invoke("--config", str(write_config()), "--log-level", "debug", "latest", "--json")
    assert result.exit_code == 0, result.stderr


BAD_CONFIGS = {
    "log level": ({"logging": {"level": "LOUD"}}, "logging.level: expected one of DEBUG"),
    "time zone": ({"delivery": {"timezone": "Mars/Olympus"}},
                  "delivery.timezone: unknown time zone 'Mars/Olympus'"),
    "tls twice": ({"smtp": {"ssl": True, "starttls": True}}, "smtp: choose ssl"),
    "zero interval": ({"polling": {"burst_interval": 0}},
                      "polling.burst_interval: must be more than 0"),
    "zero duration": ({"polling": {"idle_interval": "0s"}}, "polling.idle_interval"),
    "bad duration": ({"polling": {"idle_interval": "soon"}}, "1h30m"),
    "unknown key": ({"smtp": {"pasword": "x"}}, "unknown key 'smtp.pasword'"),
    "missing driver": ({"database": {"url": "postgresql+pg8000://u@127.0.0.1/db"}},
                       "pip install 'bea-tracker[postgres]'"),
    "unknown backend": ({"database": {"url": "oracle2://x"}}, "unknown database kind"),
    "not a url": ({"database": {"url": "my database"}}, "not a database URL"),
    "uncreatable": ({"database": {"url": "sqlite:////proc/nope/x.db"}},
                    "cannot create the folder /proc/nope"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_every_command_refuses_a_bad_config_in_one_line(case, write_config):
    section, needle = BAD_CONFIGS[case]
    config = write_config(section, name="bad.yaml")
    for path, command in COMMANDS:
        if path in NO_CONFIG:
            continue
        result = invoke("--config", str(config), *path, *required_args(command),
                        *NEEDS.get(path, []))
        not_sqlite = "://" in str(section.get("database", {"url": "sqlite"})["url"]) and \
            "sqlite" not in section["database"]["url"]
        # browse refuses any database that is not a SQLite file before it opens it
        assert_one_line(result, 2, "SQLite" if path == ("browse",) and not_sqlite else needle)


def test_folder_as_database_is_one_line(write_config, tmp_path):
    config = write_config({"database": {"url": f"sqlite:///{tmp_path}"}}, name="bad.yaml")
    assert_one_line(invoke("--config", str(config), "status"), 2, "is a folder")


def test_bad_value_from_environment_names_the_variable(write_config):
    result = invoke("--config", str(write_config()), "latest",
                    env={"BEA_TRACKER_POLLING_BURST_INTERVAL": "0"})
    assert_one_line(result, 2, "BEA_TRACKER_POLLING_BURST_INTERVAL")


def test_compound_durations_are_accepted():
    from bea_tracker.config import parse_config

    config = parse_config({"polling": {"burst_after": "1h30m", "burst_interval": "500ms"}})
    assert config.polling.burst_after == 5400
    assert config.polling.burst_interval == 0.5


def test_unreadable_database_is_a_runtime_error_for_every_command(write_config, tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a SQLite database" * 100)
    config = write_config({"database": {"url": f"sqlite:///{garbage}"}}, name="garbage.yaml")
    for path in [("status",), ("latest",), ("run", "--once"), ("poll", "--once"),
                 ("notify", "--once"), ("export",), ("subscribe", "list"), ("deliveries",)]:
        result = invoke("--config", str(config), *path)
        assert_one_line(result, 1, "cannot open the database")


def test_export_to_a_missing_folder_is_one_line(write_config):
    result = invoke("--config", str(write_config()), "export", "--out",
                    "/nonexistent/dir/x.csv")
    assert_one_line(result, 2, "/nonexistent/dir does not exist")


def test_export_to_an_unwritable_file_is_one_line(write_config, database):
    # /proc takes no new files, even from root
    result = invoke("--config", str(write_config()), "export", "--out", "/proc/bea-x.csv")
    assert_one_line(result, 1, "cannot write")


def test_config_file_written_by_hand_with_every_mistake_names_the_first(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text(yaml.safe_dump({"logging": {"level": "LOUD"},
                                   "delivery": {"timezone": "Mars/Olympus"}}))
    result = invoke("--config", str(bad), "status")
    assert_one_line(result, 2, "(and 1 more)")
