"""The layout's two rules, checked on every import the packages make (ast, so imports
inside functions and ``TYPE_CHECKING`` blocks count too):

- dependencies point one way, ``bea_tracker -> scraper, notifier -> db``: scraper and
  notifier never import each other, db imports neither, nobody imports bea_tracker;
- only ``db`` touches the ORM: no module outside it imports ``db.models``, and none
  imports SQLAlchemy except to parse a database URL or catch its errors.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

PACKAGES = ("bea_tracker", "scraper", "notifier", "db")
MAY_IMPORT = {
    "bea_tracker": {"bea_tracker", "scraper", "notifier", "db"},
    "scraper": {"scraper", "db"},
    "notifier": {"notifier", "db"},
    "db": {"db"},
}
# outside db/: reading a database URL (validation, display with the password hidden) and
# catching SQLAlchemy's errors at the CLI boundary; neither builds a query
SQLALCHEMY_ALLOWED = {"sqlalchemy.engine.make_url", "sqlalchemy.exc"}


def imported_names(source: str, module: str) -> list[tuple[int, str]]:
    """(line, dotted name) of everything ``source`` imports, at any depth; relative
    imports are resolved against ``module``; ``from a import b`` yields ``a.b``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def violations(path: str, source: str) -> list[str]:
    """What ``source`` (the file at ``path``, relative to the root) imports against the
    layout's rules."""
    module = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    package = module.split(".")[0]
    wrong = []
    for line, name in imported_names(source, module):
        target = name.split(".")[0]
        where = f"{path}:{line} imports {name}"
        if target in PACKAGES and target not in MAY_IMPORT[package]:
            wrong.append(f"{where}: {package} may not import {target}")
        if package == "db":
            continue
        if name == "db.models" or name.startswith("db.models."):
            wrong.append(f"{where}: only db/ touches ORM rows")
        if target == "sqlalchemy" and not any(
            name == allowed or name.startswith(allowed + ".")
            for allowed in SQLALCHEMY_ALLOWED
        ):
            wrong.append(f"{where}: only db/ builds queries")
    return wrong


def package_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_the_packages_follow_the_layout():
    files = package_files()
    assert len(files) > 100
    wrong = [v for path in files
             for v in violations(path.relative_to(ROOT).as_posix(),
                                 path.read_text(encoding="utf-8"))]
    assert wrong == []


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("scraper/x.py", "import notifier.delivery", "scraper may not import notifier"),
        ("notifier/x.py", "def f():\n    from scraper import fetch\n",
         "notifier may not import scraper"),
        ("db/x.py", "from bea_tracker.config import AppConfig", "db may not import bea_tracker"),
        ("scraper/x.py", "from bea_tracker import app", "scraper may not import bea_tracker"),
        ("bea_tracker/x.py", "from db.models import Release", "only db/ touches ORM rows"),
        ("notifier/x.py", "from db import models", "only db/ touches ORM rows"),
        ("scraper/crawl/x.py", "from ...db import models", "only db/ touches ORM rows"),
        ("scraper/x.py", "from sqlalchemy import select", "only db/ builds queries"),
        ("bea_tracker/x.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
         "    from sqlalchemy.orm import Session\n", "only db/ builds queries"),
    ],
)
def test_an_import_against_the_layout_is_caught(path, source, expected):
    assert any(expected in v for v in violations(path, source))


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("bea_tracker/x.py", "from scraper.poller import Poller\nfrom notifier import rules"),
        ("scraper/x.py", "from db.records import FeedItem\nfrom db.session import Session"),
        ("db/x.py", "from sqlalchemy import select\nfrom db.models import Release"),
        ("bea_tracker/x.py", "from sqlalchemy.engine import make_url\n"
         "from sqlalchemy.exc import SQLAlchemyError"),
    ],
)
def test_imports_along_the_layout_pass(path, source):
    assert violations(path, source) == []


def test_no_noqa_for_rules_ruff_does_not_run():
    """ruff runs E, F, I, B and C90 (pyproject): a ``noqa: ANN`` silences nothing and only
    hides a missing annotation."""
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in [*package_files(), *sorted((ROOT / "tests").rglob("*.py")),
                          *sorted((ROOT / "bench").rglob("*.py"))]
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "noqa: ANN" in line and path != Path(__file__)]
    assert found == []
