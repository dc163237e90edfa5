"""SIGTERM from the first moment of start-up.

``bea-tracker`` installs :func:`install` before it imports anything heavy. Until a command
takes over, SIGTERM ends the process cleanly (exit 0). The daemon calls :func:`defer`
first thing: from then on SIGTERM is only recorded, and the daemon honours it at its next
step of start-up (before claiming the database, once its own loop handlers are in place),
so a stop during start-up is an orderly exit 0, never a death by signal.
"""

from __future__ import annotations

import signal
import threading

_state = {"requested": False, "defer": False}


def _on_sigterm(_signum: int, _frame: object) -> None:
    _state["requested"] = True
    if not _state["defer"]:
        raise SystemExit(0)


def install() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


def defer() -> None:
    """Record SIGTERM instead of exiting (the daemon checks :func:`requested`)."""
    _state["defer"] = True


def requested() -> bool:
    return _state["requested"]


def release() -> None:
    """Back to the default action (a command with nothing to finish)."""
    if requested():
        raise SystemExit(0)
    _state["defer"] = False
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGTERM) is _on_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
