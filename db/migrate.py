"""Apply Alembic migrations from inside the package (no alembic.ini needed)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported on use: db.fastread reads HEAD_REVISION without it
    from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration; a test checks it against the scripts. Comparing with a constant
# keeps every command's start-up from parsing the migration scripts.
HEAD_REVISION = "0008"


def alembic_config(url: str) -> Config:  # imported lazily
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        from sqlalchemy import inspect, text

        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head; returns True when a migration ran."""
    url = engine.url.render_as_string(hide_password=False)
    if current_revision(engine) == HEAD_REVISION:
        return False
    from alembic import command

    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    logger.info("database migrated to %s", head_revision(url))
    return True
