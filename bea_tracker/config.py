"""Configuration: YAML loaded with ``safe_load`` and validated once into frozen models.

Errors surface as :class:`ConfigError` with one readable line naming the key (and, for an
unknown key, the allowed ones); the CLI turns it into exit code 2. Secrets are referenced
by environment-variable name and resolved only when the channel that needs them is used.
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any

import yaml
from platformdirs import user_data_dir
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

DEFAULT_CONFIG_NAME = "config.yaml"
ENV_CONFIG = "BEA_TRACKER_CONFIG"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


class ConfigError(Exception):
    """A configuration problem, phrased for the person who wrote the file."""


class SecretMissing(ConfigError):
    """A secret's environment variable is not set (raised only when it is needed)."""


def _seconds(value: Any) -> float:
    """Durations are numbers of seconds or strings such as '5s', '1m', '2h'."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 5m or 1h")
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"expected a duration such as 30s, 5m or 1h, got {value!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


Seconds = Annotated[float, BeforeValidator(_seconds), Field(ge=0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DatabaseConfig(_Section):
    url: str | None = None

    def resolved_url(self) -> str:
        if self.url:
            return self.url
        path = Path(user_data_dir("bea-tracker")) / "bea-tracker.db"
        return f"sqlite:///{path}"


class BeaConfig(_Section):
    base_url: str = "https://www.bea.gov"
    feed_url: str = "https://apps.bea.gov/rss/rss.xml"
    schedule_url: str = "https://www.bea.gov/news/schedule"
    schedule_ics_url: str = (
        "https://www.bea.gov/news/schedule/ics/online-calendar-subscription.ics"
    )
    allowed_hosts: tuple[str, ...] = ("www.bea.gov", "apps.bea.gov", "bea.gov")
    user_agent: str = "bea-tracker/0.1 (release tracker)"


class PollingConfig(_Section):
    idle_interval: Seconds = 300
    burst_before: Seconds = 60
    burst_after: Seconds = 900
    burst_interval: Seconds = 5
    timeout: Seconds = 20
    schedule_refresh: Seconds = 86400
    probe_predicted_urls: bool = True
    failure_threshold: int = Field(3, ge=1)


class SmtpConfig(_Section):
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    username: str | None = None
    password_env: str | None = "BEA_SMTP_PASSWORD"
    starttls: bool = False
    ssl: bool = False
    from_addr: str = Field("bea-tracker@localhost", alias="from")
    timeout: Seconds = 20

    def password(self) -> str | None:
        """The SMTP password from its environment variable; only asked for when sending.

        No username means no login, so no password is needed.
        """
        if not self.username:
            return None
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise SecretMissing(
                f"smtp.password_env: environment variable {self.password_env} is not set "
                "(needed to log in to the SMTP server)"
            )
        return value

    def channel_values(self) -> dict[str, Any]:
        """The e-mail channel's settings values, the password read now (SecretMissing)."""
        values = self.model_dump(exclude={"password_env"})
        values["password"] = self.password()
        return values


class DeliveryConfig(_Section):
    max_attempts: int = Field(8, ge=1)
    backoff: Seconds = 30
    backoff_max: Seconds = 3600
    concurrency: int = Field(16, ge=1, le=256)
    lease: Seconds = 120
    digest_time: time = time(8, 0)
    timezone: str = "America/New_York"


class LoggingConfig(_Section):
    level: str = "INFO"
    format: str = Field("text", pattern="^(text|json)$")


class AppConfig(_Section):
    database: DatabaseConfig = DatabaseConfig()
    bea: BeaConfig = BeaConfig()
    polling: PollingConfig = PollingConfig()
    smtp: SmtpConfig = SmtpConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    logging: LoggingConfig = LoggingConfig()
    source: str | None = Field(None, exclude=True)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` (walking nested sections)."""
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return sorted((f.alias or name) for name, f in model.model_fields.items() if name != "source")


def _describe(error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc)
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(AppConfig, loc))
        return f"unknown key '{key}' (allowed: {allowed})"
    message = error["msg"].removeprefix("Value error, ")
    return f"{key}: {message}"


def parse_config(data: Any, source: str = "<config>") -> AppConfig:
    """Validate a mapping into an :class:`AppConfig` or raise one readable ConfigError."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of sections at the top level")
    try:
        config = AppConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{source}: {_describe(first)}{more}") from None
    return config.model_copy(update={"source": source})


def default_config_path() -> Path | None:
    """``./config.yaml`` if present; otherwise the built-in defaults are used."""
    here = Path.cwd() / DEFAULT_CONFIG_NAME
    return here if here.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None) -> AppConfig:
    """Load from ``path``, else ``$BEA_TRACKER_CONFIG``, else ./config.yaml, else defaults."""
    explicit = path or os.environ.get(ENV_CONFIG)
    chosen = Path(explicit) if explicit else default_config_path()
    if chosen is None:
        return parse_config({}, "<defaults>")
    if not chosen.is_file():
        raise ConfigError(f"config file not found: {chosen}")
    try:
        data = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{chosen}:{where} is not valid YAML") from None
    return parse_config(data, str(chosen))
