"""The history tools ask db/ for records: no module of bea_tracker/history (nor the archive
parser) imports the ORM models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

MODULES = sorted((ROOT / "bea_tracker" / "history").glob("*.py")) + [
    ROOT / "scraper" / "archive.py", ROOT / "scraper" / "robots.py"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_orm_models_outside_db(path):
    assert not {n for n in _imports(path) if n == "db.models" or n.startswith("db.models.")}


def test_the_backfill_is_among_the_modules_checked():
    assert {p.name for p in MODULES} >= {"backfill.py", "archive.py", "plotting.py"}
