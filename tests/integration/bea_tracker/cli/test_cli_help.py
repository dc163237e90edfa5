"""Every command has --help (sqlite-utils' test_docs idea), and the top level lists them."""

from __future__ import annotations

import click
import pytest

from bea_tracker.cli import main
from tests.support.cli import run_cli


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


COMMANDS = sorted(all_commands(main))


def test_top_level_help_lists_every_command():
    result = run_cli("--help")
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help(path):
    result = run_cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command = main
    for part in path:
        command = command.commands[part]
    assert command.help, f"{' '.join(path)} has no help text"


def test_expected_commands_exist():
    assert {"init", "latest", "history", "revisions", "show", "export"} <= set(main.commands)
