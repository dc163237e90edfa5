"""Checks and masking the channel kinds share (each kind picks the ones it needs).

Slack and webhook URLs carry their credential in the path, so anything shown to a person or
written to a log goes through ``mask_url`` first. Which check applies to which kind is the
channel class's business (``notifier/channels/``), never decided here.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from notifier.errors import InvalidTarget

logger = logging.getLogger(__name__)

ELLIPSIS = "\u2026"

# A pragmatic address check: one @, a local part without spaces, quotes or brackets, and
# a dotted ASCII domain (or IDNA-encoded) with sane labels. Not RFC 5322, on purpose.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_RE = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})+$")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")


def mask_url(url: str) -> str:
    """Keep only scheme and host (and port) of a secret URL: ``https://hooks.slack.com/…``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return ELLIPSIS
    if not parts.scheme or not host:
        return ELLIPSIS
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme}://{netloc}/{ELLIPSIS}"


def non_empty(kind: str, target: object) -> str:
    """The target stripped, or InvalidTarget if there is nothing to send to."""
    if not isinstance(target, str) or not target.strip():
        raise InvalidTarget(f"{kind} target is empty")
    return target.strip()


def validate_email(address: str) -> str:
    """A bare address (no display name, no header injection), or InvalidTarget saying why."""
    if len(address) > 254:
        raise InvalidTarget("e-mail address is longer than 254 characters")
    if _CONTROL_RE.search(address) or "<" in address or ">" in address:
        raise InvalidTarget(
            f"not a bare e-mail address: {address!r} (give just name@example.org, "
            "without a display name, spaces or angle brackets)"
        )
    if not _EMAIL_RE.match(address):
        raise InvalidTarget(f"not a valid e-mail address: {address!r} (expected name@example.org)")
    local, _, _domain = address.rpartition("@")
    if len(local) > 64:
        raise InvalidTarget("the part of the e-mail address before @ is longer than 64 characters")
    return address


def validate_http_url(kind: str, url: str) -> str:
    """An http(s) URL with a host; errors show the URL masked (its path is the secret)."""
    shown = mask_url(url)
    if _CONTROL_RE.search(url):
        raise InvalidTarget(f"{kind} URL contains spaces or control characters: {shown}")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise InvalidTarget(f"{kind} URL is malformed ({exc}): {shown}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidTarget(
            f"{kind} URL must start with https:// or http://, got scheme {parts.scheme!r}"
        )
    if not host:
        raise InvalidTarget(f"{kind} URL has no host: {shown}")
    return url
