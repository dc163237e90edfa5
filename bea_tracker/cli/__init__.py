"""The ``bea-tracker`` command line: thin commands over the library functions.

Exit codes: 0 success; 1 runtime failure; 2 usage or configuration error (one line on
stderr). ``group`` holds the command group; each module below attaches one command group's
commands to it when imported here.
"""

from bea_tracker.cli import (  # noqa: F401 - registers
    alerts,
    audit,
    demo,
    history,
    poll,
    query,
    run,
)
from bea_tracker.cli.group import main

__all__ = ["main"]
