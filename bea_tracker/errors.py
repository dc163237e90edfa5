"""The composition root's own exceptions and names, in a module that imports nothing heavy
(the command line loads it for every command, ``--help`` included; pydantic is loaded only
when a command reads the config)::

    ConfigError            a configuration problem: exit 2 with one line naming the key
     +-- SecretMissing     a secret's environment variable is unset (raised when needed)
"""

from __future__ import annotations

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A configuration problem, phrased for the person who wrote the file."""


class SecretMissing(ConfigError):
    """A secret's environment variable is not set (raised only when it is needed)."""
