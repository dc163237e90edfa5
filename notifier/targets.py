"""Where a subscription may send: never inside the network the tracker runs in.

A webhook aimed at ``http://169.254.169.254/...``, ``http://127.0.0.1:PORT``,
``http://[::1]`` or ``http://0x7f000001`` would make the tracker a proxy into the machine
(cloud metadata, admin ports). A target host is resolved and refused if any address is
loopback, private, link-local, reserved, multicast or otherwise not globally routable;
checked at ``subscribe add``, again before every send (DNS may change in between), and
for each new connection a webhook or Slack send makes, which goes to the very address
checked (notifier/channels/netbackend.py: no second lookup for a rebinding name to flip).
``delivery.allow_private_targets: true`` allows them, for your own receivers and tests.
A name that does not resolve when the subscription is added is accepted then and checked
at send time.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from notifier.errors import InvalidTarget

logger = logging.getLogger(__name__)

ALLOW_HINT = "set delivery.allow_private_targets: true to allow your own receivers"


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def resolve_addresses(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (numeric forms such as 0x7f000001 included, as the
    resolver reads them); OSError if it does not resolve. The one resolver of the policy:
    the check before a send and the connection itself (notifier/channels/connections.py)
    both use it, so the connection goes to an address that was checked."""
    found = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        found.append(mapped or ip)
    return found


def is_internal(ip: Address) -> bool:
    """Loopback, private, link-local, reserved, multicast: anything not globally routable."""
    return not ip.is_global or ip.is_multicast


def internal_address(url: str) -> str | None:
    """The first non-public address the URL's host resolves to, or None.

    Raises OSError when the host does not resolve.
    """
    parts = urlsplit(url)
    return internal_host_address(parts.hostname or "",
                                 parts.port or (443 if parts.scheme == "https" else 80))


def internal_host_address(host: str, port: int) -> str | None:
    """The first non-public address ``host`` resolves to, or None (OSError: no address)."""
    for ip in resolve_addresses(host, port):
        if is_internal(ip):
            return str(ip)
    return None


def check_public(kind: str, url: str, allow_private: bool, *, at_send: bool) -> None:
    """InvalidTarget if ``url`` points inside (unless allowed). When the host does not
    resolve: accepted when adding, InvalidTarget-free at send (the send itself fails)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return  # not a URL with a port: its validation refuses it, not this policy
    check_public_host(kind, host, port, allow_private, at_send=at_send)


def check_public_host(kind: str, host: str, port: int, allow_private: bool, *,
                      at_send: bool) -> None:
    """:func:`check_public` for a host and port (kinds whose targets are not http URLs,
    such as Apprise's ``json://host:port/...``)."""
    if allow_private:
        return
    try:
        inside = internal_host_address(host, port)
    except (OSError, UnicodeError, ValueError):
        if at_send:
            return  # the connection attempt reports the failure, as a transient one
        logger.info("%s target host does not resolve now; it is checked again when sending",
                    kind)
        return
    if inside is not None:
        raise InvalidTarget(f"{kind} target resolves to {inside}, a loopback, private, "
                            f"link-local or reserved address; refused ({ALLOW_HINT})")
