"""Exceptions the db package raises on purpose (importing this module loads no SQLAlchemy,
so the command line can catch them without paying for it)::

    DatabaseUrlError       database.url cannot work as written (a configuration error)
    DatabaseUnavailable    the database cannot be opened or migrated now (a runtime error)
"""

from __future__ import annotations


class DatabaseUrlError(ValueError):
    """``database.url`` cannot work as written (a configuration error, phrased for people)."""


class DatabaseUnavailable(Exception):
    """The database exists on paper but cannot be opened or migrated now (a runtime error)."""
