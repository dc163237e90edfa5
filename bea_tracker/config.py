"""Configuration: YAML loaded with ``safe_load`` and validated once into frozen models.

Errors surface as :class:`ConfigError` with one readable line naming the key (and, for an
unknown key, the allowed ones); the CLI turns it into exit code 2. Secrets are referenced
by environment-variable name and resolved only when the channel that needs them is used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any

# pydantic looks up third-party plugins through importlib.metadata on the first model
# (~50 ms of every command's start-up); bea-tracker uses none
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import yaml  # noqa: E402
from platformdirs import user_data_dir  # noqa: E402
from pydantic import (  # noqa: E402
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bea_tracker.errors import LOG_LEVELS, ConfigError, SecretMissing  # noqa: E402, F401

DEFAULT_CONFIG_NAME = "config.yaml"
ENV_CONFIG = "BEA_TRACKER_CONFIG"
ENV_PREFIX = "BEA_TRACKER_"
_DB_URL = re.compile(r"^[\w+]+(?:\+[\w]+)?://")
_NUMBER = re.compile(r"\s*\d+(?:\.\d+)?\s*")
_DURATION = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> float:
    """Seconds from a number or a string such as '5s', '1m', '2h', '1h30m', '500ms'."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 5m, 1h or 1h30m")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().lower()
    if _NUMBER.fullmatch(text):
        return float(text)
    if not _DURATION.fullmatch(text):
        raise ValueError(f"expected a duration such as 30s, 5m, 1h or 1h30m, got {value!r}")
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))


#: a duration that may be zero (a window edge) and one that must not (an interval, a timeout)
Seconds = Annotated[float, BeforeValidator(parse_duration), Field(ge=0)]
Interval = Annotated[float, BeforeValidator(parse_duration), Field(gt=0)]


def check_log_level(value: Any) -> str:
    """A logging level name (any case), upper-cased; anything else is refused by name."""
    level = str(value).strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return level


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DatabaseConfig(_Section):
    url: str | None = None
    # the PostgreSQL password by reference: the variable's value is put into ``url`` when
    # connecting, so the file (and anything that prints the URL) never holds it
    password_env: str | None = None

    @field_validator("url")
    @classmethod
    def _a_url(cls, value: str | None) -> str | None:
        # SQLAlchemy's own URL pattern, without importing SQLAlchemy (start-up time)
        if value and not _DB_URL.match(value):
            raise ValueError("not a database URL (e.g. sqlite:///path/to/file.db or "
                             "postgresql://user@host/dbname)")
        return value

    def resolved_url(self) -> str:
        if self.url:
            return self._with_password(self.url) if self.password_env else self.url
        path = Path(user_data_dir("bea-tracker")) / "bea-tracker.db"
        return f"sqlite:///{path}"

    def _with_password(self, url: str) -> str:
        from sqlalchemy.engine import make_url

        value = os.environ.get(self.password_env or "")
        if value is None:
            raise SecretMissing(f"database.password_env: environment variable "
                                f"{self.password_env} is not set (the database password)")
        return make_url(url).set(password=value).render_as_string(hide_password=False)


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
    idle_interval: Interval = 300
    burst_before: Seconds = 60
    burst_after: Seconds = 900
    burst_interval: Interval = 5
    # BEA publishes at the scheduled second: probe the page this often for burst_dense_for
    # from then, then back off from burst_interval (daemon/bursts.py BurstTicks)
    burst_dense_interval: Interval = 1
    burst_dense_for: Seconds = 20
    timeout: Interval = 20
    schedule_refresh: Interval = 86400
    probe_predicted_urls: bool = True
    failure_threshold: int = Field(3, ge=1)
    # more new or changed feed items than this in one poll is a source problem, not alerts
    max_new_releases_per_poll: int = Field(20, ge=1)
    # a failed poll keeps its body for diagnosis: the newest this many per URL, each cut
    keep_failed_bodies: int = Field(5, ge=0)
    failed_body_max_bytes: int = Field(64 * 1024, ge=1024)
    # at most one revision alert per release this often (later changes fold into the next)
    revision_alert_interval: Seconds = 900


class SmtpConfig(_Section):
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    username: str | None = None
    password_env: str | None = "BEA_SMTP_PASSWORD"
    starttls: bool = False
    ssl: bool = False
    from_addr: str = Field("bea-tracker@localhost", alias="from")
    timeout: Interval = 20
    #: PEM CA certificates to trust for the SMTP server (a private CA); default: the system's
    ca_file: str | None = None

    @field_validator("ca_file")
    @classmethod
    def _readable_pem(cls, value: str | None) -> str | None:
        if value:
            import ssl

            path = Path(value).expanduser()
            if not path.is_file():
                raise ValueError(f"no such file: {value}")
            try:
                ssl.create_default_context(cafile=str(path))
            except (ssl.SSLError, OSError) as exc:
                raise ValueError(f"{value} is not a PEM file of CA certificates "
                                 f"({exc})") from None
            return str(path)
        return value

    @model_validator(mode="after")
    def _one_tls_mode(self) -> SmtpConfig:
        if self.ssl and self.starttls:
            raise ValueError("choose ssl (implicit TLS, port 465) or starttls (port 587), "
                             "not both")
        return self

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


DEFAULT_SEND_DEADLINE = 30.0


