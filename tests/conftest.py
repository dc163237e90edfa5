"""Fixtures shared by every test: a real SQLite file, a config file, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from db.migrate import upgrade
from db.session import Database

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bea.db'}"


@pytest.fixture
def database(db_url: str):
    db = Database(db_url)
    upgrade(db.engine)
    yield db
    db.dispose()


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.fixture
def write_config(tmp_path: Path, db_url: str) -> Callable[..., Path]:
    """Write a config YAML pointing at the test database; keyword sections override."""

    def write(data: dict[str, Any] | None = None, name: str = "config.yaml") -> Path:
        merged = deep_merge({"database": {"url": db_url}}, data or {})
        path = tmp_path / name
        path.write_text(yaml.safe_dump(merged), encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(write_config: Callable[..., Path]) -> Callable[..., Result]:
    """Run ``bea-tracker --config <test config> ARGS`` in-process; returns click's Result."""
    from bea_tracker.cli import main

    config_path = write_config()

    def run(*args: str, config: Path | None = None, input: str | None = None) -> Result:
        return CliRunner().invoke(
            main, ["--config", str(config or config_path), *args], input=input,
            catch_exceptions=False,
        )

    return run
