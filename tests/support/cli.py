"""One way to run the ``bea-tracker`` command line in tests.

Commands that run Twisted's reactor (``OWN_PROCESS``: poll, run, backfill, demo) can run it
once per process, so they get their own: the installed console script, with this checkout
first on ``PYTHONPATH`` (so a worktree tests its own code). Every other command runs in this
process through click's ``CliRunner``: the same code, 1-2 s less start-up per call.
``own_process=True`` forces a child process (to see exactly what a user's shell sees).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT

BEA_TRACKER = str(Path(sys.executable).with_name("bea-tracker"))
OWN_PROCESS = frozenset({"poll", "run", "backfill", "demo"})
TIMEOUT = 120.0  # seconds: an upper bound for one command, never a speed expectation


@dataclass(frozen=True)
class CliResult:
    """One finished command: exit code, stdout, stderr (separately)."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None  # in-process, with ``catch_exceptions=True``

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def returncode(self) -> int:
        """``subprocess``'s name for ``exit_code``."""
        return self.exit_code

    @property
    def code(self) -> int:
        return self.exit_code

    def json(self) -> Any:
        return json.loads(self.stdout)

    def ok(self) -> CliResult:
        """Self if the command exited 0; else fail showing its output."""
        if self.exit_code != 0:
            raise AssertionError(f"bea-tracker {' '.join(self.args)} exited {self.exit_code}:"
                                 f"\n{self.stdout}\n{self.stderr}")
        return self


def argv(*args: str, config: Path | str | None = None) -> list[str]:
    """The arguments after ``bea-tracker``: ``--config CONFIG`` first when given."""
    return [*(["--config", str(config)] if config is not None else []), *args]


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment minus the tracker's own variables (``BEA_*``: a developer's config
    or secrets must not leak into a test), with this checkout first on ``PYTHONPATH``,
    plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEA_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def command_of(args: tuple[str, ...]) -> str | None:
    """The command name: the first argument that is not an option (or an option's value)."""
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("--config", "--log-level"):
            rest = rest[1:]
        elif not arg.startswith("-"):
            return arg
    return None


def run_cli(*args: str, config: Path | str | None = None, input: str | None = None,
            own_process: bool | None = None, check: bool = False, timeout: float = TIMEOUT,
            env: Mapping[str, str] | None = None, cwd: Path | str | None = None,
            catch_exceptions: bool = False) -> CliResult:
    """Run ``bea-tracker [--config CONFIG] ARGS``; ``check`` fails unless it exits 0.

    In-process, an exception the command lets out fails the test (a user would see a
    traceback), unless ``catch_exceptions`` keeps it in ``CliResult.exception``."""
    full = argv(*args, config=config)
    if own_process is None:
        runs_reactor = command_of(tuple(full)) in OWN_PROCESS and "--help" not in full
        own_process = runs_reactor or cwd is not None
    if own_process:
        done = subprocess.run([BEA_TRACKER, *full], input=input, capture_output=True,
                              text=True, timeout=timeout, env=child_env(env), cwd=cwd)
        result = CliResult(tuple(args), done.returncode, done.stdout, done.stderr)
    else:
        from click.testing import CliRunner

        from bea_tracker.cli import main

        out = CliRunner().invoke(main, full, input=input, catch_exceptions=catch_exceptions,
                                 env={"BEA_TRACKER_CONFIG": None, **(env or {})},
                                 prog_name="bea-tracker")
        result = CliResult(tuple(args), out.exit_code, out.stdout, out.stderr, out.exception)
    return result.ok() if check else result


def start_cli(*args: str, config: Path | str | None = None,
              env: Mapping[str, str] | None = None, cwd: Path | str | None = None,
              **popen: Any) -> subprocess.Popen:
    """``bea-tracker [--config CONFIG] ARGS`` as a child process left running (stdin
    closed; ``popen`` passes e.g. ``stdout=``, ``text=`` on to Popen)."""
    popen.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.Popen([BEA_TRACKER, *argv(*args, config=config)], env=child_env(env),
                            cwd=cwd, **popen)
