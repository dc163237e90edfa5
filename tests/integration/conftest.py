"""Integration tests: real local servers (``bea``, ``smtp``, ``hooks`` from
tests/support/servers.py, loaded for every test) and the CLI bound to an area's config.

An area's conftest defines ``config_path`` (its config pointing at the local servers);
``tracker`` and ``tracker_json`` run ``bea-tracker --config <config_path> ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CliResult, run_cli


@pytest.fixture
def tracker(config_path: Path) -> Callable[..., CliResult]:
    """``tracker(*args, check=True, timeout=120)``: run ``bea-tracker`` as a user would (its
    own process for the commands that run the reactor, in-process for the others); fails
    unless it exits 0, when ``check``."""

    def run(*args: str, check: bool = True, timeout: float = 120, **kw: Any) -> CliResult:
        return run_cli(*args, config=config_path, check=check, timeout=timeout, **kw)

    return run


@pytest.fixture
def tracker_json(tracker: Callable[..., CliResult]) -> Callable[..., Any]:
    """``tracker_json(*args)``: the command's stdout parsed as JSON (it must exit 0)."""

    def run(*args: str) -> Any:
        return tracker(*args).json()

    return run
