"""The ``bea-tracker`` command line: thin commands over the library functions.

Exit codes: 0 success; 1 runtime failure; 2 usage or configuration error (one line on
stderr). ``group`` holds the command group; each module below attaches one command group's
commands to it when imported here.
"""

import sys
from pathlib import Path

from bea_tracker import signals

if Path(sys.argv[0]).name in ("bea-tracker", "__main__.py"):  # the program, not an import
    signals.install()  # before the heavy imports: SIGTERM is a clean exit from now on

from bea_tracker.cli import (  # noqa: E402, F401 - registers
    alerts,
    audit,
    backfill,
    browse,
    demo,
    history,
    poll,
    publish,
    query,
    run,
    subscribe,
)
from bea_tracker.cli.group import accept_database_url_everywhere, main  # noqa: E402

accept_database_url_everywhere(main)

__all__ = ["main"]