class DeliveryConfig(_Section):
    # a transient failure stays pending (retried, at most backoff_max apart) until the alert
    # is older than give_up_after; then it is dead, one delivery_dead event, shown in status
    give_up_after: Interval = 2 * 86400
    # optional second bound by count (older configs set 8: about an hour of retries)
    max_attempts: int | None = Field(None, ge=1)
    backoff: Interval = 30
    backoff_max: Interval = 1800
    concurrency: int = Field(16, ge=1, le=256)
    lease: Interval = 120
    # one whole send (connect, upload, reply); shorter than the lease, so a send still in
    # flight is never taken for a dead one and sent again (default: 30 s or half the lease)
    send_deadline: Interval | None = None
    # subscription targets on loopback, private, link-local or reserved addresses are
    # refused unless this is true (your own receivers, local tests, the demo)
    allow_private_targets: bool = False
    digest_time: time = time(8, 0)
    timezone: str = "America/New_York"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as "
                             "America/New_York or UTC)") from None
        return value

    @property
    def send_deadline_seconds(self) -> float:
        return self.send_deadline or min(DEFAULT_SEND_DEADLINE, self.lease / 2)

    @model_validator(mode="after")
    def _deadline_inside_lease(self) -> DeliveryConfig:
        if self.send_deadline is not None and self.send_deadline >= self.lease:
            raise ValueError(f"send_deadline ({self.send_deadline:g} s) must be shorter than "
                             f"lease ({self.lease:g} s), or a slow send is sent twice")
        return self


class LoggingConfig(_Section):
    level: Annotated[str, BeforeValidator(check_log_level)] = "INFO"
    format: str = Field("text", pattern="^(text|json)$")


class HttpConfig(_Section):
    """The daemon's local listener (/healthz, /metrics, the dashboard, feed, calendar and
    JSON API); off unless ``listen`` is set."""

    listen: str | None = None

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value:
            host, sep, port = value.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
                raise ValueError(f"expected HOST:PORT such as 127.0.0.1:8089, got {value!r}")
        return value

    def address(self) -> tuple[str, int]:
        host, _, port = (self.listen or "").rpartition(":")
        return host.strip("[]"), int(port)


class AppConfig(_Section):
    database: DatabaseConfig = DatabaseConfig()
    bea: BeaConfig = BeaConfig()
    polling: PollingConfig = PollingConfig()
    smtp: SmtpConfig = SmtpConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    logging: LoggingConfig = LoggingConfig()
    http: HttpConfig = HttpConfig()
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


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    key = ".".join(str(p) for p in loc)
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(AppConfig, loc))
        return f"unknown key '{key}' (allowed: {allowed})"
    bounds = {"greater_than": "more than", "greater_than_equal": "at least",
              "less_than_equal": "at most"}
    if error["type"] in bounds:
        limit = next(iter(error.get("ctx", {}).values()), "")
        return f"{key}: must be {bounds[error['type']]} {limit}, got {error.get('input')!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{key}: {message}"


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """``BEA_TRACKER_<SECTION>_<KEY>`` variables as config sections (lists comma-separated).

    A variable that names a section but no key of it is refused, so a typo cannot pass
    unnoticed; ``BEA_TRACKER_CONFIG`` and variables naming no section are left alone.
    """
    environ = os.environ if environ is None else environ
    sections = {name.upper(): (name, f.annotation) for name, f in AppConfig.model_fields.items()
                if name != "source"}
    found: dict[str, dict[str, Any]] = {}
    for var, raw in sorted(environ.items()):
        if not var.startswith(ENV_PREFIX) or var == ENV_CONFIG:
            continue
        rest = var[len(ENV_PREFIX):]
        section = next((s for s in sections if rest.startswith(s + "_")), None)
        if section is None:
            continue
        name, model = sections[section]
        assert isinstance(model, type) and issubclass(model, BaseModel)
        keys = {(f.alias or k).upper(): (f.alias or k, f.annotation)
                for k, f in model.model_fields.items()}
        key = rest[len(section) + 1:]
        if key not in keys:
            allowed = ", ".join(sorted(f"{ENV_PREFIX}{section}_{k}" for k in keys))
            raise ConfigError(f"unknown environment variable {var} (allowed: {allowed})")
        field_name, annotation = keys[key]
        is_list = "tuple" in str(annotation)
        value: Any = [v.strip() for v in raw.split(",") if v.strip()] if is_list else raw
        found.setdefault(name, {})[field_name] = value
    return found


def _overlay(data: dict[str, Any], overrides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    merged = dict(data)
    for section, values in overrides.items():
        current = merged.get(section)
        merged[section] = {**(current if isinstance(current, dict) else {}), **values}
    return merged


def parse_config(data: Any, source: str = "<config>",
                 environ: Mapping[str, str] | None = None) -> AppConfig:
    """Validate a mapping (with the environment's overrides on top) into an
    :class:`AppConfig`, or raise one readable ConfigError."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of sections at the top level")
    overrides = env_overrides(environ)
    # a section whose keys are all commented out reads as null: the defaults
    data = {key: {} if value is None else value for key, value in data.items()}
    try:
        config = AppConfig.model_validate(_overlay(data, overrides))
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        loc = [str(p) for p in first["loc"]]
        origin = source
        if len(loc) >= 2 and loc[1] in overrides.get(loc[0], {}):
            origin = f"{ENV_PREFIX}{loc[0]}_{loc[1]}".upper()
        raise ConfigError(f"{origin}: {_describe(first)}{more}") from None
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
