"""``browse``: the SQLite database in Datasette, secrets hidden, stopped with its parent."""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from bea_tracker.app import App
from bea_tracker.cli.group import main
from bea_tracker.cli.options import fail

logger = logging.getLogger(__name__)

WEB_INSTALL_HINT = "pip install 'bea-tracker[web]'"


def datasette_command() -> list[str] | None:
    """How to run Datasette here, or None when the ``web`` extra is not installed."""
    beside = Path(sys.executable).with_name("datasette")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("datasette")
    if found:
        return [found]
    if importlib.util.find_spec("datasette") is not None:
        return [sys.executable, "-m", "datasette"]
    return None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open it in a web browser.")
@click.pass_obj
def browse(app: App, host: str, port: int, open_browser: bool) -> None:
    """Browse the SQLite database in Datasette (the optional [web] extra).

    The views latest_figures, figure_history and release_list are the place to start.
    """
    from sqlalchemy.engine import make_url

    url = make_url(app.config.database.resolved_url())
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        fail("browse serves a SQLite file; database.url is not one (use psql, where the "
             "same views exist)", 2)
    app.db.dispose()  # creating it applied the migrations, so the views exist
    command = datasette_command()
    if command is None:
        fail(f"Datasette is not installed; install the web extra: {WEB_INSTALL_HINT}", 1)
    assert command is not None
    path = Path(url.database).expanduser()
    with tempfile.TemporaryDirectory(prefix="bea-tracker-browse-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(browse_metadata(path)), encoding="utf-8")
        argv = [*command, "serve", str(path), "--host", host, "--port", str(port),
                "--metadata", str(metadata)]
        argv += ["--open"] if open_browser else []
        click.echo(f"Datasette on http://{host}:{port}/ serving {path} (Ctrl-C to stop)",
                   err=True)
        code = run_child(argv)
    sys.exit(code)


#: tables whose rows hold secrets (subscription targets are Slack URLs, webhook URLs with
#: tokens, signing secrets); Datasette refuses them, and arbitrary SQL, which could read them
SECRET_TABLES = ("subscriptions",)


def browse_metadata(path: Path) -> dict[str, Any]:
    """Datasette metadata: the secret tables denied to everyone and hidden, arbitrary SQL
    off (the views latest_figures, figure_history and release_list are what to browse)."""
    return {"databases": {path.stem: {
        "allow_sql": False,
        "tables": {name: {"allow": False, "hidden": True} for name in SECRET_TABLES},
    }}}


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if this process dies, even of SIGKILL."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_child(argv: list[str], grace: float = 5.0) -> int:
    """Run ``argv`` as a child that stops with us: SIGTERM, SIGINT and SIGHUP to this
    process are passed on (then SIGKILL after ``grace``), so no Datasette is left holding
    the port. Exit 0 when stopped by a signal, else the child's exit code."""
    child = subprocess.Popen(argv, preexec_fn=_die_with_parent if sys.platform == "linux"
                             else None)
    stopped: list[float] = []

    def forward(_signum: int, _frame: object) -> None:
        stopped.append(time.monotonic())
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    watched = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.signal(sig, forward) for sig in watched}
    try:
        while True:
            try:
                code = child.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                if stopped and time.monotonic() - stopped[0] > grace:
                    child.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(grace)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0 if stopped else code
