"""The test tree keeps one harness (tests/support/) and stays importable as packages.

Fails when a test folder lacks ``__init__.py`` (pytest would then put the folder itself on
``sys.path``, and a folder named like a package, e.g. tests/unit/notifier, could shadow
it), or when a second CLI runner, ``BEA_TRACKER`` constant or SMTP server appears.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SUPPORT = TESTS / "support"


def _python_files() -> list[Path]:
    return [p for p in TESTS.rglob("*.py") if "fixtures" not in p.relative_to(TESTS).parts]


def _defined_outside_support(pattern: str) -> list[str]:
    found = re.compile(pattern, re.M)
    return sorted(str(p.relative_to(TESTS)) for p in _python_files()
                  if SUPPORT not in p.parents and p != Path(__file__).resolve()
                  and found.search(p.read_text(encoding="utf-8")))


def test_every_test_folder_is_a_package():
    folders = {p.parent for p in _python_files()}
    missing = sorted(str(f.relative_to(TESTS.parent)) for f in folders
                     if not (f / "__init__.py").exists())
    assert missing == [], f"add an empty __init__.py to: {missing}"


def test_helpers_are_imported_as_packages():
    """``from tests.support.live import ...``, never ``from scraper_live import ...``: a
    bare name only resolves while pytest happens to put that folder on sys.path."""
    stems = {p.stem for p in _python_files()}
    bare = re.compile(r"^\s*(?:from|import) (\w+)\b", re.M)
    found = sorted(f"{p.relative_to(TESTS)}: {name}" for p in _python_files()
                   for name in bare.findall(p.read_text(encoding="utf-8")) if name in stems)
    assert found == []


def test_one_cli_runner():
    """Run the CLI through tests/support/cli.py (run_cli, start_cli, the cli/tracker
    fixtures), not click's CliRunner or a hand-built subprocess of the script."""
    assert _defined_outside_support(r"CliRunner\(|with_name\(\"bea-tracker\"\)") == []


def test_paths_come_from_support():
    """``tests.support.paths`` (ROOT, FIXTURES, BEA_CAPTURES), not ``Path(__file__).parents``:
    a test moved to another folder keeps finding its files."""
    assert _defined_outside_support(r"__file__\)(\.resolve\(\))?\.parents") == []


def test_one_smtp_sink_and_webhook_receiver():
    """Use the ``smtp`` and ``hooks`` fixtures (tests/support/servers.py)."""
    assert _defined_outside_support(
        r"^\s*(from|import) aiosmtpd|^\s*def (smtp_sink|receiver)\(") == []


def test_wait_until_returns_the_value_or_names_what_it_waited_for():
    from tests.support.waiting import MAX_STRETCH, WaitTimeout, load_factor, wait_until

    assert wait_until(lambda: [1], 1, "a list") == [1]
    with pytest.raises(WaitTimeout, match="waiting for the impossible"):
        wait_until(lambda: None, 0.01, "the impossible")
    assert 1.0 <= load_factor() <= MAX_STRETCH
